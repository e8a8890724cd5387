"""Asking for the annual report: stored versions reused while the figures hold, the PDF's text read back."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from tcvn_portal.reports import services
from tcvn_portal.reports.models import AnnualReport
from tcvn_portal.tenancy.context import tenant_context
from tests.reports.conftest import LAST_YEAR, THIS_YEAR, early

pytestmark = pytest.mark.django_db


def pdf_text(report: AnnualReport) -> str:
    with report.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_asking_again_with_unchanged_figures_returns_the_stored_version(
    province_a, tenant_a, manager_a, django_capture_on_commit_callbacks
):
    province_a.outreach(early(LAST_YEAR), attendance=30)
    with tenant_context(tenant_a), django_capture_on_commit_callbacks() as queued:
        first, created = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
        again, created_again = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
    assert created and not created_again
    assert again.pk == first.pk
    assert len(queued) == 1  # one build queued, not two


def test_regenerate_and_changed_figures_make_new_versions(province_a, tenant_a, manager_a):
    province_a.outreach(early(LAST_YEAR), attendance=30)
    with tenant_context(tenant_a):
        first, _ = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
        services.build_annual_report(report=first)
        regenerated, created = services.request_annual_report(
            year=LAST_YEAR, actor=manager_a, regenerate=True
        )
        services.build_annual_report(report=regenerated)
    assert created and regenerated.version == 2
    province_a.outreach(early(LAST_YEAR), attendance=5)
    with tenant_context(tenant_a):
        changed, created = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
    assert created and changed.version == 3
    assert changed.figures_hash != first.figures_hash


@pytest.mark.parametrize("year", ["", "abc", 1999, THIS_YEAR + 1])
def test_a_year_out_of_range_is_refused_and_nothing_is_stored(tenant_a, manager_a, year):
    with tenant_context(tenant_a), pytest.raises(ValidationError):
        services.request_annual_report(year=year, actor=manager_a)
    with tenant_context(tenant_a):
        assert not AnnualReport.objects.exists()


def test_the_pdf_reads_back_in_vietnamese_with_the_database_figures(province_a, tenant_a, manager_a):
    p = province_a
    p.inspection(early(LAST_YEAR), result="violation", fines=[(12_500_000, True)])
    p.inspection(early(LAST_YEAR - 1))
    for _ in range(3):
        p.verification(early(LAST_YEAR))
    p.stamps(early(LAST_YEAR), quantity=125_000, scans=2)
    p.outreach(early(LAST_YEAR), kind="training", attendance=345)
    with tenant_context(tenant_a):
        report, _ = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
        report = services.build_annual_report(report=report)
    assert report.status == AnnualReport.Status.DONE, report.error
    assert report.file.name.startswith(f"tenants/{tenant_a.pk}/reports/{LAST_YEAR}/")
    text = pdf_text(report)
    assert "BÁO CÁO" in text.upper()
    assert "Mục lục" in text
    assert "Thanh tra, kiểm tra" in text or "Kiểm tra" in text
    assert "Tuyên Quang" in text
    assert "12.500.000" in text  # the fine, in VND, written as Vietnamese documents write it
    assert "125.000" in text  # stamps issued
    assert "345" in text  # people reached
    assert "Tập huấn" in text
    reader_pages = text.count(" / ")
    assert reader_pages >= 3  # page numbers "n / N" on every page but the cover


def test_a_failed_build_is_marked_failed_instead_of_raising(tenant_a, manager_a, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]
    with tenant_context(tenant_a):
        report, _ = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
    from tcvn_portal.reports import charts

    original = charts.charts_for
    charts.charts_for = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("drawing failed"))
    try:
        with tenant_context(tenant_a):
            report = services.build_annual_report(report=report)
    finally:
        charts.charts_for = original
    assert report.status == AnnualReport.Status.FAILED
    assert "drawing failed" in report.error


def test_a_build_killed_at_its_hard_limit_is_failed_later_and_can_be_asked_for_again(
    province_a, tenant_a, manager_a, client_for
):
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from tcvn_portal.reports.tasks import REPORT_TIME_LIMIT

    province_a.outreach(early(LAST_YEAR), attendance=30)
    with tenant_context(tenant_a):
        lost, _ = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
        # Its worker was killed at the hard limit: nothing ever marked it finished.
        long_ago = timezone.now() - dt.timedelta(
            seconds=REPORT_TIME_LIMIT + services.STALL_GRACE_SECONDS + 60
        )
        AnnualReport.objects.filter(pk=lost.pk).update(requested_at=long_ago)
    progress = client_for(manager_a).get(reverse("reports:annual_progress", args=[lost.pk])).json()
    assert progress["failed"] and progress["percent"] == 100
    with tenant_context(tenant_a):
        lost.refresh_from_db()
        assert lost.status == AnnualReport.Status.FAILED and "thời hạn" in lost.error
        again, created = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
    assert created and again.version == lost.version + 1
