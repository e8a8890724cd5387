"""Pages: scoping (focal person, other tenant), forms that refuse bad input, lists in constant queries,
the compliance table as page, Excel and PDF, and the award pages from application to feedback letter."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iso_qms.award import services as award_services
from iso_qms.award.models import AwardApplication
from iso_qms.qms import services as qms_services
from iso_qms.qms.models import Nonconformity, ScopeProcedure
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role

from .conftest import fill_and_submit, make_agency, score_all

pytestmark = pytest.mark.django_db


def test_focal_person_lists_only_their_agency_and_gets_404_for_another(
    client_for, focal_a, commune_agency_a, other_commune_a
):
    client = client_for(focal_a)
    page = client.get(reverse("iso_qms:agency_list")).content.decode()
    assert commune_agency_a.name in page and other_commune_a.name not in page
    assert client.get(reverse("iso_qms:agency_detail", args=[other_commune_a.pk])).status_code == 404
    assert client.get(reverse("iso_qms:audit_create", args=[other_commune_a.pk])).status_code == 404


def test_agency_list_counts_procedures_in_scope_and_open_nonconformities_per_row(
    client_for, quality_officer_a, commune_agency_a, other_commune_a, tenant_a
):
    today = timezone.localdate()
    with tenant_context(tenant_a):
        kept, dropped, _ = (
            qms_services.add_procedure(
                agency=commune_agency_a, code=f"1.00{n}", name=f"Thủ tục {n}", actor=None
            )
            for n in range(3)
        )
        ScopeProcedure.objects.filter(pk=dropped.pk).update(archived_at=timezone.now())
        ncs = [
            qms_services.open_nonconformity(
                agency=commune_agency_a, description=d, detected_on=today, actor=None
            )
            for d in ("Trả muộn", "Thiếu hồ sơ", "Sai mẫu")
        ]
        Nonconformity.objects.filter(pk=ncs[0].pk).update(status=Nonconformity.Status.CLOSED)
    with CaptureQueriesContext(connection) as page:
        response = client_for(quality_officer_a).get(reverse("iso_qms:agency_list"))
    rows = {agency.pk: agency for agency in response.context["page"]}
    assert (rows[commune_agency_a.pk].procedure_count, rows[commune_agency_a.pk].open_nc_count) == (2, 2)
    assert (rows[other_commune_a.pk].procedure_count, rows[other_commune_a.pk].open_nc_count) == (0, 0)
    # Counting the list needs no join with procedures or nonconformities.
    (count,) = [
        q["sql"] for q in page.captured_queries if 'SELECT COUNT(*) FROM (SELECT "iso_qms_agency' in q["sql"]
    ]
    assert "JOIN" not in count


def test_officer_of_another_province_gets_404_on_every_agency_page(
    client_for, quality_officer_b, commune_agency_a, tenant_a
):
    with tenant_context(tenant_a):
        audit = qms_services.plan_audit(
            agency=commune_agency_a,
            planned_on=timezone.localdate(),
            scope="Toàn bộ",
            lead_auditor="An",
            actor=None,
        )
        nc = qms_services.open_nonconformity(
            agency=commune_agency_a, description="x", detected_on=timezone.localdate(), actor=None
        )
    client = client_for(quality_officer_b)
    for url in (
        reverse("iso_qms:agency_detail", args=[commune_agency_a.pk]),
        reverse("iso_qms:audit_detail", args=[audit.pk]),
        reverse("iso_qms:nc_detail", args=[nc.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"step": "root-cause", "root_cause": "x"}).status_code in (404, 405), url
    with tenant_context(tenant_a):
        assert Nonconformity.objects.get(pk=nc.pk).root_cause == ""


def test_agency_list_runs_in_constant_queries(
    client_for, quality_officer_a, tenant_a, django_assert_max_num_queries
):
    client = client_for(quality_officer_a)
    for n in range(3):
        make_agency(tenant_a, f"UBND xã Số {n}")
    client.get(reverse("iso_qms:agency_list"))
    with django_assert_max_num_queries(15):
        first = client.get(reverse("iso_qms:agency_list"))
    for n in range(3, 12):
        make_agency(tenant_a, f"UBND xã Số {n}")
    with django_assert_max_num_queries(15):
        second = client.get(reverse("iso_qms:agency_list"))
    assert first.status_code == second.status_code == 200
    assert "UBND xã Số 11" in second.content.decode()


def test_agency_search_ignores_diacritics(client_for, quality_officer_a, commune_agency_a, other_commune_a):
    page = (
        client_for(quality_officer_a).get(reverse("iso_qms:agency_list"), {"q": "ham yen"}).content.decode()
    )
    assert commune_agency_a.name in page and other_commune_a.name not in page


def test_focal_person_records_a_finding_and_carries_its_corrective_action_to_closure(
    client_for, focal_a, commune_agency_a, tenant_a
):
    client = client_for(focal_a)
    response = client.post(
        reverse("iso_qms:audit_create", args=[commune_agency_a.pk]),
        {
            "planned_on": timezone.localdate().isoformat(),
            "scope": "Bộ phận một cửa",
            "lead_auditor": "Vũ Thị Mai",
        },
    )
    assert response.status_code == 302
    audit_url = response["Location"]
    response = client.post(
        audit_url.rstrip("/") + "/findings/",
        {"grade": "minor", "clause": "8.5.1", "description": "Hồ sơ trả kết quả muộn 2 ngày"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        nc = Nonconformity.objects.get(agency=commune_agency_a)
    url = reverse("iso_qms:nc_detail", args=[nc.pk])
    client.post(url, {"step": "root-cause", "root_cause": "Thiếu cán bộ tiếp nhận"})
    bad = client.post(
        url,
        {
            "step": "action",
            "corrective_action": "Bổ sung cán bộ",
            "action_owner": "Phó Chủ tịch UBND xã",
            "due_on": (timezone.localdate() - timedelta(days=30)).isoformat(),
        },
    )
    assert bad.status_code == 400
    assert "Ngày hết hạn không được trước ngày phát hiện" in bad.content.decode()
    with tenant_context(tenant_a):
        assert Nonconformity.objects.get(pk=nc.pk).status == Nonconformity.Status.ANALYSED
    good = client.post(
        url,
        {
            "step": "action",
            "corrective_action": "Bổ sung cán bộ",
            "action_owner": "Phó Chủ tịch UBND xã",
            "due_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    assert good.status_code == 302
    page = client.get(url).content.decode()
    assert "Phó Chủ tịch UBND xã" in page and "Đã lập hành động khắc phục" in page


def test_focal_person_cannot_record_the_yearly_check(client_for, focal_a, commune_agency_a):
    response = client_for(focal_a).get(reverse("iso_qms:check_create", args=[commune_agency_a.pk]))
    assert response.status_code == 403


def _compliance_data(tenant, agency):
    with tenant_context(tenant):
        qms_services.record_yearly_check(
            agency=agency,
            year=timezone.localdate().year,
            checked_on=timezone.localdate(),
            team_leader="Hoàng Minh Đức",
            result="compliant",
            conclusions="Duy trì hiệu quả",
            recommendations="Mở rộng phạm vi áp dụng",
            actor=None,
        )
        qms_services.add_procedure(agency=agency, code="1.001", name="Đăng ký khai sinh", actor=None)


def test_compliance_table_as_page_excel_and_pdf(client_for, quality_officer_a, commune_agency_a, tenant_a):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    _compliance_data(tenant_a, commune_agency_a)
    client = client_for(quality_officer_a)
    page = client.get(reverse("iso_qms:compliance"), {"year": timezone.localdate().year}).content.decode()
    assert commune_agency_a.name in page and "Đạt" in page
    xlsx = client.get(reverse("iso_qms:compliance"), {"year": timezone.localdate().year, "format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet["B2"].value == "Cơ quan" and sheet["L2"].value == "Kết quả kiểm tra hằng năm"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert (
        rows[commune_agency_a.name][7] == 1 and rows[commune_agency_a.name][12] == "Mở rộng phạm vi áp dụng"
    )
    pdf = client.get(reverse("iso_qms:compliance"), {"year": timezone.localdate().year, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages).split())
    assert "Ủy ban nhân dân xã Hàm Yên" in text and "Bảng tuân thủ" in text and "Tuyên Quang" in text


def test_focal_person_cannot_open_the_province_compliance_table(client_for, focal_a):
    assert client_for(focal_a).get(reverse("iso_qms:compliance")).status_code == 403


# Award -----------------------------------------------------------------------------------------------


def test_business_applies_fills_and_submits_through_the_pages(client_for, business_user_a, round_a, tenant_a):
    client = client_for(business_user_a)
    response = client.post(
        reverse("iso_qms:round_apply", args=[round_a.pk]), {"applicant_type": "sme_services"}
    )
    assert response.status_code == 302
    edit_url = response["Location"]
    form = client.get(edit_url).context["form"]
    data = {
        "applicant_type": "sme_services",
        "main_products": "Chè",
        "established_on": "2010-01-01",
        "product_on_market_since": "2012-01-01",
        "no_violations_declared": "on",
        "submit": "1",
    }
    for item, _text, _band in form.items:
        data[f"text_{item.pk}"] = f"Tự đánh giá {item.code}"
        data[f"band_{item.pk}"] = "50"
    data[f"band_{form.items[0][0].pk}"] = "33"  # off the 5 % steps: refused, nothing saved
    bad = client.post(edit_url, data)
    assert bad.status_code == 400
    with tenant_context(tenant_a):
        application = AwardApplication.objects.get()
        assert application.status == "draft" and not application.self_assessments.exclude(text="").exists()
    data[f"band_{form.items[0][0].pk}"] = "55"
    assert client.post(edit_url, data).status_code == 302
    with tenant_context(tenant_a):
        assert AwardApplication.objects.get().status == "submitted"


def test_business_of_another_tenant_and_other_businesses_get_404(
    client_for, business_user_a, round_a, tenant_a, tenant_b, member_factory, organization_factory
):
    with tenant_context(tenant_a):
        application = award_services.start_application(
            award_round=round_a,
            business=business_user_a.memberships.get().organization,
            applicant_type="sme_services",
            actor=business_user_a,
        )
    rival = member_factory(
        tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a, name="Đối thủ")
    )
    stranger = member_factory(tenant_b, Role.QUALITY_OFFICER)
    for user in (rival, stranger):
        client = client_for(user)
        assert client.get(reverse("iso_qms:application_detail", args=[application.pk])).status_code == 404
        assert client.get(reverse("iso_qms:application_edit", args=[application.pk])).status_code in (
            403,
            404,
        )


@pytest.fixture
def scored_round(tenant_a, round_a, business_a, business_user_a, council_a):
    with tenant_context(tenant_a):
        application = award_services.start_application(
            award_round=round_a,
            business=business_a,
            applicant_type="sme_manufacturing",
            actor=business_user_a,
        )
        fill_and_submit(application, business_user_a)
        award_services.check_eligibility(application=application, eligible=True, note="", actor=None)
        assignments = [
            award_services.assign_member(application=application, member=member, actor=None)
            for member in council_a[:2]
        ]
        for assignment, member, percent in zip(assignments, council_a[:2], (60, 90), strict=True):
            award_services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
            score_all(assignment, member, percent)
            award_services.submit_scores(assignment=assignment, actor=member)
        award_services.rank_round(award_round=round_a, actor=None)
        application.refresh_from_db()
    return application


def test_secretary_sees_the_consolidated_ranking_with_the_disagreement_flag(
    client_for, quality_officer_a, scored_round
):
    page = client_for(quality_officer_a).get(reverse("iso_qms:round_detail", args=[scored_round.round_id]))
    body = page.content.decode()
    assert "750,0" in body or "750.0" in body
    assert "Các thành viên chấm chênh lệch nhiều" in body


def test_feedback_letter_pdf_carries_vietnamese_strengths_and_the_score(
    client_for, quality_officer_a, business_user_a, scored_round, tenant_a
):
    from pypdf import PdfReader

    with tenant_context(tenant_a):
        award_services.decide_forwarding(
            application=scored_round,
            forward=True,
            feedback="Doanh nghiệp có hệ thống quản trị tốt",
            actor=None,
        )
    response = client_for(business_user_a).get(reverse("iso_qms:feedback_letter", args=[scored_round.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "Thư phản hồi" in text and "Điểm mạnh 1.1" in text and "Cơ hội cải tiến 7.5" in text
    assert "750" in text and "Doanh nghiệp có hệ thống quản trị tốt" in text


def test_council_member_scores_through_the_page_and_a_bad_band_is_refused(
    client_for, tenant_a, round_a, business_a, business_user_a, council_a
):
    member = council_a[0]
    with tenant_context(tenant_a):
        application = award_services.start_application(
            award_round=round_a,
            business=business_a,
            applicant_type="sme_manufacturing",
            actor=business_user_a,
        )
        fill_and_submit(application, business_user_a)
        award_services.check_eligibility(application=application, eligible=True, note="", actor=None)
        award_services.assign_member(application=application, member=member, actor=None)
    client = client_for(member)
    client.post(reverse("iso_qms:application_conflict", args=[application.pk]), {"has_conflict": "no"})
    score_url = reverse("iso_qms:application_score", args=[application.pk])
    form = client.get(score_url).context["form"]
    data = {f"percent_{item.pk}": "70" for item, *_ in form.items}
    first = form.items[0][0].pk
    data[f"percent_{first}"] = "105"
    data["submit"] = "1"
    assert client.post(score_url, data).status_code == 400
    data[f"percent_{first}"] = "70"
    assert client.post(score_url, data).status_code == 302
    with tenant_context(tenant_a):
        application.refresh_from_db()
        assert application.status == "scored" and application.consolidated_score == 700
