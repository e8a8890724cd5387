"""`?export=xlsx` on the plan, decision and catalog lists: Vietnamese headers, exactly the rows the
filters show in this province (never another's), and closed to a business as the pages are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import ChecklistItem, LegalBasis
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.xlsx import column, export_rows

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def _plan(tenant, actor, title, *, year=YEAR, target=10):
    with tenant_context(tenant, user_id=actor.pk):
        return services.save_plan(
            actor=actor,
            year=year,
            title=title,
            topics="Nhãn hàng hóa",
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            target_count=target,
        )


@pytest.fixture
def province_b(tenant_b, member_factory, organization_factory):
    lead = member_factory(tenant_b, Role.INSPECTOR)
    shop = organization_factory(tenant_b, name="Cửa hàng Bắc Hà")
    with tenant_context(tenant_b, user_id=lead.pk):
        services.seed_catalogs(tenant=tenant_b)
        LegalBasis.objects.filter(decree__startswith="119/2017").update(description="Hành vi ở Lào Cai")
        services.save_decision(
            actor=lead,
            number="15/QĐ-TĐC-LC",
            issued_on=timezone.localdate(),
            issued_by="Chi cục trưởng",
            legal_basis="Luật Chất lượng sản phẩm, hàng hóa 2007",
            scope="Kiểm tra nhãn hàng hóa ở Lào Cai",
            team_lead=lead,
            members=[],
            establishments=[shop],
        )
    _plan(tenant_b, lead, "Kế hoạch kiểm tra đo lường xăng dầu Lào Cai")
    return lead


def test_plan_export_holds_the_searched_plans_of_this_province_with_vietnamese_headers(
    world, client_for, province_b
):
    _plan(world.tenant, world.lead, "Kế hoạch kiểm tra nhãn hàng hóa", target=40)
    _plan(world.tenant, world.lead, "Kế hoạch kiểm tra đo lường xăng dầu", year=YEAR - 1)
    client = client_for(world.inspector)
    rows = export_rows(client.get("/inspections/plans/", {"q": "xang dau", "export": "xlsx"}))
    assert rows[0] == ("Năm", "Tên kế hoạch", "Chỉ tiêu", "Quyết định", "Trạng thái")
    assert rows[1:] == [(YEAR - 1, "Kế hoạch kiểm tra đo lường xăng dầu", 10, 0, "Nháp")]
    everything = export_rows(client.get("/inspections/plans/", {"export": "xlsx"}))
    assert column(everything, "Tên kế hoạch") == [
        "Kế hoạch kiểm tra nhãn hàng hóa",
        "Kế hoạch kiểm tra đo lường xăng dầu",
    ]


def test_decision_export_holds_the_searched_decisions_of_this_province(world, client_for, province_b):
    client = client_for(world.manager)
    rows = export_rows(client.get("/inspections/decisions/", {"q": "nhan hang", "export": "xlsx"}))
    assert rows[0] == (
        "Số",
        "Ngày ban hành",
        "Phạm vi, nội dung",
        "Trưởng đoàn",
        "Cơ sở đã kiểm tra",
        "Cơ sở được kiểm tra",
    )
    assert [row[0] for row in rows[1:]] == ["15/QĐ-TĐC"]  # not Lào Cai's decision on the same topic
    number, issued, scope, lead, inspected, targets = rows[1]
    assert issued.date() == world.decision.issued_on
    assert scope == "Kiểm tra nhãn hàng hóa và đo lường trong kinh doanh"
    assert lead == world.lead.full_name and (inspected, targets) == (0, 2)
    nothing = export_rows(client.get("/inspections/decisions/", {"q": "khong co gi", "export": "xlsx"}))
    assert nothing[1:] == []


@pytest.mark.parametrize(
    ("catalog", "headers"),
    [
        (
            "legal-bases",
            (
                "Nghị định",
                "Điều, khoản, điểm",
                "Hành vi",
                "Mức phạt tối thiểu (đồng)",
                "Mức phạt tối đa (đồng)",
                "Hiệu lực từ ngày",
                "Hiệu lực đến ngày",
            ),
        ),
        ("checklist", ("Loại", "Thứ tự", "Nội dung kiểm tra", "Căn cứ pháp lý", "Đang áp dụng")),
    ],
)
def test_catalog_export_holds_every_entry_of_this_province(world, client_for, province_b, catalog, headers):
    rows = export_rows(
        client_for(world.inspector).get(f"/inspections/catalog/{catalog}/", {"export": "xlsx"})
    )
    assert rows[0] == headers
    model = LegalBasis if catalog == "legal-bases" else ChecklistItem
    with tenant_context(world.tenant):
        assert len(rows) - 1 == model.objects.count() > 0
    assert "Hành vi ở Lào Cai" not in {cell for row in rows for cell in row}


def test_legal_basis_export_carries_fines_as_numbers_and_article_in_one_cell(world, client_for):
    with tenant_context(world.tenant, user_id=world.manager.pk):
        services.save_legal_basis(
            actor=world.manager,
            decree="999/2099/NĐ-CP",
            article="12",
            clause="3",
            point="b",
            description="Không ghi nhãn hàng hóa",
            fine_min=Decimal("1000000"),
            fine_max=Decimal("3000000"),
            valid_from=date(2099, 1, 1),
        )
    rows = export_rows(
        client_for(world.inspector).get("/inspections/catalog/legal-bases/", {"export": "xlsx"})
    )
    row = next(r for r in rows if r[0] == "999/2099/NĐ-CP")
    assert row[1:5] == ("12.3.b", "Không ghi nhãn hàng hóa", 1000000, 3000000)
    assert row[5].date() == date(2099, 1, 1) and row[6] is None


@pytest.mark.parametrize(
    "url", ["/inspections/plans/", "/inspections/decisions/", "/inspections/catalog/legal-bases/"]
)
def test_a_business_gets_no_export_of_the_authoritys_lists(world, client_for, member_factory, url):
    business = member_factory(world.tenant, Role.BUSINESS, organization=world.stall)
    assert client_for(business).get(url, {"export": "xlsx"}).status_code == 403


def test_plan_export_reads_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    _plan(world.tenant, world.lead, "Kế hoạch 0")
    client = client_for(world.inspector)
    client.get("/inspections/plans/")
    with django_assert_max_num_queries(30) as one:
        export_rows(client.get("/inspections/plans/", {"export": "xlsx"}))
    for n in range(1, 30):
        _plan(world.tenant, world.lead, f"Kế hoạch {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = export_rows(client.get("/inspections/plans/", {"export": "xlsx"}))
    assert len(rows) - 1 == 30


def test_list_pages_link_to_their_export_keeping_the_search(world, client_for):
    client = client_for(world.inspector)
    page = client.get("/inspections/plans/", {"q": "nhãn", "page": "1"}).content.decode()
    assert "Xuất Excel" in page and "export=xlsx" in page and "page=1&amp;export" not in page
    assert "export=xlsx" in client.get("/inspections/catalog/checklist/").content.decode()
