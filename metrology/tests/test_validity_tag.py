"""The instrument's validity tag, drawn in Python for every row of the instrument list."""

from datetime import date, timedelta

import pytest
from django.template import engines
from django.utils import translation

from metrology.models import Instrument

TODAY = date(2026, 6, 15)
TEMPLATE = engines["django"].from_string("{% load metrology_tags %}{% validity instrument %}")


def _tag(**fields) -> str:
    instrument = Instrument(
        **{"status": Instrument.Status.IN_USE, "last_result": Instrument.Result.PASSED, **fields}
    )
    with translation.override("vi"):
        return TEMPLATE.render({"instrument": instrument, "today": TODAY, "soon": TODAY + timedelta(days=30)})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"status": Instrument.Status.RETIRED, "valid_until": TODAY},
            '<span class="tag">Đã thanh lý</span>',
        ),
        ({"last_result": Instrument.Result.FAILED, "valid_until": TODAY}, "tag tag--bad"),
        ({"valid_until": None}, '<span class="tag">'),
        ({"valid_until": TODAY - timedelta(days=1)}, "tag tag--bad"),
        ({"valid_until": TODAY + timedelta(days=30)}, "tag tag--warn"),
        ({"valid_until": TODAY + timedelta(days=31)}, "tag tag--ok"),
    ],
)
def test_each_state_gets_its_own_tag(fields, expected):
    assert expected in _tag(**fields)


def test_labels_are_translated_and_distinct():
    labels = {
        _tag(valid_until=None),
        _tag(valid_until=TODAY - timedelta(days=1)),
        _tag(valid_until=TODAY + timedelta(days=1)),
        _tag(valid_until=TODAY + timedelta(days=90)),
        _tag(last_result=Instrument.Result.FAILED, valid_until=TODAY),
    }
    assert len(labels) == 5
    assert "Quá hạn" in _tag(valid_until=TODAY - timedelta(days=1))
