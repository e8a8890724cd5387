"""`?export=xlsx` on the annual report list and the scheduled jobs: Vietnamese headers, this province's
reports only, the same jobs as the page, and nothing for those the pages refuse."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tcvn_portal.reports.models import AnnualReport, JobRun
from tcvn_portal.reports.schedule import jobs
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.reports.conftest import LAST_YEAR
from tests.xlsx import column, export_rows

pytestmark = pytest.mark.django_db


def test_annual_report_export_holds_this_provinces_reports_only(
    tenant_a, tenant_b, manager_a, inspector_a, member_factory, client_for
):
    with tenant_context(tenant_a):
        AnnualReport.objects.create(year=LAST_YEAR, version=1, figures_hash="a", requested_by=manager_a)
        AnnualReport.objects.create(year=LAST_YEAR, version=2, figures_hash="b", requested_by=manager_a)
    with tenant_context(tenant_b):
        AnnualReport.objects.create(
            year=LAST_YEAR - 1,
            version=7,
            figures_hash="c",
            requested_by=member_factory(tenant_b, Role.MANAGER),
        )
    rows = export_rows(client_for(inspector_a).get(reverse("reports:annual_list"), {"export": "xlsx"}))
    assert rows[0] == (
        "Năm",
        "Phiên bản",
        "Trạng thái",
        "Người yêu cầu",
        "Thời điểm yêu cầu",
        "Thời điểm hoàn thành",
    )
    assert [row[:2] for row in rows[1:]] == [(LAST_YEAR, 2), (LAST_YEAR, 1)]
    assert set(column(rows, "Người yêu cầu")) == {manager_a.get_full_name()}


def test_jobs_export_holds_every_job_of_the_page_with_its_last_run(admin_a, client_for):
    task = jobs()[0].task
    JobRun.objects.create(
        job=task, run_key="2026-01-01", outcome=JobRun.Outcome.FAILED, started_at=timezone.now()
    )
    rows = export_rows(client_for(admin_a).get(reverse("reports:jobs"), {"export": "xlsx"}))
    assert rows[0] == ("Tác vụ", "Lịch tự động", "Đang bật", "Lần chạy gần nhất", "Kết quả", "Chi tiết")
    assert len(rows) - 1 == len(jobs())
    with translation.override("vi"):
        failed = str(JobRun.Outcome.FAILED.label)
    assert column(rows, "Kết quả").count(failed) == 1
    assert sum(1 for cell in column(rows, "Lần chạy gần nhất") if cell is not None) == 1


@pytest.mark.parametrize(
    ("url_name", "role"), [("reports:annual_list", Role.BUSINESS), ("reports:jobs", Role.INSPECTOR)]
)
def test_those_the_page_refuses_get_no_export(
    tenant_a, member_factory, organization_factory, client_for, url_name, role
):
    organization = organization_factory(tenant_a) if role == Role.BUSINESS else None
    user = member_factory(tenant_a, role, organization=organization)
    assert client_for(user).get(reverse(url_name), {"export": "xlsx"}).status_code == 403


def test_jobs_page_links_to_its_export(admin_a, client_for):
    page = client_for(admin_a).get(reverse("reports:jobs")).content.decode()
    assert "Xuất Excel" in page and "?export=xlsx" in page
