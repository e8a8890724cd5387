"""Celery tasks of the reports app: building an annual report, and running every scheduled job."""

from __future__ import annotations

from celery import current_app, shared_task
from celery.exceptions import TimeLimitExceeded

from tcvn_portal.tenancy.tasks import TenantTask, tenant_task

from . import services
from .models import AnnualReport

# WeasyPrint renders on one core and grows with pages: its own queue, and a hard stop.
REPORT_TIME_LIMIT = 15 * 60


class ReportTask(TenantTask):
    abstract = True

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # A build killed at the hard limit dies without a word. Celery calls this in the worker's main
        # process just before the kill, while the build still holds its report's row lock: recording the
        # failure here would wait for it, so a small task records it once the lock is gone.
        if isinstance(exc, TimeLimitExceeded) and "report_id" in kwargs:
            from django.db import connections

            try:
                fail_timed_out_report.delay_for(kwargs["tenant_id"], report_id=kwargs["report_id"])
            finally:
                # The main process forks the next pool child: it must not hold a connection open.
                connections.close_all()
        super().on_failure(exc, task_id, args, kwargs, einfo)


@tenant_task(
    base=ReportTask,
    name="reports.tasks.build_annual_report",
    queue="reports",
    time_limit=REPORT_TIME_LIMIT,
    soft_time_limit=REPORT_TIME_LIMIT - 60,
)
def build_annual_report(*, report_id: int) -> None:
    # The row lock makes a second delivery wait for the first and then find the report done.
    report = AnnualReport.objects.select_for_update().filter(pk=report_id).first()
    if report is not None:
        services.build_annual_report(report=report)


@tenant_task(name="reports.tasks.fail_timed_out_report", queue="reports")
def fail_timed_out_report(*, report_id: int) -> None:
    services.fail_timed_out_report(report_id=report_id)


@shared_task(name="reports.tasks.build_last_year_reports", acks_late=True, reject_on_worker_lost=True)
def build_last_year_reports() -> dict[str, int]:
    return {"queued": services.request_last_year_reports()}


@shared_task(name="reports.tasks.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job: str, run_key: str | None = None) -> str:
    """What beat calls: runs the task named `job` once per run key (a day), recording the outcome."""
    from .schedule import run_recorded

    return run_recorded(
        job=job, run_key=run_key, runner=lambda: current_app.tasks[job].apply(throw=True).get()
    )
