"""Legal metrology of one province: the instrument-type catalog, the instrument register, verifications
with their certificates, verification requests from businesses, markets with their reference scales and the
yearly free verification campaign, reminders before expiry, and imports of legacy registers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tcvn_portal.tenancy.models import Commune, Organization, SearchableMixin, TenantOwnedModel, tenant_key


class VerificationKind(models.TextChoices):
    INITIAL = "initial", _("Initial")
    PERIODIC = "periodic", _("Periodic")
    AFTER_REPAIR = "after_repair", _("After repair")


class InstrumentType(SearchableMixin, TenantOwnedModel):
    """A kind of measuring instrument. What the law says about it lives in dated `InstrumentTypeRule`s."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    is_reference_scale = models.BooleanField(
        _("reference scale type"),
        default=False,
        help_text=_("Instruments of this type are the reference scales kept at markets."),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    search_fields = ("name", "code")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("instrument type")
        verbose_name_plural = _("instrument types")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="metrology_type_unique_code")]

    def __str__(self) -> str:
        return self.name


class InstrumentTypeRule(TenantOwnedModel):
    """What holds for a type from `valid_from` on, until the next rule of the same type.

    A new circular adds a rule with a later date; verifications made before it keep the cycle they had.
    """

    instrument_type = models.ForeignKey(
        InstrumentType, on_delete=models.PROTECT, related_name="rules", verbose_name=_("instrument type")
    )
    valid_from = models.DateField(_("in force from"))
    must_verify = models.BooleanField(
        _("must be verified (group 2)"),
        default=True,
        help_text=_(
            "On the list of measuring instruments that must be verified (Circular 23/2013/TT-BKHCN)."
        ),
    )
    initial = models.BooleanField(_("initial verification"), default=True)
    periodic = models.BooleanField(_("periodic verification"), default=True)
    after_repair = models.BooleanField(_("verification after repair"), default=True)
    cycle_months = models.PositiveSmallIntegerField(
        _("periodic cycle (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the type has no periodic verification."),
    )
    mpe_notes = models.TextField(_("permissible error notes"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    needs_checking = models.BooleanField(
        _("to be checked against the circular in force"),
        default=False,
        help_text=_("Seeded values that an administrator has not yet confirmed."),
    )

    class Meta:
        ordering = ["instrument_type", "-valid_from"]
        verbose_name = _("instrument type rule")
        verbose_name_plural = _("instrument type rules")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "instrument_type", "valid_from"], name="metrology_rule_unique_date"
            ),
            models.CheckConstraint(
                condition=models.Q(cycle_months__isnull=True)
                | models.Q(cycle_months__gte=1, cycle_months__lte=120),
                name="metrology_rule_cycle_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_type} ({self.valid_from:%d/%m/%Y})"

    def allows(self, kind: str) -> bool:
        return bool(getattr(self, kind, False))


class Market(SearchableMixin, TenantOwnedModel):
    """A market whose management keeps reference scales (cân đối chứng) for buyers to check their goods."""

    name = models.CharField(_("name"), max_length=200)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    manager = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("management board"),
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    search_fields = ("name", "address")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="metrology_market_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Instrument(SearchableMixin, TenantOwnedModel):
    """One measuring instrument in the register; its latest verification is copied on for the dashboards."""

    class Status(models.TextChoices):
        IN_USE = "in_use", pgettext_lazy("metrology", "In use")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")
        RETIRED = "retired", _("Retired")

    class Result(models.TextChoices):
        NONE = "", _("Not verified")
        PASSED = "passed", _("Passed")
        FAILED = "failed", pgettext_lazy("metrology", "Failed")

    tenant = tenant_key(db_index=False)  # its indexes lead with tenant_id
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    instrument_type = models.ForeignKey(
        InstrumentType, on_delete=models.PROTECT, related_name="instruments", verbose_name=_("type")
    )
    maker = models.CharField(_("maker"), max_length=120, blank=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    serial = models.CharField(_("serial number"), max_length=80)
    accuracy_class = models.CharField(_("accuracy class"), max_length=40, blank=True)
    measuring_range = models.CharField(_("measuring range"), max_length=120, blank=True)
    type_approval_number = models.CharField(_("type approval number"), max_length=80, blank=True)
    location = models.CharField(
        _("installed at"),
        max_length=255,
        blank=True,
        help_text=_("Where it is used, e.g. stall 12 of Tân Hà market or nozzle 3 of a fuel station."),
    )
    seal_numbers = models.CharField(_("seal numbers"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    market = models.ForeignKey(
        Market,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("market"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_USE)
    # The latest verification, denormalised so that due/overdue/failed lists are one indexed query.
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True, editable=False)
    last_result = models.CharField(
        _("last result"),
        max_length=10,
        choices=Result.choices,
        default=Result.NONE,
        blank=True,
        editable=False,
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = ("serial", "maker", "model", "location", "seal_numbers", "type_approval_number")

    class Meta:
        # Grouped by type in catalogue order (not by the type's name, which would need a join before the
        # sort): the first page is the first 25 entries of metrology_instr_list_idx.
        ordering = ["instrument_type_id", "serial", "pk"]
        verbose_name = _("measuring instrument")
        verbose_name_plural = _("measuring instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "instrument_type", "maker", "serial"],
                name="metrology_instrument_unique_serial",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "valid_until"], name="metrology_instr_valid_idx"),
            # Partial, as the list is: the province's count is an index-only scan of it too.
            models.Index(
                fields=["tenant", "instrument_type", "serial", "id"],
                condition=models.Q(archived_at__isnull=True),
                name="metrology_instr_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_type} {self.serial}"

    def is_owned_by(self, membership) -> bool:
        return membership.organization_id is not None and membership.organization_id == self.owner_id

    def viewable_by(self, membership) -> bool:
        """Staff see the whole register; a business only its own instruments."""
        return membership.has_perm("metrology.view") or (
            membership.has_perm("metrology.view_own") and self.is_owned_by(membership)
        )

    def changeable_by(self, membership) -> bool:
        """Staff with the right and the owning business edit an instrument, until it is retired."""
        if self.status == self.Status.RETIRED or self.archived_at is not None:
            return False
        return membership.has_perm("metrology.instrument.change") or (
            membership.has_perm("metrology.instrument.change_own") and self.is_owned_by(membership)
        )

    # Hooks of tcvn_portal.attachments: a business keeps its own papers (type approval, seal photos) here.
    def attachment_viewable_by(self, membership) -> bool:
        return self.viewable_by(membership)

    def attachment_changeable_by(self, membership) -> bool:
        return self.changeable_by(membership)


class VerificationRequest(TenantOwnedModel):
    """A business asks online for a verification; an officer schedules it and records the result."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="requests", verbose_name=_("instrument")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VerificationKind.choices)
    preferred_date = models.DateField(_("preferred date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    officer_note = models.TextField(_("officer's note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")

    def __str__(self) -> str:
        return f"{self.instrument} — {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.SCHEDULED)

    # Hooks of tcvn_portal.attachments: the business adds papers the visit needs (a repair report before a
    # verification after repair) while its request is open; the officers who handle requests may too.
    def attachment_viewable_by(self, membership) -> bool:
        return self.instrument.viewable_by(membership)

    def attachment_changeable_by(self, membership) -> bool:
        if not self.is_open:
            return False
        return membership.has_perm("metrology.request.manage") or (
            membership.has_perm("metrology.request") and self.instrument.is_owned_by(membership)
        )


class Campaign(TenantOwnedModel):
    """The yearly free verification of reference scales at markets."""

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.TextField(_("notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("verification campaign")
        verbose_name_plural = _("verification campaigns")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "year", "name"], name="metrology_campaign_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CampaignMarket(TenantOwnedModel):
    """A market included in a campaign (an explicit row, so that it carries its tenant under RLS)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="campaign_markets")
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="campaign_markets")

    class Meta:
        ordering = ["market__name"]
        verbose_name = _("market of a campaign")
        verbose_name_plural = _("markets of a campaign")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "campaign", "market"], name="metrology_campaign_market_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.market}"


class Verification(TenantOwnedModel):
    """One verification of one instrument. Never deleted; a record made in error is annulled (archived)."""

    Kind = VerificationKind

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", pgettext_lazy("metrology", "Failed")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="verifications", verbose_name=_("instrument")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"))
    verifier = models.CharField(_("verifier"), max_length=120)
    verifying_body = models.CharField(_("verifying body"), max_length=200)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    # [{"point": "10 kg", "error": "0.005", "mpe": "0.010"}]: each test point with its measured error.
    measurements = models.JSONField(_("measured errors"), default=list, blank=True)
    stamp_number = models.CharField(_("stamp number"), max_length=40, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    check_code = models.CharField(_("check code"), max_length=20, blank=True, editable=False)
    rule = models.ForeignKey(
        InstrumentTypeRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    cycle_months = models.PositiveSmallIntegerField(_("cycle applied (months)"), null=True, editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    request = models.ForeignKey(
        VerificationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        editable=False,
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        verbose_name=_("campaign"),
    )
    follow_up_closed_at = models.DateTimeField(
        _("follow-up closed at"), null=True, blank=True, editable=False
    )
    follow_up_note = models.TextField(_("follow-up"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    archived_at = models.DateTimeField(_("annulled at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-verified_on", "-pk"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        # The list's order: its first page is the index's first 25 entries.
        indexes = [models.Index(fields=["tenant", "-verified_on", "-id"], name="metrology_verif_list_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="metrology_verification_unique_certificate",
            ),
            # One request is answered by one verification.
            models.UniqueConstraint(
                fields=["tenant", "request"],
                condition=models.Q(request__isnull=False),
                name="metrology_verification_one_per_request",
            ),
            models.UniqueConstraint(
                fields=["tenant", "check_code"],
                condition=~models.Q(check_code=""),
                name="metrology_verification_unique_code",
            ),
        ]

    def __str__(self) -> str:
        return self.certificate_number or f"{self.instrument} {self.verified_on:%d/%m/%Y}"

    @property
    def needs_follow_up(self) -> bool:
        return self.result == self.Result.FAILED and self.follow_up_closed_at is None

    # Hooks of tcvn_portal.attachments: the owner reads the record's files (test report, stamp photo);
    # only the verifying officers add them, since the record is the authority's, not the business's.
    def attachment_viewable_by(self, membership) -> bool:
        return self.instrument.viewable_by(membership)

    def attachment_changeable_by(self, membership) -> bool:
        return self.archived_at is None and membership.has_perm("metrology.verify")


class Reminder(TenantOwnedModel):
    """The ledger that makes each expiry reminder go out once: one row per verification and stage.

    The row and the notifications are written in one transaction, so a worker that dies mid-sweep leaves
    either both or neither, and the next sweep sends exactly what is missing.
    """

    class Stage(models.TextChoices):
        DAYS_30 = "expiry-30", _("30 days before expiry")
        DAYS_7 = "expiry-7", _("7 days before expiry")
        LAPSED = "lapsed", _("On the day it lapses")

    verification = models.ForeignKey(Verification, on_delete=models.PROTECT, related_name="reminders")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "verification", "stage"], name="metrology_reminder_once"
            )
        ]

    audited = False

    def __str__(self) -> str:
        return f"{self.verification} {self.stage}"


class ImportJob(TenantOwnedModel):
    """A legacy register uploaded as .xlsx: checked row by row, then imported all or nothing."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file"), max_length=255)
    # The workbook itself, kept under the tenant's RLS until imported; never served back.
    content = models.BinaryField(editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CHECKING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_count = models.PositiveIntegerField(_("instruments created"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    audit_exclude_fields = ("content", "processed_rows", "errors")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
