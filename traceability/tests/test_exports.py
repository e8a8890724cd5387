"""`?export=xlsx` on the traceability lists: Vietnamese headers, exactly the filtered rows of this
province, all pages, and a business sees only its own records in the file as on the page."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.xlsx import column, export_rows
from traceability import services
from traceability.gs1 import gtin_check_digit
from traceability.models import Batch, Stamp, StampApplication

from .factories import make_product
from .test_services import issue

pytestmark = pytest.mark.django_db


def gtin8(n: int) -> str:
    body = f"{9600000 + n:07d}"
    return body + str(gtin_check_digit(body))


@pytest.fixture
def rival_a(tenant_a, organization_factory, member_factory):
    """A second business of the same province, with a product of its own."""
    business = organization_factory(tenant_a, name="Công ty Mật ong Hà Giang")
    user = member_factory(tenant_a, Role.BUSINESS, organization=business)
    product = make_product(
        tenant_a, business, user, gtin=gtin8(1), name="Chè Shan Tuyết Mật ong", complete=False
    )
    return type("Rival", (), {"business": business, "user": user, "product": product})


@pytest.fixture
def province_b(tenant_b, organization_factory, member_factory):
    business = organization_factory(tenant_b, name="Công ty Chè Bắc Hà")
    user = member_factory(tenant_b, Role.BUSINESS, organization=business)
    product = make_product(tenant_b, business, user, name="Chè Shan Tuyết Bắc Hà")
    with tenant_context(tenant_b):
        application = services.create_application(applicant=business, items=[(product, 50)], actor=user)
        services.submit_application(application=application, actor=user)
    return type("ProvinceB", (), {"business": business, "product": product})


def test_product_export_has_vietnamese_headers_and_only_the_filtered_products_of_this_province(
    client_for, officer_a, product_a, rival_a, province_b, tenant_a, business_a, business_user_a
):
    make_product(tenant_a, business_a, business_user_a, gtin=gtin8(2), name="Mật ong bạc hà", complete=False)
    client = client_for(officer_a)
    rows = export_rows(client.get("/traceability/", {"q": "che shan tuyet", "export": "xlsx"}))
    assert rows[0] == (
        "Sản phẩm",
        "GTIN",
        "Nhãn hiệu hoặc số sê-ri",
        "Doanh nghiệp",
        "Mã số thuế",
        "Nhóm sản phẩm",
    )
    assert sorted(column(rows, "Sản phẩm")) == ["Chè Shan Tuyết Hồng Thái", "Chè Shan Tuyết Mật ong"]
    assert "Chè Shan Tuyết Bắc Hà" not in column(rows, "Sản phẩm")  # tenant B's, same words
    assert set(column(rows, "Mã số thuế")) == {business_a.tax_code, rival_a.business.tax_code}


def test_product_export_of_a_business_holds_only_its_own_products(
    client_for, business_user_a, product_a, rival_a
):
    rows = export_rows(client_for(business_user_a).get("/traceability/", {"export": "xlsx"}))
    assert column(rows, "Sản phẩm") == ["Chè Shan Tuyết Hồng Thái"]
    rows = export_rows(client_for(rival_a.user).get("/traceability/", {"export": "xlsx"}))
    assert column(rows, "Sản phẩm") == ["Chè Shan Tuyết Mật ong"]


def test_product_export_holds_every_page_in_a_constant_number_of_queries(
    client_for, officer_a, tenant_a, business_a, business_user_a, django_assert_max_num_queries
):
    make_product(tenant_a, business_a, business_user_a, gtin=gtin8(100), name="Sản phẩm 0", complete=False)
    client = client_for(officer_a)
    client.get("/traceability/")  # warm the session
    with django_assert_max_num_queries(30) as one:
        export_rows(client.get("/traceability/", {"export": "xlsx"}))
    for n in range(1, 30):
        make_product(
            tenant_a, business_a, business_user_a, gtin=gtin8(100 + n), name=f"Sản phẩm {n}", complete=False
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = export_rows(client.get("/traceability/", {"export": "xlsx", "page": "2"}))
    assert len(rows) - 1 == 30  # beyond the page size of 25, and the page number is ignored


def test_application_export_holds_the_filtered_status_of_this_province_only(
    client_for, officer_a, approved_product_a, rival_a, province_b, business_a, tenant_a
):
    with tenant_context(tenant_a):
        draft = services.create_application(
            applicant=rival_a.business, items=[(rival_a.product, 10)], actor=rival_a.user
        )
        approved = StampApplication.objects.get(applicant=business_a)
    client = client_for(officer_a)
    rows = export_rows(client.get("/traceability/applications/", {"status": "approved", "export": "xlsx"}))
    assert rows[0] == ("Hồ sơ", "Ngày lập", "Doanh nghiệp", "Mã số thuế", "Số lượng tem", "Trạng thái")
    assert column(rows, "Doanh nghiệp") == [business_a.name]
    assert column(rows, "Số lượng tem") == [1000]
    assert column(rows, "Trạng thái") == ["Đã phê duyệt"]
    everything = export_rows(client.get("/traceability/applications/", {"export": "xlsx"}))
    assert sorted(column(everything, "Hồ sơ")) == sorted([draft.pk, approved.pk])
    assert province_b.business.name not in column(everything, "Doanh nghiệp")


def test_application_export_of_a_business_holds_only_its_own_applications(
    client_for, approved_product_a, rival_a, business_a, business_user_a, tenant_a
):
    with tenant_context(tenant_a):
        services.create_application(
            applicant=rival_a.business, items=[(rival_a.product, 10)], actor=rival_a.user
        )
    rows = export_rows(client_for(business_user_a).get("/traceability/applications/", {"export": "xlsx"}))
    assert column(rows, "Doanh nghiệp") == [business_a.name]


def test_batch_export_holds_the_filtered_batches_of_this_province_with_dates(
    client_for, officer_a, batch_a, rival_a, province_b, tenant_a
):
    with tenant_context(tenant_a):
        recalled = services.save_batch(
            batch=Batch(product=rival_a.product, lot="MO-07", production_date=date(2025, 6, 1), quantity=10),
            actor=rival_a.user,
        )
        services.recall_batch(batch=recalled, reason="Nhiễm khuẩn", actor=rival_a.user)
    client = client_for(officer_a)
    rows = export_rows(client.get("/traceability/batches/", {"recalled": "no", "export": "xlsx"}))
    assert rows[0] == ("Số lô", "Sản phẩm", "Doanh nghiệp", "Ngày sản xuất", "Hạn sử dụng", "Thu hồi ngày")
    assert rows[1][:2] == ("L2025-01", "Chè Shan Tuyết Hồng Thái")
    assert rows[1][3].date() == date(2025, 5, 2) and rows[1][4].date() == date(2027, 5, 2)
    assert len(rows) == 2  # not the recalled batch, not tenant B's batch of the same lot
    recalled_rows = export_rows(client.get("/traceability/batches/", {"recalled": "yes", "export": "xlsx"}))
    assert column(recalled_rows, "Số lô") == ["MO-07"] and recalled_rows[1][5] is not None


def test_batch_export_of_a_business_holds_only_its_own_batches(client_for, batch_a, rival_a, tenant_a):
    with tenant_context(tenant_a):
        services.save_batch(
            batch=Batch(product=rival_a.product, lot="MO-07", production_date=date(2025, 6, 1), quantity=10),
            actor=rival_a.user,
        )
    rows = export_rows(client_for(rival_a.user).get("/traceability/batches/", {"export": "xlsx"}))
    assert column(rows, "Số lô") == ["MO-07"]


def test_anomaly_export_holds_the_flagged_stamps_only_and_is_closed_to_businesses(
    client_for, officer_a, batch_a, business_user_a, tenant_a
):
    series = issue(tenant_a, batch_a, business_user_a, quantity=3)
    with tenant_context(tenant_a):
        flagged = Stamp.objects.filter(series=series).order_by("number").first()
        Stamp.objects.filter(pk=flagged.pk).update(flagged_at=timezone.now(), scan_count=40, place_count=9)
    rows = export_rows(client_for(officer_a).get("/traceability/anomalies/", {"export": "xlsx"}))
    assert rows[0][:4] == ("Mã tem", "Sản phẩm", "Số lô", "Doanh nghiệp")
    assert rows[1:] == [
        (
            flagged.serial,
            "Chè Shan Tuyết Hồng Thái",
            "L2025-01",
            "Hợp tác xã Chè Shan Tuyết",
            40,
            9,
            rows[1][6],
        )
    ]
    assert rows[1][6] is not None
    assert client_for(business_user_a).get("/traceability/anomalies/", {"export": "xlsx"}).status_code == 403


def test_a_formula_typed_into_a_product_name_stays_text_in_the_export(
    client_for, officer_a, tenant_a, business_a, business_user_a
):
    make_product(
        tenant_a,
        business_a,
        business_user_a,
        gtin=gtin8(3),
        name='=HYPERLINK("http://x.test","Chè")',
        complete=False,
    )
    rows = export_rows(client_for(officer_a).get("/traceability/", {"export": "xlsx"}))
    assert column(rows, "Sản phẩm") == ['\'=HYPERLINK("http://x.test","Chè")']


def test_the_list_page_links_to_its_export_with_the_filters_kept(client_for, officer_a):
    page = client_for(officer_a).get("/traceability/batches/", {"recalled": "yes"}).content.decode()
    assert "Xuất Excel" in page
    assert "?recalled=yes&amp;export=xlsx" in page


def test_headers_stay_vietnamese_when_the_page_is_in_english(client_for, officer_a, product_a):
    client = client_for(officer_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Export to Excel" in client.get("/traceability/").content.decode()
    rows = export_rows(client.get("/traceability/", {"export": "xlsx"}))
    assert rows[0][0] == "Sản phẩm" and rows[0][3] == "Doanh nghiệp"
