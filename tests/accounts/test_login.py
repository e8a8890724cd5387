"""Login by email, lockout after repeated failures, password reset by email."""

import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from tcvn_portal.tenancy.roles import Role

from .helpers import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_page_is_vietnamese_in_the_portal_layout(client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="vi"' in html
    assert "<h1>Đăng nhập</h1>" in html
    assert 'class="site-header"' in html  # base.html, not allauth's bare layout
    assert "Quên mật khẩu?" in html and "Đăng ký doanh nghiệp" in html


def test_user_logs_in_with_email_in_any_case(client, tenant_a, member_factory):
    user = member_factory(tenant_a, Role.BUSINESS, email=f"biz-{uuid.uuid4().hex[:8]}@example.vn")
    response = login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_wrong_password_is_refused_with_a_translated_message(client, tenant_a, member_factory):
    user = member_factory(tenant_a, Role.BUSINESS, email=f"biz-{uuid.uuid4().hex[:8]}@example.vn")
    response = login(client, user.email, "not-the-password")
    assert response.status_code == 200
    assert "Địa chỉ email hoặc mật khẩu không đúng." in response.content.decode()


def test_five_failures_lock_the_address_out_even_for_the_right_password(client, tenant_a, member_factory):
    locked = member_factory(tenant_a, Role.BUSINESS, email=f"locked-{uuid.uuid4().hex[:8]}@example.vn")
    other = member_factory(tenant_a, Role.BUSINESS, email=f"other-{uuid.uuid4().hex[:8]}@example.vn")
    for _ in range(5):
        assert login(client, locked.email, "wrong-password-1").status_code == 200
    response = login(client, locked.email, PASSWORD)
    assert response.status_code == 200
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The lockout is per address: another account from the same place still signs in.
    assert login(client, other.email, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_password_reset_by_email_sets_a_new_password_that_logs_in(client, tenant_a, member_factory):
    user = member_factory(tenant_a, Role.BUSINESS, email=f"reset-{uuid.uuid4().hex[:8]}@example.vn")
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "đặt lại mật khẩu" in mail.outbox[0].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    # allauth moves the key from the URL into the session, then shows the form.
    page = client.get(link, follow=True)
    assert page.status_code == 200 and "Mật khẩu mới" in page.content.decode()
    new_password = "Another-secret-456"
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    client.logout()
    assert login(client, user.email, PASSWORD).status_code == 200  # the old one no longer works
    assert login(client, user.email, new_password).status_code == 302


def test_password_reset_link_cannot_be_forged(client, tenant_a, member_factory):
    user = member_factory(tenant_a, Role.BUSINESS)
    from allauth.account.utils import user_pk_to_url_str

    page = client.get(
        reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": "forged-key"},
        ),
        follow=True,
    )
    assert "Liên kết không hợp lệ" in page.content.decode()
