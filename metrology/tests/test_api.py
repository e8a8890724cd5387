from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from metrology import services
from metrology.models import Campaign, ImportJob, InstrumentType, Market, Verification, VerificationRequest
from tcvn_portal.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db
API = "/api/v1/metrology/"


@pytest.fixture
def records_a(catalog_a, business_a, business_user_a, instrument_factory, verification_factory):
    instrument = instrument_factory(catalog_a, owner=business_a)
    verification = verification_factory(catalog_a, instrument)
    with tenant_context(catalog_a):
        market = services.save_market(market=Market(name="Chợ Trung tâm"), actor=None)
        campaign = services.save_campaign(
            campaign=Campaign(
                year=2025, name="Đợt 2025", starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 1)
            ),
            actor=None,
            markets=[market],
        )
        request = VerificationRequest.objects.create(
            instrument=instrument, kind="periodic", requested_by=business_user_a
        )
        job = ImportJob.objects.create(file_name="so.xlsx", content=b"PK", created_by=business_user_a)
        instrument_type = InstrumentType.objects.get(code="taximet")
        rule = instrument_type.rules.get()
    return {
        "instruments": instrument.pk,
        "verifications": verification.pk,
        "markets": market.pk,
        "campaigns": campaign.pk,
        "requests": request.pk,
        "imports": job.pk,
        "instrument-types": instrument_type.pk,
        "rules": rule.pk,
    }


def test_every_endpoint_answers_404_for_another_tenants_object(records_a, catalog_b, officer_b, client_for):
    client = client_for(officer_b)
    for resource, pk in records_a.items():
        assert client.get(f"{API}{resource}/{pk}/").status_code == 404, resource
        listing = client.get(f"{API}{resource}/").json()
        assert pk not in [row["id"] for row in listing["results"]], resource
    for path in ("instruments/{}/retire/", "verifications/{}/annul/", "requests/{}/schedule/"):
        resource = path.split("/")[0]
        response = client.post(
            API + path.format(records_a[resource]), {"reason": "x"}, content_type="application/json"
        )
        assert response.status_code in (403, 404), path
    with tenant_context(catalog_b):
        assert Verification.objects.count() == 0


def test_officer_of_the_tenant_reads_every_endpoint(records_a, officer_a, client_for):
    client = client_for(officer_a)
    for resource, pk in records_a.items():
        assert client.get(f"{API}{resource}/{pk}/").status_code == 200, resource


def test_business_sees_its_own_instruments_only_and_cannot_record_verifications(
    catalog_a, business_a, business_user_a, organization_factory, instrument_factory, client_for
):
    mine = instrument_factory(catalog_a, owner=business_a)
    theirs = instrument_factory(catalog_a, owner=organization_factory(catalog_a))
    client = client_for(business_user_a)
    ids = [row["id"] for row in client.get(f"{API}instruments/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"{API}instruments/{theirs.pk}/").status_code == 404
    response = client.post(
        f"{API}verifications/",
        {
            "instrument": mine.pk,
            "kind": "periodic",
            "verified_on": "2025-01-01",
            "verifier": "A",
            "verifying_body": "B",
            "result": "passed",
            "stamp_number": "T",
            "certificate_number": "C",
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def test_business_asks_for_verification_through_the_api(
    catalog_a, business_a, business_user_a, organization_factory, instrument_factory, client_for
):
    mine = instrument_factory(catalog_a, owner=business_a)
    theirs = instrument_factory(catalog_a, owner=organization_factory(catalog_a))
    client = client_for(business_user_a)
    response = client.post(
        f"{API}requests/", {"instrument": theirs.pk, "kind": "periodic"}, content_type="application/json"
    )
    assert response.status_code == 400 and "instrument" in response.json()["error"]["fields"]
    response = client.post(
        f"{API}requests/", {"instrument": mine.pk, "kind": "periodic"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["status"] == "submitted"


def test_recording_a_verification_through_the_api_computes_validity_and_refuses_duplicates(
    catalog_a, business_a, officer_a, instrument_factory, client_for
):
    instrument = instrument_factory(catalog_a, owner=business_a, type_code="taximet")
    client = client_for(officer_a)
    body = {
        "instrument": instrument.pk,
        "kind": "periodic",
        "verified_on": "2025-02-10",
        "verifier": "Lê Văn C",
        "verifying_body": "Trung tâm TĐC",
        "result": "passed",
        "stamp_number": "T-1",
        "certificate_number": "GCN-1",
        "measurements": [{"point": "1 km", "error": "0.8", "mpe": "2"}],
    }
    response = client.post(f"{API}verifications/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["valid_until"] == "2026-08-09" and data["cycle_months"] == 18
    expected = "in_force" if timezone.localdate() <= date(2026, 8, 9) else "expired"
    assert data["certificate_state"] == expected
    again = client.post(f"{API}verifications/", body, content_type="application/json")
    assert again.status_code == 400
    assert "certificate_number" in again.json()["error"]["fields"]
    # Verifications are never edited in place.
    assert (
        client.patch(
            f"{API}verifications/{data['id']}/", {"notes": "x"}, content_type="application/json"
        ).status_code
        == 405
    )


def test_instrument_list_api_runs_a_constant_number_of_queries(
    catalog_a, business_a, officer_a, instrument_factory, client_for, django_assert_max_num_queries
):
    client = client_for(officer_a)
    instrument_factory(catalog_a, owner=business_a)
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}instruments/")
    for _ in range(15):
        instrument_factory(catalog_a, owner=business_a)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        results = client.get(f"{API}instruments/").json()["results"]
    assert len(results) == 16 and {row["owner"] for row in results} == {business_a.pk}
    # Owner, type, commune and market go out as ids: the rows are read with no join.
    (rows,) = [q["sql"] for q in many.captured_queries if '"metrology_instrument"."serial", ' in q["sql"]]
    assert '"metrology_instrument"."owner_id"' in rows and "JOIN" not in rows


def test_due_filter_in_the_api(
    catalog_a, business_a, officer_a, instrument_factory, verification_factory, client_for
):
    today = timezone.localdate()
    due = instrument_factory(catalog_a, owner=business_a)
    verification_factory(catalog_a, due, verified_on=services.add_months(today, -12) + timedelta(days=3))
    instrument_factory(catalog_a, owner=business_a)
    ids = [r["id"] for r in client_for(officer_a).get(f"{API}instruments/?state=due").json()["results"]]
    assert ids == [due.pk]


def test_campaign_api_sets_its_markets(catalog_a, officer_a, client_for):
    with tenant_context(catalog_a):
        market = services.save_market(market=Market(name="Chợ Nông sản"), actor=None)
    client = client_for(officer_a)
    response = client.post(
        f"{API}campaigns/",
        {
            "year": 2025,
            "name": "Đợt 1",
            "starts_on": "2025-03-01",
            "ends_on": "2025-04-01",
            "markets": [market.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["markets"] == [market.pk]
