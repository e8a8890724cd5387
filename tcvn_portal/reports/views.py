from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tcvn_portal.core.pagination import Paginator
from tcvn_portal.permissions import TenantPermissionRequiredMixin, has_perm

from . import charts, exports, selectors, services
from .figures import all_figures
from .figures.base import PERIODS
from .forms import (
    NationalFilterForm,
    OutreachFilterForm,
    OutreachForm,
    ReportRequestForm,
    StatisticsFilterForm,
)
from .list_export import Column, export_requested, list_export
from .models import AnnualReport, OutreachActivity
from .pdf import render_pdf
from .schedule import RUN_JOB, jobs

PAGE_SIZE = 25


class StatisticsView(TenantPermissionRequiredMixin, View):
    """This year's figures and charts of the province, by commune and period; exports them to Excel."""

    permission_required = "report.view"

    def get(self, request):
        form = StatisticsFilterForm(request.GET or None)
        year, period, commune = timezone.localdate().year, "", None
        if form.is_valid():
            year = form.cleaned_data["year"] or year
            period = form.cleaned_data["period"]
            commune = form.cleaned_data["commune"]
        sections = all_figures(year=year, commune=commune, period=period)
        if request.GET.get("export") == "xlsx":
            return exports.figures_workbook(sections, year=year, filename=f"so-lieu-{year}")
        drawn = charts.charts_for(sections, year=year)
        return render(
            request,
            "reports/statistics.html",
            {
                "form": form,
                "sections": sections,
                "charts": drawn,
                "year": year,
                "period_label": PERIODS[period],
                "commune": commune,
            },
        )


class AnnualReportListView(TenantPermissionRequiredMixin, View):
    """The stored reports with who asked and when; a manager asks for one here."""

    permission_required = "report.view"
    exportable = True

    def get(self, request, form=None, status=200):
        reports = selectors.annual_reports()
        if request.GET.get("export") == "xlsx":
            return exports.reports_workbook(reports)
        page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
        default_year = timezone.localdate().year - 1
        form = form or ReportRequestForm(initial={"year": default_year})
        return render(request, "reports/annual_list.html", {"page": page, "form": form}, status=status)

    def post(self, request):
        if not has_perm(request, "report.request"):
            return HttpResponse(status=403)
        form = ReportRequestForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        try:
            report, created = services.request_annual_report(
                year=form.cleaned_data["year"],
                actor=request.user,
                regenerate=bool(request.POST.get("regenerate")),
            )
        except ValidationError as error:
            form.add_error("year", error)
            return self.get(request, form=form, status=400)
        if not created:
            messages.info(request, _("The figures have not changed since this version: here it is."))
        return redirect("reports:annual_detail", pk=report.pk)


class AnnualReportDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "report.view"

    def get(self, request, pk: int):
        report = get_object_or_404(selectors.annual_reports(), pk=pk)
        return render(
            request,
            "reports/annual_detail.html",
            {
                "report": report,
                "progress": _progress(report),
            },
        )


class AnnualReportProgressView(TenantPermissionRequiredMixin, View):
    """A small JSON answer polled by the progress bar."""

    permission_required = "report.view"

    def get(self, request, pk: int):
        report = get_object_or_404(AnnualReport.objects, pk=pk)
        if not report.is_finished and services.fail_stalled_reports():
            report.refresh_from_db()
        return JsonResponse(_progress(report))


class AnnualReportDownloadView(TenantPermissionRequiredMixin, View):
    permission_required = "report.view"

    def get(self, request, pk: int):
        report = get_object_or_404(AnnualReport.objects, pk=pk, status=AnnualReport.Status.DONE)
        if not report.file:
            raise Http404
        return FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            content_type="application/pdf",
            filename=f"bao-cao-tong-ket-{report.year}-v{report.version}.pdf",
        )


def _progress(report: AnnualReport) -> dict:
    from django.core.cache import cache

    if report.status == AnnualReport.Status.DONE:
        percent = 100
    elif report.status == AnnualReport.Status.FAILED:
        percent = 100
    else:
        percent = int(cache.get(services.progress_key(report)) or 0)
        # The worker's commit may land a moment after its last progress step.
        percent = min(percent, 99)
    return {
        "status": report.status,
        "status_label": str(report.get_status_display())
        if percent == 0 or report.is_finished
        else str(AnnualReport.Status.RUNNING.label),
        "percent": percent,
        "done": report.status == AnnualReport.Status.DONE,
        "failed": report.status == AnnualReport.Status.FAILED,
        "download_url": reverse("reports:annual_download", args=[report.pk])
        if report.status == AnnualReport.Status.DONE
        else "",
    }


class NationalRollupView(TenantPermissionRequiredMixin, View):
    """Every province's figures side by side, for national viewers: aggregates only."""

    permission_required = "report.national"

    def get(self, request):
        form = NationalFilterForm(request.GET or None)
        year, period = timezone.localdate().year, ""
        if form.is_valid():
            year = form.cleaned_data["year"] or year
            period = form.cleaned_data["period"]
        rollup = selectors.national_rollup(year=year, period=period)
        export = request.GET.get("export")
        if export == "xlsx":
            return exports.rollup_workbook(rollup, filename=f"tong-hop-toan-quoc-{year}")
        context = {"form": form, "rollup": rollup, "period_label": PERIODS[period]}
        if export == "pdf":
            pdf = render_pdf("reports/national_pdf.html", {**context, "generated_at": timezone.localtime()})
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="tong-hop-toan-quoc-{year}.pdf"'
            return response
        return render(request, "reports/national.html", context)


class JobListView(TenantPermissionRequiredMixin, View):
    """The scheduled jobs with their last run and outcome."""

    permission_required = "jobs.view"
    exportable = True
    export_columns = (
        Column(gettext_lazy("Job"), lambda r: r["periodic"].name if r["periodic"] else r["job"].name),
        Column(
            gettext_lazy("Schedule"),
            lambda r: str(r["periodic"].crontab) if r["periodic"] else gettext_lazy("Not scheduled"),
        ),
        Column(gettext_lazy("Enabled"), lambda r: bool(r["periodic"] and r["periodic"].enabled)),
        Column(gettext_lazy("Last run"), lambda r: r["last_run"].started_at if r["last_run"] else None),
        Column(
            gettext_lazy("Outcome"), lambda r: r["last_run"].get_outcome_display() if r["last_run"] else ""
        ),
        Column(gettext_lazy("Detail"), lambda r: r["last_run"].detail if r["last_run"] else ""),
    )

    def get(self, request):
        from django_celery_beat.models import PeriodicTask

        scheduled = {
            json.loads(t.kwargs or "{}").get("job"): t
            for t in PeriodicTask.objects.filter(task=RUN_JOB).select_related("crontab")
        }
        runs = selectors.last_runs()
        rows = [
            {"job": job, "periodic": scheduled.get(job.task), "last_run": runs.get(job.task)}
            for job in jobs()
        ]
        if export_requested(request):
            return list_export(
                filename="tac-vu-dinh-ky",
                title=gettext_lazy("Scheduled jobs"),
                columns=self.export_columns,
                rows=rows,
            )
        return render(request, "reports/jobs.html", {"rows": rows})


# --- Outreach register ------------------------------------------------------------------------


class OutreachListView(TenantPermissionRequiredMixin, View):
    permission_required = "outreach.view"
    exportable = True

    def get(self, request):
        form = OutreachFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        activities = selectors.outreach_activities(
            year=filters.get("year"), kind=filters.get("kind", ""), query=filters.get("q", "")
        )
        if request.GET.get("export") == "xlsx":
            return exports.outreach_workbook(activities)
        page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "reports/outreach_list.html", {"form": form, "page": page})


class OutreachDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "outreach.view"

    def get(self, request, pk: int):
        activity = get_object_or_404(OutreachActivity.objects.select_related("commune"), pk=pk)
        return render(request, "reports/outreach_detail.html", {"activity": activity})


class OutreachEditView(TenantPermissionRequiredMixin, View):
    permission_required = "outreach.change"

    def get_object(self, pk):
        return get_object_or_404(OutreachActivity.objects, pk=pk, archived_at__isnull=True) if pk else None

    def get(self, request, pk: int | None = None):
        return self.render(OutreachForm(instance=self.get_object(pk)))

    def post(self, request, pk: int | None = None):
        form = OutreachForm(request.POST, instance=self.get_object(pk))
        if form.is_valid():
            services.save_outreach(activity=form.instance, actor=request.user)
            messages.success(request, _("The activity was saved."))
            return redirect("reports:outreach_detail", pk=form.instance.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        return render(self.request, "reports/outreach_form.html", {"form": form}, status=status)


class OutreachArchiveView(TenantPermissionRequiredMixin, View):
    permission_required = "outreach.change"

    def post(self, request, pk: int):
        activity = get_object_or_404(OutreachActivity.objects, pk=pk, archived_at__isnull=True)
        services.archive_outreach(activity=activity, actor=request.user)
        messages.success(request, _("The activity was archived."))
        return redirect("reports:outreach_list")
