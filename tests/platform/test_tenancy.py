"""Tenancy in requests: the current tenant from the membership, the switcher, dashboards with real counts."""

import pytest
from django import forms
from django.db import DatabaseError, connection
from django.urls import reverse

from tcvn_portal.tenancy.context import CrossTenantWrite, current_tenant, tenant_context, tenant_statement
from tcvn_portal.tenancy.models import Commune, Membership, Organization
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db


class CommuneChoiceForm(forms.Form):
    # Built at import time, before any tenant is active: must still scope when the form is used.
    commune = forms.ModelChoiceField(queryset=Commune.objects.all())


def test_queryset_built_without_a_tenant_scopes_to_the_tenant_active_when_it_runs(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        mine = Commune.objects.create(name="Phường Minh Xuân")
    with tenant_context(tenant_b):
        theirs = Commune.objects.create(name="Xã Bắc Hà")
    with tenant_context(tenant_a):
        assert list(CommuneChoiceForm().fields["commune"].queryset) == [mine]
        assert not CommuneChoiceForm({"commune": theirs.pk}).is_valid()


def test_scoped_querysets_share_no_filter_with_one_another(tenant_a, tenant_b, organization_factory):
    """Every manager queryset is cloned from one scoped query per model: narrowing one, or the related
    manager of a prefetch, must leave the next one seeing the whole tenant."""
    with tenant_context(tenant_a):
        first = Commune.objects.create(name="Phường Một")
        second = Commune.objects.create(name="Phường Hai")
        assert list(Commune.objects.filter(name="Phường Một")) == [first]
        assert list(Commune.objects.exclude(pk=first.pk)) == [second]
        assert set(Commune.objects.all()) == {first, second}
        owner = organization_factory(tenant_a)
        assert list(Organization.objects.filter(pk=owner.pk).prefetch_related("memberships")) == [owner]
        assert owner in set(Organization.objects.all())
    with tenant_context(tenant_b):
        assert list(Commune.objects.all()) == []


def test_saving_a_row_under_another_tenant_raises(tenant_a, tenant_b, organization_factory):
    org = organization_factory(tenant_a)
    org.name = "Đổi tên"
    with tenant_context(tenant_b), pytest.raises(CrossTenantWrite):
        org.save()


def _communes_seen_by_the_database(prefix: str = "", params: dict | None = None) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(prefix + "SELECT name FROM tenancy_commune ORDER BY name", params or {})
        return [name for (name,) in cursor.fetchall()]


def test_tenant_statement_sets_the_tenant_in_the_statement_and_restores_the_previous_one(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        Commune.objects.create(name="Phường Minh Xuân")
    with tenant_context(tenant_b):
        Commune.objects.create(name="Xã Bắc Hà")
    with tenant_context(tenant_a):
        with tenant_statement(tenant_b) as (set_tenant, params):
            assert current_tenant() == tenant_b
            assert _communes_seen_by_the_database(set_tenant, params) == ["Xã Bắc Hà"]
        assert current_tenant() == tenant_a
        assert _communes_seen_by_the_database() == ["Phường Minh Xuân"]


def test_a_failed_tenant_statement_dooms_its_transaction_and_leaves_no_tenant_behind(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        with pytest.raises(DatabaseError), tenant_statement(tenant_b) as (set_tenant, params):
            with connection.cursor() as cursor:
                cursor.execute(set_tenant + "SELECT 1 / 0", params)
        assert current_tenant() == tenant_a
        assert connection.needs_rollback  # no savepoint: the setting goes with the transaction


def test_user_with_two_memberships_switches_tenant(
    tenant_a, tenant_b, member_factory, organization_factory, client_for
):
    organization_factory(tenant_a, name="Công ty Tuyên Quang")
    organization_factory(tenant_b, name="Công ty Lào Cai")
    user = member_factory(tenant_a, Role.INSPECTOR)
    with tenant_context(tenant_b):
        Membership.objects.create(user=user, role=Role.MANAGER)
    client = client_for(user)
    page = client.get(reverse("tenancy:organization_list")).content.decode()
    assert "Công ty Lào Cai" in page and "Công ty Tuyên Quang" not in page  # Lào Cai sorts first
    assert 'id="tenant-switcher"' in page
    client.post(reverse("core:switch_tenant"), {"tenant": tenant_a.pk, "next": "/org/"})
    page = client.get(reverse("tenancy:organization_list")).content.decode()
    assert "Công ty Tuyên Quang" in page and "Công ty Lào Cai" not in page


def test_switching_to_a_tenant_without_membership_is_404(tenant_a, tenant_b, inspector_a, client_for):
    client = client_for(inspector_a)
    assert client.post(reverse("core:switch_tenant"), {"tenant": tenant_b.pk}).status_code == 404
    assert client.post(reverse("core:switch_tenant"), {"tenant": "x"}).status_code == 404


def test_suspended_membership_gives_no_tenant(tenant_a, inspector_a, client_for):
    with tenant_context(tenant_a):
        Membership.objects.filter(user=inspector_a).update(status=Membership.Status.SUSPENDED)
    client = client_for(inspector_a)
    assert client.get(reverse("tenancy:organization_list")).status_code == 404
    assert "chưa thuộc tỉnh" in client.get(reverse("core:dashboard")).content.decode()


def test_dashboard_shows_real_counts_for_the_role(
    tenant_a, tenant_b, admin_a, organization_factory, member_factory, client_for
):
    for _ in range(3):
        organization_factory(tenant_a)
    organization_factory(tenant_a, kind=Organization.Kind.AGENCY)
    organization_factory(tenant_b)
    with tenant_context(tenant_a):
        user = member_factory(tenant_a, Role.BUSINESS)
        Membership.objects.filter(user=user).update(status=Membership.Status.PENDING)
    cards = client_for(admin_a).get(reverse("core:dashboard")).context["cards"]
    values = {str(card.label): card.value for card in cards}
    assert values["Doanh nghiệp"] == 3
    assert values["Cơ quan nhà nước"] == 1
    assert values["Đăng ký chờ phê duyệt"] == 1
    assert values["Thành viên đang hoạt động"] == 1


def test_navigation_follows_the_role(tenant_a, admin_a, member_factory, organization_factory, client_for):
    admin_page = client_for(admin_a).get(reverse("core:dashboard")).content.decode()
    assert reverse("tenancy:organization_list") in admin_page
    council = member_factory(tenant_a, Role.COUNCIL_MEMBER)
    business = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
    assert (
        reverse("tenancy:apitoken_list")
        in client_for(business).get(reverse("core:dashboard")).content.decode()
    )
    assert (
        reverse("tenancy:apitoken_list")
        not in client_for(council).get(reverse("core:dashboard")).content.decode()
    )


def test_request_membership_carries_its_organisation(
    tenant_a, organization_factory, member_factory, client_for
):

    mine = organization_factory(tenant_a, name="Công ty Của Tôi")
    user = member_factory(tenant_a, Role.BUSINESS, organization=mine)
    response = client_for(user).get(reverse("core:dashboard"))
    assert response.wsgi_request.membership.organization == mine
