"""A manager asks for last year's report in headless Chromium, watches the progress bar reach the end
(moved by our own script polling the progress endpoint), downloads the PDF and reads it back."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.accounts.helpers import enrol_totp
from tests.browser.conftest import wait_for_js
from tests.fixtures import create_member
from tests.reports.conftest import LAST_YEAR, Province, early, reports_worker  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser]


def test_manager_watches_the_progress_bar_and_downloads_the_report(
    transactional_db,
    live_server,
    page,
    log_in,
    reports_worker,  # noqa: F811
    tenant_a,
):
    from tcvn_portal.tenancy.roles import Role

    manager = create_member(tenant_a, Role.MANAGER)
    province = Province(tenant_a, create_member(tenant_a, Role.INSPECTOR))
    province.outreach(early(LAST_YEAR), kind="legal", attendance=238)
    log_in(page, manager, totp_secret=enrol_totp(manager))

    page.goto(f"{live_server.url}/reports/annual/")
    page.select_option("select[name=year]", str(LAST_YEAR))
    page.click("button:has-text('Yêu cầu lập báo cáo')")
    page.wait_for_url("**/reports/annual/*/")

    # The bar starts below 100 (or has just finished) and the script moves it to the end.
    start = int(page.eval_on_selector("progress", "bar => bar.value"))
    assert 0 <= start <= 100
    wait_for_js(page, "document.querySelector('progress').value === 100", timeout=90_000)
    link = page.locator("[data-download] a[download]")
    link.wait_for(state="visible")
    assert "100 %" in page.inner_text("[data-percent]")

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"bao-cao-tong-ket-{LAST_YEAR}-v1.pdf"
    with open(download.path(), "rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Mục lục" in text and "Phổ biến pháp luật" in text and "238" in text
