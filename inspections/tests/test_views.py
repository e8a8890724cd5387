"""Pages: the inspector's journey through forms, Vietnamese messages, another province's ids, query counts."""

import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from inspections import services
from inspections.models import Inspection, Sample, Violation
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _many_inspections(world, organization_factory, n):
    with tenant_context(world.tenant, user_id=world.lead.pk):
        orgs = [
            organization_factory(world.tenant, name=f"Cơ sở Kinh doanh {i}", commune=world.commune)
            for i in range(n)
        ]
        current = [t.organization for t in world.decision.targets.select_related("organization")]
        services.save_decision(
            actor=world.lead,
            instance=world.decision,
            members=[world.inspector],
            establishments=[*current, *orgs],
            number=world.decision.number,
            issued_on=world.decision.issued_on,
            legal_basis="L",
            scope="S",
            team_lead=world.lead,
        )
        for org in orgs:
            services.create_inspection(
                actor=world.inspector,
                decision=world.decision,
                establishment=org,
                inspection_type="measurement",
                visited_on=TODAY() - timedelta(days=3),
            )


def test_list_finds_vietnamese_names_without_diacritics(world, make_inspection, client_for):
    make_inspection()
    make_inspection(establishment=world.station, inspection_type="fuel")
    response = client_for(world.inspector).get(reverse("inspections:inspection_list"), {"q": "huong giang"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Cửa hàng Tạp hóa Hương Giang" in body
    assert "Xăng dầu Số 5" not in body
    assert "Ngày kiểm tra" in body  # the page is in Vietnamese


def test_list_filters_by_type_result_and_commune(world, make_inspection, client_for):
    make_inspection(result="compliant")
    make_inspection(establishment=world.station, inspection_type="fuel")
    client = client_for(world.inspector)
    url = reverse("inspections:inspection_list")
    assert "Số 5" in client.get(url, {"inspection_type": "fuel"}).content.decode()
    assert "Số 5" not in client.get(url, {"result": "compliant"}).content.decode()
    by_commune = client.get(url, {"commune": world.commune.pk}).content.decode()
    assert "Hương Giang" in by_commune and "Số 5" not in by_commune


def test_list_runs_the_same_number_of_queries_for_3_or_30_rows(
    world, organization_factory, client_for, django_assert_max_num_queries
):
    client = client_for(world.inspector)
    url = reverse("inspections:inspection_list")
    _many_inspections(world, organization_factory, 3)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    _many_inspections(world, organization_factory, 27)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert response.context["paginator"].count == 30
    assert len(large.captured_queries) == len(small.captured_queries)
    # The rows fetch the columns the table shows, not the findings or the inspector's password hash.
    row_query = 'FROM "inspections_inspection" INNER JOIN'
    (rows,) = [q["sql"] for q in large.captured_queries if row_query in q["sql"]]
    assert '"inspections_inspection"."visited_on"' in rows
    assert '"inspections_inspection"."findings"' not in rows
    assert '"accounts_user"."password"' not in rows


def test_excel_export_holds_the_filtered_rows_with_vietnamese_headers(world, make_inspection, client_for):
    make_inspection()
    make_inspection(establishment=world.station, inspection_type="fuel")
    response = client_for(world.inspector).get(
        reverse("inspections:inspection_list"), {"format": "xlsx", "inspection_type": "fuel"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "Ngày kiểm tra"
    assert [r[2] for r in rows[1:]] == ["Cửa hàng Xăng dầu Số 5"]


def test_inspector_records_an_inspection_through_the_forms(world, client_for):
    client = client_for(world.inspector)
    create = (
        reverse("inspections:inspection_create")
        + f"?decision={world.decision.pk}&establishment={world.stall.pk}"
    )
    response = client.post(
        create,
        {
            "inspection_type": "labelling",
            "visited_on": TODAY().isoformat(),
            "result": "pending",
            "place": "Ki-ốt 12, chợ Minh Xuân",
        },
    )
    assert response.status_code == 302
    with tenant_context(world.tenant):
        inspection = Inspection.objects.get()
        item = services.selectors.checklist_for("labelling").first()
    response = client.post(
        reverse("inspections:inspection_edit", args=[inspection.pk]),
        {
            "inspection_type": "labelling",
            "visited_on": TODAY().isoformat(),
            "result": "pending",
            "findings": "Nhãn thiếu xuất xứ",
            f"q{item.pk}": "no",
            f"q{item.pk}_note": "Không ghi tên nhà sản xuất",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
    assert "Không ghi tên nhà sản xuất" in page


def test_visit_date_in_the_future_gets_a_vietnamese_message_and_saves_nothing(world, client_for):
    client = client_for(world.inspector)
    create = (
        reverse("inspections:inspection_create")
        + f"?decision={world.decision.pk}&establishment={world.stall.pk}"
    )
    response = client.post(
        create,
        {
            "inspection_type": "labelling",
            "result": "pending",
            "visited_on": (TODAY() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Ngày không được ở tương lai." in response.content.decode()
    with tenant_context(world.tenant):
        assert Inspection.objects.count() == 0


def test_fine_outside_the_range_gets_a_vietnamese_message(
    world, make_inspection, labelling_basis, client_for
):
    inspection = make_inspection()
    response = client_for(world.inspector).post(
        reverse("inspections:violation_create", args=[inspection.pk]),
        {"legal_basis": labelling_basis.pk, "description": "Nhãn thiếu", "fine_amount": "9000000"},
    )
    assert response.status_code == 200
    assert "Mức phạt phải nằm trong khoảng 3.000.000 đến 5.000.000 đồng" in response.content.decode()
    with tenant_context(world.tenant):
        assert Violation.objects.count() == 0


def test_sample_result_before_it_was_sent_is_refused_in_vietnamese(world, make_inspection, client_for):
    inspection = make_inspection()
    response = client_for(world.inspector).post(
        reverse("inspections:sample_create", args=[inspection.pk]),
        {
            "code": "M-9",
            "product": "Nước mắm",
            "laboratory": "Quatest 1",
            "conformity": "pending",
            "sent_on": (TODAY() - timedelta(days=2)).isoformat(),
            "returned_on": (TODAY() - timedelta(days=5)).isoformat(),
        },
    )
    assert "Kết quả không thể có trước ngày gửi mẫu." in response.content.decode()
    with tenant_context(world.tenant):
        assert Sample.objects.count() == 0


def test_submit_then_team_lead_approves(world, make_inspection, client_for):
    inspection = make_inspection(result="compliant")
    client = client_for(world.inspector)
    client.post(reverse("inspections:inspection_submit", args=[inspection.pk]))
    response = client.post(reverse("inspections:inspection_approve", args=[inspection.pk]), follow=True)
    assert "Chỉ trưởng đoàn của quyết định mới được phê duyệt" in response.content.decode()
    with tenant_context(world.tenant):
        inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SUBMITTED
    client = client_for(world.lead)
    client.post(reverse("inspections:inspection_approve", args=[inspection.pk]))
    with tenant_context(world.tenant):
        inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.APPROVED


def test_autosave_keeps_the_draft_and_answers_json(world, make_inspection, client_for):
    inspection = make_inspection()
    response = client_for(world.inspector).post(
        reverse("inspections:inspection_autosave", args=[inspection.pk]),
        {
            "inspection_type": "labelling",
            "visited_on": inspection.visited_on.isoformat(),
            "result": "pending",
            "notes": "Đang kiểm tra quầy số 2",
            "latitude": "21.823456",
            "longitude": "105.214567",
        },
    )
    assert response.json()["saved"] is True
    with tenant_context(world.tenant):
        inspection.refresh_from_db()
    assert inspection.notes == "Đang kiểm tra quầy số 2" and inspection.latitude == D("21.823456")


def test_autosave_with_bad_input_changes_nothing(world, make_inspection, client_for):
    inspection = make_inspection(notes="trước")
    response = client_for(world.inspector).post(
        reverse("inspections:inspection_autosave", args=[inspection.pk]),
        {
            "inspection_type": "labelling",
            "visited_on": inspection.visited_on.isoformat(),
            "result": "pending",
            "notes": "sau",
            "latitude": "21.8",
        },
    )
    assert response.status_code == 400 and response.json()["saved"] is False
    with tenant_context(world.tenant):
        inspection.refresh_from_db()
    assert inspection.notes == "trước"


def test_minutes_pdf_reads_back_in_vietnamese_with_the_records_figures(
    world, make_inspection, labelling_basis, client_for
):
    inspection = make_inspection(
        representative_name="Nguyễn Thị Hương", findings="Nhãn hàng hóa thiếu xuất xứ"
    )
    with tenant_context(world.tenant, user_id=world.inspector.pk):
        services.add_violation(
            actor=world.inspector,
            inspection=inspection,
            legal_basis=labelling_basis,
            description="Nhãn không ghi xuất xứ hàng hóa",
            fine_amount=D(4_500_000),
        )
        services.save_sample(
            actor=world.inspector,
            inspection=inspection,
            code="M-2026-015",
            product="Nước mắm",
            laboratory="Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1",
        )
    response = client_for(world.inspector).get(
        reverse("inspections:inspection_minutes", args=[inspection.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in [
        "BIÊN BẢN KIỂM TRA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Cửa hàng Tạp hóa Hương Giang",
        "15/QĐ-TĐC",
        "Nhãn không ghi xuất xứ hàng hóa",
        "4.500.000",
        "M-2026-015",
        "ĐẠI DIỆN CƠ SỞ ĐƯỢC KIỂM TRA",
        "TRƯỞNG ĐOÀN KIỂM TRA",
        "Nguyễn Thị Hương",
    ]:
        assert expected in text, expected


def test_establishment_page_shows_its_history_across_years(world, make_inspection, client_for):
    make_inspection(visited_on=TODAY() - timedelta(days=20))
    with tenant_context(world.tenant, user_id=world.lead.pk):
        old = services.save_decision(
            actor=world.lead,
            number="02/QĐ-TĐC",
            issued_on=TODAY().replace(year=TODAY().year - 2),
            legal_basis="L",
            scope="S",
            team_lead=world.lead,
            establishments=[world.stall],
        )
        services.create_inspection(
            actor=world.lead,
            decision=old,
            establishment=world.stall,
            inspection_type="goods_quality",
            visited_on=old.issued_on + timedelta(days=5),
        )
    body = (
        client_for(world.inspector)
        .get(reverse("inspections:establishment", args=[world.stall.pk]))
        .content.decode()
    )
    assert "02/QĐ-TĐC" in body and "15/QĐ-TĐC" in body


def test_plan_approved_by_manager_through_the_pages(world, client_for):
    year = TODAY().year
    client = client_for(world.lead)
    client.post(
        reverse("inspections:plan_create"),
        {
            "year": year,
            "title": "Kế hoạch kiểm tra năm",
            "topics": "Nhãn hàng hóa",
            "sectors": "Bán lẻ",
            "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31",
            "target_count": 40,
        },
    )
    from inspections.models import InspectionPlan

    with tenant_context(world.tenant):
        plan = InspectionPlan.objects.get()
    client.post(reverse("inspections:plan_submit", args=[plan.pk]))
    assert client.post(reverse("inspections:plan_approve", args=[plan.pk])).status_code == 403
    client_for(world.manager).post(reverse("inspections:plan_approve", args=[plan.pk]))
    with tenant_context(world.tenant):
        plan.refresh_from_db()
    assert plan.status == InspectionPlan.Status.APPROVED


PAGES_BY_INSPECTION = [
    "inspection_detail",
    "inspection_edit",
    "inspection_minutes",
    "sample_create",
    "violation_create",
    "followup_create",
    "quantity_check_create",
    "fuel_check_create",
]


@pytest.mark.parametrize("name", PAGES_BY_INSPECTION)
def test_inspector_of_other_province_gets_404(
    world, make_inspection, tenant_b, member_factory, client_for, name
):
    inspection = make_inspection()
    outsider = member_factory(tenant_b, Role.INSPECTOR)
    response = client_for(outsider).get(reverse(f"inspections:{name}", args=[inspection.pk]))
    assert response.status_code == 404


def test_other_provinces_decision_establishment_and_forged_ids_get_404(
    world, make_inspection, tenant_b, member_factory, client_for
):
    inspection = make_inspection()
    outsider = client_for(member_factory(tenant_b, Role.MANAGER))
    for url in [
        reverse("inspections:decision_detail", args=[world.decision.pk]),
        reverse("inspections:establishment", args=[world.stall.pk]),
        reverse("inspections:inspection_create")
        + f"?decision={world.decision.pk}&establishment={world.stall.pk}",
        reverse("inspections:inspection_create") + "?decision=abc&establishment=1",
    ]:
        assert outsider.get(url).status_code == 404, url
    for name in ["inspection_submit", "inspection_approve", "inspection_autosave"]:
        assert outsider.post(reverse(f"inspections:{name}", args=[inspection.pk])).status_code == 404, name


def test_business_user_cannot_open_inspection_pages(world, make_inspection, member_factory, client_for):
    inspection = make_inspection()
    business = member_factory(world.tenant, Role.BUSINESS, organization=world.stall)
    assert (
        client_for(business).get(reverse("inspections:inspection_detail", args=[inspection.pk])).status_code
        == 403
    )


def _png(size: int) -> bytes:
    import os
    import struct
    import zlib

    # A real PNG of random pixels: big enough to pass the size limit under test, typed by its content.
    width = height = size
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_photo_from_the_camera_is_attached_and_an_oversized_one_refused_in_vietnamese(
    world, make_inspection, client_for, settings
):
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tcvn_portal.attachments.models import Attachment

    settings.TCVN_UPLOAD_MAX_BYTES = 20_000
    inspection = make_inspection()
    client = client_for(world.inspector)
    detail = reverse("inspections:inspection_detail", args=[inspection.pk])
    page = client.get(detail).content.decode()
    assert 'capture="environment"' in page
    token = re.search(r'id="photo-input"', page) and re.search(r'name="owner" value="([^"]+)"', page).group(1)
    small = SimpleUploadedFile("quay-hang.png", _png(8), content_type="image/png")
    assert (
        client.post(
            reverse("attachments:upload"), {"owner": token, "next": detail, "files": small}
        ).status_code
        == 302
    )
    big = SimpleUploadedFile("anh-lon.png", _png(120), content_type="image/png")
    response = client.post(reverse("attachments:upload"), {"owner": token, "next": detail, "files": big})
    assert response.status_code == 400
    assert "mỗi tệp chỉ được tối đa" in response.content.decode()
    with tenant_context(world.tenant):
        assert list(Attachment.objects.values_list("original_name", flat=True)) == ["quay-hang.png"]
    assert "quay-hang.png" in client.get(detail).content.decode()


def test_quantity_form_runs_the_calculator_and_shows_the_verdict(world, make_inspection, client_for):
    inspection = make_inspection(inspection_type="prepackaged")
    client = client_for(world.inspector)
    values = "\n".join(["500"] * 46 + ["484"] * 4)
    response = client.post(
        reverse("inspections:quantity_check_create", args=[inspection.pk]),
        {
            "product": "Đường trắng 500 g",
            "unit": "g",
            "nominal_quantity": "500",
            "lot_size": "200",
            "actual_quantities": values,
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Đường trắng 500 g" in body and "T = 15,00 g" in body and "Không đạt" in body


def test_quantity_form_with_too_few_values_names_the_sample_size(world, make_inspection, client_for):
    inspection = make_inspection(inspection_type="prepackaged")
    response = client_for(world.inspector).post(
        reverse("inspections:quantity_check_create", args=[inspection.pk]),
        {
            "product": "Đường",
            "unit": "g",
            "nominal_quantity": "500",
            "lot_size": "1000",
            "actual_quantities": "500 499",
        },
    )
    assert "cần mẫu gồm 80 đơn vị; mới đo 2 đơn vị" in response.content.decode()


def test_list_filters_by_period_and_inspector(world, make_inspection, client_for):
    make_inspection(visited_on=TODAY() - timedelta(days=20))
    with tenant_context(world.tenant, user_id=world.lead.pk):
        services.create_inspection(
            actor=world.lead,
            decision=world.decision,
            establishment=world.station,
            inspection_type="fuel",
            visited_on=TODAY() - timedelta(days=2),
        )
    client = client_for(world.inspector)
    url = reverse("inspections:inspection_list")
    recent = client.get(url, {"date_from": (TODAY() - timedelta(days=5)).isoformat()}).content.decode()
    assert "Số 5" in recent and "Hương Giang" not in recent
    mine = client.get(url, {"inspector": world.inspector.pk}).content.decode()
    assert "Hương Giang" in mine and "Số 5" not in mine


@pytest.mark.parametrize("name", ["decision_list", "plan_list"])
def test_decision_and_plan_lists_run_a_constant_number_of_queries(
    world, organization_factory, client_for, django_assert_max_num_queries, name
):
    client = client_for(world.manager)
    url = reverse(f"inspections:{name}")

    def add(n, start):
        with tenant_context(world.tenant, user_id=world.lead.pk):
            for i in range(start, start + n):
                services.save_plan(
                    actor=world.lead,
                    year=TODAY().year,
                    title=f"Kế hoạch {i}",
                    topics="T",
                    period_start=TODAY().replace(month=1, day=1),
                    period_end=TODAY().replace(month=12, day=31),
                    target_count=3,
                )
                services.save_decision(
                    actor=world.lead,
                    number=f"{i}/QĐ",
                    issued_on=TODAY(),
                    legal_basis="L",
                    scope="S",
                    team_lead=world.lead,
                    members=[world.inspector],
                    establishments=[world.stall, world.station],
                )

    add(2, 100)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(15, 200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_establishment_page_runs_a_constant_number_of_queries(
    world, organization_factory, make_inspection, labelling_basis, client_for, django_assert_max_num_queries
):
    client = client_for(world.inspector)
    url = reverse("inspections:establishment", args=[world.stall.pk])

    def add(n):
        for _ in range(n):
            inspection = make_inspection()
            with tenant_context(world.tenant):
                services.add_violation(
                    actor=world.inspector,
                    inspection=inspection,
                    legal_basis=labelling_basis,
                    description="x",
                    fine_amount=D(3_000_000),
                )

    add(1)
    client.get(url)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_catalog_is_edited_by_an_administrator_and_only_read_by_inspectors(
    world, labelling_basis, member_factory, client_for
):
    admin = client_for(member_factory(world.tenant, Role.TENANT_ADMIN))
    edit = reverse("inspections:catalog_edit", args=["legal-bases", labelling_basis.pk])
    form = {
        "decree": labelling_basis.decree,
        "article": "21",
        "clause": "2",
        "point": "a",
        "description": labelling_basis.description,
        "fine_min": "4000000",
        "fine_max": "3000000",
        "valid_from": labelling_basis.valid_from.isoformat(),
    }
    response = admin.post(edit, form)
    assert "Mức phạt tối đa không được thấp hơn mức phạt tối thiểu." in response.content.decode()
    admin.post(edit, {**form, "fine_max": "6000000"})
    with tenant_context(world.tenant):
        labelling_basis.refresh_from_db()
    assert (labelling_basis.fine_min, labelling_basis.fine_max) == (D(4_000_000), D(6_000_000))
    inspector = client_for(world.inspector)
    assert inspector.get(reverse("inspections:catalog_list", args=["legal-bases"])).status_code == 200
    assert inspector.post(edit, form).status_code == 403


def test_dashboard_shows_the_inspection_cards(world, make_inspection, client_for):
    make_inspection()
    body = client_for(world.inspector).get(reverse("core:dashboard")).content.decode()
    assert "Biên bản kiểm tra nháp" in body


def test_business_sees_only_approved_results_of_its_own_establishment(
    world, make_inspection, member_factory, client_for
):
    approved = make_inspection(result="compliant", findings="Đạt yêu cầu ghi nhãn")
    make_inspection(findings="Đang kiểm tra dở")
    with tenant_context(world.tenant, user_id=world.lead.pk):
        services.submit_inspection(actor=world.inspector, inspection=approved)
        services.approve_inspection(actor=world.lead, inspection=approved)
    business = client_for(member_factory(world.tenant, Role.BUSINESS, organization=world.stall))
    body = business.get(reverse("inspections:my_results")).content.decode()
    assert "Cửa hàng Tạp hóa Hương Giang" in body
    assert body.count("Không phát hiện vi phạm") == 1 and "Chưa kết luận" not in body
    assert business.get(reverse("inspections:establishment", args=[world.station.pk])).status_code == 403


def test_only_the_team_may_add_photos(world, make_inspection, member_factory, client_for):
    inspection = make_inspection()
    detail = reverse("inspections:inspection_detail", args=[inspection.pk])
    stranger = client_for(member_factory(world.tenant, Role.INSPECTOR))
    assert 'id="photo-input"' not in stranger.get(detail).content.decode()
    assert 'id="photo-input"' in client_for(world.lead).get(detail).content.decode()


def test_inspection_list_shows_my_decisions_to_their_lead_and_members_only(world, client_for):
    url = reverse("inspections:inspection_list")
    for user in (world.lead, world.inspector):
        page = client_for(user).get(url).content.decode()
        assert 'id="my-decisions"' in page and "15/QĐ-TĐC" in page
    assert 'id="my-decisions"' not in client_for(world.manager).get(url).content.decode()


def test_an_official_on_no_team_costs_one_small_query_for_my_decisions(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inspections import selectors

    with tenant_context(world.tenant), CaptureQueriesContext(connection) as captured:
        assert list(selectors.decisions_for_user(world.manager)[:5]) == []
    (query,) = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    # The user's own keys only: no decision is read, nothing is counted.
    assert "UNION" in query and "COUNT" not in query.upper()
