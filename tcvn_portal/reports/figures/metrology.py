"""Metrology of the year: instruments in the register, verifications by type and kind, pass rate, overdue
instruments, and the market reference scales verified in the free campaign."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from metrology.models import Instrument, Verification, VerificationKind

from .base import Spans, breakdown, metric, rate, rows_by_choice


def figures(*, year: int, commune=None, period: str | None = None) -> dict:
    spans = Spans(year, period)
    verifications = Verification.objects.filter(spans.both("verified_on"), archived_at__isnull=True)
    instruments = Instrument.objects.filter(archived_at__isnull=True)
    if commune is not None:
        verifications = verifications.filter(instrument__commune=commune)
        instruments = instruments.filter(commune=commune)

    grouped = list(
        verifications.order_by()
        .values("instrument__instrument_type__name", "kind", "result", "campaign_id")
        .annotate(**spans.counts("verified_on"))
    )
    by_type: dict[str, list[int]] = {}
    by_kind: dict[str, tuple[int, int]] = {}
    totals = {"all": [0, 0], "passed": [0, 0], "failed": [0, 0], "campaign": [0, 0]}
    for row in grouped:  # groups, not records: at most types × kinds × results × campaigns
        pair = (row["value"], row["previous"])
        by_type.setdefault(row["instrument__instrument_type__name"], [0, 0])
        for i in (0, 1):
            by_type[row["instrument__instrument_type__name"]][i] += pair[i]
            totals["all"][i] += pair[i]
            totals[row["result"]][i] += pair[i]
            if row["campaign_id"] is not None:
                totals["campaign"][i] += pair[i]
        kind = by_kind.get(row["kind"], (0, 0))
        by_kind[row["kind"]] = (kind[0] + pair[0], kind[1] + pair[1])

    # The register as it stood at the end of each span (or today, for a span not yet over).
    today = dt.date.today()
    current_end = min(spans.current[1], today)
    previous_end = spans.previous[1]
    in_register = ~Q(status=Instrument.Status.RETIRED)
    register = instruments.aggregate(
        value=Count("pk", filter=in_register & Q(created_at__date__lte=current_end)),
        previous=Count("pk", filter=in_register & Q(created_at__date__lte=previous_end)),
        overdue_value=Count("pk", filter=Q(status=Instrument.Status.IN_USE, valid_until__lt=current_end)),
        failed_value=Count(
            "pk", filter=Q(status=Instrument.Status.IN_USE, last_result=Instrument.Result.FAILED)
        ),
    )
    type_rows = [
        {"label": name, "value": counts[0], "previous": counts[1]} for name, counts in sorted(by_type.items())
    ]
    return {
        "key": "metrology",
        "title": _("Metrology"),
        "metrics": [
            metric(
                "instruments",
                _("Measuring instruments in the register"),
                register["value"],
                register["previous"],
            ),
            metric("verifications", _("Verifications"), *totals["all"]),
            metric("verifications_passed", _("Verifications passed"), *totals["passed"]),
            metric("verifications_failed", _("Verifications failed"), *totals["failed"]),
            metric(
                "pass_rate",
                _("Pass rate (%)"),
                rate(totals["passed"][0], totals["all"][0]),
                rate(totals["passed"][1], totals["all"][1]),
                unit="%",
            ),
            metric(
                "reference_scales",
                _("Reference scales verified free of charge at markets"),
                *totals["campaign"],
            ),
            # Overdue and failed are states of the register now, not events of a year: no comparison.
            metric(
                "instruments_overdue",
                _("Instruments in use past their verification"),
                register["overdue_value"],
                None,
            ),
            metric(
                "instruments_failed",
                _("Instruments in use whose last verification failed"),
                register["failed_value"],
                None,
            ),
        ],
        "breakdowns": [
            breakdown("by_type", _("Verifications by instrument type"), type_rows),
            breakdown(
                "by_kind", _("Verifications by kind"), rows_by_choice(VerificationKind.choices, by_kind)
            ),
        ],
    }
