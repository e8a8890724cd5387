"""Celery workers that die or overrun, really: a worker SIGKILLed mid-task, a report over its time limit.

Each test runs `celery worker` processes of its own (FaultWorker) on the test's Redis and database.
"""

from __future__ import annotations

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from tcvn_portal.reports import tasks as report_tasks
from tcvn_portal.reports.models import AnnualReport
from tcvn_portal.tenancy.context import tenant_context
from tests.celery_fixtures import wait_until
from traceability import cache as scan_cache
from traceability import services
from traceability.models import Stamp, StampSeries

from .world import make_world

STAMPS = 600_000  # twelve chunks of 50 000: long enough to be killed in the middle of


def test_worker_killed_mid_issue_runs_it_again_and_the_stamps_exist_once(tenant_a, fault_workers):
    world = make_world(tenant_a)
    first = fault_workers("first")
    first.start()
    with tenant_context(tenant_a):
        series = services.request_series(
            batch=world.batch, quantity=STAMPS, resolver_base="https://tem.test", actor=world.business_user
        )

    # Killed once the first chunks are in, well before the last.
    def midway() -> bool:
        progress = scan_cache.get_progress(series.pk)
        return progress is not None and 0 < progress[0] < STAMPS

    wait_until(midway, timeout=120, interval=0.02)
    first.kill()

    with tenant_context(tenant_a):
        # The run was one transaction: nothing of it is left for the retry to trip over.
        assert StampSeries.objects.get(pk=series.pk).status == StampSeries.Status.ISSUING
        assert not Stamp.objects.filter(series=series).exists()

    # acks_late: the message was never acknowledged, so Redis hands it out again once its visibility
    # timeout (lowered here from hours to seconds) has passed.
    second = fault_workers(
        "second",
        transport={"visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1},
    )
    second.start()

    def issued() -> bool:
        with tenant_context(tenant_a):
            return StampSeries.objects.get(pk=series.pk).status == StampSeries.Status.INACTIVE

    wait_until(issued, timeout=180, interval=0.5)
    with tenant_context(tenant_a):
        stamps = Stamp.objects.filter(series=series).aggregate(
            n=Count("pk"), numbers=Count("number", distinct=True), last=Max("number")
        )
    assert stamps == {"n": STAMPS, "numbers": STAMPS, "last": STAMPS}
    assert "issue_series[" in second.log() and "succeeded" in second.log()


@pytest.mark.parametrize(
    ("soft_limit", "hard_limit", "deaf", "error_begins"),
    [
        # Past the soft limit the build stops itself and records why.
        (1, 30, False, "SoftTimeLimitExceeded"),
        # A render deaf to the soft limit is killed at the hard limit: the worker's main process records it.
        (1, 3, True, "Việc lập báo cáo không xong trong thời hạn cho phép"),
    ],
    ids=["soft-limit", "hard-limit"],
)
def test_report_over_its_time_limit_is_marked_failed_and_regenerating_it_works(
    tenant_a, fault_workers, client_for, monkeypatch, soft_limit, hard_limit, deaf, error_begins
):
    world = make_world(tenant_a)
    # Every render in this worker takes 5 s more (a test hook standing for a huge report). Only the
    # prefork pool enforces time limits. The limits travel in the task message, set by the process that
    # queues it: lowered here, in the test process, for the first request only.
    worker = fault_workers("reports", pool="prefork", queues="reports", slow_pdf=5, deaf_pdf=deaf)
    worker.start()
    task = report_tasks.build_annual_report
    monkeypatch.setattr(task, "soft_time_limit", soft_limit)
    monkeypatch.setattr(task, "time_limit", hard_limit)
    monkeypatch.setattr(task, "_exec_options", None)
    client = client_for(world.manager)
    year = timezone.localdate().year - 1

    response = client.post("/reports/annual/", {"year": year})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        first = AnnualReport.objects.get(year=year)

    def finished(pk: int) -> AnnualReport | None:
        with tenant_context(tenant_a):
            report = AnnualReport.objects.get(pk=pk)
        return report if report.status in (AnnualReport.Status.DONE, AnnualReport.Status.FAILED) else None

    wait_until(lambda: finished(first.pk), timeout=60, interval=0.2)
    failed = finished(first.pk)
    assert failed.status == AnnualReport.Status.FAILED and not failed.file, worker.log()
    assert failed.error.startswith(error_begins), failed.error
    page = client.get(f"/reports/annual/{first.pk}/").content.decode()
    assert "Không lập được báo cáo" in page and 'data-failed class="error-message" hidden' not in page

    monkeypatch.undo()  # the usual limits again
    task._exec_options = None
    response = client.post("/reports/annual/", {"year": year, "regenerate": "1"})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        second = AnnualReport.objects.exclude(pk=first.pk).get(year=year)
    assert second.version == first.version + 1
    wait_until(lambda: finished(second.pk), timeout=120, interval=0.5)
    rebuilt = finished(second.pk)
    assert rebuilt.status == AnnualReport.Status.DONE and rebuilt.file and rebuilt.size > 1000
