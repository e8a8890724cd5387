"""ISO 9001 and quality award in headless Chromium: a commune's focal person records an internal audit
finding and its corrective action on a phone; a business submits an award application, two council
members score it, and the secretary sees the consolidated ranking."""

from datetime import timedelta

import pytest
from django.utils import timezone

from iso_qms.award import services as award_services
from iso_qms.award.models import AwardApplication
from iso_qms.qms.models import AgencyLevel, Nonconformity
from iso_qms.tests.conftest import create_member, create_organization, make_agency, make_round
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Tenant
from tcvn_portal.tenancy.roles import Role
from tests.accounts.helpers import PASSWORD, enrol_totp

pytestmark = [pytest.mark.browser]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}


@pytest.fixture
def province(transactional_db):
    return Tenant.objects.create(code="tuyen-quang", name="Tuyên Quang", kind="tỉnh")


def _user_page(browser, log_in, user, *, official=True, **context):
    page = browser.new_context(**(context or {"locale": "vi-VN"})).new_page()
    page.set_default_timeout(15_000)
    log_in(page, user, password=PASSWORD, totp_secret=enrol_totp(user) if official else None)
    return page


def test_commune_focal_person_records_a_finding_and_its_corrective_action(
    live_server, browser, log_in, province
):
    parent = make_agency(province, "Sở Khoa học và Công nghệ", level=AgencyLevel.PROVINCE)
    commune = make_agency(province, "Ủy ban nhân dân xã Hàm Yên", parent=parent)
    focal = create_member(province, Role.ISO_FOCAL, organization=commune.organization, password=PASSWORD)
    phone = _user_page(browser, log_in, focal, **PHONE)

    phone.goto(f"{live_server.url}/iso/agencies/{commune.pk}/")
    phone.click("a:has-text('Lập kế hoạch đánh giá nội bộ')")
    phone.fill("input[name=planned_on]", timezone.localdate().isoformat())
    phone.fill("textarea[name=scope]", "Bộ phận tiếp nhận và trả kết quả")
    phone.fill("input[name=lead_auditor]", "Vũ Thị Mai")
    phone.click("button:has-text('Lưu')")

    phone.select_option("select[name=grade]", "minor")
    phone.fill("input[name=clause]", "8.5.1")
    phone.fill("textarea[name=description]", "Hai hồ sơ khai sinh trả kết quả muộn")
    phone.click("button:has-text('Ghi nhận phát hiện')")
    assert "Hai hồ sơ khai sinh trả kết quả muộn" in phone.inner_text("main")

    phone.click("main table a[href*='/iso/nonconformities/']")
    phone.fill("textarea[name=root_cause]", "Chưa có nhắc hạn trên phần mềm một cửa")
    phone.click("main form button:has-text('Lưu')")
    phone.fill("textarea[name=corrective_action]", "Cài đặt nhắc hạn tự động")
    phone.fill("input[name=action_owner]", "Văn phòng UBND xã")
    phone.fill("input[name=due_on]", (timezone.localdate() + timedelta(days=14)).isoformat())
    phone.click("main form button:has-text('Lưu')")
    assert phone.inner_text("#nc-status") == "Đã lập hành động khắc phục"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with tenant_context(province):
        nc = Nonconformity.objects.get()
        assert (nc.action_owner, nc.finding.clause) == ("Văn phòng UBND xã", "8.5.1")


def test_business_applies_two_members_score_and_the_secretary_sees_the_ranking(
    live_server, browser, log_in, province
):
    award_round = make_round(province)
    business = create_organization(province, name="Công ty Cổ phần Chè Tân Trào")
    applicant = create_member(province, Role.BUSINESS, organization=business, password=PASSWORD)
    members = [create_member(province, Role.COUNCIL_MEMBER, password=PASSWORD) for _ in range(2)]
    secretary = create_member(province, Role.QUALITY_OFFICER, password=PASSWORD)
    base = live_server.url

    page = _user_page(browser, log_in, applicant, official=False)
    page.goto(f"{base}/iso/award/")
    page.select_option("select[name=applicant_type]", "sme_manufacturing")
    page.click("button:has-text('Lập hồ sơ tham dự')")
    page.fill("input[name=established_on]", "2012-04-01")
    page.fill("input[name=product_on_market_since]", "2014-01-01")
    page.fill("input[name=main_products]", "Chè xanh Tân Trào")
    page.check("input[name=no_violations_declared]")
    for area in page.query_selector_all("textarea[name^=text_]"):
        area.fill("Doanh nghiệp đã triển khai và đo lường kết quả ba năm liền.")
    page.click("button:has-text('Nộp hồ sơ')")
    assert page.inner_text("#application-status") == "Đã nộp"

    with tenant_context(province):
        application = AwardApplication.objects.get()
        award_services.check_eligibility(application=application, eligible=True, note="", actor=secretary)
        for member in members:
            award_services.assign_member(application=application, member=member, actor=secretary)

    for member, band in zip(members, ("70", "60"), strict=True):
        council = _user_page(browser, log_in, member)
        council.goto(f"{base}/iso/award/applications/{application.pk}/")
        council.check("input[name=has_conflict][value=no]")
        council.click("button:has-text('Kê khai')")
        council.click("a:has-text('Chấm điểm hồ sơ')")
        for select in council.query_selector_all("select[name^=percent_]"):
            select.select_option(band)
        council.click("button:has-text('Nộp điểm')")
        assert "Ông/bà đã nộp điểm" in council.inner_text("main")

    office = _user_page(browser, log_in, secretary)
    office.goto(f"{base}/iso/award/rounds/{award_round.pk}/")
    office.click("button:has-text('Xếp hạng các hồ sơ đã chấm')")
    ranking = office.inner_text("table[data-ranking] >> nth=1")
    assert "Công ty Cổ phần Chè Tân Trào" in ranking and "650" in ranking and "Đạt giải" in ranking
