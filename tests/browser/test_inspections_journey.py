"""The inspector's day in headless Chromium at phone width: open the decision, record an inspection with a
checklist answer (autosaved), a photo and a violation, submit it; the team lead approves; the minutes PDF
downloads and reads back in Vietnamese."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from inspections.tests.conftest import world  # noqa: F401  (the province, team and decision)
from inspections.tests.test_views import _png
from tests.accounts.helpers import enrol_totp
from tests.browser.conftest import wait_for_js

pytestmark = [pytest.mark.browser]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


def test_inspector_records_on_a_phone_and_the_team_lead_approves(
    transactional_db,
    live_server,
    browser,
    log_in,
    world,  # noqa: F811
    tmp_path,
):
    base = live_server.url
    photo = tmp_path / "quay-hang.png"
    photo.write_bytes(_png(16))

    phone = browser.new_context(**PHONE).new_page()
    phone.set_default_timeout(15_000)
    log_in(phone, world.inspector, totp_secret=enrol_totp(world.inspector))

    # The decision lists the establishments; the inspector starts the market stall's inspection.
    phone.goto(f"{base}/inspections/decisions/{world.decision.pk}/")
    phone.click(f"a[href*='establishment={world.stall.pk}']")
    phone.select_option("select[name=inspection_type]", "labelling")
    phone.fill("input[name=visited_on]", timezone.localdate().isoformat())
    phone.fill("input[name=place]", "Ki-ốt 12, chợ Minh Xuân")
    phone.select_option("select[name=result]", "violation")
    phone.click("button:has-text('Lưu')")

    # On the edit page a checklist answer is saved as it is given (no button pressed).
    phone.wait_for_selector("#inspection-form")
    phone.check("input[type=radio][value=no] >> nth=0")
    phone.fill("textarea[name=findings]", "Hàng nhập khẩu không có nhãn phụ tiếng Việt")
    wait_for_js(phone, "document.querySelector('#autosave-status').textContent.includes('Đã lưu nháp')")
    phone.click("#inspection-form button[type=submit]")
    assert "Hàng nhập khẩu không có nhãn phụ tiếng Việt" in phone.inner_text("main")
    inspection_url = phone.url

    # A photo from the camera input.
    phone.set_input_files("#photo-input", str(photo))
    phone.click("button:has-text('Tải ảnh lên')")
    assert "quay-hang.png" in phone.inner_text("main")

    # A violation chosen from the catalog, with a fine inside its range.
    phone.click("a:has-text('Ghi vi phạm')")
    phone.select_option("select[name=legal_basis]", index=1)
    phone.fill("textarea[name=description]", "Bày bán bánh nhập khẩu không có nhãn phụ")
    phone.fill("input[name=fine_amount]", "4000000")
    phone.click("button:has-text('Lưu')")
    assert "Bày bán bánh nhập khẩu không có nhãn phụ" in phone.inner_text("main")

    # The page stays usable at phone width: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.click("button:has-text('Nộp cho trưởng đoàn')")
    assert phone.inner_text("#inspection-status") == "Đã nộp"

    # The team lead approves from another phone.
    lead = browser.new_context(**PHONE, accept_downloads=True).new_page()
    lead.set_default_timeout(15_000)
    log_in(lead, world.lead, totp_secret=enrol_totp(world.lead))
    lead.goto(inspection_url)
    lead.click("form[action$='/approve/'] button")
    assert lead.inner_text("#inspection-status") == "Đã phê duyệt"

    with lead.expect_download() as download:
        lead.click("a:has-text('Tải biên bản (PDF)')")
    content = download.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    for expected in [
        "BIÊN BẢN KIỂM TRA",
        "Cửa hàng Tạp hóa Hương Giang",
        "Bày bán bánh nhập khẩu không có nhãn phụ",
        "4.000.000",
        "TRƯỞNG ĐOÀN KIỂM TRA",
    ]:
        assert expected in text, expected


def test_draft_typed_while_offline_is_kept_on_the_phone_and_sent_when_back_online(
    transactional_db,
    live_server,
    browser,
    log_in,
    world,  # noqa: F811
):
    from inspections import services
    from inspections.models import Inspection
    from tcvn_portal.tenancy.context import tenant_context

    with tenant_context(world.tenant, user_id=world.inspector.pk):
        inspection = services.create_inspection(
            actor=world.inspector,
            decision=world.decision,
            establishment=world.stall,
            inspection_type="labelling",
            visited_on=timezone.localdate(),
        )
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    log_in(phone, world.inspector, totp_secret=enrol_totp(world.inspector))
    phone.goto(f"{live_server.url}/inspections/{inspection.pk}/edit/")

    context.set_offline(True)
    phone.fill("textarea[name=notes]", "Ghi trong lúc mất sóng ở chợ")
    wait_for_js(phone, "document.querySelector('#autosave-status').textContent.includes('Mất kết nối')")
    # The page is closed while offline; the typed text survives in the phone's storage.
    phone.close()
    context.set_offline(False)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/inspections/{inspection.pk}/edit/")
    wait_for_js(phone, "document.querySelector('#autosave-status').textContent.includes('Đã lưu nháp')")
    assert phone.input_value("textarea[name=notes]") == "Ghi trong lúc mất sóng ở chợ"
    with tenant_context(world.tenant):
        assert Inspection.objects.get(pk=inspection.pk).notes == "Ghi trong lúc mất sóng ở chợ"
