"""Two-factor authentication is required of officials and in the Django admin."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tcvn_portal.tenancy.roles import Role

from .helpers import PASSWORD, enrol_totp, totp_code, wrong_code

pytestmark = pytest.mark.django_db


def password_login(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_official_without_totp_is_sent_to_totp_setup_from_every_page(client, inspector_a):
    password_login(client, inspector_a)
    for url in (reverse("core:dashboard"), reverse("accounts:registration_status"), "/org/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kích hoạt ứng dụng xác thực" in html
    assert "Vai trò của bạn bắt buộc xác thực hai yếu tố" in html


def test_official_without_totp_may_still_log_out_and_switch_language(client, inspector_a):
    password_login(client, inspector_a)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    client.post(reverse("account_logout"))
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db(transaction=True)
def test_activating_totp_lets_the_official_in_without_a_second_code(client, inspector_a):
    # Real commits: allauth announces the new authenticator only once the request's transaction commits.
    password_login(client, inspector_a)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=inspector_a, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_business_user_without_totp_is_not_asked_for_it(client, tenant_a, member_factory):
    user = member_factory(tenant_a, Role.BUSINESS)
    password_login(client, user)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_official_with_totp_must_enter_the_code_at_login(client, inspector_a):
    secret = enrol_totp(inspector_a)
    response = password_login(client, inspector_a)
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone is not a login: the dashboard still sends to the login page.
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("account_login"))
    wrong = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert wrong.status_code == 200 and "Mã không đúng." in wrong.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_official_with_totp_whose_session_skipped_mfa_is_asked_for_a_code(client, inspector_a):
    enrol_totp(inspector_a)
    client.force_login(inspector_a)
    response = client.get(reverse("core:dashboard"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_official_cannot_turn_totp_off(client_for, inspector_a):
    enrol_totp(inspector_a)
    client = client_for(inspector_a)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response["Location"] == reverse("mfa_index")
    assert Authenticator.objects.filter(user=inspector_a, type=Authenticator.Type.TOTP).exists()


def test_requirement_can_be_turned_off_for_the_demo(client, inspector_a, settings):
    settings.TCVN_REQUIRE_MFA_FOR_OFFICIALS = False
    password_login(client, inspector_a)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_api_answers_403_for_an_official_session_without_mfa(client, inspector_a):
    password_login(client, inspector_a)
    response = client.get("/api/v1/")
    assert response.status_code == 403


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(email="root@tcvn.test", password=PASSWORD)


def test_admin_login_form_is_replaced_by_the_portal_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_superuser_without_totp_cannot_use_the_admin(client, superuser):
    password_login(client, superuser)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")
    # Outside the admin a superuser without a membership is no official: nothing to enforce there.
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_superuser_whose_session_did_not_pass_mfa_cannot_use_the_admin(client, superuser):
    enrol_totp(superuser)
    client.force_login(superuser)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))


def test_superuser_who_passed_mfa_uses_the_admin(client, superuser):
    secret = enrol_totp(superuser)
    password_login(client, superuser)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get("/admin/").status_code == 200
