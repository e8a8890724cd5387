import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrology import services
from metrology.models import Instrument, InstrumentType, Verification, VerificationRequest
from tcvn_portal.core.public_codes import make_code
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_business_sees_only_its_own_instruments(
    catalog_a, business_a, business_user_a, organization_factory, instrument_factory, client_for
):
    own = instrument_factory(catalog_a, owner=business_a, serial="CUA-TOI-1")
    other = instrument_factory(
        catalog_a, owner=organization_factory(catalog_a, name="Công ty Khác"), serial="KHAC-9"
    )
    client = client_for(business_user_a)
    page = client.get(reverse("metrology:instrument_list")).content.decode()
    assert "CUA-TOI-1" in page and "KHAC-9" not in page
    assert client.get(reverse("metrology:instrument_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("metrology:instrument_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("metrology:instrument_edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("metrology:instrument_request", args=[other.pk])).status_code == 404


def test_business_registers_an_instrument_only_for_itself(
    catalog_a, business_a, business_user_a, organization_factory, client_for
):
    other = organization_factory(catalog_a, name="Công ty Khác")
    with tenant_context(catalog_a):
        fuel = InstrumentType.objects.get(code="cot-do-xang-dau")
    client = client_for(business_user_a)
    response = client.post(
        reverse("metrology:instrument_create"),
        {
            "owner": other.pk,
            "instrument_type": fuel.pk,
            "serial": "S-1",
            "maker": "Tatsuno",
        },
    )
    assert response.status_code == 400
    response = client.post(
        reverse("metrology:instrument_create"),
        {
            "owner": business_a.pk,
            "instrument_type": fuel.pk,
            "serial": "S-1",
            "maker": "Tatsuno",
            "location": "Vòi số 3",
        },
    )
    assert response.status_code == 302
    with tenant_context(catalog_a):
        assert list(Instrument.objects.values_list("owner_id", "serial")) == [(business_a.pk, "S-1")]


def test_bad_instrument_input_shows_a_translated_error_and_saves_nothing(catalog_a, officer_a, client_for):
    response = client_for(officer_a).post(reverse("metrology:instrument_create"), {"serial": ""})
    assert response.status_code == 400
    assert "Có lỗi cần sửa" in response.content.decode() or "error-summary" in response.content.decode()
    with tenant_context(catalog_a):
        assert Instrument.objects.count() == 0


def test_other_tenants_objects_answer_404_on_every_page(
    catalog_a, catalog_b, business_a, officer_b, instrument_factory, verification_factory, client_for
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    verification = verification_factory(catalog_a, instrument)
    with tenant_context(catalog_a):
        request = VerificationRequest.objects.create(
            instrument=instrument, kind="periodic", requested_by=officer_b
        )
        market = services.save_market(market=services.Market(name="Chợ A"), actor=None)
        campaign = services.save_campaign(
            campaign=services.Campaign(
                year=2025, name="Đợt A", starts_on=date(2025, 1, 1), ends_on=date(2025, 2, 1)
            ),
            actor=None,
        )
        type_pk = InstrumentType.objects.get(code="taximet").pk
    client = client_for(officer_b)
    urls = [
        reverse("metrology:instrument_detail", args=[instrument.pk]),
        reverse("metrology:instrument_edit", args=[instrument.pk]),
        reverse("metrology:instrument_verify", args=[instrument.pk]),
        reverse("metrology:verification_detail", args=[verification.pk]),
        reverse("metrology:certificate_pdf", args=[verification.pk]),
        reverse("metrology:request_detail", args=[request.pk]),
        reverse("metrology:type_detail", args=[type_pk]),
        reverse("metrology:market_detail", args=[market.pk]),
        reverse("metrology:campaign_detail", args=[campaign.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("metrology:instrument_retire", args=[instrument.pk]),
        reverse("metrology:verification_annul", args=[verification.pk]),
        reverse("metrology:instrument_verify", args=[instrument.pk]),
    ]
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    with tenant_context(catalog_a):
        assert Instrument.objects.get(pk=instrument.pk).status == Instrument.Status.IN_USE
        assert Verification.objects.get(pk=verification.pk).archived_at is None


def test_instrument_list_runs_a_constant_number_of_queries(
    catalog_a,
    business_a,
    officer_a,
    instrument_factory,
    verification_factory,
    client_for,
    django_assert_max_num_queries,
):
    client = client_for(officer_a)
    for _ in range(2):
        verification_factory(catalog_a, instrument_factory(catalog_a, owner=business_a))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("metrology:instrument_list")).status_code == 200
    for _ in range(12):
        verification_factory(catalog_a, instrument_factory(catalog_a, owner=business_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("metrology:instrument_list"))
    assert response.content.decode().count("Tatsuno") >= 14


@pytest.mark.parametrize(
    ("url_name", "shown", "not_shown"),
    [
        (
            "metrology:instrument_list",
            '"metrology_instrument"."serial"',
            '"metrology_instrument"."search_text"',
        ),
        (
            "metrology:verification_list",
            '"metrology_verification"."verified_on"',
            '"metrology_verification"."measurements"',
        ),
    ],
)
def test_lists_fetch_only_the_columns_they_show(
    url_name,
    shown,
    not_shown,
    catalog_a,
    business_a,
    officer_a,
    instrument_factory,
    verification_factory,
    client_for,
):
    verification_factory(catalog_a, instrument_factory(catalog_a, owner=business_a))
    with CaptureQueriesContext(connection) as page:
        assert client_for(officer_a).get(reverse(url_name)).status_code == 200
    fetched = " ".join(q["sql"] for q in page.captured_queries)
    assert shown in fetched
    assert not_shown not in fetched
    assert '"tenancy_organization"."address"' not in fetched


@pytest.mark.parametrize("url_name", ["metrology:verification_list", "metrology:request_list"])
def test_other_lists_run_a_constant_number_of_queries(
    url_name,
    catalog_a,
    business_a,
    business_user_a,
    officer_a,
    instrument_factory,
    verification_factory,
    client_for,
    django_assert_max_num_queries,
):
    client = client_for(officer_a)

    def add(n):
        for _ in range(n):
            item = instrument_factory(catalog_a, owner=business_a)
            verification_factory(catalog_a, item)
            with tenant_context(catalog_a):
                VerificationRequest.objects.create(
                    instrument=item, kind="periodic", requested_by=business_user_a
                )

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(url_name))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_filters_find_due_overdue_failed_and_search_without_diacritics(
    catalog_a, business_a, officer_a, instrument_factory, verification_factory, client_for
):
    today = timezone.localdate()
    due = instrument_factory(catalog_a, owner=business_a, serial="DUE-1", location="Chợ Tân Hà")
    verification_factory(catalog_a, due, verified_on=services.add_months(today, -12) + timedelta(days=10))
    overdue = instrument_factory(catalog_a, owner=business_a, serial="OVER-1")
    verification_factory(catalog_a, overdue, verified_on=services.add_months(today, -14))
    failed = instrument_factory(catalog_a, owner=business_a, serial="FAIL-1")
    verification_factory(catalog_a, failed, verified_on=today, result="failed")
    client = client_for(officer_a)
    url = reverse("metrology:instrument_list")

    def serials(**params):
        body = client.get(url, params).content.decode()
        return {s for s in ("DUE-1", "OVER-1", "FAIL-1") if s in body}

    assert serials(state="due") == {"DUE-1"}
    assert serials(state="overdue") == {"OVER-1"}
    assert serials(state="failed") == {"FAIL-1"}
    assert serials(q="cho tan ha") == {"DUE-1"}


def test_officer_dashboard_counts_requests_waiting_for_a_date_and_the_business_gets_no_such_card(
    catalog_a, business_a, business_user_a, officer_a, instrument_factory, client_for
):
    first = instrument_factory(catalog_a, owner=business_a)
    second = instrument_factory(catalog_a, owner=business_a)
    with tenant_context(catalog_a):
        services.request_verification(actor=business_user_a, instrument=first, kind="periodic")
        scheduled = services.request_verification(actor=business_user_a, instrument=second, kind="periodic")
        services.schedule_request(actor=officer_a, request=scheduled, scheduled_for=timezone.localdate())
    cards = {c.label: c for c in client_for(officer_a).get(reverse("core:dashboard")).context["cards"]}
    waiting = cards["Đề nghị kiểm định chờ hẹn lịch"]
    assert waiting.value == 1
    assert waiting.url == reverse("metrology:request_list") + "?status=submitted"
    business_cards = client_for(business_user_a).get(reverse("core:dashboard")).context["cards"]
    assert "Đề nghị kiểm định chờ hẹn lịch" not in [c.label for c in business_cards]


def test_dashboard_counts_per_type_and_commune(
    catalog_a, business_a, officer_a, instrument_factory, verification_factory, client_for
):
    today = timezone.localdate()
    taximeter = instrument_factory(catalog_a, owner=business_a, type_code="taximet")
    verification_factory(
        catalog_a, taximeter, verified_on=services.add_months(today, -18) + timedelta(days=5)
    )
    response = client_for(officer_a).get(reverse("metrology:dashboard"))
    assert response.status_code == 200
    assert response.context["counts"]["due"] == 1
    assert [(r["label"], r["due"]) for r in response.context["by_type"]] == [("Taximet", 1)]
    assert [(r["label"], r["due"]) for r in response.context["by_commune"]] == [(None, 1)]
    assert "Đến hạn trong 30 ngày" in response.content.decode()


def test_officer_records_a_verification_through_the_form_with_measurements(
    catalog_a, business_a, officer_a, instrument_factory, client_for
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    client = client_for(officer_a)
    data = {
        "kind": "periodic",
        "verified_on": timezone.localdate().isoformat(),
        "verifier": "Trần Thị Bình",
        "verifying_body": "Trung tâm Kỹ thuật TĐC",
        "result": "passed",
        "stamp_number": "T-77",
        "certificate_number": "GCN-77",
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "0",
        "m-0-point": "20 L",
        "m-0-error": "0,15",
        "m-0-mpe": "0,5",
        "m-1-point": "",
        "m-1-error": "",
        "m-1-mpe": "",
    }
    response = client.post(reverse("metrology:instrument_verify", args=[instrument.pk]), data)
    assert response.status_code == 302
    with tenant_context(catalog_a):
        verification = Verification.objects.get()
    assert verification.measurements == [{"point": "20 L", "error": "0.15", "mpe": "0.5"}]
    # The same certificate number again is refused with the reason next to the field.
    other = instrument_factory(catalog_a, owner=business_a)
    response = client.post(reverse("metrology:instrument_verify", args=[other.pk]), data)
    assert response.status_code == 400
    assert "Số giấy chứng nhận này đã được dùng" in response.content.decode()


def test_certificate_pdf_is_vietnamese_with_the_figures_and_the_check_url(
    catalog_a, business_a, officer_a, instrument_factory, verification_factory, client_for
):
    instrument = instrument_factory(catalog_a, owner=business_a, serial="TS-2021-0042")
    verification = verification_factory(
        catalog_a,
        instrument,
        certificate_number="GCN-2025-0101",
        verified_on=date(2025, 3, 15),
        measurements=[{"point": "20 L", "error": "0.12", "mpe": "0.5"}],
    )
    response = client_for(officer_a).get(reverse("metrology:certificate_pdf", args=[verification.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "GIẤY CHỨNG NHẬN KIỂM ĐỊNH" in text
    assert "Cột đo xăng dầu" in text
    assert "Công ty Xăng dầu Tuyên Quang" in text
    assert "TS-2021-0042" in text and "GCN-2025-0101" in text
    assert "15/03/2025" in text and "14/03/2026" in text
    assert f"/metrology/check/{verification.check_code}/" in text.replace("\n", "")


def test_failed_verification_has_no_certificate_pdf(
    catalog_a, business_a, officer_a, instrument_factory, verification_factory, client_for
):
    failed = verification_factory(catalog_a, instrument_factory(catalog_a, owner=business_a), result="failed")
    assert (
        client_for(officer_a).get(reverse("metrology:certificate_pdf", args=[failed.pk])).status_code == 404
    )


def test_public_check_says_genuine_and_in_force_without_login(
    catalog_a, business_a, instrument_factory, verification_factory, client
):
    verification = verification_factory(
        catalog_a,
        instrument_factory(catalog_a, owner=business_a, serial="CHECK-1"),
        verified_on=timezone.localdate(),
    )
    response = client.get(reverse("metrology:public_check", args=[verification.check_code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Giấy chứng nhận thật, còn hiệu lực." in body
    assert "CHECK-1" in body


def test_public_check_of_an_expired_or_annulled_certificate_says_so(
    catalog_a, business_a, instrument_factory, verification_factory, client
):
    old = verification_factory(
        catalog_a, instrument_factory(catalog_a, owner=business_a), verified_on=date(2020, 1, 1)
    )
    body = client.get(reverse("metrology:public_check", args=[old.check_code])).content.decode()
    assert "không còn hiệu lực" in body
    with tenant_context(catalog_a):
        services.annul_verification(actor=None, verification=old, reason="Sai thông tin")
    body = client.get(reverse("metrology:public_check", args=[old.check_code])).content.decode()
    assert "đã bị hủy" in body


def test_forged_or_altered_codes_answer_not_found_without_touching_metrology_tables(
    catalog_a, catalog_b, business_a, organization_factory, instrument_factory, verification_factory, client
):
    genuine = verification_factory(catalog_a, instrument_factory(catalog_a, owner=business_a))
    of_b = verification_factory(
        catalog_b, instrument_factory(catalog_b, owner=organization_factory(catalog_b))
    )
    altered = genuine.check_code[:-2] + ("AA" if genuine.check_code[-2:] != "AA" else "BB")
    stamp_kind = make_code(kind="stamp", tenant_id=catalog_a.pk)
    for code in (altered, stamp_kind, "NOT-A-CODE", "A" * 20, genuine.check_code.lower() + "x"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("metrology:public_check", args=[code]))
        assert response.status_code == 404
        assert "Không tìm thấy giấy chứng nhận" in response.content.decode()
        assert not any("metrology_" in q["sql"] for q in queries.captured_queries), code
    # A well-formed code naming tenant A that A never issued: not found, and B's certificate never shows.
    unissued = make_code(kind="certificate", tenant_id=catalog_a.pk)
    response = client.get(reverse("metrology:public_check", args=[unissued]))
    assert response.status_code == 404
    assert of_b.certificate_number not in response.content.decode()


def test_request_flow_business_asks_and_officer_schedules(
    catalog_a, business_a, business_user_a, officer_a, instrument_factory, client_for
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    business = client_for(business_user_a)
    response = business.post(
        reverse("metrology:instrument_request", args=[instrument.pk]), {"kind": "periodic"}
    )
    assert response.status_code == 302
    with tenant_context(catalog_a):
        request = VerificationRequest.objects.get()
    # A business cannot schedule its own request.
    assert (
        business.post(
            reverse("metrology:request_detail", args=[request.pk]),
            {"action": "schedule", "scheduled_for": timezone.localdate().isoformat()},
        ).status_code
        == 403
    )
    officer = client_for(officer_a)
    response = officer.post(
        reverse("metrology:request_detail", args=[request.pk]),
        {"action": "schedule", "scheduled_for": (timezone.localdate() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302
    with tenant_context(catalog_a):
        request.refresh_from_db()
    assert request.status == VerificationRequest.Status.SCHEDULED


def test_rule_added_from_the_catalog_page_applies_from_its_date(catalog_a, officer_a, client_for):
    with tenant_context(catalog_a):
        taximet = InstrumentType.objects.get(code="taximet")
    client = client_for(officer_a)
    response = client.post(
        reverse("metrology:type_detail", args=[taximet.pk]),
        {
            "valid_from": "2026-01-01",
            "must_verify": "on",
            "initial": "on",
            "periodic": "on",
            "cycle_months": "12",
        },
    )
    assert response.status_code == 302
    with tenant_context(catalog_a):
        assert services.rule_in_force(taximet, date(2025, 12, 31)).cycle_months == 18
        assert services.rule_in_force(taximet, date(2026, 1, 1)).cycle_months == 12


def test_business_cannot_reach_catalog_markets_or_import(catalog_a, business_user_a, client_for):
    client = client_for(business_user_a)
    for name in (
        "metrology:market_list",
        "metrology:campaign_list",
        "metrology:import_list",
        "metrology:type_create",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_campaign_page_shows_reference_scales_and_results(
    catalog_a, business_a, officer_a, instrument_factory, verification_factory, client_for
):
    with tenant_context(catalog_a):
        market = services.save_market(market=services.Market(name="Chợ Trung tâm"), actor=None)
        campaign = services.save_campaign(
            campaign=services.Campaign(
                year=2025,
                name="Kiểm định miễn phí 2025",
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 12, 31),
            ),
            actor=None,
            markets=[market],
        )
    first = instrument_factory(
        catalog_a, owner=business_a, type_code="can-doi-chung", market=market, serial="CDC-1"
    )
    instrument_factory(catalog_a, owner=business_a, type_code="can-doi-chung", market=market, serial="CDC-2")
    verification_factory(catalog_a, first, campaign=campaign, verified_on=date(2025, 4, 1))
    response = client_for(officer_a).get(reverse("metrology:campaign_detail", args=[campaign.pk]))
    assert response.context["summary"] == {"scales": 2, "verified": 1, "passed": 1, "failed": 0}
    assert "CDC-2" in response.content.decode()


def test_member_roles_without_metrology_access_are_refused(catalog_a, member_factory, client_for):
    council = member_factory(catalog_a, Role.COUNCIL_MEMBER)
    assert client_for(council).get(reverse("metrology:instrument_list")).status_code == 403
