import pytest

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership
from tcvn_portal.tenancy.services import issue_api_token
from traceability import services
from traceability.models import Batch

from .factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_a(tenant_a, business_user_a):
    with tenant_context(tenant_a):
        return issue_api_token(membership=Membership.objects.get(user=business_user_a), name="ERP")


def test_business_system_pushes_a_batch_with_stages_using_its_token(client, tenant_a, product_a, token_a):
    response = client.post(
        "/api/v1/traceability/batches/",
        {
            "product": product_a.pk,
            "lot": "L-API-1",
            "production_date": "2025-06-01",
            "origin": "Hà Giang",
            "stages": [
                {
                    "name": "Sao chè",
                    "bizstep": "commissioning",
                    "place": "Xưởng Hồng Thái",
                    "started_at": "2025-06-01T08:00:00+07:00",
                }
            ],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_a}",
    )
    assert response.status_code == 201, response.content
    with tenant_context(tenant_a):
        batch = Batch.objects.get(lot="L-API-1")
        assert list(batch.stages.values_list("place", flat=True)) == ["Xưởng Hồng Thái"]
    stage = client.post(
        f"/api/v1/traceability/batches/{batch.pk}/stages/",
        {
            "name": "Đóng gói",
            "bizstep": "packing",
            "place": "Kho Hồng Thái",
            "started_at": "2025-06-02T08:00:00+07:00",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_a}",
    )
    assert stage.status_code == 201


def test_api_refuses_a_lot_outside_the_gs1_characters_and_saves_nothing(client, tenant_a, product_a, token_a):
    response = client.post(
        "/api/v1/traceability/batches/",
        {"product": product_a.pk, "lot": "Lô số 1", "production_date": "2025-06-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_a}",
    )
    assert response.status_code == 400
    assert "lot" in response.json()["error"]["fields"]
    with tenant_context(tenant_a):
        assert Batch.objects.filter(lot__startswith="L").count() == 1  # only the fixture's


def test_api_refuses_a_bad_gtin(client, token_a):
    response = client.post(
        "/api/v1/traceability/products/",
        {"name": "X", "gtin": "8934567000018"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_a}",
    )
    assert response.status_code == 400 and "gtin" in response.json()["error"]["fields"]


def test_another_tenants_batch_and_product_answer_404(
    client, tenant_b, member_factory, organization_factory, batch_a, product_a
):
    from tcvn_portal.tenancy.roles import Role

    org_b = organization_factory(tenant_b, name="Công ty Lào Cai", address="Lào Cai")
    user_b = member_factory(tenant_b, Role.BUSINESS, organization=org_b)
    with tenant_context(tenant_b):
        token = issue_api_token(membership=Membership.objects.get(user=user_b), name="ERP")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/v1/traceability/batches/{batch_a.pk}/", **auth).status_code == 404
    assert client.get(f"/api/v1/traceability/batches/{batch_a.pk}/epcis/", **auth).status_code == 404
    assert client.get(f"/api/v1/traceability/products/{product_a.pk}/", **auth).status_code == 404
    assert (
        client.post(
            f"/api/v1/traceability/batches/{batch_a.pk}/stages/", {}, content_type="application/json", **auth
        ).status_code
        == 404
    )


def test_business_sees_only_its_own_products(
    client, tenant_a, organization_factory, business_user_a, product_a, token_a
):
    other = organization_factory(tenant_a, name="Công ty khác", address="Tuyên Quang")
    make_product(tenant_a, other, business_user_a, gtin="96385074", name="Mật ong", complete=False)
    body = client.get("/api/v1/traceability/products/", HTTP_AUTHORIZATION=f"Bearer {token_a}").json()
    assert [p["name"] for p in body["results"]] == ["Chè Shan Tuyết Hồng Thái"]


def test_batch_list_query_count_does_not_grow_with_batches(
    client, tenant_a, product_a, token_a, business_user_a, django_assert_max_num_queries
):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def list_batches():
        return client.get("/api/v1/traceability/batches/", HTTP_AUTHORIZATION=f"Bearer {token_a}")

    with CaptureQueriesContext(connection) as one:
        list_batches()
    with tenant_context(tenant_a):
        for i in range(15):
            batch = services.save_batch(
                batch=Batch(product=product_a, lot=f"N{i}", production_date=date(2025, 1, 1)),
                actor=business_user_a,
            )
            services.add_stage(
                batch=batch,
                name="Thu hái",
                place="Đồi",
                started_at="2025-01-01T06:00:00+07:00",
                actor=business_user_a,
            )
    with django_assert_max_num_queries(len(one)):
        response = list_batches()
    assert response.json()["count"] == 16


def test_epcis_export_has_object_events_with_bizstep_and_the_recall(
    client, tenant_a, batch_a, business_user_a, token_a
):
    with tenant_context(tenant_a):
        services.recall_batch(batch=batch_a, reason="Nhiễm khuẩn", actor=business_user_a)
    doc = client.get(
        f"/api/v1/traceability/batches/{batch_a.pk}/epcis/", HTTP_AUTHORIZATION=f"Bearer {token_a}"
    ).json()
    assert doc["type"] == "EPCISDocument" and doc["schemaVersion"] == "2.0"
    events = doc["epcisBody"]["eventList"]
    assert [e["bizStep"].rsplit("-", 1)[1] for e in events] == ["harvesting", "recalling"]
    assert events[-1]["disposition"] == "https://ref.gs1.org/cbv/Disp-recalled"
    assert all(e["type"] == "ObjectEvent" for e in events)
    assert events[0]["quantityList"][0]["epcClass"].endswith(f"/01/{batch_a.product.gtin}/10/L2025-01")


def test_schema_generates_without_warnings_for_traceability():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/traceability/batches/{id}/epcis/" in schema["paths"]
    assert not [w for w in GENERATOR_STATS._warn_cache if "traceab" in str(w).lower()], (
        GENERATOR_STATS._warn_cache
    )
