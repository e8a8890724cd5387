"""Reads of the metrology app: who sees which instruments, list filters and the dashboard aggregates.
Everything goes through the scoped managers, so only the active tenant's rows are ever read."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from tcvn_portal.tenancy.models import Membership, Organization

from .models import Campaign, ImportJob, Instrument, InstrumentType, Market, Verification, VerificationRequest

DUE_WINDOW_DAYS = 30


def sees_all(membership: Membership | None) -> bool:
    return membership is not None and membership.has_perm("metrology.view")


def instruments_visible_to(membership: Membership | None) -> QuerySet[Instrument]:
    """Staff see the whole register; a business sees only its own organisation's instruments."""
    queryset = Instrument.objects.filter(archived_at__isnull=True)
    if not sees_all(membership):
        queryset = queryset.filter(owner_id=getattr(membership, "organization_id", None) or -1)
    return queryset


def verifications_visible_to(membership: Membership | None) -> QuerySet[Verification]:
    queryset = Verification.objects.all()
    if not sees_all(membership):
        queryset = queryset.filter(instrument__owner_id=getattr(membership, "organization_id", None) or -1)
    return queryset


def requests_visible_to(membership: Membership | None) -> QuerySet[VerificationRequest]:
    queryset = VerificationRequest.objects.all()
    if not sees_all(membership):
        queryset = queryset.filter(instrument__owner_id=getattr(membership, "organization_id", None) or -1)
    return queryset


def owner_choices_for(membership: Membership | None) -> QuerySet[Organization]:
    """Organisations an instrument may belong to: a business user only its own."""
    queryset = Organization.objects.filter(archived_at__isnull=True)
    if not sees_all(membership):
        queryset = queryset.filter(pk=getattr(membership, "organization_id", None) or -1)
    return queryset


def active_types() -> QuerySet[InstrumentType]:
    return InstrumentType.objects.filter(archived_at__isnull=True)


def active_markets() -> QuerySet[Market]:
    return Market.objects.filter(archived_at__isnull=True)


def _in_use(queryset: QuerySet[Instrument]) -> QuerySet[Instrument]:
    return queryset.filter(status=Instrument.Status.IN_USE, archived_at__isnull=True)


def due_q(today: date) -> Q:
    return Q(valid_until__gte=today, valid_until__lte=today + timedelta(days=DUE_WINDOW_DAYS))


def overdue_q(today: date) -> Q:
    return Q(valid_until__lt=today)


FAILED_Q = Q(last_result=Instrument.Result.FAILED)


def filter_instruments(
    queryset: QuerySet[Instrument],
    *,
    q: str = "",
    instrument_type: InstrumentType | None = None,
    status: str = "",
    state: str = "",
    commune=None,
    owner: Organization | None = None,
    market: Market | None = None,
    today: date | None = None,
) -> QuerySet[Instrument]:
    """The register filtered as the list page, the export and the API ask; `state` is due, overdue or
    failed. Joins nothing: each caller joins what it shows."""
    today = today or timezone.localdate()
    if instrument_type is not None:
        queryset = queryset.filter(instrument_type=instrument_type)
    if status:
        queryset = queryset.filter(status=status)
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if market is not None:
        queryset = queryset.filter(market=market)
    if state == "due":
        queryset = _in_use(queryset).filter(due_q(today))
    elif state == "overdue":
        queryset = _in_use(queryset).filter(overdue_q(today))
    elif state == "failed":
        queryset = _in_use(queryset).filter(FAILED_Q)
    if q:
        queryset = queryset.search(q)
    return queryset


def dashboard_counts(queryset: QuerySet[Instrument], *, today: date | None = None) -> dict[str, int]:
    """Due within 30 days, overdue and failed, in one aggregate query."""
    today = today or timezone.localdate()
    return _in_use(queryset).aggregate(
        due=Count("pk", filter=due_q(today)),
        overdue=Count("pk", filter=overdue_q(today)),
        failed=Count("pk", filter=FAILED_Q),
        total=Count("pk"),
    )


def dashboard_breakdown(queryset: QuerySet[Instrument], *, by: str, today: date | None = None) -> list[dict]:
    """The same three counts per instrument type (`by="type"`) or per commune (`by="commune"`)."""
    today = today or timezone.localdate()
    field = {"type": "instrument_type__name", "commune": "commune__name"}[by]
    rows = (
        _in_use(queryset)
        .values(label=F(field))
        .annotate(
            due=Count("pk", filter=due_q(today)),
            overdue=Count("pk", filter=overdue_q(today)),
            failed=Count("pk", filter=FAILED_Q),
            total=Count("pk"),
        )
        .order_by("label")
    )
    return list(rows)


def open_follow_ups(membership: Membership | None) -> QuerySet[Verification]:
    return verifications_visible_to(membership).filter(
        result=Verification.Result.FAILED, follow_up_closed_at__isnull=True, archived_at__isnull=True
    )


def standing_verifications() -> QuerySet[Verification]:
    """Passing, not annulled, with an expiry, on an instrument still in the register, and not superseded
    by a later verification: the ones whose expiry matters for reminders."""
    later = Verification.objects.filter(
        instrument_id=OuterRef("instrument_id"),
        archived_at__isnull=True,
        verified_on__gt=OuterRef("verified_on"),
    )
    return (
        Verification.objects.filter(
            result=Verification.Result.PASSED,
            archived_at__isnull=True,
            valid_until__isnull=False,
            instrument__archived_at__isnull=True,
        )
        .exclude(instrument__status=Instrument.Status.RETIRED)
        .exclude(Exists(later))
    )


def campaign_results(campaign: Campaign) -> QuerySet[Verification]:
    return campaign.verifications.filter(archived_at__isnull=True).select_related(
        "instrument__market", "instrument__instrument_type"
    )


def recent_imports() -> QuerySet[ImportJob]:
    return ImportJob.objects.defer("content").select_related("created_by")[:20]
