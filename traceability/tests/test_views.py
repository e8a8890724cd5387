import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from traceability import printpack, services
from traceability.models import StampApplication, StampSeries

from .factories import make_product
from .test_services import issue

pytestmark = pytest.mark.django_db


def test_business_applies_and_official_approves_through_the_pages(
    client_for, tenant_a, product_a, business_user_a, officer_a
):
    client = client_for(business_user_a)
    response = client.post("/traceability/applications/new/", {"product": product_a.pk, "quantity": 200})
    assert response.status_code == 302, response.content.decode()[-3000:]
    with tenant_context(tenant_a):
        application = StampApplication.objects.get()
    client.post(f"/traceability/applications/{application.pk}/", {"action": "submit"})
    officer = client_for(officer_a)
    page = officer.get(f"/traceability/applications/{application.pk}/").content.decode()
    assert "Phê duyệt" in page
    officer.post(f"/traceability/applications/{application.pk}/", {"action": "approve"})
    with tenant_context(tenant_a):
        application.refresh_from_db()
    assert application.status == "approved"


def test_approval_of_incomplete_product_shows_what_is_missing(
    client_for, tenant_a, business_a, business_user_a, officer_a
):
    product = make_product(tenant_a, business_a, business_user_a, complete=False)
    with tenant_context(tenant_a):
        application = services.create_application(
            applicant=business_a, items=[(product, 5)], actor=business_user_a
        )
        services.submit_application(application=application, actor=business_user_a)
    response = client_for(officer_a).post(
        f"/traceability/applications/{application.pk}/", {"action": "approve"}
    )
    assert response.status_code == 400
    assert "còn thiếu" in response.content.decode() and "hình ảnh" in response.content.decode()


def test_business_cannot_approve_its_own_application(
    client_for, tenant_a, product_a, business_a, business_user_a
):
    with tenant_context(tenant_a):
        application = services.create_application(
            applicant=business_a, items=[(product_a, 5)], actor=business_user_a
        )
        services.submit_application(application=application, actor=business_user_a)
    response = client_for(business_user_a).post(
        f"/traceability/applications/{application.pk}/", {"action": "approve"}
    )
    assert response.status_code == 403


def test_bad_gtin_in_the_form_shows_a_vietnamese_error_and_saves_nothing(
    client_for, tenant_a, business_user_a
):
    response = client_for(business_user_a).post(
        "/traceability/products/new/", {"name": "Mật ong", "gtin": "96385075"}
    )
    assert response.status_code == 400
    assert "Số kiểm tra của mã GTIN không đúng" in response.content.decode()


def test_other_tenants_records_answer_404_on_every_page(
    client_for, tenant_b, member_factory, batch_a, business_user_a, tenant_a
):
    series = issue(tenant_a, batch_a, business_user_a, quantity=2)
    with tenant_context(tenant_a):
        application = StampApplication.objects.get()
        stamp = series.stamps.first()
    officer_b = client_for(member_factory(tenant_b, Role.QUALITY_OFFICER))
    product = batch_a.product
    for url in [
        f"/traceability/products/{product.pk}/",
        f"/traceability/products/{product.pk}/edit/",
        f"/traceability/applications/{application.pk}/",
        f"/traceability/batches/{batch_a.pk}/",
        f"/traceability/batches/{batch_a.pk}/epcis.jsonld",
        f"/traceability/series/{series.pk}/",
        f"/traceability/series/{series.pk}/print.csv",
        f"/traceability/stamps/{stamp.pk}/scans/",
    ]:
        assert officer_b.get(url).status_code in (404, 403), url
        if "edit" not in url:
            assert officer_b.get(url).status_code == 404, url


def test_product_list_searches_without_diacritics_and_keeps_query_count(
    client_for, tenant_a, business_a, business_user_a, officer_a, django_assert_max_num_queries
):
    make_product(
        tenant_a, business_a, business_user_a, gtin="96385074", name="Mật ong bạc hà", complete=False
    )
    client = client_for(officer_a)
    body = client.get("/traceability/?q=mat ong bac ha").content.decode()
    assert "Mật ong bạc hà" in body
    client.get("/traceability/")
    for i in range(10):
        from traceability.gs1 import gtin_check_digit

        body12 = f"89345670{i:04d}"
        make_product(
            tenant_a,
            business_a,
            business_user_a,
            gtin=body12 + str(gtin_check_digit(body12)),
            name=f"Sản phẩm {i}",
            complete=False,
        )
    with django_assert_max_num_queries(14):
        assert client.get("/traceability/").status_code == 200


def test_print_pack_has_a_csv_of_every_stamp_and_a_pdf_with_vietnamese_text(
    tenant_a, batch_a, business_user_a
):
    series = issue(tenant_a, batch_a, business_user_a, quantity=30)
    with tenant_context(tenant_a):
        series = printpack.build(series=StampSeries.objects.get(pk=series.pk))
        serials = list(series.stamps.order_by("number").values_list("serial", flat=True))
    csv_text = default_storage.open(series.print_csv.name).read().decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 31 and serials[0] in lines[1]
    assert f"https://tem.test/01/{batch_a.product.gtin}/10/L2025-01/21/{serials[0]}" in lines[1]
    reader = PdfReader(default_storage.open(series.print_pdf.name))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 2  # 24 labels a page
    assert "Tem truy xuất nguồn gốc" in text and serials[0] in text and serials[-1] in text


def test_series_page_shows_the_labels_progress_then_names_the_zip_it_serves(
    client_for, monkeypatch, tenant_a, batch_a, business_user_a
):
    monkeypatch.setattr(printpack, "CHUNK", 20)
    series = issue(tenant_a, batch_a, business_user_a, quantity=45)
    client = client_for(business_user_a)
    with tenant_context(tenant_a):
        printpack.build_csv(series=StampSeries.objects.get(pk=series.pk))
    # What write_label_zip records after its first chunk of 20.
    printpack.cache.set(printpack.progress_key(series.pk), (20, 45), 60)
    page = client.get(f"/traceability/series/{series.pk}/").content.decode()
    assert "Đang dựng tờ in nhãn…" in page and '<progress max="45" value="20">' in page
    assert "20 / 45 nhãn" in page and 'http-equiv="refresh" content="10"' in page
    assert "Toàn bộ tem (CSV)" in page and "Tờ in nhãn" not in page
    with tenant_context(tenant_a):
        printpack.build_labels(series=StampSeries.objects.get(pk=series.pk))
    page = client.get(f"/traceability/series/{series.pk}/").content.decode()
    assert "Tờ in nhãn (tệp ZIP gồm các tệp PDF)" in page and "<progress" not in page
    assert "http-equiv" not in page and "Đang dựng" not in page
