"""A real worker on the real broker builds the report from the "reports" queue, with progress to watch."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tcvn_portal.reports.models import AnnualReport
from tcvn_portal.reports.tasks import REPORT_TIME_LIMIT, build_annual_report
from tcvn_portal.tenancy.context import tenant_context
from tests.celery_fixtures import wait_until
from tests.reports.conftest import LAST_YEAR, early


def test_build_task_has_its_queue_and_a_time_limit():
    assert build_annual_report.queue == "reports"
    assert build_annual_report.time_limit == REPORT_TIME_LIMIT
    assert build_annual_report.soft_time_limit < build_annual_report.time_limit


def test_render_worker_recycles_its_processes(settings):
    assert settings.CELERY_WORKER_MAX_TASKS_PER_CHILD > 0
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD > 0
    assert settings.CELERY_TASK_ROUTES["reports.tasks.build_annual_report"]["queue"] == "reports"


@pytest.mark.django_db(transaction=True)
def test_worker_builds_the_requested_report_and_progress_reaches_the_end(
    reports_worker, province_a, manager_a, client_for
):
    province_a.outreach(early(LAST_YEAR), attendance=77)
    client = client_for(manager_a)
    client.post(reverse("reports:annual_list"), {"year": LAST_YEAR})
    with tenant_context(province_a.tenant):
        report = AnnualReport.objects.get()
    url = reverse("reports:annual_progress", args=[report.pk])
    seen = []

    def finished():
        state = client.get(url).json()
        seen.append(state["percent"])
        return state["done"]

    wait_until(finished, timeout=90, interval=0.2)
    assert seen[-1] == 100 and seen == sorted(seen)
    with tenant_context(province_a.tenant):
        report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE and report.size > 1000
    download = client.get(reverse("reports:annual_download", args=[report.pk]))
    assert download.status_code == 200
    # A second delivery of the same task leaves the stored report as it is.
    build_annual_report.apply(kwargs={"report_id": report.pk, "tenant_id": province_a.tenant.pk})
    with tenant_context(province_a.tenant):
        assert AnnualReport.objects.get().file.name == report.file.name
