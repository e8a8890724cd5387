"""Beat's schedule: every domain sweep and last year's reports, each run recorded once per day."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from tcvn_portal.reports.models import AnnualReport, JobRun
from tcvn_portal.reports.schedule import RUN_JOB, run_recorded, setup_schedule
from tcvn_portal.reports.tasks import run_job
from tcvn_portal.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def scheduled_jobs() -> dict[str, PeriodicTask]:
    return {json.loads(t.kwargs)["job"]: t for t in PeriodicTask.objects.filter(task=RUN_JOB)}


def test_schedule_holds_every_domain_sweep_and_last_years_report_on_5_january():
    setup_schedule()
    setup_schedule()  # idempotent: nothing doubles
    jobs = scheduled_jobs()
    assert {"metrology.tasks.sweep_reminders", "iso_qms.tasks.sweep_reminders"} <= set(jobs)
    yearly = jobs["reports.tasks.build_last_year_reports"].crontab
    assert (yearly.day_of_month, yearly.month_of_year) == ("5", "1")
    assert PeriodicTask.objects.filter(task=RUN_JOB).count() == len(jobs)
    # A sweep its app had scheduled directly now runs once, through the recorder.
    assert not PeriodicTask.objects.filter(task="metrology.tasks.sweep_reminders", enabled=True).exists()


def test_a_job_runs_once_per_day_and_its_outcome_is_recorded():
    calls = []
    assert (
        run_recorded(job="x.tasks.sweep_y", run_key="2026-01-05", runner=lambda: calls.append(1) or 3) == "ok"
    )
    assert (
        run_recorded(job="x.tasks.sweep_y", run_key="2026-01-05", runner=lambda: calls.append(1)) == "skipped"
    )
    assert calls == [1]
    run = JobRun.objects.get()
    assert run.outcome == JobRun.Outcome.OK and run.finished_at is not None and run.detail == "3"


def test_a_failed_job_is_recorded_and_runs_again():
    def boom():
        raise RuntimeError("SMTP down")

    assert run_recorded(job="x.tasks.sweep_y", run_key="k", runner=boom) == "failed"
    assert "SMTP down" in JobRun.objects.get().detail
    assert run_recorded(job="x.tasks.sweep_y", run_key="k", runner=lambda: "fine") == "ok"
    assert JobRun.objects.get().outcome == JobRun.Outcome.OK


def test_the_5_january_job_queues_last_years_report_of_every_province_once(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        run_job.apply(kwargs={"job": "reports.tasks.build_last_year_reports", "run_key": "y1"}).get()
        run_job.apply(kwargs={"job": "reports.tasks.build_last_year_reports", "run_key": "y2"}).get()
    assert len(queued) == 2  # one per province; the second run found the same figures
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            report = AnnualReport.objects.get()
        assert report.year == dt.date.today().year - 1 and report.requested_by is None


def test_jobs_page_shows_last_run_and_outcome_to_administrators(admin_a, inspector_a, client_for):
    setup_schedule()
    run_recorded(job="metrology.tasks.sweep_reminders", run_key="d", runner=lambda: {"sent": 0})
    client = client_for(admin_a)
    body = client.get(reverse("reports:jobs")).content.decode()
    assert 'data-job="metrology.tasks.sweep_reminders"' in body and "Thành công" in body
    assert 'data-job="reports.tasks.build_last_year_reports"' in body and "Chưa chạy" in body
    assert client_for(inspector_a).get(reverse("reports:jobs")).status_code == 403


def test_job_runs_are_read_only_in_the_admin():
    from django.contrib import admin

    model_admin = admin.site._registry[JobRun]
    assert not model_admin.has_add_permission(None) and not model_admin.has_delete_permission(None)
