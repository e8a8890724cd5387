"""In a real browser: an official signs in with password and TOTP, sees the dashboard, switches language."""

import pytest

from tcvn_portal.tenancy.roles import Role
from tests.accounts.helpers import enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_with_totp_logs_in_sees_dashboard_and_switches_to_english(
    live_server, page, log_in, tenant_a, member_factory
):
    user = member_factory(tenant_a, Role.INSPECTOR, email="thanhtra@tuyenquang.gov.vn")
    secret = enrol_totp(user)
    log_in(page, user, totp_secret=secret)
    page.wait_for_url("**/dashboard/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Tuyên Quang" in page.inner_text("header")
    page.click("#language-switcher button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Dashboard"
    assert "Log out" in page.inner_text("header")


def test_official_without_totp_is_sent_to_totp_setup(live_server, page, log_in, tenant_a, member_factory):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    log_in(page, user)
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert page.locator("h1").inner_text() == "Kích hoạt ứng dụng xác thực"
    # The QR code and the secret to type by hand are both on the page.
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    page.goto(f"{live_server.url}/dashboard/")
    assert page.url.endswith("/accounts/2fa/totp/activate/")
