"""Business self-registration, its approval or refusal by the tenant admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tcvn_portal.accounts.models import RegistrationReview
from tcvn_portal.audit.models import AuditEvent
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership, Organization
from tcvn_portal.tenancy.roles import Role
from tests.fixtures import make_tax_code

pytestmark = pytest.mark.django_db
User = get_user_model()


def signup_data(tenant, **changes):
    data = {
        "full_name": "Nguyễn Văn An",
        "email": "an@congty.vn",
        "phone": "0912 345 678",
        "password1": "Mat-khau-rat-manh-9",
        "password2": "Mat-khau-rat-manh-9",
        "tenant": tenant.pk,
        "organization_name": "Công ty TNHH Cân Việt",
        "tax_code": make_tax_code(4242),
        "address": "12 Lê Lợi, phường Minh Xuân",
    }
    data.update(changes)
    return data


def membership_of(user, tenant):
    with tenant_context(tenant):
        return Membership.objects.select_related("organization").get(user=user)


def test_signup_creates_user_and_pending_business_membership_with_new_organisation(client, tenant_a):
    response = client.post(reverse("account_signup"), signup_data(tenant_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:registration_status")
    user = User.objects.get(email="an@congty.vn")
    assert (user.full_name, user.phone) == ("Nguyễn Văn An", "0912 345 678")
    membership = membership_of(user, tenant_a)
    assert (membership.role, membership.status) == (Role.BUSINESS, Membership.Status.PENDING)
    assert membership.organization.name == "Công ty TNHH Cân Việt"
    with tenant_context(tenant_a):
        assert AuditEvent.objects.filter(object_id=str(membership.pk), action="create", actor=user).exists()
    page = client.get(reverse("accounts:registration_status")).content.decode()
    assert "đang xem xét đăng ký của bạn" in page


def test_signup_links_to_the_existing_organisation_with_that_tax_code(client, tenant_a, organization_factory):
    existing = organization_factory(tenant_a, name="Công ty Đã Có")
    client.post(reverse("account_signup"), signup_data(tenant_a, tax_code=existing.tax_code))
    membership = membership_of(User.objects.get(email="an@congty.vn"), tenant_a)
    assert membership.organization_id == existing.pk
    with tenant_context(tenant_a):
        assert Organization.objects.count() == 1


def test_signup_with_an_invalid_tax_code_explains_and_creates_nothing(client, tenant_a):
    response = client.post(reverse("account_signup"), signup_data(tenant_a, tax_code="0300588568"))
    assert response.status_code == 200
    with translation.override("vi"):
        expected = gettext("This tax code's check digit is wrong: please check the number.")
    assert escape(expected) in response.content.decode()
    assert not User.objects.filter(email="an@congty.vn").exists()


def test_pending_business_can_log_in_but_has_no_rights(client, tenant_a):
    client.post(reverse("account_signup"), signup_data(tenant_a))
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "an@congty.vn", "password": "Mat-khau-rat-manh-9"}
    )
    assert response["Location"] == reverse("accounts:registration_status")
    assert client.get("/org/").status_code == 404  # no active tenant: nothing of any province is reachable


@pytest.fixture
def pending_a(client, tenant_a):
    client.post(reverse("account_signup"), signup_data(tenant_a))
    client.logout()
    return membership_of(User.objects.get(email="an@congty.vn"), tenant_a)


@pytest.fixture
def pending_b(tenant_b, member_factory, organization_factory):
    org = organization_factory(tenant_b)
    user = member_factory(tenant_b, Role.BUSINESS, organization=org)
    with tenant_context(tenant_b):
        membership = Membership.objects.get(user=user)
        membership.status = Membership.Status.PENDING
        membership.save()
    return membership


def test_admin_sees_only_pending_registrations_of_their_tenant(client_for, admin_a, pending_a, pending_b):
    page = client_for(admin_a).get(reverse("accounts:registration_list")).content.decode()
    assert "Công ty TNHH Cân Việt" in page and "an@congty.vn" in page
    assert pending_b.user.email not in page


def test_registration_list_query_count_does_not_grow(
    client_for, admin_a, tenant_a, member_factory, organization_factory, django_assert_max_num_queries
):
    def add_pending(count):
        for _ in range(count):
            user = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
            with tenant_context(tenant_a):
                Membership.objects.filter(user=user).update(status=Membership.Status.PENDING)

    client = client_for(admin_a)
    add_pending(1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:registration_list"))
    add_pending(7)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("accounts:registration_list"))
    assert response.content.decode().count("Phê duyệt</button>") == 8


def test_admin_approves_and_the_applicant_is_told(
    client_for, admin_a, tenant_a, pending_a, django_capture_on_commit_callbacks
):
    client = client_for(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:registration_approve", args=[pending_a.pk]))
    assert response.status_code == 302
    assert membership_of(pending_a.user, tenant_a).status == Membership.Status.ACTIVE
    assert [m.to for m in mail.outbox if "phê duyệt" in m.subject] == [["an@congty.vn"]]
    with tenant_context(tenant_a):
        assert RegistrationReview.objects.get(membership=pending_a).reviewer == admin_a
        assert AuditEvent.objects.filter(
            object_id=str(pending_a.pk), action="transition", actor=admin_a
        ).exists()


def test_refusing_needs_a_reason_and_then_tells_the_applicant_why(
    client, client_for, admin_a, tenant_a, pending_a, django_capture_on_commit_callbacks
):
    url = reverse("accounts:registration_reject", args=[pending_a.pk])
    admin = client_for(admin_a)
    response = admin.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert membership_of(pending_a.user, tenant_a).status == Membership.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"reason": "Mã số thuế không khớp với giấy phép kinh doanh."})
    assert response.status_code == 302
    assert membership_of(pending_a.user, tenant_a).status == Membership.Status.REJECTED
    assert "Mã số thuế không khớp" in mail.outbox[-1].body
    # The applicant reads the reason on their own status page.
    admin.logout()
    admin.post(reverse("account_login"), {"login": "an@congty.vn", "password": "Mat-khau-rat-manh-9"})
    page = admin.get(reverse("accounts:registration_status")).content.decode()
    assert "Đăng ký của bạn đã bị từ chối vì lý do sau" in page and "Mã số thuế không khớp" in page


def test_a_decided_registration_cannot_be_decided_again(client_for, admin_a, pending_a):
    client = client_for(admin_a)
    client.post(reverse("accounts:registration_approve", args=[pending_a.pk]))
    client.post(reverse("accounts:registration_approve", args=[pending_a.pk]))
    with tenant_context(pending_a.tenant):
        assert RegistrationReview.objects.filter(membership=pending_a).count() == 1
    assert client.get(reverse("accounts:registration_reject", args=[pending_a.pk])).status_code == 404


def test_another_tenants_registration_is_404(client_for, admin_a, pending_b):
    client = client_for(admin_a)
    assert client.post(reverse("accounts:registration_approve", args=[pending_b.pk])).status_code == 404
    assert client.get(reverse("accounts:registration_reject", args=[pending_b.pk])).status_code == 404
    response = client.post(reverse("accounts:registration_reject", args=[pending_b.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert membership_of(pending_b.user, pending_b.tenant).status == Membership.Status.PENDING


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.MANAGER, Role.BUSINESS])
def test_only_tenant_admins_review_registrations(client_for, tenant_a, member_factory, pending_a, role):
    client = client_for(member_factory(tenant_a, role))
    assert client.get(reverse("accounts:registration_list")).status_code == 403
    assert client.post(reverse("accounts:registration_approve", args=[pending_a.pk])).status_code == 403
