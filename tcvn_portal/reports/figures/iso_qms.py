"""ISO 9001 in state agencies and the National Quality Award: agencies by QMS status, the yearly check,
award applications and their outcome."""

from __future__ import annotations

from django.db.models import CharField, Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from iso_qms.award.models import AwardApplication
from iso_qms.qms.models import AgencyProfile, QmsStatus, QmsStatusChange, YearlyCheck

from .base import Spans, breakdown, metric, rows_by_choice

ANNOUNCED = (QmsStatus.ANNOUNCED, QmsStatus.MAINTAINED)
FORWARDED = AwardApplication.Status.FORWARDED


def figures(*, year: int, commune=None, period: str | None = None) -> dict:
    spans = Spans(year, period)
    agencies = AgencyProfile.objects.filter(archived_at__isnull=True)
    checks = YearlyCheck.objects.all()
    applications = AwardApplication.objects.exclude(status=AwardApplication.Status.DRAFT)
    if commune is not None:
        agencies = agencies.filter(organization__commune=commune)
        checks = checks.filter(agency__organization__commune=commune)
        applications = applications.filter(business__commune=commune)

    # Status now, and status at the end of the previous span read from the agency's recorded history.
    status_then = Subquery(
        QmsStatusChange.objects.filter(agency=OuterRef("pk"), changed_on__lte=spans.previous[1])
        .order_by("-changed_on", "-pk")
        .values("status")[:1]
    )
    now = {row["status"]: row["n"] for row in agencies.order_by().values("status").annotate(n=Count("pk"))}
    then = {
        row["then"]: row["n"]
        for row in agencies.order_by()
        .annotate(then=Coalesce(status_then, Value(QmsStatus.NOT_STARTED), output_field=CharField()))
        .values("then")
        .annotate(n=Count("pk"))
    }
    by_status = {key: (now.get(key, 0), then.get(key, 0)) for key in QmsStatus.values}

    # Yearly checks and award rounds belong to a year, not to a date inside it.
    check_counts = {
        row["result"]: (row["value"], row["previous"])
        for row in checks.order_by()
        .values("result")
        .annotate(value=Count("pk", filter=Q(year=year)), previous=Count("pk", filter=Q(year=year - 1)))
    }
    award_counts = {
        row["status"]: (row["value"], row["previous"])
        for row in applications.order_by()
        .values("status")
        .annotate(
            value=Count("pk", filter=Q(round__year=year)),
            previous=Count("pk", filter=Q(round__year=year - 1)),
        )
    }
    award_statuses = [c for c in AwardApplication.Status.choices if c[0] != AwardApplication.Status.DRAFT]

    def total(counts: dict, keys=None) -> tuple[int, int]:
        chosen = [v for k, v in counts.items() if keys is None or k in keys]
        return sum(v for v, _p in chosen), sum(p for _v, p in chosen)

    return {
        "key": "iso_qms",
        "title": _("ISO 9001 in state agencies and the National Quality Award"),
        "metrics": [
            metric("agencies", _("State agencies followed"), *total(by_status)),
            metric(
                "agencies_announced", _("Agencies that announced their QMS"), *total(by_status, ANNOUNCED)
            ),
            metric("agencies_checked", _("Agencies checked in the year"), *total(check_counts)),
            metric(
                "agencies_compliant",
                _("Agencies found compliant"),
                *check_counts.get(YearlyCheck.Result.COMPLIANT, (0, 0)),
            ),
            metric("award_applications", _("Quality award applications"), *total(award_counts)),
            metric(
                "award_forwarded",
                _("Applications forwarded to the national council"),
                *award_counts.get(FORWARDED, (0, 0)),
            ),
        ],
        "breakdowns": [
            breakdown(
                "qms_status", _("Agencies by QMS status"), rows_by_choice(QmsStatus.choices, by_status)
            ),
            breakdown(
                "yearly_check",
                _("Yearly check of agencies by result"),
                rows_by_choice(YearlyCheck.Result.choices, check_counts),
            ),
            breakdown(
                "award_status",
                _("Quality award applications by outcome"),
                rows_by_choice(award_statuses, award_counts),
                chart=False,
            ),
        ],
    }
