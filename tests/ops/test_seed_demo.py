"""`manage.py seed_demo`: real provinces, a login per role, valid identifiers; a second run adds nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.management.demo import DEMO_PASSWORD
from tcvn_portal.tenancy.models import Commune, Membership, Organization, Tenant
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _memberships() -> list[Membership]:
    rows = []
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            rows += list(Membership.objects.select_related("user", "organization", "tenant"))
    return rows


def _row_counts() -> dict[str, int]:
    """Rows of every table the platform seed writes, the audit trail included."""
    from tcvn_portal.audit.models import AuditEvent

    counts = {"users": get_user_model().objects.count(), "tenants": Tenant.objects.count()}
    for model in (Commune, Organization, Membership, AuditEvent):
        counts[model._meta.label] = 0
        for tenant in Tenant.objects.all():
            with tenant_context(tenant):
                counts[model._meta.label] += model.objects.count()
    return counts


def test_seed_creates_all_34_provinces_from_the_bundled_csv():
    _seed()
    assert Tenant.objects.count() == 34
    tuyen_quang = Tenant.objects.get(code="tuyen-quang")
    assert tuyen_quang.formed_from == "Tuyên Quang; Hà Giang"
    assert tuyen_quang.authority_name == "Sở Khoa học và Công nghệ tỉnh Tuyên Quang"
    hcm = Tenant.objects.get(code="thanh-pho-ho-chi-minh")
    assert hcm.authority_name == "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"


def test_every_role_has_a_demo_login_that_authenticates_with_the_printed_password():
    output = _seed()
    assert DEMO_PASSWORD in output
    # Domain demo data may add members of its own (e.g. a second inspector as a team member); every
    # membership of a user who can log in is printed, and each role has at least one such login.
    memberships = [m for m in _memberships() if m.user.is_active and m.user.has_usable_password()]
    assert {m.role for m in memberships} == set(Role.values)
    for membership in memberships:
        assert membership.user.email in output
        assert membership.user.check_password(DEMO_PASSWORD)


def test_business_and_iso_focal_users_are_tied_to_organisations_of_their_kind():
    _seed()
    by_role = {}
    for m in _memberships():
        by_role.setdefault(m.role, []).append(m)
    assert by_role[Role.BUSINESS]
    assert all(m.organization.kind == Organization.Kind.BUSINESS for m in by_role[Role.BUSINESS])
    assert all(m.organization.kind == Organization.Kind.AGENCY for m in by_role[Role.ISO_FOCAL])
    tied = by_role[Role.BUSINESS] + by_role[Role.ISO_FOCAL]
    assert all(m.organization.tenant_id == m.tenant_id for m in tied)


def test_one_demo_user_belongs_to_two_provinces():
    _seed()
    tenants_by_user = {}
    for m in _memberships():
        tenants_by_user.setdefault(m.user.email, set()).add(m.tenant.name)
    assert {"Tuyên Quang", "Lào Cai"} in tenants_by_user.values()


def test_demo_organisations_pass_the_model_validators_and_sit_in_seeded_communes():
    _seed()
    seen = 0
    for code in ("tuyen-quang", "lao-cai", "ha-noi"):
        with tenant_context(Tenant.objects.get(code=code)):
            assert Commune.objects.count() >= 8
            for organization in Organization.objects.select_related("commune"):
                organization.full_clean()  # check digit of the tax code, agency code format
                assert organization.commune is not None
                seen += 1
    assert seen >= 10


def test_running_the_seed_twice_creates_nothing_new():
    _seed()
    before = _row_counts()
    _seed()
    assert _row_counts() == before
    assert before["tenancy.Membership"] >= 10


def test_demo_user_in_two_provinces_logs_in_and_sees_the_switcher(client, settings):
    settings.TCVN_REQUIRE_MFA_FOR_OFFICIALS = False
    _seed()
    response = client.post(
        reverse("account_login"), {"login": "hai.tinh@demo.tcvn.local", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    dashboard = client.get(reverse("core:dashboard"))
    assert dashboard.status_code == 200
    content = dashboard.content.decode()
    assert "Lào Cai" in content and "Tuyên Quang" in content


@pytest.mark.parametrize("login", ["doanhnghiep.tq", "doanhnghiep.lc"])
def test_demo_business_login_sees_the_product_and_award_application_seeded_for_its_company(
    client, settings, login
):
    settings.TCVN_REQUIRE_MFA_FOR_OFFICIALS = False
    _seed()
    email = f"{login}@demo.tcvn.local"
    company = next(m.organization for m in _memberships() if m.user.email == email)
    login_response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert login_response.status_code == 302

    batches = client.get(reverse("traceability:batch_list")).content.decode()
    assert "DEMO-01" in batches and "Chè Shan Tuyết đặc sản" in batches
    applications = client.get(reverse("iso_qms:application_list")).content.decode()
    assert company.name in applications
