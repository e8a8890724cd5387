"""Spans of time and the conditional aggregates shared by the domain figure modules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERIODS = {
    "": _("Whole year"),
    "h1": _("First six months"),
    "h2": _("Last six months"),
    "q1": _("First quarter"),
    "q2": _("Second quarter"),
    "q3": _("Third quarter"),
    "q4": _("Fourth quarter"),
}
_MONTHS = {"": (1, 12), "h1": (1, 6), "h2": (7, 12), "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12)}


def span(year: int, period: str | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of `period` ("", "h1", "q3" …) of `year`."""
    first, last = _MONTHS[period or ""]
    end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) in local time, so a datetime column is compared without casting it (its index serves)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


class Spans:
    """The year asked and the same span of the previous year, as Q objects on one date or datetime field."""

    def __init__(self, year: int, period: str | None) -> None:
        self.year = year
        self.current = span(year, period)
        self.previous = span(year - 1, period)

    def q(self, field: str, *, which: str, datetime: bool = False) -> Q:
        first, last = self.current if which == "current" else self.previous
        if datetime:
            start, end = day_bounds(first, last)
            return Q(**{f"{field}__gte": start, f"{field}__lt": end})
        return Q(**{f"{field}__gte": first, f"{field}__lte": last})

    def both(self, field: str, *, datetime: bool = False) -> Q:
        return self.q(field, which="current", datetime=datetime) | self.q(
            field, which="previous", datetime=datetime
        )

    def counts(self, field: str, *, datetime: bool = False, extra: Q | None = None) -> dict:
        """Count(...) for the current and previous span, for .aggregate() or .annotate()."""
        extra = extra if extra is not None else Q()
        return {
            "value": Count("pk", filter=self.q(field, which="current", datetime=datetime) & extra),
            "previous": Count("pk", filter=self.q(field, which="previous", datetime=datetime) & extra),
        }

    def sums(
        self,
        field: str,
        amount: str,
        *,
        prefix: str,
        datetime: bool = False,
        extra: Q | None = None,
        output_field=None,
    ) -> dict:
        """Sum(amount) for both spans, 0 rather than None when nothing matches; money stays Decimal."""
        output_field = output_field or DecimalField(max_digits=20, decimal_places=0)
        extra = extra if extra is not None else Q()
        return {
            f"{prefix}_{which}": Coalesce(
                Sum(amount, filter=self.q(field, which=span_name, datetime=datetime) & extra),
                0,
                output_field=output_field,
            )
            for which, span_name in (("value", "current"), ("previous", "previous"))
        }


def metric(key: str, label, value, previous, *, unit: str = "") -> dict:
    """`previous` None means the figure has no comparison (a state of the register now, not of a year)."""
    return {"key": key, "label": str(label), "value": value or 0, "previous": previous, "unit": unit}


def rate(part, whole) -> Decimal:
    """A percentage with one decimal; 0 when there is nothing to divide."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def breakdown(key: str, title, rows: list[dict], *, chart: bool = True) -> dict:
    return {"key": key, "title": str(title), "rows": rows, "chart": chart}


def rows_by_choice(choices, grouped: dict[str, tuple[int, int]]) -> list[dict]:
    """One row per choice, in the choices' order, zeros included (an empty category is still a figure)."""
    return [
        {
            "label": str(label),
            "value": grouped.get(value, (0, 0))[0],
            "previous": grouped.get(value, (0, 0))[1],
        }
        for value, label in choices
    ]
