"""Writes of the reports app: asking for and building the annual report, the outreach register."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tcvn_portal.tenancy import context

from . import charts
from .figures import DOMAINS
from .models import AnnualReport, OutreachActivity
from .pdf import render_pdf

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000
REPORT_LANGUAGE = "vi"


def figures_hash(sections: list[dict]) -> str:
    """A fingerprint of the figures alone: equal figures give an equal hash, whatever the time of day."""
    payload = json.dumps(sections, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def report_sections(*, year: int, progress=None) -> list[dict]:
    """Every domain's figures for `year`, in the report's language."""
    sections = []
    with translation.override(REPORT_LANGUAGE):
        for i, domain in enumerate(DOMAINS):
            sections.append(domain.figures(year=year))
            if progress is not None:
                progress(10 + 50 * (i + 1) // len(DOMAINS))
    return sections


def check_year(year) -> int:
    """The year as an int, if a report can be made of it (not a year still to come)."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Enter a year, e.g. %(year)s.") % {"year": timezone.localdate().year - 1}
        ) from None
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(
            _("A report can be made for the years %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": timezone.localdate().year}
        )
    return year


def request_annual_report(*, year: int, actor, regenerate: bool = False) -> tuple[AnnualReport, bool]:
    """The report of `year` for the active tenant, and whether a new version was queued.

    With the same figures as a stored (or still building) version, that version is returned and
    nothing is queued, unless `regenerate` asks for a new version of a finished one. A new version is
    built by a task on the "reports" queue once this transaction commits.
    """
    year = check_year(year)
    fail_stalled_reports()
    digest = figures_hash(report_sections(year=year))
    existing = (
        AnnualReport.objects.filter(year=year, figures_hash=digest)
        .exclude(status=AnnualReport.Status.FAILED)
        .order_by("-version")
        .first()
    )
    if existing is not None and (not regenerate or not existing.is_finished):
        return existing, False
    last = AnnualReport.objects.filter(year=year).aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                year=year, version=last + 1, figures_hash=digest, requested_by=actor
            )
    except IntegrityError:
        # Someone asked for the same year at the same moment: theirs is the new version.
        return AnnualReport.objects.filter(year=year).order_by("-version").first(), False
    from .tasks import build_annual_report

    build_annual_report.delay_for(context.require_tenant_id(), report_id=report.pk)
    return report, True


_UNFINISHED = [AnnualReport.Status.QUEUED, AnnualReport.Status.RUNNING]


def fail_stalled_reports() -> int:
    """Marks failed the reports still unfinished long after a build would have been killed.

    A build past its soft limit marks itself failed, and one killed at the hard limit is marked by its
    worker (fail_timed_out_report); one lost with its whole worker cannot be, so it is found here: by
    then no worker can still be building it.
    """
    from .tasks import REPORT_TIME_LIMIT

    cutoff = timezone.now() - dt.timedelta(seconds=REPORT_TIME_LIMIT + STALL_GRACE_SECONDS)
    stalled = list(
        AnnualReport.objects.filter(status__in=_UNFINISHED, requested_at__lt=cutoff).select_for_update()
    )
    for report in stalled:
        _mark_timed_out(report)
    return len(stalled)


def fail_timed_out_report(*, report_id: int) -> bool:
    """Marks failed the report whose build its worker killed at the hard time limit.

    The killed process cannot record anything, so the worker's main process calls this (ReportTask's
    on_failure). A report already finished is left as it is.
    """
    report = AnnualReport.objects.select_for_update().filter(pk=report_id, status__in=_UNFINISHED).first()
    if report is None:
        return False
    _mark_timed_out(report)
    return True


def _mark_timed_out(report: AnnualReport) -> None:
    report.status = AnnualReport.Status.FAILED
    report.error = str(_("The build did not finish within its time limit. Ask for the report again."))
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "error", "finished_at"])


# Time a queued build may wait for a free worker before its hard limit even starts counting.
STALL_GRACE_SECONDS = 15 * 60


def progress_key(report: AnnualReport) -> str:
    return f"reports:progress:{report.tenant_id}:{report.pk}"


def set_progress(report: AnnualReport, percent: int) -> None:
    # The task's writes commit only at its end: progress travels through the shared cache instead.
    cache.set(progress_key(report), percent, timeout=6 * 3600)


def build_annual_report(*, report: AnnualReport) -> AnnualReport:
    """Builds and stores the PDF of `report`; a report already built is left as it is.

    On any error the report is marked failed (with nothing half-stored) instead of raising, so that
    the failure is shown to whoever asked.
    """
    if report.status == AnnualReport.Status.DONE:
        return report
    try:
        with transaction.atomic():
            set_progress(report, 5)
            sections = report_sections(year=report.year, progress=lambda p: set_progress(report, p))
            with translation.override(REPORT_LANGUAGE):
                drawn = charts.charts_for(sections, year=report.year)
                set_progress(report, 75)
                pdf = render_pdf(
                    "reports/annual_report_pdf.html",
                    {
                        "report": report,
                        "tenant": context.current_tenant(),
                        "sections": sections,
                        "charts": {key: charts.data_uri(svg) for key, svg in drawn.items()},
                        "generated_at": timezone.localtime(),
                    },
                )
            set_progress(report, 90)
            name = default_storage.save(
                f"tenants/{report.tenant_id}/reports/{report.year}/bao-cao-tong-ket-{report.year}"
                f"-v{report.version}.pdf",
                ContentFile(pdf),
            )
            report.file = name
            report.size = len(pdf)
            report.figures_hash = figures_hash(sections)
            report.status = AnnualReport.Status.DONE
            report.finished_at = timezone.now()
            report.save(update_fields=["file", "size", "figures_hash", "status", "finished_at"])
    except Exception as exc:
        logger.exception("annual report %s of tenant %s failed", report.pk, report.tenant_id)
        report.status = AnnualReport.Status.FAILED
        report.error = f"{type(exc).__name__}: {exc}"[:500]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
    set_progress(report, 100)
    return report


def request_last_year_reports(*, today: dt.date | None = None) -> int:
    """For every active province, last year's report (5 January's job); returns how many were queued."""
    from tcvn_portal.tenancy.models import Tenant

    year = (today or timezone.localdate()).year - 1
    queued = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with context.tenant_context(tenant):
            _report, created = request_annual_report(year=year, actor=None)
            queued += created
    return queued


def save_outreach(*, activity: OutreachActivity, actor) -> OutreachActivity:
    """Saves a new or edited activity of the active tenant; the audit trail records the change."""
    if activity.pk is None:
        activity.created_by = actor
    activity.full_clean()
    activity.save()
    return activity


def archive_outreach(*, activity: OutreachActivity, actor) -> OutreachActivity:
    """Archives (never deletes) an activity: it leaves the register and the report's counts."""
    activity.archived_at = timezone.now()
    activity.save(update_fields=["archived_at"])
    return activity
