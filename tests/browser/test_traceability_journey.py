"""The stamp journey in headless Chromium: a business applies, an official approves, stamps are issued in
the background and activated, a phone opens a stamp and sees "genuine", then the recall warning."""

import re

import pytest

from tcvn_portal.tenancy.roles import Role
from tests.accounts.helpers import enrol_totp
from tests.browser.conftest import wait_for_js
from traceability.tests.factories import make_product

pytestmark = [pytest.mark.browser]


def test_business_applies_official_approves_stamps_issued_and_a_phone_checks_them(
    live_server, browser, page, log_in, celery_worker, tenant_a, member_factory, organization_factory
):
    business = organization_factory(tenant_a, name="HTX Chè Hồng Thái", address="Xã Hồng Thái, Tuyên Quang")
    business_user = member_factory(tenant_a, Role.BUSINESS, organization=business)
    officer = member_factory(tenant_a, Role.QUALITY_OFFICER)
    product = make_product(tenant_a, business, business_user)
    base = live_server.url

    # The business applies for 50 stamps and submits.
    log_in(page, business_user)
    page.goto(f"{base}/traceability/applications/new/")
    page.select_option("select[name=product]", str(product.pk))
    page.fill("input[name=quantity]", "50")
    page.click("button:has-text('Lưu bản nháp')")
    page.click("button:has-text('Nộp hồ sơ')")
    assert page.inner_text("#application-status") == "Đã nộp"
    application_url = page.url

    # The official approves.
    official = browser.new_context(locale="vi-VN").new_page()
    log_in(official, officer, totp_secret=enrol_totp(officer))
    official.goto(application_url)
    official.click("button:has-text('Phê duyệt')")
    assert official.inner_text("#application-status") == "Đã phê duyệt"

    # The business issues 10 stamps for its batch; the worker issues them; the business activates them.
    page.goto(f"{base}/traceability/products/{product.pk}/")
    page.click("table a >> nth=0")
    page.fill("input[name=quantity]", "10")
    page.click("button:has-text('Phát hành tem')")
    wait_for_js(
        page,
        "document.querySelector('#series-status').textContent.includes('chưa kích hoạt')",
        timeout=30_000,
    )
    page.reload()
    page.click("button:has-text('Kích hoạt tem')")
    assert page.inner_text("#series-status") == "Đang hoạt động"
    stamp_path = page.get_attribute("a.stamp-link >> nth=0", "href")
    assert re.fullmatch(r"/01/\d{14}/10/L2025-01/21/[A-Z2-7]{20}", stamp_path)
    batch_url = page.url  # series page; its batch link leads back

    # A consumer's phone opens the stamp's Digital Link.
    phone_context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, locale="vi-VN"
    )
    phone = phone_context.new_page()
    phone.goto(f"{base}{stamp_path}")
    assert "Tem chính hãng" in phone.inner_text("#verdict")
    assert "Chè Shan Tuyết Hồng Thái" in phone.inner_text("h1")
    assert phone.locator("#recall-warning").count() == 0

    # The business recalls the batch; the phone sees the warning at once.
    page.goto(batch_url)
    page.click("dl.summary a >> nth=0")
    page.fill("textarea[name=reason]", "Phát hiện dư lượng vượt ngưỡng")
    page.click("button:has-text('Thu hồi lô hàng này')")
    phone.reload()
    assert "THU HỒI" in phone.inner_text("#recall-warning")
    assert "Phát hiện dư lượng vượt ngưỡng" in phone.inner_text("#recall-warning")
