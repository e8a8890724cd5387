"""Writes of the National Quality Award part. Every service checks its rules before writing and raises a
translated ValidationError that changes nothing; status changes are recorded by the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tcvn_portal.tenancy.models import Membership, Organization
from tcvn_portal.tenancy.roles import Role

from .catalog import BAND_GUIDANCE, CRITERIA_SETS
from .models import (
    PERCENT_CHOICES,
    TOTAL_POINTS,
    ApplicantType,
    AwardApplication,
    AwardRound,
    BandGuidance,
    ConsensusMeeting,
    ConsensusScore,
    CouncilAssignment,
    CriteriaItem,
    CriteriaSet,
    Criterion,
    ItemScore,
    ScoringStage,
    SelfAssessment,
    item_points,
)

Status = AwardApplication.Status
VALID_PERCENTS = frozenset(p for p, _label in PERCENT_CHOICES)


# Criteria sets ------------------------------------------------------------------------------------


def seed_criteria_sets() -> list[CriteriaSet]:
    """Creates the legal criteria sets in the active tenant if missing; never alters existing ones, only
    gives a set without band guidance the standard guidance."""
    sets = []
    for spec in CRITERIA_SETS:
        existing = CriteriaSet.objects.filter(
            legal_basis=spec["legal_basis"], version=spec["version"]
        ).first()
        if existing is not None:
            if not existing.guidance.exists():
                _seed_guidance(existing)
            sets.append(existing)
            continue
        with transaction.atomic():
            criteria_set = CriteriaSet.objects.create(
                name=spec["name"],
                legal_basis=spec["legal_basis"],
                version=spec["version"],
                valid_from=spec["valid_from"],
            )
            for number, name, items in spec["criteria"]:
                criterion = Criterion.objects.create(criteria_set=criteria_set, number=number, name=name)
                for code, item_name, max_points, kind in items:
                    CriteriaItem.objects.create(
                        criterion=criterion, code=code, name=item_name, max_points=max_points, kind=kind
                    )
            _seed_guidance(criteria_set)
            if spec["published"]:
                publish_criteria_set(criteria_set=criteria_set, actor=None)
        sets.append(criteria_set)
    return sets


def _seed_guidance(criteria_set: CriteriaSet) -> None:
    BandGuidance.objects.bulk_create(
        [
            BandGuidance(
                criteria_set=criteria_set,
                kind=kind,
                low=low,
                high=high,
                text=text,
                tenant_id=criteria_set.tenant_id,
            )
            for kind, rows in BAND_GUIDANCE.items()
            for low, high, text in rows
        ]
    )


def set_total(criteria_set: CriteriaSet) -> int:
    return (
        CriteriaItem.objects.filter(criterion__criteria_set=criteria_set).aggregate(t=Sum("max_points"))["t"]
        or 0
    )


def _require_draft(criteria_set: CriteriaSet) -> None:
    if criteria_set.status != CriteriaSet.Status.DRAFT:
        raise ValidationError(_("A published criteria set cannot change; make a new version of it."))


def save_item(
    *,
    criterion: Criterion,
    code: str,
    name: str,
    max_points: int,
    kind: str,
    item: CriteriaItem | None = None,
    actor,
) -> CriteriaItem:
    """Adds or changes an item of a draft set; the set's items may never add up to more than 1 000."""
    # Read the set afresh: a cached instance may predate its publication.
    criteria_set = CriteriaSet.objects.get(pk=criterion.criteria_set_id)
    _require_draft(criteria_set)
    if max_points is None or max_points <= 0:
        raise ValidationError({"max_points": _("The maximum must be a positive number of points.")})
    if kind not in CriteriaItem.Kind.values:
        raise ValidationError({"kind": _("Choose process or results.")})
    clash = CriteriaItem.objects.filter(criterion=criterion, code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"code": _("This criterion already has an item %(code)s.") % {"code": code}})
    others = set_total(criteria_set) - (item.max_points if item is not None else 0)
    if others + max_points > TOTAL_POINTS:
        raise ValidationError(
            {
                "max_points": _(
                    "The items would add up to %(total)s points; a criteria set has %(limit)s at most."
                )
                % {"total": others + max_points, "limit": TOTAL_POINTS}
            }
        )
    item = item or CriteriaItem(criterion=criterion)
    item.code, item.name, item.max_points, item.kind = code, name, max_points, kind
    item.save()
    return item


def publish_criteria_set(*, criteria_set: CriteriaSet, actor) -> CriteriaSet:
    """Publishes a set whose items add up to exactly 1 000 points, every criterion having items."""
    _require_draft(criteria_set)
    total = set_total(criteria_set)
    if total != TOTAL_POINTS:
        raise ValidationError(
            _("The items add up to %(total)s points; they must add up to %(limit)s.")
            % {"total": total, "limit": TOTAL_POINTS}
        )
    if criteria_set.criteria.filter(items__isnull=True).exists():
        raise ValidationError(_("Every criterion needs at least one item."))
    criteria_set.status = CriteriaSet.Status.PUBLISHED
    criteria_set.save()
    return criteria_set


def new_version(*, criteria_set: CriteriaSet, version: str, actor) -> CriteriaSet:
    """A draft copy of a set under a new version label; rounds keep the version they used."""
    if (
        not version.strip()
        or CriteriaSet.objects.filter(legal_basis=criteria_set.legal_basis, version=version).exists()
    ):
        raise ValidationError({"version": _("Give a version label not used yet for this legal basis.")})
    with transaction.atomic():
        copy = CriteriaSet.objects.create(
            name=criteria_set.name, legal_basis=criteria_set.legal_basis, version=version.strip()
        )
        for criterion in criteria_set.criteria.prefetch_related("items"):
            new_criterion = Criterion.objects.create(
                criteria_set=copy, number=criterion.number, name=criterion.name
            )
            for item in criterion.items.all():
                CriteriaItem.objects.create(
                    criterion=new_criterion,
                    code=item.code,
                    name=item.name,
                    max_points=item.max_points,
                    kind=item.kind,
                )
        BandGuidance.objects.bulk_create(
            [
                BandGuidance(
                    criteria_set=copy,
                    kind=g.kind,
                    low=g.low,
                    high=g.high,
                    text=g.text,
                    tenant_id=copy.tenant_id,
                )
                for g in criteria_set.guidance.all()
            ]
        )
    return copy


# Rounds and applications --------------------------------------------------------------------------


def save_round(
    *,
    year: int,
    criteria_set: CriteriaSet,
    opens_on: date,
    submission_deadline: date,
    scoring_deadline: date,
    award_min_points: int = 600,
    gold_min_points: int = 800,
    disagreement_points: int = 150,
    min_months_operating: int = 36,
    min_months_on_market: int = 12,
    award_round: AwardRound | None = None,
    actor,
) -> AwardRound:
    errors = {}
    if criteria_set.status != CriteriaSet.Status.PUBLISHED:
        errors["criteria_set"] = _("A round uses a published criteria set.")
    if not opens_on <= submission_deadline <= scoring_deadline:
        errors["submission_deadline"] = _(
            "Applications open, then close, then scoring ends: check the dates."
        )
    if not 0 < award_min_points <= gold_min_points <= TOTAL_POINTS:
        errors["gold_min_points"] = _(
            "The gold threshold must be at least the award threshold and at most 1 000."
        )
    clash = AwardRound.objects.filter(year=year)
    if award_round is not None:
        clash = clash.exclude(pk=award_round.pk)
        if award_round.criteria_set_id != criteria_set.pk and award_round.applications.exists():
            errors["criteria_set"] = _("Applications already use this round's criteria set.")
    if clash.exists():
        errors["year"] = _("There is already a round for %(year)s.") % {"year": year}
    if errors:
        raise ValidationError(errors)
    award_round = award_round or AwardRound()
    for field, value in dict(
        year=year,
        criteria_set=criteria_set,
        opens_on=opens_on,
        submission_deadline=submission_deadline,
        scoring_deadline=scoring_deadline,
        award_min_points=award_min_points,
        gold_min_points=gold_min_points,
        disagreement_points=disagreement_points,
        min_months_operating=min_months_operating,
        min_months_on_market=min_months_on_market,
    ).items():
        setattr(award_round, field, value)
    award_round.save()
    return award_round


def _items_of(award_round: AwardRound):
    return CriteriaItem.objects.filter(criterion__criteria_set_id=award_round.criteria_set_id)


def start_application(
    *, award_round: AwardRound, business: Organization, applicant_type: str, actor, today: date | None = None
) -> AwardApplication:
    """A draft application of a business in an open round, with an empty self-assessment per item."""
    today = today or timezone.localdate()
    if business.kind != Organization.Kind.BUSINESS:
        raise ValidationError({"business": _("Only a business can apply for the award.")})
    if applicant_type not in ApplicantType.values:
        raise ValidationError({"applicant_type": _("Choose the type the business competes in.")})
    if not award_round.opens_on <= today <= award_round.submission_deadline:
        raise ValidationError(_("This round does not take applications now."))
    if AwardApplication.objects.filter(round=award_round, business=business).exists():
        raise ValidationError(_("The business has already applied in this round."))
    with transaction.atomic():
        application = AwardApplication.objects.create(
            round=award_round, business=business, applicant_type=applicant_type
        )
        SelfAssessment.objects.bulk_create(
            [
                SelfAssessment(application=application, item=item, tenant_id=application.tenant_id)
                for item in _items_of(award_round)
            ]
        )
    return application


def _require_before_deadline(application: AwardApplication, today: date | None) -> None:
    if (today or timezone.localdate()) > application.round.submission_deadline:
        raise ValidationError(
            _("The submission deadline (%(date)s) has passed.")
            % {"date": application.round.submission_deadline.strftime("%d/%m/%Y")}
        )


def update_application(
    *,
    application: AwardApplication,
    actor,
    today: date | None = None,
    answers: Mapping[str, object],
    assessments: Mapping[int, tuple[str, int | None]],
) -> AwardApplication:
    """Saves the eligibility answers and the self-assessment of a draft (item id → text, band)."""
    if application.status != Status.DRAFT:
        raise ValidationError(_("Only a draft application can be changed."))
    _require_before_deadline(application, today)
    allowed = {
        "applicant_type",
        "established_on",
        "product_on_market_since",
        "no_violations_declared",
        "main_products",
    }
    if set(answers) - allowed:
        raise TypeError(f"unknown answers: {sorted(set(answers) - allowed)}")
    if "applicant_type" in answers and answers["applicant_type"] not in ApplicantType.values:
        raise ValidationError({"applicant_type": _("Choose the type the business competes in.")})
    rows = {row.item_id: row for row in application.self_assessments.all()}
    for item_id, (_text, percent) in assessments.items():
        if item_id not in rows:
            raise ValidationError(_("The item is not part of this round's criteria."))
        if percent is not None and percent not in VALID_PERCENTS:
            raise ValidationError(_("A band is a percentage from 0 to 100 in steps of 5."))
    with transaction.atomic():
        for field, value in answers.items():
            setattr(application, field, value)
        application.save()
        for item_id, (text, percent) in assessments.items():
            row = rows[item_id]
            if (row.text, row.percent) != (text, percent):
                row.text, row.percent = text, percent
                row.save(update_fields=["text", "percent"])
    return application


def submit_application(
    *, application: AwardApplication, actor, today: date | None = None
) -> AwardApplication:
    """Submits a complete draft before the deadline: answers given and every item self-assessed."""
    if application.status != Status.DRAFT:
        raise ValidationError(_("Only a draft application can be submitted."))
    _require_before_deadline(application, today)
    errors = {}
    if application.established_on is None:
        errors["established_on"] = _("Give the date of establishment.")
    if application.product_on_market_since is None:
        errors["product_on_market_since"] = _("Give the date the main product came on the market.")
    if application.self_assessments.filter(text="").exists():
        errors["__all__"] = _("Write the self-assessment of every item before submitting.")
    if errors:
        raise ValidationError(errors)
    application.status = Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save()
    return application


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def eligibility_problems(application: AwardApplication, *, on: date | None = None) -> list[str]:
    """What the round's eligibility rules find against the applicant's answers (empty when eligible)."""
    on = on or (application.submitted_at.date() if application.submitted_at else timezone.localdate())
    award_round = application.round
    problems = []
    if (
        application.established_on is None
        or _months_between(application.established_on, on) < award_round.min_months_operating
    ):
        problems.append(
            _("In operation for less than %(n)s months.") % {"n": award_round.min_months_operating}
        )
    if (
        application.product_on_market_since is None
        or _months_between(application.product_on_market_since, on) < award_round.min_months_on_market
    ):
        problems.append(
            _("The product has been on the market for less than %(n)s months.")
            % {"n": award_round.min_months_on_market}
        )
    if not application.no_violations_declared:
        problems.append(_("No declaration of compliance with the law."))
    return problems


def check_eligibility(*, application: AwardApplication, eligible: bool, note: str, actor) -> AwardApplication:
    """Records the secretariat's eligibility conclusion; an application the rules find ineligible cannot be
    declared eligible."""
    if application.status != Status.SUBMITTED:
        raise ValidationError(_("Eligibility is checked once, on a submitted application."))
    problems = eligibility_problems(application)
    if eligible and problems:
        raise ValidationError(
            _("The rules of the round find the application ineligible: %(problems)s")
            % {"problems": " ".join(problems)}
        )
    if not eligible and not note.strip():
        raise ValidationError({"eligibility_note": _("Say why the application is not eligible.")})
    application.eligibility_note = note or " ".join(problems)
    application.status = Status.ELIGIBLE if eligible else Status.INELIGIBLE
    application.save()
    return application


# Council scoring ----------------------------------------------------------------------------------


def assign_member(*, application: AwardApplication, member, actor) -> CouncilAssignment:
    if application.status != Status.ELIGIBLE:
        raise ValidationError(
            _("Council members are assigned to an eligible application before it is scored.")
        )
    if not Membership.objects.filter(
        user=member, role=Role.COUNCIL_MEMBER, status=Membership.Status.ACTIVE
    ).exists():
        raise ValidationError({"member": _("Choose a member of the council.")})
    if CouncilAssignment.objects.filter(application=application, member=member).exists():
        raise ValidationError({"member": _("This member is already assigned.")})
    return CouncilAssignment.objects.create(application=application, member=member)


def declare_conflict(
    *, assignment: CouncilAssignment, has_conflict: bool, note: str = "", actor
) -> CouncilAssignment:
    """The member's declaration, made once before scoring; a conflicted member cannot score."""
    if assignment.member_id != actor.pk:
        raise ValidationError(_("Only the member can declare their own conflicts of interest."))
    if assignment.conflict_declared_at is not None:
        raise ValidationError(_("The declaration has already been made."))
    if has_conflict and not note.strip():
        raise ValidationError({"conflict_note": _("Describe the conflict of interest.")})
    assignment.has_conflict, assignment.conflict_note = has_conflict, note.strip()
    assignment.conflict_declared_at = timezone.now()
    assignment.save()
    if has_conflict:
        _consolidate_if_complete(assignment.application)
    return assignment


def open_stage(application: AwardApplication) -> str | None:
    """The stage the members score now: the dossier once eligible, the site visit once it is scheduled."""
    return {Status.ELIGIBLE: ScoringStage.DOSSIER, Status.SITE_VISIT: ScoringStage.SITE_VISIT}.get(
        application.status
    )


def _require_may_score(assignment: CouncilAssignment, actor, today: date | None) -> str:
    """Checks the member may score now and returns the stage being scored."""
    if assignment.member_id != actor.pk:
        raise ValidationError(_("Only the assigned member scores here."))
    if assignment.conflict_declared_at is None:
        raise ValidationError(_("Declare your conflicts of interest before scoring."))
    if assignment.has_conflict:
        raise ValidationError(_("A member with a conflict of interest cannot score this application."))
    stage = open_stage(assignment.application)
    if stage is None:
        raise ValidationError(_("This application is not open for scoring."))
    if assignment.submitted_in(stage) is not None:
        raise ValidationError(_("Your scores are already submitted."))
    # The round's scoring deadline closes the dossier review; the site visit is dated by the secretary.
    if stage == ScoringStage.DOSSIER and (today or timezone.localdate()) > (
        assignment.application.round.scoring_deadline
    ):
        raise ValidationError(
            _("The scoring deadline (%(date)s) has passed.")
            % {"date": assignment.application.round.scoring_deadline.strftime("%d/%m/%Y")}
        )
    return stage


def _check_bands(scores: Mapping[int, tuple], items: Mapping[int, CriteriaItem]) -> list[str]:
    errors = []
    for item_id, (percent, *_rest) in scores.items():
        item = items.get(item_id)
        if item is None:
            errors.append(_("The item is not part of this round's criteria."))
        elif percent is None or percent < 0 or percent > 100:
            errors.append(
                _("Item %(code)s: the score cannot exceed the item's maximum of %(max)s points.")
                % {"code": item.code, "max": item.max_points}
            )
        elif percent not in VALID_PERCENTS:
            errors.append(
                _("Item %(code)s: a band goes from 0 to 100 %% in steps of 5; %(p)s %% is not one.")
                % {"code": item.code, "p": percent}
            )
    return errors


def save_scores(
    *,
    assignment: CouncilAssignment,
    actor,
    today: date | None = None,
    scores: Mapping[int, tuple[int, str, str]],
) -> list[ItemScore]:
    """Saves the member's band percentage, strengths and opportunities per item (item id → values) in the
    stage open now (the dossier review, or the site visit).

    A percentage above 100 would give more than the item's maximum; one off the 5 % steps is not a band.
    All items are checked before any is written.
    """
    stage = _require_may_score(assignment, actor, today)
    items = {item.pk: item for item in _items_of(assignment.application.round)}
    errors = _check_bands(scores, items)
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for item_id, (percent, strengths, opportunities) in scores.items():
            score, _created = ItemScore.objects.update_or_create(
                assignment=assignment,
                stage=stage,
                item_id=item_id,
                defaults={"percent": percent, "strengths": strengths, "opportunities": opportunities},
            )
            saved.append(score)
    return saved


def submit_scores(*, assignment: CouncilAssignment, actor, today: date | None = None) -> CouncilAssignment:
    """Submits the member's scores of the open stage once every item is scored; after that the member sees
    the others' scores of that stage. Site-visit scores are submitted on or after the visit."""
    stage = _require_may_score(assignment, actor, today)
    application = assignment.application
    if stage == ScoringStage.SITE_VISIT and (today or timezone.localdate()) < application.site_visit_on:
        raise ValidationError(
            _("The site visit is on %(date)s; submit its scores after the visit.")
            % {"date": application.site_visit_on.strftime("%d/%m/%Y")}
        )
    items = list(_items_of(application.round))
    scores = {s.item_id: s for s in assignment.scores.filter(stage=stage)}
    missing = [item.code for item in items if item.pk not in scores]
    if missing:
        raise ValidationError(
            _("Score every item before submitting; missing: %(items)s.") % {"items": ", ".join(missing)}
        )
    total = sum((item_points(scores[i.pk].percent, i.max_points) for i in items), Decimal(0))
    with transaction.atomic():
        if stage == ScoringStage.SITE_VISIT:
            assignment.site_visit_total, assignment.site_visit_submitted_at = total, timezone.now()
        else:
            assignment.total, assignment.submitted_at = total, timezone.now()
        assignment.save()
        _consolidate_if_complete(application)
    return assignment


def _submitted_in(stage: str, prefix: str = "") -> Q:
    field = "site_visit_submitted_at" if stage == ScoringStage.SITE_VISIT else "submitted_at"
    return Q(**{f"{prefix}{field}__isnull": False})


def _consolidate_if_complete(application: AwardApplication) -> None:
    """Once every member without a conflict has submitted the open stage, the application is scored and
    that stage comes into force: its mean of the members' totals is kept, and the consolidated score is
    taken from it (item by item, a consensus replaces the mean)."""
    stage = open_stage(application)
    assignments = list(application.assignments.filter(has_conflict=False))
    if stage is None or not assignments or any(a.submitted_in(stage) is None for a in assignments):
        return
    mean = (sum((a.total_in(stage) for a in assignments), Decimal(0)) / len(assignments)).quantize(
        Decimal("0.1")
    )
    if stage == ScoringStage.SITE_VISIT:
        application.site_visit_score = mean
    else:
        application.dossier_score = mean
    application.scoring_stage = stage
    application.status = Status.SCORED
    application.consolidated_score = consolidated_score_of(application)
    application.save()


def consolidated_score_of(application: AwardApplication) -> Decimal | None:
    """The score of the stage in force: per item, the consensus band where the meeting agreed one, else the
    mean of the submitted members' points. Without any consensus it equals the mean of their totals."""
    stage = application.scoring_stage
    scores = ItemScore.objects.filter(
        _submitted_in(stage, "assignment__"),
        assignment__application=application,
        assignment__has_conflict=False,
        stage=stage,
    ).select_related("item")
    members = {s.assignment_id for s in scores}
    if not members:
        return None
    agreed = {
        c.item_id: c.points
        for c in ConsensusScore.objects.filter(
            meeting__application=application, meeting__stage=stage, percent__isnull=False
        ).select_related("item")
    }
    # One division, as for the mean of the totals: every submitting member scored every item.
    summed = sum((s.points for s in scores if s.item_id not in agreed), Decimal(0))
    total = summed / len(members) + sum(agreed.values(), Decimal(0))
    return total.quantize(Decimal("0.1"))


def schedule_site_visit(*, application: AwardApplication, visit_on: date, actor) -> AwardApplication:
    """Opens the site-visit stage of an application whose dossier review is scored. Each member's dossier
    scores are carried over as the starting point, so a member changes only what the visit showed."""
    if application.status != Status.SCORED or application.scoring_stage != ScoringStage.DOSSIER:
        raise ValidationError(
            _("A site visit follows the dossier review of a scored application, before ranking.")
        )
    if visit_on is None:
        raise ValidationError({"site_visit_on": _("Give the date of the site visit.")})
    if application.submitted_at and visit_on < application.submitted_at.date():
        raise ValidationError({"site_visit_on": _("The site visit cannot come before the submission.")})
    with transaction.atomic():
        dossier = ItemScore.objects.filter(
            assignment__application=application,
            assignment__has_conflict=False,
            assignment__submitted_at__isnull=False,
            stage=ScoringStage.DOSSIER,
        )
        ItemScore.objects.bulk_create(
            [
                ItemScore(
                    assignment_id=s.assignment_id,
                    stage=ScoringStage.SITE_VISIT,
                    item_id=s.item_id,
                    percent=s.percent,
                    strengths=s.strengths,
                    opportunities=s.opportunities,
                    tenant_id=application.tenant_id,
                )
                for s in dossier
            ]
        )
        application.site_visit_on = visit_on
        application.status = Status.SITE_VISIT
        application.save()
    return application


def record_consensus(
    *,
    application: AwardApplication,
    held_on: date,
    note: str,
    scores: Mapping[int, tuple[int | None, str]],
    actor,
    today: date | None = None,
) -> ConsensusMeeting:
    """Records the consensus meeting on the stage in force of a scored application (item id → agreed band
    or None, note). An agreed band replaces the members' mean for that item in the consolidated score; an
    empty band lets the mean stand. Recorded again, the meeting's record is revised (and audited)."""
    if application.status != Status.SCORED:
        raise ValidationError(_("The consensus is recorded on a scored application, before ranking."))
    if held_on is None or held_on > (today or timezone.localdate()):
        raise ValidationError(
            {"held_on": _("Give the date the meeting was held; it cannot be in the future.")}
        )
    items = {item.pk: item for item in _items_of(application.round)}
    errors = _check_bands({i: v for i, v in scores.items() if v[0] is not None or i not in items}, items)
    if errors:
        raise ValidationError(errors)
    stage = application.scoring_stage
    with transaction.atomic():
        meeting, _created = ConsensusMeeting.objects.update_or_create(
            application=application, stage=stage, defaults={"held_on": held_on, "note": note.strip()}
        )
        existing = {c.item_id: c for c in meeting.scores.all()}
        for item_id, (percent, item_note) in scores.items():
            row = existing.get(item_id)
            if row is None and percent is None and not item_note.strip():
                continue
            row = row or ConsensusScore(meeting=meeting, item_id=item_id)
            if row.pk is None or (row.percent, row.note) != (percent, item_note.strip()):
                row.percent, row.note = percent, item_note.strip()
                row.save()
        application.consolidated_score = consolidated_score_of(application)
        application.save()
    return meeting


def rank_round(*, award_round: AwardRound, actor) -> int:
    """Ranks the scored applications within each of the four types, best first; returns how many."""
    visiting = award_round.applications.filter(status=Status.SITE_VISIT).select_related("business")
    if visiting:
        raise ValidationError(
            _("Finish the site-visit scoring before ranking: %(names)s.")
            % {"names": ", ".join(a.business.name for a in visiting)}
        )
    ranked = 0
    with transaction.atomic():
        for applicant_type in ApplicantType.values:
            scored = award_round.applications.filter(
                applicant_type=applicant_type, status__in=[Status.SCORED, Status.RANKED]
            ).order_by("-consolidated_score", "submitted_at")
            for rank, application in enumerate(scored, start=1):
                application.rank_in_type, application.status = rank, Status.RANKED
                application.save()
                ranked += 1
    if not ranked:
        raise ValidationError(_("No scored application to rank."))
    return ranked


def decide_forwarding(
    *, application: AwardApplication, forward: bool, feedback: str, actor
) -> AwardApplication:
    """Forwards a ranked application to the national council, or not; every applicant gets written feedback.
    Only an application reaching the round's award threshold can be forwarded."""
    if application.status != Status.RANKED:
        raise ValidationError(_("Only a ranked application can be forwarded or not."))
    if not feedback.strip():
        raise ValidationError({"feedback": _("Write the feedback to the applicant.")})
    if forward and (application.consolidated_score or 0) < application.round.award_min_points:
        raise ValidationError(
            _("The score is below the %(n)s points an award needs.")
            % {"n": application.round.award_min_points}
        )
    application.feedback = feedback
    application.status = Status.FORWARDED if forward else Status.NOT_FORWARDED
    application.decided_at = timezone.now()
    application.save()
    return application
