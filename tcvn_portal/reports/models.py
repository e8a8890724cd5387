"""The annual report of a province (versions of a stored PDF), the outreach register that feeds it, and
the record of every scheduled job's runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tcvn_portal.tenancy.models import Commune, SearchableMixin, TenantOwnedModel


class OutreachActivity(SearchableMixin, TenantOwnedModel):
    """One outreach or training event (tuyên truyền, phổ biến pháp luật, tập huấn), counted in the report."""

    class Kind(models.TextChoices):
        PROPAGANDA = "propaganda", _("Awareness campaign")
        LEGAL = "legal", _("Dissemination of legislation")
        TRAINING = "training", _("Training course")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=255)
    audience = models.CharField(
        _("audience"),
        max_length=255,
        help_text=_("Who took part, e.g. businesses, market traders, commune officials."),
    )
    attendance = models.PositiveIntegerField(_("attendance"), help_text=_("Number of people who took part."))
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = ("topic", "audience", "notes")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        indexes = [models.Index(fields=["tenant", "date"], name="reports_outreach_date_idx")]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d/%m/%Y})"

    def attachment_viewable_by(self, membership) -> bool:
        return membership.has_perm("outreach.view")

    def attachment_changeable_by(self, membership) -> bool:
        return membership.has_perm("outreach.change")


class AnnualReport(TenantOwnedModel):
    """One version of a province's annual report for one year.

    `figures_hash` fingerprints the figures the PDF was built from: asking again while the data is
    unchanged returns the stored version instead of building another.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"))
    figures_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), max_length=255, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size"), default=0, editable=False)
    error = models.CharField(_("error"), max_length=500, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "year", "version"], name="reports_annual_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Annual report %(year)s, version %(version)s") % {"year": self.year, "version": self.version}
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class JobRun(models.Model):
    """One run of a scheduled job (platform-wide, not a tenant's row): when, and how it ended.

    (job, run_key) is unique: a job delivered twice for the same day runs once.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=200)
    run_key = models.CharField(_("run"), max_length=40)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        constraints = [models.UniqueConstraint(fields=["job", "run_key"], name="reports_jobrun_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_key}"
