"""The quality management systems (TCVN ISO 9001:2015) of the province's state administrative agencies.

An agency is an `Organization` of kind AGENCY; `AgencyProfile` adds what the QMS work needs (level,
parent, QMS status) without touching the platform's model. Every other record hangs off the profile,
so "the focal person edits only their agency's records" is one filter on `agency__organization`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tcvn_portal.tenancy.models import Organization, SearchableMixin, TenantOwnedModel, tenant_key

__all__ = [
    "AgencyProfile",
    "QmsStatusChange",
    "ScopeProcedure",
    "DocumentedInfo",
    "DocumentVersion",
    "InternalAudit",
    "AuditFinding",
    "ManagementReview",
    "Nonconformity",
    "YearlyCheck",
]


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial")
    COMMUNE = "commune", pgettext_lazy("iso_qms", "Commune")


class QmsStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    BUILDING = "building", _("Building")
    APPLIED = "applied", _("Applied")
    ANNOUNCED = "announced", _("Announced")
    MAINTAINED = "maintained", _("Maintained")


class AgencyProfile(SearchableMixin, TenantOwnedModel):
    tenant = tenant_key(db_index=False)  # its indexes lead with tenant_id
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="qms_profiles",
        verbose_name=_("agency"),
        limit_choices_to={"kind": Organization.Kind.AGENCY},
    )
    level = models.CharField(_("level"), max_length=20, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agency"),
    )
    status = models.CharField(
        _("QMS status"), max_length=20, choices=QmsStatus.choices, default=QmsStatus.NOT_STARTED
    )
    announced_on = models.DateField(_("announcement date"), null=True, blank=True)
    announcement_number = models.CharField(_("announcement document number"), max_length=60, blank=True)
    standard = models.CharField(_("standard applied"), max_length=60, default="TCVN ISO 9001:2015")
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    name = models.CharField(max_length=255, editable=False, default="")  # the organisation's, for search

    search_fields = ("name",)

    class Meta:
        ordering = ["level", "name", "pk"]
        verbose_name = _("agency QMS profile")
        verbose_name_plural = _("agency QMS profiles")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "organization"], name="iso_agencyprofile_unique_org"),
        ]
        indexes = [
            # The list's order, partial as the list is: a page is read in its order, not sorted out of the
            # province's agencies, and the count is an index-only scan.
            models.Index(
                fields=["tenant", "level", "name", "id"],
                condition=models.Q(archived_at__isnull=True),
                name="iso_agency_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.organization)

    def attachment_viewable_by(self, membership) -> bool:
        from .selectors import membership_sees_agency

        return membership_sees_agency(membership, self)

    attachment_changeable_by = attachment_viewable_by


class QmsStatusChange(TenantOwnedModel):
    """One step of an agency's QMS history, kept as rows so the page can show the whole path."""

    agency = models.ForeignKey(AgencyProfile, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=QmsStatus.choices)
    changed_on = models.DateField(_("date"))
    note = models.CharField(pgettext_lazy("iso_qms", "note"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "pk"]
        verbose_name = _("QMS status change")
        verbose_name_plural = _("QMS status changes")


class ScopeProcedure(TenantOwnedModel):
    """An administrative procedure (thủ tục hành chính) covered by the agency's QMS."""

    agency = models.ForeignKey(AgencyProfile, on_delete=models.PROTECT, related_name="procedures")
    code = models.CharField(_("procedure code"), max_length=40, blank=True)
    name = models.CharField(_("procedure"), max_length=500)
    field = models.CharField(_("field"), max_length=120, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["field", "name", "pk"]
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")

    def __str__(self) -> str:
        return self.name


class DocumentedInfo(TenantOwnedModel):
    class Kind(models.TextChoices):
        POLICY = "policy", _("Quality policy")
        OBJECTIVES = "objectives", _("Quality objectives")
        PROCEDURE = "procedure", _("Procedure")
        OTHER = "other", _("Other documented information")

    agency = models.ForeignKey(AgencyProfile, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40, blank=True)
    title = models.CharField(pgettext_lazy("iso_qms", "title"), max_length=255)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["kind", "code", "pk"]
        verbose_name = _("documented information")
        verbose_name_plural = _("documented information")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def attachment_viewable_by(self, membership) -> bool:
        return self.agency.attachment_viewable_by(membership)

    attachment_changeable_by = attachment_viewable_by


class DocumentVersion(TenantOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    document = models.ForeignKey(DocumentedInfo, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    summary = models.TextField(_("content or change summary"))
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "document", "number"], name="iso_docversion_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def attachment_viewable_by(self, membership) -> bool:
        return self.document.agency.attachment_viewable_by(membership)

    attachment_changeable_by = attachment_viewable_by


class InternalAudit(TenantOwnedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")

    agency = models.ForeignKey(AgencyProfile, on_delete=models.PROTECT, related_name="audits")
    planned_on = models.DateField(_("planned date"))
    performed_on = models.DateField(_("date performed"), null=True, blank=True)
    scope = models.TextField(_("audit plan and scope"))
    lead_auditor = models.CharField(_("lead auditor"), max_length=120)
    auditors = models.CharField(
        _("auditors"), max_length=500, blank=True, help_text=_("Names, separated by commas.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-planned_on", "-pk"]
        verbose_name = _("internal audit")
        verbose_name_plural = _("internal audits")

    def __str__(self) -> str:
        return f"{self.agency} — {self.planned_on:%d/%m/%Y}"


class FindingGrade(models.TextChoices):
    MAJOR = "major", _("Major nonconformity")
    MINOR = "minor", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation")
    OPPORTUNITY = "opportunity", _("Opportunity for improvement")


class AuditFinding(TenantOwnedModel):
    audit = models.ForeignKey(InternalAudit, on_delete=models.PROTECT, related_name="findings")
    grade = models.CharField(_("grade"), max_length=20, choices=FindingGrade.choices)
    clause = models.CharField(
        _("ISO 9001 clause"), max_length=20, blank=True, help_text=_("For example 8.5.1")
    )
    description = models.TextField(_("finding"))
    evidence = models.TextField(_("objective evidence"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "pk"]
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")

    def __str__(self) -> str:
        return f"{self.get_grade_display()}: {self.description[:60]}"

    @property
    def is_nonconformity(self) -> bool:
        return self.grade in (FindingGrade.MAJOR, FindingGrade.MINOR)


class ManagementReview(TenantOwnedModel):
    """A management review with the inputs of ISO 9001 §9.3.2 and the outputs of §9.3.3."""

    agency = models.ForeignKey(AgencyProfile, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("date held"))
    chaired_by = models.CharField(_("chaired by"), max_length=120)
    # Inputs, §9.3.2 a)–f).
    previous_actions = models.TextField(_("status of actions from previous reviews"))
    context_changes = models.TextField(_("changes in external and internal issues"))
    performance = models.TextField(
        _("performance and effectiveness of the QMS"),
        help_text=_(
            "Satisfaction and feedback, quality objectives, process performance, nonconformities and "
            "corrective actions, monitoring results, audit results, external providers."
        ),
    )
    resources = models.TextField(_("adequacy of resources"))
    risk_actions = models.TextField(_("effectiveness of actions on risks and opportunities"))
    improvement_inputs = models.TextField(_("opportunities for improvement (input)"))
    # Outputs, §9.3.3.
    improvement_decisions = models.TextField(_("decisions on opportunities for improvement"))
    qms_changes = models.TextField(_("decisions on changes to the QMS"), blank=True)
    resource_needs = models.TextField(_("decisions on resource needs"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("management review")
        verbose_name_plural = _("management reviews")

    def __str__(self) -> str:
        return f"{self.agency} — {self.held_on:%d/%m/%Y}"


class Nonconformity(TenantOwnedModel):
    """open → root cause found → action planned → action done → closed (after an effective check)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("iso_qms", "Open")
        ANALYSED = "analysed", _("Root cause found")
        ACTION_PLANNED = "action_planned", _("Corrective action planned")
        ACTION_DONE = "action_done", _("Waiting for effectiveness check")
        CLOSED = "closed", pgettext_lazy("iso_qms", "Closed")

    agency = models.ForeignKey(AgencyProfile, on_delete=models.PROTECT, related_name="nonconformities")
    finding = models.ForeignKey(
        AuditFinding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformities",
        verbose_name=_("audit finding"),
    )
    description = models.TextField(_("nonconformity"))
    detected_on = models.DateField(_("detected on"))
    root_cause = models.TextField(_("root cause"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    action_owner = models.CharField(_("owner of the action"), max_length=120, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    action_done_on = models.DateField(_("action done on"), null=True, blank=True)
    effectiveness_note = models.TextField(_("effectiveness check"), blank=True)
    effectiveness_checked_on = models.DateField(_("effectiveness checked on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(pgettext_lazy("iso_qms", "closed on"), null=True, blank=True)

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")

    def __str__(self) -> str:
        return self.description[:80]


class YearlyCheck(TenantOwnedModel):
    """The provincial authority's yearly check of one agency's QMS."""

    class Result(models.TextChoices):
        COMPLIANT = "compliant", _("Compliant")
        PARTLY = "partly", _("Partly compliant")
        NOT_COMPLIANT = "not_compliant", _("Not compliant")

    agency = models.ForeignKey(AgencyProfile, on_delete=models.PROTECT, related_name="yearly_checks")
    year = models.PositiveSmallIntegerField(_("year"))
    checked_on = models.DateField(_("date checked"))
    team_leader = models.CharField(_("team leader"), max_length=120)
    team_members = models.CharField(_("team members"), max_length=500, blank=True)
    result = models.CharField(pgettext_lazy("iso_qms", "result"), max_length=20, choices=Result.choices)
    conclusions = models.TextField(_("conclusions"))
    recommendations = models.TextField(_("recommendations"), blank=True)

    class Meta:
        ordering = ["-year", "agency"]
        verbose_name = _("yearly check")
        verbose_name_plural = _("yearly checks")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "agency", "year"], name="iso_yearlycheck_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.year}"


def _agency_hook(path: str):
    """An attachment hook that defers to the agency the record belongs to (`path` from the record)."""

    def hook(self, membership) -> bool:
        agency = self
        for part in path.split("."):
            agency = getattr(agency, part)
        return agency.attachment_viewable_by(membership)

    return hook


InternalAudit.attachment_viewable_by = InternalAudit.attachment_changeable_by = _agency_hook("agency")
Nonconformity.attachment_viewable_by = Nonconformity.attachment_changeable_by = _agency_hook("agency")
