"""Inspections of the year: by type and result, violations and fines, samples and their conformity."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from inspections.models import Inspection, InspectionType, Sample, Violation

from .base import Spans, breakdown, metric, rows_by_choice


def figures(*, year: int, commune=None, period: str | None = None) -> dict:
    spans = Spans(year, period)
    # Drafts are work in progress, not inspections carried out; archived records were made in error.
    inspections = Inspection.objects.filter(spans.both("visited_on"), archived_at__isnull=True).exclude(
        status=Inspection.Status.DRAFT
    )
    if commune is not None:
        inspections = inspections.filter(commune=commune)

    grouped = list(
        inspections.order_by().values("inspection_type", "result").annotate(**spans.counts("visited_on"))
    )
    by_type: dict[str, tuple[int, int]] = {}
    by_result: dict[str, tuple[int, int]] = {}
    for row in grouped:  # at most types × results rows, already aggregated
        for table, key in ((by_type, row["inspection_type"]), (by_result, row["result"])):
            value, previous = table.get(key, (0, 0))
            table[key] = (value + row["value"], previous + row["previous"])
    total = sum(v for v, _p in by_type.values()), sum(p for _v, p in by_type.values())

    of_inspections = Q(inspection__in=inspections.values("pk"))
    violations = Violation.objects.filter(of_inspections, archived_at__isnull=True).aggregate(
        **spans.counts("inspection__visited_on"),
        **spans.sums("inspection__visited_on", "fine_amount", prefix="fines"),
        **spans.sums(
            "inspection__visited_on", "fine_amount", prefix="paid", extra=Q(payment=Violation.Payment.PAID)
        ),
    )
    samples = Sample.objects.filter(of_inspections, archived_at__isnull=True).aggregate(
        **spans.counts("inspection__visited_on"),
        **{
            f"conforming_{k}": v
            for k, v in spans.counts(
                "inspection__visited_on", extra=Q(conformity=Sample.Conformity.CONFORMING)
            ).items()
        },
        **{
            f"nonconforming_{k}": v
            for k, v in spans.counts(
                "inspection__visited_on", extra=Q(conformity=Sample.Conformity.NONCONFORMING)
            ).items()
        },
    )
    violation_found = by_result.get(Inspection.Result.VIOLATION, (0, 0))
    return {
        "key": "inspections",
        "title": _("Inspections of standards, metrology and quality"),
        "metrics": [
            metric("inspections", _("Inspections carried out"), *total),
            metric("inspections_with_violation", _("Inspections that found a violation"), *violation_found),
            metric("violations", _("Violations recorded"), violations["value"], violations["previous"]),
            metric(
                "fines",
                _("Fines imposed (VND)"),
                violations["fines_value"],
                violations["fines_previous"],
                unit="VND",
            ),
            metric(
                "fines_paid",
                _("Fines paid (VND)"),
                violations["paid_value"],
                violations["paid_previous"],
                unit="VND",
            ),
            metric("samples", _("Samples taken for testing"), samples["value"], samples["previous"]),
            metric(
                "samples_conforming",
                _("Samples conforming"),
                samples["conforming_value"],
                samples["conforming_previous"],
            ),
            metric(
                "samples_nonconforming",
                _("Samples not conforming"),
                samples["nonconforming_value"],
                samples["nonconforming_previous"],
            ),
        ],
        "breakdowns": [
            breakdown("by_type", _("Inspections by type"), rows_by_choice(InspectionType.choices, by_type)),
            breakdown(
                "by_result", _("Inspections by result"), rows_by_choice(Inspection.Result.choices, by_result)
            ),
        ],
    }
