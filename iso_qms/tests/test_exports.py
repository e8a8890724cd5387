"""Every list page of iso_qms answers ?export=xlsx with what its filters show — all of it, not one page —
under Vietnamese headers, scoped like the page (focal person, business, other province), in a constant
number of queries."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from iso_qms.award import services as award_services
from iso_qms.qms import services as qms_services
from iso_qms.qms.models import AgencyLevel
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.fixtures import create_member, create_organization

from .conftest import make_agency

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(response):
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]]


def test_agency_list_exports_every_filtered_row_not_only_the_page(
    client_for, quality_officer_a, province_agency_a, commune_agency_a, other_commune_a, tenant_a, monkeypatch
):
    monkeypatch.setattr("iso_qms.web.PAGE_SIZE", 1)
    with tenant_context(tenant_a):
        qms_services.add_procedure(
            agency=commune_agency_a, code="1.001", name="Đăng ký khai sinh", actor=None
        )
    client = client_for(quality_officer_a)
    url = reverse("iso_qms:agency_list")
    assert 'href="?level=commune&amp;export=xlsx"' in client.get(url, {"level": "commune"}).content.decode()
    headers, rows = _sheet(client.get(url, {"level": "commune", "export": "xlsx", "page": "1"}))
    assert headers[:4] == ["Cơ quan", "Cấp", "Cơ quan cấp trên", "Tình trạng HTQLCL"]
    assert {r[0] for r in rows} == {commune_agency_a.name, other_commune_a.name}
    hamyen = next(r for r in rows if r[0] == commune_agency_a.name)
    assert hamyen[1] == "Xã" or hamyen[1] == str(AgencyLevel.COMMUNE.label)
    assert hamyen[2] == province_agency_a.name and hamyen[6] == 1


def test_focal_person_exports_only_their_agency_and_another_province_nothing(
    client_for, focal_a, quality_officer_b, commune_agency_a, other_commune_a
):
    _headers, rows = _sheet(client_for(focal_a).get(reverse("iso_qms:agency_list"), {"export": "xlsx"}))
    assert [r[0] for r in rows] == [commune_agency_a.name]
    _headers, rows = _sheet(
        client_for(quality_officer_b).get(reverse("iso_qms:agency_list"), {"export": "xlsx"})
    )
    assert rows == []


def test_agency_export_runs_in_constant_queries(
    client_for, quality_officer_a, tenant_a, django_assert_max_num_queries
):
    client = client_for(quality_officer_a)
    make_agency(tenant_a, "UBND xã Số 0")
    client.get(reverse("iso_qms:agency_list"), {"export": "xlsx"})
    with django_assert_max_num_queries(12):
        client.get(reverse("iso_qms:agency_list"), {"export": "xlsx"})
    for n in range(1, 8):
        make_agency(tenant_a, f"UBND xã Số {n}")
    with django_assert_max_num_queries(12):
        _headers, rows = _sheet(client.get(reverse("iso_qms:agency_list"), {"export": "xlsx"}))
    assert len(rows) == 8


def test_nonconformity_list_exports_its_filter(client_for, quality_officer_a, commune_agency_a, tenant_a):
    with tenant_context(tenant_a):
        closed_soon = qms_services.open_nonconformity(
            agency=commune_agency_a,
            description="Hồ sơ trả muộn",
            detected_on=timezone.localdate(),
            actor=None,
        )
        qms_services.record_root_cause(nc=closed_soon, root_cause="Thiếu người", actor=None)
        qms_services.open_nonconformity(
            agency=commune_agency_a,
            description="Thiếu biểu mẫu",
            detected_on=timezone.localdate(),
            actor=None,
        )
    headers, rows = _sheet(
        client_for(quality_officer_a).get(
            reverse("iso_qms:nc_list"), {"status": "analysed", "export": "xlsx"}
        )
    )
    assert headers == [
        "Cơ quan",
        "Điểm không phù hợp",
        "Trạng thái",
        "Người chịu trách nhiệm",
        "Hạn hoàn thành",
    ]
    assert [(r[0], r[1]) for r in rows] == [(commune_agency_a.name, "Hồ sơ trả muộn")]


def test_application_list_exports_what_each_user_may_see(
    client_for, quality_officer_a, business_user_a, round_a, business_a, tenant_a
):
    rival = create_organization(tenant_a, name="Công ty TNHH Gốm Thanh Hà")
    with tenant_context(tenant_a):
        for business, kind in ((business_a, "sme_services"), (rival, "large_manufacturing")):
            award_services.start_application(
                award_round=round_a, business=business, applicant_type=kind, actor=None
            )
    url = reverse("iso_qms:application_list")
    headers, rows = _sheet(client_for(quality_officer_a).get(url, {"export": "xlsx"}))
    assert headers == ["Năm", "Doanh nghiệp", "Loại", "Trạng thái", "Điểm tổng hợp"]
    assert {r[1] for r in rows} == {business_a.name, rival.name}
    _h, rows = _sheet(
        client_for(quality_officer_a).get(url, {"applicant_type": "sme_services", "export": "xlsx"})
    )
    assert [r[1] for r in rows] == [business_a.name]
    _h, rows = _sheet(client_for(business_user_a).get(url, {"export": "xlsx"}))
    assert [(r[0], r[1]) for r in rows] == [(round_a.year, business_a.name)]


def test_round_and_criteria_set_lists_export(client_for, quality_officer_a, round_a, tenant_b):
    client = client_for(quality_officer_a)
    headers, rows = _sheet(client.get(reverse("iso_qms:round_list"), {"export": "xlsx"}))
    assert headers[:2] == ["Năm", "Bộ tiêu chí"] and headers[3] == "Hạn nộp hồ sơ"
    assert rows == [
        [
            round_a.year,
            str(round_a.criteria_set),
            rows[0][2],
            rows[0][3],
            rows[0][4],
        ]
    ]
    assert rows[0][3].date() == round_a.submission_deadline
    headers, rows = _sheet(client.get(reverse("iso_qms:criteria_list"), {"export": "xlsx"}))
    assert headers == ["Bộ tiêu chí", "Căn cứ pháp lý", "Trạng thái"]
    assert sorted(r[1] for r in rows) == ["Nghị định 37/2026/NĐ-CP", "Thông tư 27/2019/TT-BKHCN"]
    # Another province's officer sees neither list's rows.
    stranger = create_member(tenant_b, Role.QUALITY_OFFICER)
    _h, rows = _sheet(client_for(stranger).get(reverse("iso_qms:round_list"), {"export": "xlsx"}))
    assert rows == []


def test_compliance_table_answers_export_xlsx_like_the_other_lists(
    client_for, quality_officer_a, commune_agency_a
):
    response = client_for(quality_officer_a).get(reverse("iso_qms:compliance"), {"export": "xlsx"})
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["B2"].value == "Cơ quan"
    assert commune_agency_a.name in [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
