"""Outreach and training of the year (tuyên truyền, phổ biến pháp luật, tập huấn), from our own register."""

from __future__ import annotations

from django.db.models import IntegerField
from django.utils.translation import gettext as _

from ..models import OutreachActivity
from .base import Spans, breakdown, metric, rows_by_choice


def figures(*, year: int, commune=None, period: str | None = None) -> dict:
    spans = Spans(year, period)
    activities = OutreachActivity.objects.filter(spans.both("date"), archived_at__isnull=True)
    if commune is not None:
        activities = activities.filter(commune=commune)
    grouped = {
        row["kind"]: row
        for row in activities.order_by()
        .values("kind")
        .annotate(
            **spans.counts("date"),
            **spans.sums("date", "attendance", prefix="people", output_field=IntegerField()),
        )
    }
    counts = {k: (r["value"], r["previous"]) for k, r in grouped.items()}
    people = {k: (r["people_value"], r["people_previous"]) for k, r in grouped.items()}
    return {
        "key": "outreach",
        "title": _("Outreach and training"),
        "metrics": [
            metric(
                "outreach_activities",
                _("Outreach and training activities"),
                sum(v for v, _p in counts.values()),
                sum(p for _v, p in counts.values()),
            ),
            metric(
                "outreach_attendance",
                _("People reached"),
                sum(v for v, _p in people.values()),
                sum(p for _v, p in people.values()),
            ),
        ],
        "breakdowns": [
            breakdown(
                "by_kind", _("Activities by kind"), rows_by_choice(OutreachActivity.Kind.choices, counts)
            ),
            breakdown(
                "attendance_by_kind",
                _("People reached by kind"),
                rows_by_choice(OutreachActivity.Kind.choices, people),
            ),
        ],
    }
