"""Inspections of standards, metrology and quality (SPEC §3.1).

Plan → decision (team, establishments) → one inspection per establishment visit, with its checklist
answers, quantity and fuel-dispenser checks, samples, violations with sanctions, and follow-ups.
Legal tables (checklists, the legal-basis catalog, OIML R 87 tables) are tenant data an administrator
edits, each row with the date from which it holds.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tcvn_portal.tenancy.models import Commune, Organization, SearchableMixin, TenantOwnedModel, tenant_key

from . import calculators


class InspectionType(models.TextChoices):
    GOODS_QUALITY = "goods_quality", _("Quality of goods in circulation")
    LABELLING = "labelling", _("Labelling")
    PREPACKAGED = "prepackaged", _("Quantity of prepackaged goods")
    MEASUREMENT = "measurement", _("Measuring instruments and measurement in trade")
    FUEL = "fuel", _("Fuel stations")
    GOLD = "gold", _("Gold and jewellery")
    CONFORMITY = "conformity", _("Conformity with standards and technical regulations")


# --- Catalogs -----------------------------------------------------------------------------------


class ChecklistItem(TenantOwnedModel):
    """One question of the checklist of an inspection type."""

    inspection_type = models.CharField(_("inspection type"), max_length=30, choices=InspectionType.choices)
    text = models.CharField(_("question"), max_length=500)
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["inspection_type", "position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class LegalBasis(SearchableMixin, TenantOwnedModel):
    """A sanctionable act: decree, article, clause and point, with its fine range in VND."""

    decree = models.CharField(_("decree"), max_length=60, help_text=_("e.g. 87/2024/NĐ-CP"))
    article = models.CharField(_("article"), max_length=10)
    clause = models.CharField(_("clause"), max_length=10, blank=True)
    point = models.CharField(_("point"), max_length=10, blank=True)
    description = models.TextField(_("act"))
    fine_min = models.DecimalField(_("minimum fine (VND)"), max_digits=15, decimal_places=0)
    fine_max = models.DecimalField(_("maximum fine (VND)"), max_digits=15, decimal_places=0)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)

    search_fields = ("decree", "description")

    class Meta:
        ordering = ["decree", "article", "clause", "point", "pk"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fine_min__lte=models.F("fine_max")),
                name="legalbasis_fine_range_ordered",
                violation_error_message=_("The maximum fine must not be below the minimum fine."),
            ),
        ]

    def __str__(self) -> str:
        parts = [_("Article %(a)s") % {"a": self.article}]
        if self.clause:
            parts.insert(0, _("clause %(c)s") % {"c": self.clause})
        if self.point:
            parts.insert(0, _("point %(p)s") % {"p": self.point})
        return f"{' '.join(str(p) for p in parts)}, {self.decree}: {self.description[:80]}"


class ToleranceBand(TenantOwnedModel):
    """A row of the OIML R 87 table of tolerable deficiencies: Qn in (qn_above, qn_upto]."""

    qn_above = models.DecimalField(_("nominal quantity above"), max_digits=10, decimal_places=2)
    qn_upto = models.DecimalField(_("nominal quantity up to"), max_digits=10, decimal_places=2)
    percent = models.DecimalField(
        _("T as a percentage of Qn"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    absolute = models.DecimalField(_("T in g or mL"), max_digits=10, decimal_places=2, null=True, blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)

    class Meta:
        ordering = ["qn_above"]
        verbose_name = _("tolerable deficiency band")
        verbose_name_plural = _("tolerable deficiency bands")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(percent__isnull=True) ^ models.Q(absolute__isnull=True)),
                name="toleranceband_percent_xor_absolute",
                violation_error_message=_("Give T either as a percentage or as a quantity, not both."),
            ),
        ]

    def __str__(self) -> str:
        value = f"{self.percent} %" if self.percent is not None else f"{self.absolute}"
        return f"{self.qn_above}–{self.qn_upto}: {value}"

    def as_band(self) -> calculators.ToleranceBand:
        return calculators.ToleranceBand(self.qn_above, self.qn_upto, self.percent, self.absolute)


class SamplingPlan(TenantOwnedModel):
    """A sampling plan for a lot size range of prepackaged goods."""

    lot_min = models.PositiveIntegerField(_("lot size from"))
    lot_max = models.PositiveIntegerField(_("lot size to"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("sample size"))
    max_short_beyond_t = models.PositiveIntegerField(_("packages allowed short by more than T"))
    k = models.DecimalField(_("k factor"), max_digits=5, decimal_places=3)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)

    class Meta:
        ordering = ["lot_min"]
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")

    def __str__(self) -> str:
        upper = self.lot_max if self.lot_max is not None else "…"
        return f"{self.lot_min}–{upper}: n={self.sample_size}"

    def as_plan(self) -> calculators.SamplingPlan:
        return calculators.SamplingPlan(
            self.lot_min, self.lot_max, self.sample_size, self.max_short_beyond_t, self.k
        )


# --- Plan and decision --------------------------------------------------------------------------


class InspectionPlan(SearchableMixin, TenantOwnedModel):
    """The annual plan (kế hoạch kiểm tra), approved by a manager."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    topics = models.TextField(_("topics"))
    sectors = models.CharField(_("sectors"), max_length=255, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    target_count = models.PositiveIntegerField(_("target number of establishments"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = ("title", "topics", "sectors")

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class InspectionDecision(SearchableMixin, TenantOwnedModel):
    """A decision to inspect (quyết định kiểm tra): number, legal basis, team and establishments."""

    plan = models.ForeignKey(
        InspectionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("plan"),
    )
    number = models.CharField(_("decision number"), max_length=60)
    issued_on = models.DateField(_("date issued"))
    issued_by = models.CharField(_("signed by"), max_length=255, blank=True)
    legal_basis = models.TextField(_("legal basis"))
    scope = models.TextField(_("scope"))
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("team lead")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMember", related_name="+", verbose_name=_("team members")
    )
    establishments = models.ManyToManyField(
        Organization, through="DecisionEstablishment", related_name="+", verbose_name=_("establishments")
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = ("number", "scope", "legal_basis")

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("inspection decision")
        verbose_name_plural = _("inspection decisions")
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="decision_unique_number")]

    def __str__(self) -> str:
        return _("Decision %(number)s") % {"number": self.number}


class TeamMember(TenantOwnedModel):
    decision = models.ForeignKey(InspectionDecision, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "decision", "user"], name="teammember_unique")
        ]


class DecisionEstablishment(TenantOwnedModel):
    decision = models.ForeignKey(InspectionDecision, on_delete=models.PROTECT, related_name="targets")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "decision", "organization"], name="decisionestablishment_unique"
            )
        ]


# --- The inspection of one establishment on one visit -------------------------------------------


class Inspection(SearchableMixin, TenantOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")

    class Result(models.TextChoices):
        PENDING = "pending", _("Not concluded")
        COMPLIANT = "compliant", _("No violation found")
        VIOLATION = "violation", _("Violation found")

    tenant = tenant_key(db_index=False)  # its indexes lead with tenant_id
    decision = models.ForeignKey(
        InspectionDecision, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("decision")
    )
    establishment = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("establishment")
    )
    inspection_type = models.CharField(_("inspection type"), max_length=30, choices=InspectionType.choices)
    visited_on = models.DateField(_("date of visit"))
    place = models.CharField(
        _("place inspected"),
        max_length=255,
        blank=True,
        help_text=_("e.g. stall 12, Đông Ba market; nozzle 3 of the fuel station"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    representative_name = models.CharField(_("establishment's representative"), max_length=120, blank=True)
    representative_title = models.CharField(_("representative's position"), max_length=120, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, default=Result.PENDING)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    return_reason = models.TextField(_("reason for return"), blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = ("establishment_name", "place", "findings", "notes", "decision_number")
    audit_exclude_fields = ("search_text", "updated_at")

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["tenant", "visited_on"], name="inspection_visited_idx"),
            # The list's order: its first page is the index's first 25 entries; partial, as the list is.
            models.Index(
                fields=["tenant", "-visited_on", "-id"],
                condition=models.Q(archived_at__isnull=True),
                name="inspection_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_name} — {self.visited_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def establishment_name(self) -> str:
        return self.establishment.name if self.establishment_id else ""

    @property
    def decision_number(self) -> str:
        return self.decision.number if self.decision_id else ""

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    # Hooks of tcvn_portal.attachments: staff read the photos; only the team adds or removes them.
    def attachment_viewable_by(self, membership) -> bool:
        return membership.has_perm("inspection.view")

    def attachment_changeable_by(self, membership) -> bool:
        from .selectors import may_change_inspection

        return may_change_inspection(membership, membership.user, self)


class ChecklistAnswer(TenantOwnedModel):
    class Answer(models.TextChoices):
        YES = "yes", _("Meets the requirement")
        NO = "no", _("Does not meet it")
        NOT_APPLICABLE = "na", _("Not applicable")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=4, choices=Answer.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__position", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "inspection", "item"], name="checklistanswer_unique")
        ]


class QuantityCheck(TenantOwnedModel):
    """A lot of prepackaged goods checked against OIML R 87; the verdict is computed, never typed."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="quantity_checks")
    product = models.CharField(_("product"), max_length=255)
    unit = models.CharField(_("unit"), max_length=4, choices=[("g", "g"), ("mL", "mL")], default="g")
    nominal_quantity = models.DecimalField(_("nominal quantity Qn"), max_digits=10, decimal_places=2)
    lot_size = models.PositiveIntegerField(_("lot size (packages)"))
    actual_quantities = models.JSONField(_("actual quantities measured"), default=list)
    tolerable_deficiency = models.DecimalField(max_digits=10, decimal_places=2, editable=False)
    short_beyond_t = models.PositiveIntegerField(editable=False)
    short_beyond_2t = models.PositiveIntegerField(editable=False)
    mean = models.DecimalField(max_digits=12, decimal_places=3, editable=False)
    mean_limit = models.DecimalField(max_digits=12, decimal_places=3, editable=False)
    conforms = models.BooleanField(_("conforms"), editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("quantity check")
        verbose_name_plural = _("quantity checks")


class FuelDispenserCheck(TenantOwnedModel):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="fuel_checks")
    nozzle = models.CharField(_("dispenser and nozzle"), max_length=120)
    indicated_volume = models.DecimalField(
        _("volume shown by the dispenser (L)"), max_digits=9, decimal_places=3
    )
    standard_volume = models.DecimalField(
        _("volume in the standard measure (L)"), max_digits=9, decimal_places=3
    )
    max_permissible_error = models.DecimalField(
        _("maximum permissible error (%)"), max_digits=5, decimal_places=2, default=Decimal("0.5")
    )
    error_percent = models.DecimalField(_("error (%)"), max_digits=8, decimal_places=3, editable=False)
    conforms = models.BooleanField(_("conforms"), editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("fuel dispenser check")
        verbose_name_plural = _("fuel dispenser checks")


class Sample(TenantOwnedModel):
    class Conformity(models.TextChoices):
        PENDING = "pending", _("Waiting for the result")
        CONFORMING = "conforming", _("Conforming")
        NONCONFORMING = "nonconforming", _("Not conforming")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="samples")
    code = models.CharField(_("sample code"), max_length=60)
    product = models.CharField(_("product"), max_length=255)
    laboratory = models.CharField(_("laboratory"), max_length=255)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    returned_on = models.DateField(_("result returned on"), null=True, blank=True)
    result = models.TextField(_("test result"), blank=True)
    conformity = models.CharField(
        _("conformity"), max_length=20, choices=Conformity.choices, default=Conformity.PENDING
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="sample_unique_code")]

    def __str__(self) -> str:
        return self.code


class Violation(TenantOwnedModel):
    class Payment(models.TextChoices):
        UNPAID = "unpaid", _("Not paid")
        PAID = "paid", _("Paid")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="violations")
    legal_basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, related_name="+", verbose_name=_("legal basis")
    )
    description = models.TextField(_("what was found"))
    fine_amount = models.DecimalField(_("fine (VND)"), max_digits=15, decimal_places=0)
    remedial_measures = models.TextField(_("remedial measures"), blank=True)
    sanction_number = models.CharField(_("sanction decision number"), max_length=60, blank=True)
    sanction_date = models.DateField(_("sanction decision date"), null=True, blank=True)
    payment = models.CharField(_("payment"), max_length=10, choices=Payment.choices, default=Payment.UNPAID)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")


class FollowUp(TenantOwnedModel):
    """A correction the establishment must make by a deadline, closed with evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="followups")
    violation = models.ForeignKey(
        Violation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("violation"),
    )
    requirement = models.TextField(_("correction required"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(_("evidence of correction"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.requirement[:80]
