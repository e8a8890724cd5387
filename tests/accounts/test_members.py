"""Tenant admins manage the members of their province: list, add an official, change role, suspend."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db
User = get_user_model()


def membership(user, tenant):
    with tenant_context(tenant):
        return Membership.objects.get(user=user)


def test_member_list_shows_only_this_tenants_members(
    client_for, admin_a, inspector_a, tenant_b, member_factory
):
    outsider = member_factory(tenant_b, Role.INSPECTOR)
    page = client_for(admin_a).get(reverse("accounts:member_list")).content.decode()
    with translation.override("vi"):
        role_label = str(Role.INSPECTOR.label)
    assert inspector_a.email in page and role_label in page
    assert outsider.email not in page


def test_member_list_filters_by_role(client_for, admin_a, inspector_a, tenant_a, member_factory):
    manager = member_factory(tenant_a, Role.MANAGER)
    page = client_for(admin_a).get(reverse("accounts:member_list"), {"role": Role.MANAGER}).content.decode()
    assert manager.email in page and inspector_a.email not in page


def test_member_list_query_count_does_not_grow(
    client_for, admin_a, tenant_a, member_factory, django_assert_max_num_queries
):
    client = client_for(admin_a)
    member_factory(tenant_a, Role.INSPECTOR)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:member_list"))
    for role in [Role.INSPECTOR, Role.MANAGER, Role.QUALITY_OFFICER] * 4:
        member_factory(tenant_a, role)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("accounts:member_list"))
    assert response.status_code == 200 and response.content.decode().count("<tr>") == 15


def test_adding_an_official_creates_the_account_and_sends_a_set_password_link(
    client, client_for, admin_a, tenant_a, django_capture_on_commit_callbacks
):
    admin = client_for(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("accounts:member_invite"),
            {
                "email": "Moi.CanBo@tdc.gov.vn",
                "full_name": "Trần Thị Bình",
                "role": Role.METROLOGY_OFFICER,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="moi.canbo@tdc.gov.vn")
    assert not user.has_usable_password()
    assert membership(user, tenant_a).role == Role.METROLOGY_OFFICER
    message = mail.outbox[-1]
    assert message.to == ["moi.canbo@tdc.gov.vn"] and "Tuyên Quang" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body).group(1)
    admin.logout()
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"password1": "Can-bo-moi-789", "password2": "Can-bo-moi-789"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": "Can-bo-moi-789"})
    assert response.status_code == 302
    # An official: the first page after signing in is the TOTP setup.
    assert client.get(reverse("core:dashboard"))["Location"] == reverse("mfa_activate_totp")


def test_adding_someone_already_a_member_is_refused_and_changes_nothing(
    client_for, admin_a, inspector_a, tenant_a
):
    response = client_for(admin_a).post(
        reverse("accounts:member_invite"),
        {
            "email": inspector_a.email,
            "full_name": "X",
            "role": Role.MANAGER,
        },
    )
    assert response.status_code == 400
    assert "đã là thành viên" in response.content.decode()
    assert membership(inspector_a, tenant_a).role == Role.INSPECTOR


def test_member_of_another_tenant_can_be_added_here_with_their_own_password(
    client_for, admin_a, tenant_a, tenant_b, member_factory, django_capture_on_commit_callbacks
):
    other = member_factory(tenant_b, Role.INSPECTOR)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_a).post(
            reverse("accounts:member_invite"),
            {
                "email": other.email,
                "full_name": "ignored",
                "role": Role.MANAGER,
            },
        )
    assert membership(other, tenant_a).role == Role.MANAGER
    assert membership(other, tenant_b).role == Role.INSPECTOR
    assert "/accounts/login/" in mail.outbox[-1].body


def test_admin_changes_a_role_and_it_is_audited(client_for, admin_a, inspector_a, tenant_a):
    target = membership(inspector_a, tenant_a)
    response = client_for(admin_a).post(
        reverse("accounts:member_role", args=[target.pk]), {"role": Role.MANAGER}
    )
    assert response.status_code == 302
    assert membership(inspector_a, tenant_a).role == Role.MANAGER
    page = client_for(admin_a).get(reverse("accounts:member_detail", args=[target.pk]))
    assert page.status_code == 200


def test_suspended_member_loses_access_and_can_be_reactivated(client_for, admin_a, inspector_a, tenant_a):
    target = membership(inspector_a, tenant_a)
    admin = client_for(admin_a)
    assert admin.post(reverse("accounts:member_suspend", args=[target.pk])).status_code == 302
    assert membership(inspector_a, tenant_a).status == Membership.Status.SUSPENDED
    admin.post(reverse("accounts:member_reactivate", args=[target.pk]))
    assert membership(inspector_a, tenant_a).status == Membership.Status.ACTIVE


def test_admin_cannot_suspend_or_demote_themselves(client_for, admin_a, tenant_a):
    own = membership(admin_a, tenant_a)
    client = client_for(admin_a)
    client.post(reverse("accounts:member_suspend", args=[own.pk]))
    response = client.post(reverse("accounts:member_role", args=[own.pk]), {"role": Role.INSPECTOR})
    assert response.status_code == 400
    own = membership(admin_a, tenant_a)
    assert (own.role, own.status) == (Role.TENANT_ADMIN, Membership.Status.ACTIVE)


def test_another_tenants_membership_is_404_everywhere(client_for, admin_a, tenant_b, member_factory):
    other = member_factory(tenant_b, Role.INSPECTOR)
    target = membership(other, tenant_b)
    client = client_for(admin_a)
    assert client.get(reverse("accounts:member_detail", args=[target.pk])).status_code == 404
    assert (
        client.post(reverse("accounts:member_role", args=[target.pk]), {"role": "manager"}).status_code == 404
    )
    assert client.post(reverse("accounts:member_suspend", args=[target.pk])).status_code == 404
    assert client.post(reverse("accounts:member_reactivate", args=[target.pk])).status_code == 404
    target = membership(other, tenant_b)
    assert (target.role, target.status) == (Role.INSPECTOR, Membership.Status.ACTIVE)


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.MANAGER, Role.BUSINESS])
def test_only_tenant_admins_manage_members(client_for, tenant_a, member_factory, inspector_a, role):
    client = client_for(member_factory(tenant_a, role))
    target = membership(inspector_a, tenant_a)
    assert client.get(reverse("accounts:member_list")).status_code == 403
    assert client.post(reverse("accounts:member_suspend", args=[target.pk])).status_code == 403
    assert membership(inspector_a, tenant_a).status == Membership.Status.ACTIVE
