"""Pages of the reports app: statistics, annual reports, outreach register, national roll-up, jobs."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tcvn_portal.reports import services
from tcvn_portal.reports.models import AnnualReport, OutreachActivity
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.reports.conftest import LAST_YEAR, THIS_YEAR, Province, early

pytestmark = pytest.mark.django_db


def test_statistics_page_shows_this_years_figures_and_charts_in_vietnamese(
    province_a, inspector_a, client_for
):
    province_a.outreach(early(THIS_YEAR), attendance=4321)
    province_a.inspection(early(THIS_YEAR), fines=[(7_000_000, False)])
    response = client_for(inspector_a).get(reverse("reports:statistics"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Số liệu thống kê năm {THIS_YEAR}" in body
    assert "4.321" in body and "7.000.000" in body
    assert '<img src="data:image/svg+xml;base64,' in body  # matplotlib's charts, as images (CSP)


def test_statistics_filter_by_commune_and_export_what_it_shows(province_a, inspector_a, client_for):
    p = province_a
    p.outreach(early(THIS_YEAR), attendance=40, commune=p.commune)
    p.outreach(early(THIS_YEAR), attendance=7, commune=p.other_commune)
    client = client_for(inspector_a)
    response = client.get(reverse("reports:statistics"), {"commune": p.other_commune.pk, "export": "xlsx"})
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook[workbook.sheetnames[-1]]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["Số lượt người tham dự"] == 7
    assert list(sheet.iter_rows(values_only=True))[0] == ("Chỉ tiêu", str(THIS_YEAR), str(LAST_YEAR))


def test_another_provinces_commune_is_refused_as_a_filter(
    province_a, tenant_b, inspector_a, client_for, member_factory
):
    other = Province(tenant_b, member_factory(tenant_b, Role.INSPECTOR))
    other.outreach(early(THIS_YEAR), attendance=999, commune=other.commune)
    response = client_for(inspector_a).get(reverse("reports:statistics"), {"commune": other.commune.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "999" not in body and other.commune.name not in body


def test_business_users_may_not_see_statistics(tenant_a, member_factory, organization_factory, client_for):
    org = organization_factory(tenant_a)
    business = member_factory(tenant_a, Role.BUSINESS, organization=org)
    assert client_for(business).get(reverse("reports:statistics")).status_code == 403


def test_manager_asks_for_a_report_and_the_list_shows_who_and_when(
    province_a, manager_a, client_for, django_capture_on_commit_callbacks
):
    client = client_for(manager_a)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("reports:annual_list"), {"year": LAST_YEAR})
    with tenant_context(province_a.tenant):
        report = AnnualReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:annual_detail", args=[report.pk]
    )
    assert len(queued) == 1
    listing = client.get(reverse("reports:annual_list")).content.decode()
    assert manager_a.get_full_name() in listing and "Đang chờ" in listing
    progress = client.get(reverse("reports:annual_progress", args=[report.pk])).json()
    assert progress["done"] is False and progress["download_url"] == ""


def test_only_managers_ask_for_reports(tenant_a, inspector_a, client_for):
    response = client_for(inspector_a).post(reverse("reports:annual_list"), {"year": LAST_YEAR})
    assert response.status_code == 403
    with tenant_context(tenant_a):
        assert not AnnualReport.objects.exists()


def test_a_future_year_is_refused_with_a_message_and_nothing_is_queued(tenant_a, manager_a, client_for):
    response = client_for(manager_a).post(reverse("reports:annual_list"), {"year": THIS_YEAR + 1})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    with tenant_context(tenant_a):
        assert not AnnualReport.objects.exists()


def test_download_returns_the_stored_pdf(province_a, tenant_a, manager_a, client_for):
    with tenant_context(tenant_a):
        report, _ = services.request_annual_report(year=LAST_YEAR, actor=manager_a)
        services.build_annual_report(report=report)
    response = client_for(manager_a).get(reverse("reports:annual_download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "Tuyên Quang" in text


def test_another_provinces_report_and_activity_answer_404(
    tenant_a, tenant_b, manager_a, member_factory, client_for
):
    manager_b = member_factory(tenant_b, Role.MANAGER)
    other = Province(tenant_b, member_factory(tenant_b, Role.INSPECTOR))
    activity = other.outreach(early(THIS_YEAR))
    with tenant_context(tenant_b):
        report, _ = services.request_annual_report(year=LAST_YEAR, actor=manager_b)
        services.build_annual_report(report=report)
    client = client_for(manager_a)
    for name in ("annual_detail", "annual_progress", "annual_download"):
        assert client.get(reverse(f"reports:{name}", args=[report.pk])).status_code == 404, name
    for name in ("outreach_detail", "outreach_edit"):
        assert client.get(reverse(f"reports:{name}", args=[activity.pk])).status_code == 404, name
    assert client.post(reverse("reports:outreach_archive", args=[activity.pk])).status_code == 404


def test_outreach_is_recorded_listed_exported_and_archived(tenant_a, inspector_a, client_for):
    client = client_for(inspector_a)
    response = client.post(
        reverse("reports:outreach_create"),
        {
            "date": f"{LAST_YEAR}-03-15",
            "kind": "legal",
            "topic": "Phổ biến Nghị định 87/2024/NĐ-CP",
            "audience": "Cửa hàng xăng dầu",
            "attendance": "56",
            "notes": "",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        activity = OutreachActivity.objects.get()
    assert activity.created_by == inspector_a
    listing = client.get(reverse("reports:outreach_list"), {"q": "nghi dinh 87"}).content.decode()
    assert "Phổ biến Nghị định 87/2024/NĐ-CP" in listing
    export = client.get(reverse("reports:outreach_list"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.values)
    assert rows[0][:5] == ("Ngày", "Hình thức", "Chủ đề", "Đối tượng", "Số người tham dự")
    assert rows[1][1:5] == ("Phổ biến pháp luật", "Phổ biến Nghị định 87/2024/NĐ-CP", "Cửa hàng xăng dầu", 56)
    assert client.post(reverse("reports:outreach_archive", args=[activity.pk])).status_code == 302
    assert "Phổ biến Nghị định" not in client.get(reverse("reports:outreach_list")).content.decode()


def test_outreach_with_bad_input_explains_and_saves_nothing(tenant_a, inspector_a, client_for):
    response = client_for(inspector_a).post(
        reverse("reports:outreach_create"),
        {
            "date": f"{THIS_YEAR + 1}-01-01",
            "kind": "training",
            "topic": "Tập huấn",
            "audience": "Tiểu thương",
            "attendance": "-3",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "ngày không được ở tương lai" in body
    with tenant_context(tenant_a):
        assert not OutreachActivity.objects.exists()


def test_outreach_list_takes_a_constant_number_of_queries(
    province_a, inspector_a, client_for, django_assert_max_num_queries
):
    client = client_for(inspector_a)
    province_a.outreach(early(THIS_YEAR), commune=province_a.commune)
    client.get(reverse("reports:outreach_list"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("reports:outreach_list"))
    for _ in range(10):
        province_a.outreach(early(THIS_YEAR), commune=province_a.commune)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("reports:outreach_list"))


def test_national_viewer_sees_every_province_side_by_side_and_nothing_else(
    tenant_a, tenant_b, province_a, member_factory, client_for
):
    viewer = member_factory(tenant_a, Role.NATIONAL_VIEWER)
    other = Province(tenant_b, member_factory(tenant_b, Role.INSPECTOR))
    province_a.outreach(early(THIS_YEAR), attendance=111)
    other.outreach(early(THIS_YEAR), attendance=222)
    other.inspection(early(THIS_YEAR), fines=[(3_000_000, True)])
    client = client_for(viewer)
    body = client.get(reverse("reports:national")).content.decode()
    assert "Tuyên Quang" in body and "Lào Cai" in body
    assert "111" in body and "222" in body and "3.000.000" in body
    assert "Công ty Chè Tân Trào" not in body  # no record below aggregate level
    workbook = load_workbook(BytesIO(client.get(reverse("reports:national"), {"export": "xlsx"}).content))
    outreach_sheet = workbook[workbook.sheetnames[-1]]
    rows = list(outreach_sheet.values)
    assert rows[0] == ("Chỉ tiêu", "Lào Cai", "Tuyên Quang")
    assert ("Số lượt người tham dự", 222, 111) in rows
    pdf = client.get(reverse("reports:national"), {"export": "pdf"})
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "TỔNG HỢP TOÀN QUỐC" in text and "Lào Cai" in text
    assert client.get(reverse("reports:statistics")).status_code == 403
    assert client.get(reverse("reports:outreach_list")).status_code == 403


def test_provincial_staff_cannot_open_the_national_roll_up(tenant_a, manager_a, client_for):
    assert client_for(manager_a).get(reverse("reports:national")).status_code == 403


def test_annual_report_list_takes_a_constant_number_of_queries(
    tenant_a, manager_a, client_for, django_assert_max_num_queries
):
    client = client_for(manager_a)
    with tenant_context(tenant_a):
        AnnualReport.objects.create(year=LAST_YEAR, version=1, figures_hash="a", requested_by=manager_a)
    client.get(reverse("reports:annual_list"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("reports:annual_list"))
    with tenant_context(tenant_a):
        for version in range(2, 12):
            AnnualReport.objects.create(
                year=LAST_YEAR, version=version, figures_hash="a", requested_by=manager_a
            )
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse("reports:annual_list")).status_code == 200
