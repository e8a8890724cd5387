"""Reads of the award part: who sees which application, the ranking, the feedback and the trend."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, When

from tcvn_portal.tenancy.models import Membership

from .models import (
    ApplicantType,
    AwardApplication,
    AwardRound,
    BandGuidance,
    ConsensusMeeting,
    ConsensusScore,
    CouncilAssignment,
    CriteriaItem,
    CriteriaSet,
    ItemScore,
    ScoringStage,
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


def _submitted_scores(stage: str) -> Q:
    field = "site_visit_submitted_at" if stage == ScoringStage.SITE_VISIT else "submitted_at"
    return Q(stage=stage, **{f"assignment__{field}__isnull": False})


def visible_scores(application: AwardApplication, membership: Membership) -> QuerySet[ItemScore]:
    """Scores a member may read, stage by stage: their own always; the other members' of a stage only
    after submitting their own of that stage. The secretariat reads every submitted score."""
    scores = ItemScore.objects.filter(assignment__application=application).select_related(
        "assignment__member", "item"
    )
    if membership.has_perm("award.manage"):
        return scores.filter(
            _submitted_scores(ScoringStage.DOSSIER) | _submitted_scores(ScoringStage.SITE_VISIT)
        )
    own = assignment_of(application, membership.user)
    if own is None:
        return ItemScore.objects.none()
    visible = Q(assignment=own)
    for stage in ScoringStage.values:
        if own.submitted_in(stage) is not None:
            visible |= _submitted_scores(stage)
    return scores.filter(visible)


def guidance_for(criteria_set_id: int) -> dict[str, list[BandGuidance]]:
    """The criteria set's band guidance, one table per kind of item (process, results)."""
    tables: dict[str, list[BandGuidance]] = {kind: [] for kind in CriteriaItem.Kind.values}
    for row in BandGuidance.objects.filter(criteria_set_id=criteria_set_id).order_by("kind", "low"):
        tables[row.kind].append(row)
    return tables


def consensus_meeting(application: AwardApplication) -> ConsensusMeeting | None:
    """The consensus meeting on the stage in force, if it was held."""
    return ConsensusMeeting.objects.filter(application=application, stage=application.scoring_stage).first()


@dataclass(frozen=True)
class ConsensusRow:
    item: CriteriaItem
    members: list[ItemScore]
    mean: Decimal
    agreed: ConsensusScore | None


def consensus_rows(application: AwardApplication) -> list[ConsensusRow]:
    """Per item of the stage in force: each submitted member's band, their mean points and the agreed
    band if the meeting recorded one — what the secretary has before them at the meeting."""
    stage = application.scoring_stage
    scores = (
        ItemScore.objects.filter(_submitted_scores(stage), assignment__application=application)
        .filter(assignment__has_conflict=False)
        .select_related("assignment__member")
        .order_by("assignment_id")
    )
    by_item: dict[int, list[ItemScore]] = {}
    for score in scores:
        by_item.setdefault(score.item_id, []).append(score)
    meeting = consensus_meeting(application)
    agreed = {c.item_id: c for c in meeting.scores.all()} if meeting else {}
    rows = []
    for item in items_of_set(application.round.criteria_set_id):
        members = by_item.get(item.pk, [])
        for score in members:
            score.item = item  # saves a query per score for its points
        points = [s.points for s in members]
        mean = (sum(points, Decimal(0)) / len(points)).quantize(Decimal("0.1")) if points else Decimal(0)
        rows.append(ConsensusRow(item=item, members=members, mean=mean, agreed=agreed.get(item.pk)))
    return rows


@dataclass(frozen=True)
class RankingRow:
    application: AwardApplication
    lowest: Decimal | None
    highest: Decimal | None
    members: int
    disagreement: bool
    level: str  # "gold", "award" or ""
    consensus: bool


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
    """Scored applications by type, best first by their consolidated score (which takes the consensus
    where the meeting agreed one), with the spread of the members' totals in the stage in force (one
    query)."""
    site_visit = Q(scoring_stage=ScoringStage.SITE_VISIT)
    stage_total = Case(
        When(site_visit, then=F("assignments__site_visit_total")), default=F("assignments__total")
    )
    submitted = site_visit & Q(assignments__site_visit_submitted_at__isnull=False) | ~site_visit & Q(
        assignments__submitted_at__isnull=False
    )
    rows = (
        award_round.applications.filter(consolidated_score__isnull=False)
        .select_related("business", "round")
        .annotate(
            lowest=Min(stage_total, filter=submitted),
            highest=Max(stage_total, filter=submitted),
            members=Count("assignments", filter=submitted),
            consensus=Exists(
                ConsensusScore.objects.filter(
                    meeting__application=OuterRef("pk"),
                    meeting__stage=OuterRef("scoring_stage"),
                    percent__isnull=False,
                )
            ),
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
                consensus=application.consensus,
            )
        )
    return table


def feedback_items(application: AwardApplication) -> list[dict]:
    """Per item, the strengths and opportunities all members wrote in the stage in force (submitted
    scores only), and the item's points: the agreed band's where the consensus meeting set one."""
    scores = (
        ItemScore.objects.filter(
            _submitted_scores(application.scoring_stage), assignment__application=application
        )
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
    agreed = {
        c.item_id: c.points
        for c in ConsensusScore.objects.filter(
            meeting__application=application, meeting__stage=application.scoring_stage, percent__isnull=False
        ).select_related("item")
    }
    for item_id, entry in items.items():
        if item_id in agreed:
            entry["mean"] = agreed[item_id]
        else:
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
