"""Phone width: at 360 px the main platform pages fit the screen, forms stay usable, tables become cards."""

import pytest

from tcvn_portal.tenancy.roles import Role
from tests.accounts.helpers import enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/dashboard/", "/org/", "/org/new/", "/notifications/", "/accounts/login/"]


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_platform_pages_fit_a_360_px_phone(
    live_server, browser, log_in, tenant_a, member_factory, organization_factory
):
    for n in range(3):
        organization_factory(tenant_a, name=f"Công ty Trách nhiệm Hữu hạn Thương mại và Dịch vụ số {n}")
    admin = member_factory(tenant_a, Role.TENANT_ADMIN)
    secret = enrol_totp(admin)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    try:
        log_in(page, admin, totp_secret=secret)
        for path in PAGES:
            page.goto(f"{live_server.url}{path}")
            assert overflow(page) <= 0, f"{path} is wider than a 360 px screen"
        page.goto(f"{live_server.url}/org/")
        # The table is laid out as cards: its header row is moved off screen, each cell carries its label.
        assert page.locator("table.table--cards thead").bounding_box()["x"] < 0
        first_cell = page.locator("table.table--cards tbody tr td").first
        assert first_cell.bounding_box()["width"] > 250
        page.goto(f"{live_server.url}/org/new/")
        # Touch targets of the form are at least 44 px high (WCAG 2.2 target size, GOV.UK pattern).
        assert page.locator("input[name=name]").bounding_box()["height"] >= 44
        save = page.locator("main form button[type=submit]")
        assert save.bounding_box()["height"] >= 44
        save.click()
        # The error summary comes first and links to the field in error.
        summary = page.locator("#error-summary")
        assert summary.is_visible()
        assert summary.locator("a[href='#id_name']").count() == 1
    finally:
        context.close()
