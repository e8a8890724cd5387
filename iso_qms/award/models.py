"""The National Quality Award (Giải thưởng Chất lượng Quốc gia), provincial stage, Baldrige model.

Criteria sets are data (seeded from Circular 27/2019/TT-BKHCN and Decree 37/2026/NĐ-CP, editable by the
tenant's administrators); a round picks one published set. Council members score each item by a Baldrige
percentage band; an item's score is the percentage times the item's maximum.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tcvn_portal.tenancy.models import Organization, TenantOwnedModel

__all__ = [
    "CriteriaSet",
    "Criterion",
    "CriteriaItem",
    "AwardRound",
    "AwardApplication",
    "SelfAssessment",
    "CouncilAssignment",
    "ItemScore",
    "ConsensusMeeting",
    "ConsensusScore",
    "BandGuidance",
]

TOTAL_POINTS = 1000
# Baldrige bands, each a range of percentages in steps of 5.
BANDS: tuple[tuple[int, int], ...] = ((0, 5), (10, 25), (30, 45), (50, 65), (70, 85), (90, 100))
PERCENT_CHOICES = [(p, f"{p} %") for p in range(0, 101, 5)]


class ScoringStage(models.TextChoices):
    """The two stages of council scoring (SPEC §3.3: "scored (dossier, then site visit)"). A site visit is
    optional: without one, the dossier stage stays in force."""

    DOSSIER = "dossier", _("Dossier review")
    SITE_VISIT = "site_visit", _("Site visit")


class CriteriaSet(TenantOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    version = models.CharField(pgettext_lazy("iso_qms", "version"), max_length=40)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "legal_basis", "version"], name="iso_criteriaset_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Criterion(TenantOwnedModel):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("criterion"), max_length=255)

    class Meta:
        ordering = ["criteria_set", "number"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "criteria_set", "number"], name="iso_criterion_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class CriteriaItem(TenantOwnedModel):
    class Kind(models.TextChoices):
        PROCESS = "process", _("Process")
        RESULTS = "results", _("Results")

    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("item"), max_length=10, help_text=_("For example 1.1"))
    name = models.CharField(_("name"), max_length=255)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.PROCESS,
        help_text=_("Process and results items are scored against separate guidance."),
    )

    class Meta:
        ordering = ["criterion__number", "code"]
        verbose_name = _("criteria item")
        verbose_name_plural = _("criteria items")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "criterion", "code"], name="iso_criteriaitem_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.max_points})"


class AwardRound(TenantOwnedModel):
    year = models.PositiveSmallIntegerField(_("year"))
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("criteria set")
    )
    opens_on = models.DateField(_("applications open"))
    submission_deadline = models.DateField(_("submission deadline"))
    scoring_deadline = models.DateField(_("scoring deadline"))
    # Thresholds and eligibility rules are data: the decree in force sets them, not the code.
    award_min_points = models.PositiveSmallIntegerField(_("points needed for an award"), default=600)
    gold_min_points = models.PositiveSmallIntegerField(_("points needed for the gold award"), default=800)
    disagreement_points = models.PositiveSmallIntegerField(
        _("flag when members' totals differ by more than"),
        default=150,
    )
    min_months_operating = models.PositiveSmallIntegerField(_("months in operation required"), default=36)
    min_months_on_market = models.PositiveSmallIntegerField(
        _("months the product is on the market"), default=12
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        constraints = [models.UniqueConstraint(fields=["tenant", "year"], name="iso_awardround_unique_year")]

    def __str__(self) -> str:
        return str(_("Award round %(year)s") % {"year": self.year})


class ApplicantType(models.TextChoices):
    LARGE_MANUFACTURING = "large_manufacturing", _("Large manufacturing")
    SME_MANUFACTURING = "sme_manufacturing", _("Small and medium manufacturing")
    LARGE_SERVICES = "large_services", _("Large services")
    SME_SERVICES = "sme_services", _("Small and medium services")


class AwardApplication(TenantOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ELIGIBLE = "eligible", _("Eligibility checked")
        INELIGIBLE = "ineligible", _("Not eligible")
        SCORED = "scored", _("Scored")
        SITE_VISIT = "site_visit", _("Site visit")
        RANKED = "ranked", _("Ranked")
        FORWARDED = "forwarded", _("Forwarded to the national council")
        NOT_FORWARDED = "not_forwarded", _("Not forwarded")

    round = models.ForeignKey(
        AwardRound, on_delete=models.PROTECT, related_name="applications", verbose_name=_("round")
    )
    business = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="award_applications", verbose_name=_("business")
    )
    applicant_type = models.CharField(_("type"), max_length=30, choices=ApplicantType.choices)
    # Eligibility answers.
    established_on = models.DateField(_("date of establishment"), null=True, blank=True)
    product_on_market_since = models.DateField(_("main product on the market since"), null=True, blank=True)
    no_violations_declared = models.BooleanField(
        _("no serious violation of law in the last three years"), default=False
    )
    main_products = models.CharField(_("main products or services"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    eligibility_note = models.TextField(_("eligibility conclusion"), blank=True)
    site_visit_on = models.DateField(_("site visit date"), null=True, blank=True)
    scoring_stage = models.CharField(
        _("scoring stage in force"), max_length=20, choices=ScoringStage.choices, default=ScoringStage.DOSSIER
    )
    dossier_score = models.DecimalField(
        _("dossier review score"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    site_visit_score = models.DecimalField(
        _("site visit score"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    # The score of the stage in force, the consensus replacing the members' mean item by item: what ranks.
    consolidated_score = models.DecimalField(
        _("consolidated score"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    rank_in_type = models.PositiveSmallIntegerField(_("rank in type"), null=True, blank=True)
    feedback = models.TextField(_("feedback to the applicant"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["round", "applicant_type", "rank_in_type", "pk"]
        verbose_name = _("award application")
        verbose_name_plural = _("award applications")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "round", "business"], name="iso_application_unique_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} — {self.round.year}"

    def attachment_viewable_by(self, membership) -> bool:
        if membership.has_perm("award.manage"):
            return True
        if membership.has_perm("award.apply"):
            return membership.organization_id == self.business_id
        return self.assignments.filter(member_id=membership.user_id).exists()

    def attachment_changeable_by(self, membership) -> bool:
        return (
            membership.has_perm("award.apply")
            and membership.organization_id == self.business_id
            and self.status == self.Status.DRAFT
        )


class SelfAssessment(TenantOwnedModel):
    application = models.ForeignKey(
        AwardApplication, on_delete=models.PROTECT, related_name="self_assessments"
    )
    item = models.ForeignKey(CriteriaItem, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("self-assessment"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("self-assessed band"), null=True, blank=True, choices=PERCENT_CHOICES
    )

    class Meta:
        ordering = ["item__criterion__number", "item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "application", "item"], name="iso_selfassessment_unique"
            ),
        ]


class CouncilAssignment(TenantOwnedModel):
    """A council member assigned to score one application; a declared conflict bars the scoring."""

    application = models.ForeignKey(AwardApplication, on_delete=models.PROTECT, related_name="assignments")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("council member")
    )
    conflict_declared_at = models.DateTimeField(_("declaration made at"), null=True, blank=True)
    has_conflict = models.BooleanField(_("has a conflict of interest"), default=False)
    conflict_note = models.CharField(_("conflict of interest"), max_length=500, blank=True)
    # The dossier stage's submission and total keep their first names; the site visit has its own pair.
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1, null=True, blank=True)
    site_visit_submitted_at = models.DateTimeField(_("site visit scores submitted at"), null=True, blank=True)
    site_visit_total = models.DecimalField(
        _("site visit total"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("council assignment")
        verbose_name_plural = _("council assignments")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "application", "member"], name="iso_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.application}"

    def submitted_in(self, stage: str):
        return self.site_visit_submitted_at if stage == ScoringStage.SITE_VISIT else self.submitted_at

    def total_in(self, stage: str) -> Decimal | None:
        return self.site_visit_total if stage == ScoringStage.SITE_VISIT else self.total


class ItemScore(TenantOwnedModel):
    assignment = models.ForeignKey(CouncilAssignment, on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(
        _("scoring stage"), max_length=20, choices=ScoringStage.choices, default=ScoringStage.DOSSIER
    )
    item = models.ForeignKey(CriteriaItem, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("band percentage"), choices=PERCENT_CHOICES)
    strengths = models.TextField(_("strengths"), blank=True)
    opportunities = models.TextField(_("opportunities for improvement"), blank=True)

    class Meta:
        ordering = ["item__criterion__number", "item__code"]
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "assignment", "stage", "item"], name="iso_itemscore_unique_stage"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__lte=100) & models.Q(percent__gte=0),
                name="iso_itemscore_percent_range",
            ),
        ]

    @property
    def points(self) -> Decimal:
        return item_points(self.percent, self.item.max_points)


class ConsensusMeeting(TenantOwnedModel):
    """The council's consensus meeting on one application at one stage, recorded by the secretary after
    every member has submitted; its item scores replace the members' mean where given."""

    application = models.ForeignKey(
        AwardApplication, on_delete=models.PROTECT, related_name="consensus_meetings"
    )
    stage = models.CharField(_("scoring stage"), max_length=20, choices=ScoringStage.choices)
    held_on = models.DateField(_("meeting date"))
    note = models.TextField(_("minutes of the meeting"), blank=True)

    class Meta:
        ordering = ["application", "held_on", "pk"]
        verbose_name = _("consensus meeting")
        verbose_name_plural = _("consensus meetings")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "application", "stage"], name="iso_consensus_unique"),
        ]


class ConsensusScore(TenantOwnedModel):
    """The agreed band of one item; an empty band means the members' mean stands for that item."""

    meeting = models.ForeignKey(ConsensusMeeting, on_delete=models.PROTECT, related_name="scores")
    item = models.ForeignKey(CriteriaItem, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(
        _("agreed band"), null=True, blank=True, choices=PERCENT_CHOICES
    )
    note = models.TextField(pgettext_lazy("iso_qms", "note"), blank=True)

    class Meta:
        ordering = ["item__criterion__number", "item__code"]
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "meeting", "item"], name="iso_consensusscore_unique"),
            models.CheckConstraint(
                condition=models.Q(percent__lte=100) | models.Q(percent__isnull=True),
                name="iso_consensusscore_percent_range",
            ),
        ]

    @property
    def points(self) -> Decimal | None:
        return None if self.percent is None else item_points(self.percent, self.item.max_points)


class BandGuidance(TenantOwnedModel):
    """What a band means, separately for process items (approach, deployment, learning, integration)
    and results items (levels, trends, comparisons, integration). Data of the criteria set, so a new
    version of the set may carry new guidance."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="guidance")
    kind = models.CharField(_("kind"), max_length=20, choices=CriteriaItem.Kind.choices)
    low = models.PositiveSmallIntegerField(_("from %"))
    high = models.PositiveSmallIntegerField(_("to %"))
    text = models.TextField(_("guidance"))

    class Meta:
        ordering = ["criteria_set", "kind", "low"]
        verbose_name = _("band guidance")
        verbose_name_plural = _("band guidance")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "criteria_set", "kind", "low"], name="iso_guidance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.low}–{self.high} %"


def item_points(percent: int, max_points: int) -> Decimal:
    return (Decimal(percent) * Decimal(max_points) / Decimal(100)).quantize(Decimal("0.1"))
