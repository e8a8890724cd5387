"""Every metrology list answers `?export=xlsx` with the rows its filters show, all pages of them, under
Vietnamese headers: this province's rows only, and a business's own rows only."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrology import services
from metrology.models import Campaign, ImportJob, InstrumentType, InstrumentTypeRule, Market
from metrology.views import PAGE_SIZE
from tcvn_portal.tenancy.context import tenant_context
from tests.xlsx import column, export_rows

pytestmark = pytest.mark.django_db

LISTS = (
    "metrology:instrument_list",
    "metrology:verification_list",
    "metrology:request_list",
    "metrology:type_list",
    "metrology:market_list",
    "metrology:campaign_list",
    "metrology:import_list",
)


def _export(client, name, **params):
    return export_rows(client.get(reverse(name), {**params, "export": "xlsx"}))


def _market(tenant, name):
    with tenant_context(tenant):
        return services.save_market(market=Market(name=name, address="Đường Tân Trào"), actor=None)


def _campaign(tenant, name, year=2025):
    with tenant_context(tenant):
        return services.save_campaign(
            campaign=Campaign(year=year, name=name, starts_on=date(year, 3, 1), ends_on=date(year, 3, 31)),
            actor=None,
        )


def _import_job(tenant, user, file_name):
    with tenant_context(tenant):
        return ImportJob.objects.create(
            file_name=file_name,
            content=b"",
            total_rows=12,
            created_count=12,
            status=ImportJob.Status.DONE,
            created_by=user,
        )


def _request(tenant, instrument, actor):
    with tenant_context(tenant):
        return services.request_verification(actor=actor, instrument=instrument, kind="periodic")


def test_instrument_export_holds_every_filtered_row_of_every_page_under_vietnamese_headers(
    catalog_a, officer_a, business_a, instrument_factory, client_for
):
    wanted = {
        instrument_factory(catalog_a, owner=business_a, serial=f"XANG-{n:02d}").serial
        for n in range(PAGE_SIZE + 3)
    }
    instrument_factory(catalog_a, owner=business_a, type_code="taximet", serial="TAXI-1")
    with tenant_context(catalog_a):
        fuel = InstrumentType.objects.get(code="cot-do-xang-dau")

    # The page pages; its link drops the page, and even a page number asked for does not cut the file.
    rows = _export(client_for(officer_a), "metrology:instrument_list", instrument_type=fuel.pk, page=2)

    assert rows[0][:6] == (
        "Loại phương tiện đo",
        "Chủ sở hữu",
        "Mã số thuế",
        "Nhà sản xuất",
        "Kiểu",
        "Số sản xuất",
    )
    assert {
        "Cấp chính xác",
        "Nơi lắp đặt",
        "Số niêm phong",
        "Xã/phường",
        "Hiệu lực đến",
        "Tình trạng",
    } <= set(rows[0])
    assert set(column(rows, "Số sản xuất")) == wanted and len(rows) == len(wanted) + 1
    assert set(column(rows, "Chủ sở hữu")) == {business_a.name}
    assert set(column(rows, "Tình trạng")) == {"Không có hạn hiệu lực"}


def test_instrument_list_links_to_its_export_keeping_the_filters(
    catalog_a, officer_a, business_a, instrument_factory, client_for
):
    instrument_factory(catalog_a, owner=business_a, serial="NOZZLE-3")
    client = client_for(officer_a)
    page = client.get(reverse("metrology:instrument_list"), {"q": "nozzle", "page": "1"}).content.decode()
    (link,) = [html.unescape(href) for href in re.findall(r'href="(\?[^"]*export=xlsx[^"]*)"', page)]
    assert "q=nozzle" in link and "page" not in link
    assert "Xuất Excel" in page
    rows = export_rows(client.get(reverse("metrology:instrument_list") + link))
    assert column(rows, "Số sản xuất") == ["NOZZLE-3"]


def test_instrument_export_reads_the_same_few_queries_for_three_rows_or_thirty(
    catalog_a,
    officer_a,
    business_a,
    organization_factory,
    instrument_factory,
    client_for,
    django_assert_max_num_queries,
):
    client = client_for(officer_a)
    for n in range(3):
        instrument_factory(catalog_a, owner=business_a, serial=f"FEW-{n}")
    with CaptureQueriesContext(connection) as few:
        assert len(_export(client, "metrology:instrument_list")) == 4
    with tenant_context(catalog_a):
        market = services.save_market(market=Market(name="Chợ Tam Cờ"), actor=None)
    for n in range(27):
        # Each row with its own owner and market: a lazy foreign key would cost a query per row.
        instrument_factory(
            catalog_a, owner=organization_factory(catalog_a), serial=f"MANY-{n}", market=market
        )
    with django_assert_max_num_queries(len(few)):
        assert len(_export(client, "metrology:instrument_list")) == 31


def test_a_business_exports_only_its_own_instruments_verifications_and_requests(
    catalog_a,
    business_a,
    business_user_a,
    organization_factory,
    instrument_factory,
    verification_factory,
    client_for,
):
    mine = instrument_factory(catalog_a, owner=business_a, serial="CUA-TOI-1")
    theirs = instrument_factory(catalog_a, owner=organization_factory(catalog_a), serial="KHAC-9")
    for instrument in (mine, theirs):
        verification_factory(catalog_a, instrument)
        _request(catalog_a, instrument, business_user_a)
    client = client_for(business_user_a)

    assert column(_export(client, "metrology:instrument_list"), "Số sản xuất") == ["CUA-TOI-1"]
    assert column(_export(client, "metrology:verification_list"), "Số sản xuất") == ["CUA-TOI-1"]
    assert column(_export(client, "metrology:request_list"), "Số sản xuất") == ["CUA-TOI-1"]


def test_no_export_holds_another_provinces_rows(
    catalog_a,
    catalog_b,
    officer_a,
    officer_b,
    business_a,
    organization_factory,
    instrument_factory,
    verification_factory,
    client_for,
):
    ours = instrument_factory(catalog_a, owner=business_a, serial="TQ-1")
    verification_factory(catalog_a, ours, certificate_number="GCN-TQ-1")
    _request(catalog_a, ours, officer_a)
    _market(catalog_a, "Chợ Tam Cờ")
    _campaign(catalog_a, "Kiểm định cân đối chứng Tuyên Quang")
    _import_job(catalog_a, officer_a, "so-tuyen-quang.xlsx")

    theirs = instrument_factory(catalog_b, owner=organization_factory(catalog_b), serial="HN-SECRET-1")
    verification_factory(catalog_b, theirs, certificate_number="GCN-HN-SECRET")
    _request(catalog_b, theirs, officer_b)
    _market(catalog_b, "Chợ HN-SECRET")
    _campaign(catalog_b, "Đợt HN-SECRET")
    _import_job(catalog_b, officer_b, "HN-SECRET.xlsx")
    with tenant_context(catalog_b):
        InstrumentType.objects.create(code="hn-secret", name="Loại HN-SECRET")

    client = client_for(officer_a)
    for name in LISTS:
        rows = _export(client, name)
        cells = [str(cell) for row in rows[1:] for cell in row]
        assert len(rows) > 1, name  # this province's row is there ...
        assert not any("SECRET" in cell for cell in cells), name  # ... and the other's never


def test_verification_export_follows_the_result_and_number_filters(
    catalog_a, officer_a, business_a, instrument_factory, verification_factory, client_for
):
    first = instrument_factory(catalog_a, owner=business_a, serial="V-PASS")
    second = instrument_factory(catalog_a, owner=business_a, serial="V-FAIL")
    verification_factory(catalog_a, first, certificate_number="GCN-2025-001")
    verification_factory(catalog_a, second, result="failed")
    client = client_for(officer_a)

    failed = _export(client, "metrology:verification_list", result="failed")
    assert column(failed, "Số sản xuất") == ["V-FAIL"]
    assert column(failed, "Kết quả") == ["Không đạt"]
    assert column(failed, "Đang xử lý sau kiểm định") == ["✓"]

    found = _export(client, "metrology:verification_list", q="2025-001")
    assert column(found, "Số giấy chứng nhận") == ["GCN-2025-001"]
    assert column(found, "Ngày kiểm định") == [datetime(2025, 3, 15)]
    assert "Hình thức kiểm định" in found[0] and "Tổ chức kiểm định" in found[0]


def test_request_export_follows_the_status_filter(
    catalog_a, officer_a, business_a, business_user_a, instrument_factory, client_for
):
    waiting = _request(
        catalog_a, instrument_factory(catalog_a, owner=business_a, serial="R-WAIT"), business_user_a
    )
    scheduled = _request(
        catalog_a, instrument_factory(catalog_a, owner=business_a, serial="R-DATE"), business_user_a
    )
    day = timezone.localdate() + timedelta(days=5)
    with tenant_context(catalog_a):
        services.schedule_request(actor=officer_a, request=scheduled, scheduled_for=day)
    client = client_for(officer_a)

    rows = _export(client, "metrology:request_list", status="scheduled")
    assert column(rows, "Số sản xuất") == ["R-DATE"]
    assert column(rows, "Trạng thái") == ["Đã hẹn lịch"]
    assert column(rows, "Ngày hẹn") == [datetime.combine(day, datetime.min.time())]
    assert waiting.pk != scheduled.pk
    assert len(_export(client, "metrology:request_list")) == 3


def test_type_export_shows_each_types_newest_rule(catalog_a, officer_a, client_for):
    with tenant_context(catalog_a):
        taximet = InstrumentType.objects.get(code="taximet")
        services.save_rule(
            rule=InstrumentTypeRule(
                instrument_type=taximet, valid_from=date(2026, 1, 1), must_verify=True, cycle_months=12
            ),
            actor=None,
        )
        active = InstrumentType.objects.filter(archived_at__isnull=True).count()
    rows = _export(client_for(officer_a), "metrology:type_list")
    assert rows[0][:4] == ("Tên", "Mã", "Chu kỳ hiện hành (tháng)", "Hiệu lực từ ngày")
    assert len(rows) == active + 1
    (taxi,) = [row for row in rows if row[1] == "taximet"]
    assert taxi[2] == 12 and taxi[3] == datetime(2026, 1, 1)


def test_market_campaign_and_import_exports_show_what_their_pages_show(catalog_a, officer_a, client_for):
    _market(catalog_a, "Chợ Tam Cờ")
    _market(catalog_a, "Chợ Phan Thiết")
    _campaign(catalog_a, "Kiểm định cân đối chứng 2025")
    _import_job(catalog_a, officer_a, "so-cu.xlsx")
    client = client_for(officer_a)

    markets = _export(client, "metrology:market_list", q="tam co")  # diacritics optional, as on the page
    assert markets[0] == ("Tên", "Xã/phường", "Địa chỉ")
    assert column(markets, "Tên") == ["Chợ Tam Cờ"]

    campaigns = _export(client, "metrology:campaign_list")
    assert campaigns[1] == (2025, "Kiểm định cân đối chứng 2025", datetime(2025, 3, 1), datetime(2025, 3, 31))
    assert campaigns[0] == ("Năm", "Tên", "Ngày bắt đầu", "Ngày kết thúc")

    imports = _export(client, "metrology:import_list")
    assert column(imports, "Tệp") == ["so-cu.xlsx"]
    assert column(imports, "Trạng thái") == ["Đã nhập"]
    assert column(imports, "Số phương tiện đo đã tạo") == [12]


@pytest.mark.parametrize("name", LISTS)
def test_every_metrology_list_links_to_its_export(name, catalog_a, officer_a, client_for):
    page = client_for(officer_a).get(reverse(name)).content.decode()
    assert re.search(r'href="\?[^"]*export=xlsx', page), name


def test_a_business_cannot_export_lists_it_cannot_open(catalog_a, business_user_a, client_for):
    client = client_for(business_user_a)
    for name in ("metrology:market_list", "metrology:campaign_list", "metrology:import_list"):
        assert client.get(reverse(name), {"export": "xlsx"}).status_code == 403, name


def test_headers_stay_vietnamese_when_the_page_is_read_in_english(
    catalog_a, officer_a, business_a, instrument_factory, client_for, settings
):
    instrument_factory(catalog_a, owner=business_a, serial="EN-1")
    client = client_for(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Export to Excel" in client.get(reverse("metrology:request_list")).content.decode()
    rows = _export(client, "metrology:instrument_list")
    assert rows[0][0] == "Loại phương tiện đo" and column(rows, "Trạng thái") == ["Đang sử dụng"]
