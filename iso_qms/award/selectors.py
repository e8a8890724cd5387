"""Reads of the award part: who sees which application, the ranking, the feedback and the trend."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet

from tcvn_portal.tenancy.models import Membership

from .models import (
    ApplicantType,
    AwardApplication,
    AwardRound,
    CouncilAssignment,
    CriteriaItem,
    CriteriaSet,
    ItemScore,
)

Status = AwardApplication.Status


def rounds() -> QuerySet[AwardRound]:
    return AwardRound.objects.filter(archived_at__isnull=True).select_related("criteria_set")


def criteria_sets() -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.filter(archived_at__isnull=True)


def items_of_set(criteria_set_id: int) -> QuerySet[CriteriaItem]:
    return CriteriaItem.objects.filter(criterion__criteria_set_id=criteria_set_id).select_related("criterion")


def applications_for(membership: Membership) -> QuerySet[AwardApplication]:
    """The secretariat sees every application; a business its own; a council member those assigned to it."""
    queryset = AwardApplication.objects.select_related("round", "business")
    if membership.has_perm("award.manage"):
        return queryset
    if membership.has_perm("award.apply") and membership.organization_id:
        return queryset.filter(business_id=membership.organization_id)
    if membership.has_perm("award.score"):
        return queryset.filter(
            pk__in=CouncilAssignment.objects.filter(member_id=membership.user_id).values("application_id"),
            status__in=[s for s in Status.values if s not in (Status.DRAFT, Status.SUBMITTED)],
        )
    return queryset.none()


def filter_applications(queryset, *, round=None, status: str = "", applicant_type: str = "", q: str = ""):
    if round is not None:
        queryset = queryset.filter(round=round)
    if status:
        queryset = queryset.filter(status=status)
    if applicant_type:
        queryset = queryset.filter(applicant_type=applicant_type)
    if q:
        from tcvn_portal.core.text import fold

        queryset = queryset.filter(business__search_text__contains=fold(q))
    return queryset


def assignment_of(application: AwardApplication, user) -> CouncilAssignment | None:
    return CouncilAssignment.objects.filter(application=application, member=user).first()


def visible_scores(application: AwardApplication, membership: Membership) -> QuerySet[ItemScore]:
    """Scores a member may read: their own always; the other members' only after submitting their own.
    The secretariat reads every submitted score."""
    submitted = ItemScore.objects.filter(
        assignment__application=application, assignment__submitted_at__isnull=False
    )
    if membership.has_perm("award.manage"):
        return submitted.select_related("assignment__member", "item")
    own = assignment_of(application, membership.user)
    if own is None:
        return ItemScore.objects.none()
    if own.submitted_at is None:
        return ItemScore.objects.filter(assignment=own).select_related("assignment__member", "item")
    return submitted.select_related("assignment__member", "item")


@dataclass(frozen=True)
class RankingRow:
    application: AwardApplication
    lowest: Decimal | None
    highest: Decimal | None
    members: int
    disagreement: bool
    level: str  # "gold", "award" or ""


def award_level(application: AwardApplication, *, best_in_type: bool) -> str:
    score = application.consolidated_score
    if score is None:
        return ""
    if score >= application.round.gold_min_points and best_in_type:
        return "gold"
    if score >= application.round.award_min_points:
        return "award"
    return ""


def ranking(award_round: AwardRound) -> dict[str, list[RankingRow]]:
    """Scored applications by type, best first, with the spread of the members' totals (one query)."""
    rows = (
        award_round.applications.filter(consolidated_score__isnull=False)
        .select_related("business", "round")
        .annotate(
            lowest=Min("assignments__total", filter=Q(assignments__submitted_at__isnull=False)),
            highest=Max("assignments__total", filter=Q(assignments__submitted_at__isnull=False)),
            members=Count("assignments", filter=Q(assignments__submitted_at__isnull=False)),
        )
        .order_by("applicant_type", "-consolidated_score", "submitted_at")
    )
    table: dict[str, list[RankingRow]] = {t: [] for t in ApplicantType.values}
    for application in rows:
        group = table[application.applicant_type]
        spread = (application.highest - application.lowest) if application.members else Decimal(0)
        group.append(
            RankingRow(
                application=application,
                lowest=application.lowest,
                highest=application.highest,
                members=application.members,
                disagreement=spread > award_round.disagreement_points,
                level=award_level(application, best_in_type=not group),
            )
        )
    return table


def feedback_items(application: AwardApplication) -> list[dict]:
    """Per item, the strengths and opportunities all members wrote (submitted scores only)."""
    scores = (
        ItemScore.objects.filter(assignment__application=application, assignment__submitted_at__isnull=False)
        .select_related("item__criterion")
        .order_by("item__criterion__number", "item__code", "assignment_id")
    )
    items: dict[int, dict] = {}
    for score in scores:
        entry = items.setdefault(
            score.item_id, {"item": score.item, "strengths": [], "opportunities": [], "points": []}
        )
        if score.strengths.strip():
            entry["strengths"].append(score.strengths.strip())
        if score.opportunities.strip():
            entry["opportunities"].append(score.opportunities.strip())
        entry["points"].append(score.points)
    for entry in items.values():
        entry["mean"] = (sum(entry["points"]) / len(entry["points"])).quantize(Decimal("0.1"))
    return list(items.values())


def trend_of(business_id: int) -> QuerySet[AwardApplication]:
    """A repeat applicant's applications across the years."""
    return (
        AwardApplication.objects.filter(business_id=business_id)
        .exclude(status=Status.DRAFT)
        .select_related("round")
        .order_by("round__year")
    )


def application_detail(queryset: QuerySet[AwardApplication]) -> QuerySet[AwardApplication]:
    return queryset.select_related("round__criteria_set", "business").prefetch_related(
        Prefetch("assignments", queryset=CouncilAssignment.objects.select_related("member"))
    )


def business_of(membership: Membership):
    """The member's own business, loaded now: the membership's cached organisation was read before the
    tenant was active, when row-level security hid it."""
    from tcvn_portal.tenancy.models import Organization

    return Organization.objects.get(pk=membership.organization_id, kind=Organization.Kind.BUSINESS)
