"""The public scan page: anonymous, under RLS, served from cache, every scan counted."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tcvn_portal.core.public_codes import make_code
from tcvn_portal.tenancy.context import tenant_context
from traceability import cache as keys
from traceability import public, services
from traceability.models import ScanEvent, Stamp

from .test_services import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def active_stamp(tenant_a, batch_a, business_user_a):
    series = issue(tenant_a, batch_a, business_user_a, quantity=5)
    with tenant_context(tenant_a):
        services.activate_series(series=series, actor=business_user_a)
        stamp = Stamp.objects.order_by("number").first()
    return stamp


def version_of(tenant, batch) -> int:
    from traceability.models import Batch

    with tenant_context(tenant):
        return Batch.objects.values_list("page_version", flat=True).get(pk=batch.pk)


def url_of(batch, serial):
    return f"/01/{batch.product.gtin}/10/{batch.lot}/21/{serial}"


def test_genuine_active_stamp_shows_product_batch_stages_and_count(client, active_stamp, batch_a):
    response = client.get(url_of(batch_a, active_stamp.serial), REMOTE_ADDR="203.0.113.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tem chính hãng" in body
    assert "Chè Shan Tuyết Hồng Thái" in body and "Hợp tác xã Chè Shan Tuyết" in body
    assert "L2025-01" in body and "02/05/2025" in body and "Đồi chè Khuổi Bốc" in body
    assert "kiểm tra 1 lần" in body
    second = client.get(url_of(batch_a, active_stamp.serial), REMOTE_ADDR="203.0.113.10").content.decode()
    assert "kiểm tra 2 lần" in second


def test_every_scan_is_recorded_with_its_network_not_the_address(client, tenant_a, active_stamp, batch_a):
    client.get(url_of(batch_a, active_stamp.serial), REMOTE_ADDR="198.51.100.77", HTTP_USER_AGENT="Phone")
    with tenant_context(tenant_a):
        event = ScanEvent.objects.get()
        stamp = Stamp.objects.get(pk=active_stamp.pk)
    assert (event.place, event.user_agent) == ("198.51.100.0/24", "Phone")
    assert stamp.scan_count == 1 and stamp.first_scanned_at is not None


def test_forged_serial_is_404_without_touching_the_database(client, active_stamp, batch_a):
    forged = active_stamp.serial[:-2] + ("AA" if active_stamp.serial[-2:] != "AA" else "BB")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url_of(batch_a, forged))
    assert response.status_code == 404
    assert "không phải tem thật" in response.content.decode()
    assert not [q for q in queries.captured_queries if "traceability" in q["sql"]]


def test_well_formed_but_never_issued_serial_is_404(client, tenant_a, active_stamp, batch_a):
    unissued = make_code(kind="stamp", tenant_id=tenant_a.pk)
    assert client.get(url_of(batch_a, unissued)).status_code == 404


def test_real_serial_under_another_gtin_or_lot_is_404_and_not_counted(
    client, tenant_a, active_stamp, batch_a
):
    assert client.get(f"/01/00000096385074/10/L2025-01/21/{active_stamp.serial}").status_code == 404
    assert client.get(f"/01/{batch_a.product.gtin}/10/OTHER/21/{active_stamp.serial}").status_code == 404
    with tenant_context(tenant_a):
        assert Stamp.objects.get(pk=active_stamp.pk).scan_count == 0
        assert not ScanEvent.objects.exists()


def test_a_stamp_of_a_suspended_province_is_404_and_not_counted(client, tenant_a, active_stamp, batch_a):
    type(tenant_a).objects.filter(pk=tenant_a.pk).update(is_active=False)
    assert client.get(url_of(batch_a, active_stamp.serial)).status_code == 404
    with tenant_context(tenant_a):
        assert Stamp.objects.get(pk=active_stamp.pk).scan_count == 0


def test_a_first_scan_finds_and_counts_the_stamp_in_one_statement(client, active_stamp, batch_a):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url_of(batch_a, active_stamp.serial)).status_code == 200
    stamp_statements = [
        q["sql"]
        for q in queries.captured_queries
        if re.search(r"traceability_stamp\b", q["sql"]) or "EXECUTE tcvn_scan" in q["sql"]
    ]
    # The prepared scan (public._SCAN_SQL: find, count, record, flag), prepared with it if this
    # connection has not got it yet.
    assert len(stamp_statements) == 1 and "EXECUTE tcvn_scan" in stamp_statements[0]


def test_the_scan_statement_is_prepared_once_per_database_connection(client, tenant_a, active_stamp, batch_a):
    connection.tcvn_scan_prepared_on = None  # as on a connection that has never scanned
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get(url_of(batch_a, active_stamp.serial)).status_code == 200
    scans = [q["sql"] for q in queries.captured_queries if "EXECUTE tcvn_scan" in q["sql"]]
    assert len(scans) == 3
    assert "PREPARE tcvn_scan" in scans[0] and "UPDATE traceability_stamp" in scans[0]
    assert not any("PREPARE" in sql for sql in scans[1:])
    with tenant_context(tenant_a):
        assert Stamp.objects.get(pk=active_stamp.pk).scan_count == 3
        assert ScanEvent.objects.filter(stamp=active_stamp).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_new_or_reset_connection_prepares_the_scan_again(tenant_a, active_stamp, batch_a):
    from django.db import DatabaseError, transaction

    def scan_once():
        with transaction.atomic():
            return public.scan(
                gtin=batch_a.product.gtin,
                lot=batch_a.lot,
                serial=active_stamp.serial,
                place="",
                user_agent="",
            )

    assert scan_once().count == 1
    connection.close()  # the next statement reconnects: a new session holds no prepared statement
    assert scan_once().count == 2
    # A session reset behind our back (DISCARD ALL, as a pooler does) fails one scan, nothing counted;
    # the next prepares again.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError):
        scan_once()
    assert scan_once().count == 3
    with tenant_context(tenant_a):
        assert ScanEvent.objects.filter(stamp=active_stamp).count() == 3


def test_inactive_stamp_says_not_yet_activated(client, tenant_a, batch_a, business_user_a):
    series = issue(tenant_a, batch_a, business_user_a, quantity=1)
    with tenant_context(tenant_a):
        serial = Stamp.objects.get(series=series).serial
    response = client.get(url_of(batch_a, serial))
    assert response.status_code == 200
    assert "chưa được kích hoạt" in response.content.decode()


def test_withdrawn_stamp_answers_410(client, tenant_a, active_stamp, batch_a, officer_a):
    client.get(url_of(batch_a, active_stamp.serial))  # the batch's page cached while the series was active
    with tenant_context(tenant_a):
        services.withdraw_series(series=active_stamp.series, reason="In lỗi", actor=officer_a)
    response = client.get(url_of(batch_a, active_stamp.serial))
    assert response.status_code == 410
    assert "đã bị thu hồi" in response.content.decode()


def test_recall_shows_a_red_warning_on_every_stamp_of_the_batch_at_once(
    client, tenant_a, active_stamp, batch_a, business_user_a
):
    with tenant_context(tenant_a):
        other = Stamp.objects.exclude(pk=active_stamp.pk).first()
    assert "recall-warning" not in client.get(url_of(batch_a, active_stamp.serial)).content.decode()
    assert cache.get(keys.batch_key(batch_a.pk, version_of(tenant_a, batch_a))) is not None
    with tenant_context(tenant_a):
        services.recall_batch(batch=batch_a, reason="Vượt ngưỡng dư lượng", actor=business_user_a)
    for stamp in (active_stamp, other):
        body = client.get(url_of(batch_a, stamp.serial)).content.decode()
        assert 'id="recall-warning"' in body and "Vượt ngưỡng dư lượng" in body


def test_hot_path_reads_the_page_from_cache(client, active_stamp, batch_a):
    client.get(url_of(batch_a, active_stamp.serial))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url_of(batch_a, active_stamp.serial)).status_code == 200
    ours = [
        q["sql"] for q in queries.captured_queries if "traceability" in q["sql"] or "tcvn_scan" in q["sql"]
    ]
    # The scan record only, sent with its SET LOCAL synchronous_commit and the tenant in one round trip,
    # without a savepoint of its own (see public.scan).
    assert len(ours) == 1 and "EXECUTE tcvn_scan" in ours[0] and "set_config('app.tenant_id'" in ours[0]
    # Only the request's own savepoint, there because the test case has already opened the transaction.
    assert [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" in q["sql"]] == [
        "SAVEPOINT",
        "RELEASE",
    ]


def test_the_page_is_drawn_once_per_language_and_served_in_the_visitors(
    client, tenant_a, active_stamp, batch_a
):
    before = version_of(tenant_a, batch_a)
    url = url_of(batch_a, active_stamp.serial)
    vietnamese = client.get(url).content.decode()
    assert "Nhà sản xuất" in vietnamese and "Producer" not in vietnamese
    assert "Nhà sản xuất" in cache.get(keys.page_key(batch_a.pk, before, "vi", "active"))
    # Drawn when an English visitor comes.
    assert cache.get(keys.page_key(batch_a.pk, before, "en", "active")) is None
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Producer" in english and "Nhà sản xuất" not in english
    assert "Đồi chè Khuổi Bốc" in english  # the batch's own words are not translated
    assert active_stamp.serial in english
    assert "Producer" in cache.get(keys.page_key(batch_a.pk, before, "en", "active"))


def test_each_scan_fills_its_own_serial_count_and_time_into_the_cached_page(
    client, tenant_a, active_stamp, batch_a
):
    before = version_of(tenant_a, batch_a)
    with tenant_context(tenant_a):
        other = Stamp.objects.exclude(pk=active_stamp.pk).order_by("number").first()
    client.get(url_of(batch_a, active_stamp.serial))
    client.get(url_of(batch_a, active_stamp.serial))
    cached = cache.get(keys.page_key(batch_a.pk, before, "vi", "active"))
    assert cached is not None and active_stamp.serial not in cached
    body = client.get(url_of(batch_a, other.serial)).content.decode()
    assert other.serial in body and active_stamp.serial not in body
    assert "kiểm tra 1 lần" in body and "\x1f" not in body
    with tenant_context(tenant_a):
        first = Stamp.objects.get(pk=other.pk).first_scanned_at
    # Shown in Vietnam's time, as the template's date filter did.
    assert timezone.localtime(first).strftime("%d/%m/%Y %H:%M") in body
    # Drawn once, filled per scan.
    assert cache.get(keys.page_key(batch_a.pk, before, "vi", "active")) == cached


def test_a_change_to_the_batch_is_served_in_every_language_from_pages_of_its_new_version(
    client, tenant_a, active_stamp, batch_a, business_user_a
):
    before = version_of(tenant_a, batch_a)
    url = url_of(batch_a, active_stamp.serial)
    client.get(url)
    client.cookies["django_language"] = "en"
    assert "Đồi chè Khuổi Bốc" in client.get(url).content.decode()
    with tenant_context(tenant_a):
        batch_a.origin = "Đồi chè Pác Nặm"
        services.save_batch(batch=batch_a, actor=business_user_a)
    for language in ("en", "vi"):
        client.cookies["django_language"] = language
        assert "Đồi chè Pác Nặm" in client.get(url).content.decode()
        assert "Đồi chè Pác Nặm" in cache.get(keys.page_key(batch_a.pk, before + 1, language, "active"))
    assert "Đồi chè Pác Nặm" not in cache.get(keys.page_key(batch_a.pk, before, "vi", "active"))


def test_saving_a_batch_loaded_before_a_change_does_not_bring_back_the_old_page(
    client, tenant_a, active_stamp, batch_a, business_user_a
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from traceability.models import Batch

    before = version_of(tenant_a, batch_a)
    url = url_of(batch_a, active_stamp.serial)
    client.get(url)
    with tenant_context(tenant_a):
        loaded_before = Batch.objects.get(pk=batch_a.pk)
        started = datetime(2025, 4, 22, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        services.add_stage(
            batch=batch_a, name="Sao chè", place="Xưởng Hồng Thái", started_at=started, actor=None
        )
        loaded_before.quantity = 1200
        loaded_before.save()  # writes every field it holds, but not the page version
        assert Batch.objects.values_list("page_version", flat=True).get(pk=batch_a.pk) == before + 1
    assert "Xưởng Hồng Thái" in client.get(url).content.decode()


def test_saving_a_batch_loaded_before_its_recall_keeps_the_recall(
    client, tenant_a, active_stamp, batch_a, business_user_a
):
    from traceability.models import Batch

    with tenant_context(tenant_a):
        loaded_before = Batch.objects.get(pk=batch_a.pk)
        services.recall_batch(batch=batch_a, reason="Vượt ngưỡng dư lượng", actor=business_user_a)
        loaded_before.origin = "Đồi chè Pác Nặm"
        loaded_before.save()
        saved = Batch.objects.get(pk=batch_a.pk)
    assert saved.recalled_at is not None and saved.recall_reason == "Vượt ngưỡng dư lượng"
    assert saved.origin == "Đồi chè Pác Nặm"
    assert 'id="recall-warning"' in client.get(url_of(batch_a, active_stamp.serial)).content.decode()


def test_a_page_this_process_has_served_is_not_asked_of_redis_again(client, tenant_a, active_stamp, batch_a):
    before = version_of(tenant_a, batch_a)
    url = url_of(batch_a, active_stamp.serial)
    client.get(url)
    cache.clear()
    assert "kiểm tra 2 lần" in client.get(url).content.decode()
    # Served from memory, not redrawn.
    assert cache.get(keys.page_key(batch_a.pk, before, "vi", "active")) is None


def test_a_page_this_process_has_served_is_asked_of_redis_again_once_its_time_is_up(
    client, tenant_a, active_stamp, batch_a, monkeypatch
):
    before = version_of(tenant_a, batch_a)
    url = url_of(batch_a, active_stamp.serial)
    monkeypatch.setattr(public, "SERVED_PAGE_SECONDS", -1)  # a page's time is up as soon as it is kept
    client.get(url)
    key = keys.page_key(batch_a.pk, before, "vi", "active")
    cache.set(key, cache.get(key).replace("Nhà sản xuất", "Cơ sở sản xuất"))  # as another process drew it
    assert "Cơ sở sản xuất" in client.get(url).content.decode()


def test_a_hostile_batch_field_is_escaped_in_the_drawn_details(
    client, tenant_a, active_stamp, batch_a, business_user_a
):
    with tenant_context(tenant_a):
        batch_a.origin = "<script>alert(1)</script>"
        services.save_batch(batch=batch_a, actor=business_user_a)
    body = client.get(url_of(batch_a, active_stamp.serial)).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_stamp_scanned_from_many_places_is_flagged(client, tenant_a, active_stamp, batch_a):
    for i in range(public.FLAG_PLACES):
        client.get(url_of(batch_a, active_stamp.serial), REMOTE_ADDR=f"10.{i}.0.1")
    with tenant_context(tenant_a):
        stamp = Stamp.objects.get(pk=active_stamp.pk)
    assert stamp.flagged_at is not None and stamp.place_count == public.FLAG_PLACES


def test_stamp_scanned_a_few_times_from_one_place_is_not_flagged(client, tenant_a, active_stamp, batch_a):
    for _ in range(3):
        client.get(url_of(batch_a, active_stamp.serial), REMOTE_ADDR="10.0.0.1")
    with tenant_context(tenant_a):
        assert Stamp.objects.get(pk=active_stamp.pk).flagged_at is None


def test_stamp_scanned_far_more_often_than_normal_is_flagged(
    client, tenant_a, active_stamp, batch_a, settings
):
    for _ in range(public.FLAG_SCANS):
        public.scan(
            gtin=batch_a.product.gtin,
            lot=batch_a.lot,
            serial=active_stamp.serial,
            place="10.0.0.0/24",
            user_agent="",
        )
    with tenant_context(tenant_a):
        assert Stamp.objects.get(pk=active_stamp.pk).flagged_at is not None


def test_lot_with_a_slash_resolves_when_percent_encoded(
    client, tenant_a, approved_product_a, business_user_a
):
    from datetime import date

    from traceability.gs1 import digital_link
    from traceability.models import Batch

    with tenant_context(tenant_a):
        batch = services.save_batch(
            batch=Batch(product=approved_product_a, lot="A/7", production_date=date(2025, 1, 1)),
            actor=business_user_a,
        )
    series = issue(tenant_a, batch, business_user_a, quantity=1)
    with tenant_context(tenant_a):
        services.activate_series(series=series, actor=business_user_a)
        serial = Stamp.objects.get(series=series).serial
    uri = digital_link("http://testserver", gtin=approved_product_a.gtin, lot="A/7", serial=serial)
    assert "/10/A%2F7/21/" in uri
    assert client.get(uri.removeprefix("http://testserver")).status_code == 200


def test_resolver_description_is_served(client):
    body = client.get("/.well-known/gs1resolver").json()
    assert body["supportedPrimaryKeys"] == ["gtin"] and body["resolverRoot"] == "http://testserver"
