"""The API: tenant-scoped, permission-checked, one error format, tokens, throttling, schema."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import ApiToken, Membership, Organization
from tcvn_portal.tenancy.roles import Role
from tcvn_portal.tenancy.services import issue_api_token

pytestmark = pytest.mark.django_db
LIST = "/api/v1/organizations/"


@pytest.fixture
def api_for(client_for):
    def make(user):
        client = APIClient()
        client.cookies = client_for(user).cookies
        return client

    return make


def token_for(tenant, user):
    with tenant_context(tenant):
        return issue_api_token(membership=Membership.objects.get(user=user), name="ERP")


def test_session_user_lists_only_own_tenant(tenant_a, tenant_b, inspector_a, organization_factory, api_for):
    organization_factory(tenant_a, name="Công ty Chè Tân Trào")
    organization_factory(tenant_b, name="Công ty Nông sản Bắc Hà")
    body = api_for(inspector_a).get(LIST).json()
    assert [o["name"] for o in body["results"]] == ["Công ty Chè Tân Trào"]


def test_search_and_filter_parameters(tenant_a, inspector_a, organization_factory, api_for):
    organization_factory(tenant_a, name="Công ty Chè Tân Trào")
    organization_factory(tenant_a, kind=Organization.Kind.AGENCY, name="UBND xã Tân Trào")
    client = api_for(inspector_a)
    assert client.get(LIST, {"q": "tan trao"}).json()["count"] == 2
    assert [o["name"] for o in client.get(LIST, {"q": "tan trao", "kind": "agency"}).json()["results"]] == [
        "UBND xã Tân Trào"
    ]


def test_other_tenants_object_is_404_with_the_error_format(
    tenant_a, tenant_b, admin_a, organization_factory, api_for
):
    theirs = organization_factory(tenant_b)
    client = api_for(admin_a)
    response = client.get(f"{LIST}{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    assert client.patch(f"{LIST}{theirs.pk}/", {"name": "Hijacked"}, format="json").status_code == 404
    with tenant_context(tenant_b):
        assert Organization.objects.get(pk=theirs.pk).name != "Hijacked"


def test_validation_errors_are_translated_field_by_field_and_store_nothing(tenant_a, admin_a, api_for):
    response = api_for(admin_a).post(
        LIST, {"kind": "business", "name": "Công ty X", "tax_code": "123"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "Mã số thuế gồm 10 chữ số" in error["fields"]["tax_code"][0]
    with tenant_context(tenant_a):
        assert not Organization.objects.exists()


def test_business_needs_a_tax_code(tenant_a, admin_a, api_for):
    response = api_for(admin_a).post(LIST, {"kind": "business", "name": "Công ty Y"}, format="json")
    assert response.status_code == 400
    assert "mã số thuế" in response.json()["error"]["fields"]["tax_code"][0]


def test_roles_are_enforced(tenant_a, organization_factory, member_factory, api_for):
    mine = organization_factory(tenant_a)
    organization_factory(tenant_a)
    business = member_factory(tenant_a, Role.BUSINESS, organization=mine)
    client = api_for(business)
    assert [o["id"] for o in client.get(LIST).json()["results"]] == [mine.pk]
    response = client.post(
        LIST, {"kind": "business", "name": "Công ty Z", "tax_code": "0300588569"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403


def test_anonymous_is_refused(tenant_a):
    response = APIClient().get(LIST)
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_token_acts_in_its_tenant_only(tenant_a, tenant_b, organization_factory, member_factory):
    mine = organization_factory(tenant_a, name="Công ty Chè Tân Trào")
    theirs = organization_factory(tenant_b)
    user = member_factory(tenant_a, Role.BUSINESS, organization=mine)
    # The same person is also a member in tenant B; the token still acts only in A.
    with tenant_context(tenant_b):
        Membership.objects.create(user=user, role=Role.TENANT_ADMIN)
    raw = token_for(tenant_a, user)
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [o["name"] for o in client.get(LIST).json()["results"]] == ["Công ty Chè Tân Trào"]
    assert client.get(f"{LIST}{theirs.pk}/").status_code == 404
    with tenant_context(tenant_a):
        assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "forge",
    [
        lambda raw: raw[:-2] + "xx",
        lambda raw: raw.replace("tcvn_", "tcvn_9"),
        lambda raw: "tcvn_1_",
        lambda raw: "abc",
    ],
)
def test_forged_or_altered_tokens_are_refused(tenant_a, organization_factory, member_factory, forge):
    user = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
    raw = token_for(tenant_a, user)
    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {forge(raw)}").get(LIST)
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_revoked_token_is_refused(tenant_a, organization_factory, member_factory, client_for):
    user = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
    raw = token_for(tenant_a, user)
    with tenant_context(tenant_a):
        token = ApiToken.objects.get()
    client_for(user).post(reverse("tenancy:apitoken_revoke", args=[token.pk]))
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get(LIST).status_code == 401


def test_token_page_shows_a_new_token_once(tenant_a, organization_factory, member_factory, client_for):
    user = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
    client = client_for(user)
    page = client.post(reverse("tenancy:apitoken_list"), {"name": "ERP nhà máy"}).content.decode()
    assert f"tcvn_{tenant_a.pk}_" in page and "Hãy sao chép token này ngay" in page
    raw = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}").get(LIST).status_code == 200
    assert raw not in client.get(reverse("tenancy:apitoken_list")).content.decode()


def test_list_endpoint_runs_a_constant_number_of_queries(
    tenant_a, inspector_a, organization_factory, api_for, django_assert_max_num_queries
):
    client = api_for(inspector_a)
    organization_factory(tenant_a)
    with django_assert_max_num_queries(30) as first:
        client.get(LIST)
    for _ in range(25):
        organization_factory(tenant_a)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(LIST)


def test_throttling_answers_429_in_the_error_format(tenant_a, inspector_a, api_for, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # The production rates, lowered for this test only (the throttle state lives in the real Redis cache).
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000/min", "user": "3/min"})
    client = api_for(inspector_a)
    responses = [client.get(LIST) for _ in range(5)]
    assert [r.status_code for r in responses[:3]] == [200, 200, 200]
    assert responses[3].status_code == 429
    error = responses[3].json()["error"]
    assert error["status"] == 429 and error["retry_after"] > 0


def test_schema_generates_without_warnings_and_docs_page_uses_no_cdn(client):
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    assert "/api/v1/organizations/" in schema["paths"]
    from drf_spectacular.drainage import GENERATOR_STATS

    assert not GENERATOR_STATS._warn_cache, GENERATOR_STATS._warn_cache
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs and "cdn" not in docs.lower()
