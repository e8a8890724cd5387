"""The verification journey in headless Chromium: a business asks for its fuel dispenser to be verified; the
metrology officer is notified, finds the request on the dashboard, schedules the visit and records a passing
result; the business is told the date and the result; the certificate PDF downloads and reads back in
Vietnamese; its QR address opens the public check page, with no login, saying "in force"; the same address
altered by one character says "not found"."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from metrology import services
from metrology.tests.conftest import make_instrument
from tcvn_portal.tenancy.roles import Role
from tests.accounts.helpers import enrol_totp

pytestmark = [pytest.mark.browser]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def test_business_asks_officer_verifies_certificate_downloads_and_its_qr_opens_the_public_check(
    transactional_db, live_server, browser, page, log_in, tenant_a, member_factory, organization_factory
):
    services.seed_catalog(tenant=tenant_a)
    business = organization_factory(tenant_a, name="Cửa hàng Xăng dầu Hưng Thành")
    business_user = member_factory(tenant_a, Role.BUSINESS, organization=business)
    officer = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    make_instrument(
        tenant_a, owner=business, serial="TQ-2291", maker="Tatsuno", model="Sunny", location="Vòi số 3"
    )
    base = live_server.url
    today = timezone.localdate()

    # The business finds its dispenser in the register and asks for a periodic verification.
    log_in(page, business_user)
    page.goto(f"{base}/metrology/")
    page.click("a:has-text('TQ-2291')")
    page.click("a:has-text('Đề nghị kiểm định')")
    page.select_option("select[name=kind]", "periodic")
    page.fill("input[name=preferred_date]", today.isoformat())
    page.fill("textarea[name=note]", "Liên hệ anh Hưng, 0912 345 678")
    page.click("button:has-text('Gửi đề nghị')")
    assert "Đề nghị của bạn đã được gửi" in page.inner_text("main")
    assert "Định kỳ: Đã nộp" in page.inner_text("main")
    instrument_url = page.url

    # The officer signs in with TOTP and finds the request from the dashboard.
    officer_page = browser.new_context(locale="vi-VN", accept_downloads=True).new_page()
    officer_page.set_default_timeout(15_000)
    log_in(officer_page, officer, totp_secret=enrol_totp(officer))
    officer_page.goto(f"{base}/notifications/")
    assert "Đề nghị kiểm định mới: Cột đo xăng dầu TQ-2291" in officer_page.inner_text("main")
    officer_page.goto(f"{base}/dashboard/")
    officer_page.click("a.card__link:has-text('Đề nghị kiểm định chờ hẹn lịch')")
    assert "TQ-2291" in officer_page.inner_text("table")
    officer_page.click("table a >> nth=0")
    assert "Liên hệ anh Hưng" in officer_page.inner_text("main")

    # It schedules the visit, then records the passing result with a measured error.
    officer_page.fill("input[name=scheduled_for]", today.isoformat())
    officer_page.click("button:has-text('Hẹn lịch')")
    assert "Đã hẹn lịch" in officer_page.inner_text("main")
    officer_page.click("a:has-text('Ghi kết quả')")
    assert officer_page.input_value("select[name=kind]") == "periodic"
    officer_page.fill("input[name=verifier]", "Nguyễn Văn An")
    officer_page.fill("input[name=verifying_body]", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng")
    officer_page.check("input[name=result][value=passed]")
    officer_page.fill("input[name=stamp_number]", "TQ-T-0421")
    officer_page.fill("input[name=certificate_number]", "GCN-2025/0421")
    officer_page.fill("input[name=m-0-point]", "20 L")
    officer_page.fill("input[name=m-0-error]", "0,06")
    officer_page.fill("input[name=m-0-mpe]", "±0,5")
    officer_page.click("button:has-text('Ghi kết quả')")
    main = officer_page.inner_text("main")
    assert "GCN-2025/0421" in main
    assert "Còn hiệu lực" in main

    # The certificate downloads and reads back in Vietnamese, with its number and its check address.
    with officer_page.expect_download() as download:
        officer_page.click("a:has-text('Tải giấy chứng nhận (PDF)')")
    text = _pdf_text(download.value.path().read_bytes())
    for expected in [
        "GIẤY CHỨNG NHẬN KIỂM ĐỊNH",
        "GCN-2025/0421",
        "Cửa hàng Xăng dầu Hưng Thành",
        "TQ-2291",
        "đạt yêu cầu đo lường",
        "0.06",
    ]:
        assert expected in text, expected
    # The address may be broken over lines in the PDF; the spaces extraction adds are not part of it.
    found = re.search(r"https?://\S+?/metrology/check/[A-Z2-7]{20}/", text.replace(" ", ""))
    assert found, text
    check_url = found.group(0)
    assert check_url.startswith(base)

    # The business was told the date and the result; it downloads the same certificate from its own pages.
    business_page = browser.new_context(locale="vi-VN", accept_downloads=True).new_page()
    business_page.set_default_timeout(15_000)
    log_in(business_page, business_user)
    business_page.goto(f"{base}/notifications/")
    told = business_page.inner_text("main")
    assert "Đã hẹn lịch kiểm định: Cột đo xăng dầu TQ-2291" in told
    assert "Đã có kết quả kiểm định: Cột đo xăng dầu TQ-2291" in told
    business_page.goto(instrument_url)
    assert "Định kỳ: Đã thực hiện" in business_page.inner_text("main")
    business_page.click("table a >> nth=0")
    with business_page.expect_download() as download:
        business_page.click("a:has-text('Tải giấy chứng nhận (PDF)')")
    assert "GCN-2025/0421" in _pdf_text(download.value.path().read_bytes())

    # A buyer's phone opens the QR address: no login, and the page says the certificate is in force.
    phone = browser.new_context(**PHONE).new_page()
    response = phone.goto(check_url)
    assert response.status == 200 and phone.url == check_url
    assert "Giấy chứng nhận thật, còn hiệu lực." in phone.inner_text("#check-result")
    details = phone.inner_text("main")
    for expected in ["GCN-2025/0421", "TQ-2291", "Cột đo xăng dầu", "Cửa hàng Xăng dầu Hưng Thành"]:
        assert expected in details, expected
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The same address with one character changed is a forgery: "not found", not an error page.
    code = check_url.rstrip("/").rsplit("/", 1)[1]
    forged = check_url.replace(code, code[:-1] + ("A" if code[-1] != "A" else "B"))
    response = phone.goto(forged)
    assert response.status == 404
    assert "Không tìm thấy giấy chứng nhận" in phone.inner_text("h1")
    assert "TQ-2291" not in phone.inner_text("main")
