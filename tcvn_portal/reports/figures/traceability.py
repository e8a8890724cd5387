"""Traceability stamps of the year: applications, stamps issued, scans, copies flagged and recalls."""

from __future__ import annotations

from django.db.models import IntegerField
from django.utils.translation import gettext as _

from traceability.models import Batch, ScanEvent, Stamp, StampApplication, StampSeries

from .base import Spans, breakdown, metric, rows_by_choice


def figures(*, year: int, commune=None, period: str | None = None) -> dict:
    spans = Spans(year, period)
    applications = StampApplication.objects.filter(spans.both("submitted_at", datetime=True))
    series = StampSeries.objects.filter(spans.both("issued_at", datetime=True))
    scans = ScanEvent.objects.filter(spans.both("scanned_at", datetime=True))
    flagged = Stamp.objects.filter(spans.both("flagged_at", datetime=True))
    recalls = Batch.objects.filter(spans.both("recalled_at", datetime=True))
    if commune is not None:
        applications = applications.filter(applicant__commune=commune)
        series = series.filter(batch__product__owner__commune=commune)
        scans = scans.filter(stamp__series__batch__product__owner__commune=commune)
        flagged = flagged.filter(series__batch__product__owner__commune=commune)
        recalls = recalls.filter(product__owner__commune=commune)

    by_status = {
        row["status"]: (row["value"], row["previous"])
        for row in applications.order_by()
        .values("status")
        .annotate(**spans.counts("submitted_at", datetime=True))
    }
    issued = series.aggregate(
        **spans.counts("issued_at", datetime=True),
        **spans.sums("issued_at", "quantity", prefix="stamps", datetime=True, output_field=IntegerField()),
    )
    scan_counts = scans.aggregate(**spans.counts("scanned_at", datetime=True))
    flag_counts = flagged.aggregate(**spans.counts("flagged_at", datetime=True))
    recall_counts = recalls.aggregate(**spans.counts("recalled_at", datetime=True))
    statuses = [c for c in StampApplication.Status.choices if c[0] != StampApplication.Status.DRAFT]
    submitted = [by_status.get(k, (0, 0)) for k, _label in statuses]
    return {
        "key": "traceability",
        "title": _("Traceability stamps"),
        "metrics": [
            metric(
                "stamp_applications",
                _("Stamp applications submitted"),
                sum(v for v, _p in submitted),
                sum(p for _v, p in submitted),
            ),
            metric(
                "stamp_applications_approved",
                _("Stamp applications approved"),
                *by_status.get(StampApplication.Status.APPROVED, (0, 0)),
            ),
            metric("stamp_series", _("Stamp series issued"), issued["value"], issued["previous"]),
            metric("stamps_issued", _("Stamps issued"), issued["stamps_value"], issued["stamps_previous"]),
            metric("scans", _("Stamp scans by consumers"), scan_counts["value"], scan_counts["previous"]),
            metric(
                "stamps_flagged",
                _("Stamps flagged as likely copies"),
                flag_counts["value"],
                flag_counts["previous"],
            ),
            metric("recalls", _("Batches recalled"), recall_counts["value"], recall_counts["previous"]),
        ],
        "breakdowns": [
            breakdown(
                "application_status", _("Stamp applications by status"), rows_by_choice(statuses, by_status)
            ),
        ],
    }
