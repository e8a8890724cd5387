"""Reads of the inspections domain: every queryset starts from a scoped manager (the active tenant only)
and carries the joins its page needs, so a list costs the same few queries at any length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet

from tcvn_portal.core.queries import CountOf

from . import calculators
from .models import (
    ChecklistItem,
    DecisionEstablishment,
    FollowUp,
    Inspection,
    InspectionDecision,
    InspectionPlan,
    LegalBasis,
    SamplingPlan,
    TeamMember,
    ToleranceBand,
    Violation,
)


def _in_force(queryset: QuerySet, day: date) -> QuerySet:
    return queryset.filter(Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def tolerance_bands_on(day: date) -> list[calculators.ToleranceBand]:
    return [row.as_band() for row in _in_force(ToleranceBand.objects.all(), day)]


def sampling_plans_on(day: date) -> list[calculators.SamplingPlan]:
    return [row.as_plan() for row in _in_force(SamplingPlan.objects.all(), day)]


def legal_bases_on(day: date) -> QuerySet[LegalBasis]:
    return _in_force(LegalBasis.objects.all(), day)


def checklist_for(inspection_type: str) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(inspection_type=inspection_type, is_active=True)


def plans() -> QuerySet[InspectionPlan]:
    return (
        InspectionPlan.objects.filter(archived_at__isnull=True)
        .select_related("approved_by")
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-year", "-pk")
    )


def decisions() -> QuerySet[InspectionDecision]:
    return (
        InspectionDecision.objects.filter(archived_at__isnull=True)
        .select_related("plan", "team_lead")
        .annotate(
            establishment_count=CountOf(DecisionEstablishment.objects.filter(decision=OuterRef("pk"))),
            inspection_count=CountOf(Inspection.objects.filter(decision=OuterRef("pk"))),
        )
        .order_by("-issued_on", "-pk")
    )


def decisions_for_user(user) -> QuerySet[InspectionDecision]:
    """Decisions whose team includes the user (as lead or member).

    Their keys are found first, from the user's own rows (one small query, run now): asked in one statement,
    "lead or member" read every decision of the province, and planning it with its counts cost more than
    running it, for the many officials on no team at all, who now cost no second query."""
    led = InspectionDecision.objects.filter(team_lead=user).values_list("pk", flat=True)
    member_of = TeamMember.objects.filter(user=user).values_list("decision_id", flat=True)
    return decisions().filter(pk__in=list(led.union(member_of)))


def is_on_team(user, decision: InspectionDecision) -> bool:
    return decision.team_lead_id == user.pk or decision.team.filter(user=user).exists()


def may_change_inspection(membership, user, inspection: Inspection) -> bool:
    """The inspector, the decision's team and managers change an inspection's records; others only read."""
    from tcvn_portal.tenancy.roles import Role

    if membership is None or not membership.has_perm("inspection.change"):
        return False
    if membership.role == Role.MANAGER or inspection.inspector_id == user.pk:
        return True
    return is_on_team(user, inspection.decision)


@dataclass(frozen=True)
class InspectionFilters:
    date_from: date | None = None
    date_to: date | None = None
    inspection_type: str = ""
    result: str = ""
    status: str = ""
    inspector_id: int | None = None
    commune_id: int | None = None
    decision_id: int | None = None
    q: str = ""


def inspections(
    filters: InspectionFilters | None = None, *, count_violations: bool = True
) -> QuerySet[Inspection]:
    """Inspections of the active tenant, filtered; joins what list pages and exports show, and counts each
    one's open violations unless `count_violations` is False."""
    f = filters or InspectionFilters()
    # The order is the index inspection_list_idx walked backwards: a page reads 25 rows, not the tenant's.
    queryset = (
        Inspection.objects.filter(archived_at__isnull=True)
        .select_related("establishment", "decision", "inspector", "commune")
        .order_by("-visited_on", "-pk")
    )
    if f.date_from:
        queryset = queryset.filter(visited_on__gte=f.date_from)
    if f.date_to:
        queryset = queryset.filter(visited_on__lte=f.date_to)
    if f.inspection_type:
        queryset = queryset.filter(inspection_type=f.inspection_type)
    if f.result:
        queryset = queryset.filter(result=f.result)
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.inspector_id:
        queryset = queryset.filter(inspector_id=f.inspector_id)
    if f.commune_id:
        queryset = queryset.filter(commune_id=f.commune_id)
    if f.decision_id:
        queryset = queryset.filter(decision_id=f.decision_id)
    if f.q:
        queryset = queryset.search(f.q)
    if not count_violations:
        return queryset
    open_violations = Violation.objects.filter(inspection=OuterRef("pk"), archived_at__isnull=True)
    return queryset.annotate(violation_count=CountOf(open_violations))


def inspections_of_establishment(organization_id: int) -> QuerySet[Inspection]:
    """The whole history of one establishment, newest first."""
    return (
        inspections(None).filter(establishment_id=organization_id).prefetch_related("violations__legal_basis")
    )


def inspection_detail(pk: int) -> Inspection:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Inspection.objects.select_related(
            "establishment",
            "establishment__commune",
            "decision",
            "decision__team_lead",
            "inspector",
            "approved_by",
            "commune",
        ),
        pk=pk,
    )


def open_followups() -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(status=FollowUp.Status.OPEN, archived_at__isnull=True)


def dashboard_counts() -> dict[str, int]:
    """Counts for the dashboard, one aggregate query."""
    return Inspection.objects.filter(archived_at__isnull=True).aggregate(
        drafts=Count("pk", filter=Q(status=Inspection.Status.DRAFT)),
        submitted=Count("pk", filter=Q(status=Inspection.Status.SUBMITTED)),
    )
