"""Redis stopped under a running portal: pages serve, queued work waits in the outbox, an invalidation
that cannot be done is refused clearly; Redis back: the outbox flushes and a real worker does the work.

The portal runs under gunicorn with REDIS_URL (cache and broker) pointing at a throwaway Redis of the
test's own, which is really stopped (SIGTERM) and started again on the same port; the database is the
test database, so the test reads what the portal wrote.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.utils import timezone

from tcvn_portal.outbox.models import OutboxTask
from tcvn_portal.reports.models import AnnualReport
from tcvn_portal.tenancy.context import tenant_context
from tests.celery_fixtures import wait_until
from traceability.models import BatchEvent

from .conftest import Browser, Gunicorn
from .world import make_world, session_cookie

BUILD_REPORT = "reports.tasks.build_annual_report"


def portal_env(redis_url: str) -> dict[str, str]:
    passed_on = {k: v for k, v in os.environ.items() if k.startswith(("TCVN_", "DJANGO_SETTINGS_MODULE"))}
    return {
        **passed_on,
        "DJANGO_SETTINGS_MODULE": "tcvn_portal.settings.test",
        "TCVN_TEST_DATABASE": settings.TEST_DATABASE_NAME,
        "REDIS_URL": redis_url,
    }


def test_redis_stopped_pages_serve_work_waits_in_outbox_then_flows(
    tenant_a, redis_server, fault_workers, tmp_path
):
    world = make_world(tenant_a)
    web = Gunicorn(portal_env(redis_server.url), tmp_path / "gunicorn.log", workers=2)
    web.start()
    try:
        consumer = Browser(web.url(""))
        manager = Browser(web.url(""), {"sessionid": session_cookie(world.manager)})
        business = Browser(web.url(""), {"sessionid": session_cookie(world.business_user)})
        status, body, _ = consumer.get(world.scan_path)
        assert status == 200 and "Tem chính hãng" in body  # and now in the throwaway Redis's cache

        redis_server.stop()

        # Pages that read the cache serve from the database.
        status, body, _ = consumer.get(world.scan_path)
        assert status == 200 and "Tem chính hãng" in body and "Chè Shan Tuyết Hồng Thái" in body
        assert "kiểm tra 2 lần" in body  # the scan was still counted
        status, body, _ = manager.get("/dashboard/")
        assert status == 200 and world.manager.full_name in body

        # A form that queues a task succeeds; the task waits in the outbox.
        year = timezone.localdate().year - 1
        status, _body, headers = manager.post("/reports/annual/", {"year": str(year)})
        assert status == 302 and "/reports/annual/" in headers["Location"]
        kept = OutboxTask.objects.get()
        assert kept.task_name == BUILD_REPORT and kept.kwargs["tenant_id"] == tenant_a.pk
        assert "Connection refused" in kept.last_error or "Error" in kept.last_error
        with tenant_context(tenant_a):
            report = AnnualReport.objects.get(year=year)
        assert report.status == AnnualReport.Status.QUEUED and kept.kwargs["report_id"] == report.pk

        # A recall needs nothing of Redis (it raises the batch's page version): it goes through, and the
        # scan page, served by a process that had cached the old page, shows it at once.
        batch_path = f"/traceability/batches/{world.batch.pk}/"
        status, _body, _ = business.post(batch_path, {"action": "recall", "reason": "Nhiễm nấm mốc"})
        assert status == 302
        with tenant_context(tenant_a):
            assert BatchEvent.objects.filter(batch=world.batch, bizstep="recalling").exists()
        status, body, _ = consumer.get(world.scan_path)
        assert status == 200 and "Nhiễm nấm mốc" in body and 'id="recall-warning"' in body

        redis_server.start()  # the same port, empty: nothing of the old cache or queue survived

        # A worker starting flushes the outbox; it builds the report.
        fault_workers("worker", redis_url=redis_server.url).start()
        wait_until(lambda: not OutboxTask.objects.exists(), timeout=30)

        def built() -> bool:
            with tenant_context(tenant_a):
                return AnnualReport.objects.get(pk=report.pk).status == AnnualReport.Status.DONE

        wait_until(built, timeout=120, interval=0.5)

        # And with Redis back, the page drawn again still shows the recall.
        status, body, _ = consumer.get(world.scan_path)
        assert status == 200 and "Nhiễm nấm mốc" in body and 'id="recall-warning"' in body
        assert "Traceback" not in web.log.read_text()
    finally:
        web.stop()
