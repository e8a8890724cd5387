"""Demo records of the app for one tenant: the legal criteria sets, agencies with their QMS records, and
an award round with an application. Everything goes through the services and is looked up first, so
seeding twice adds nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.management.demo import demo_business
from tcvn_portal.tenancy.models import Membership, Organization
from tcvn_portal.tenancy.roles import Role

from .award import services as award_services
from .award.models import AwardApplication, AwardRound, CriteriaSet
from .qms import services as qms_services
from .qms.models import AgencyLevel, AgencyProfile, QmsStatus

PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch"),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch"),
    ("2.000908", "Chứng thực bản sao từ bản chính", "Chứng thực"),
]


def _seed_agency(agency: AgencyProfile, today) -> None:
    if agency.status != QmsStatus.NOT_STARTED:
        return
    start = today - timedelta(days=400)
    for status, days in ((QmsStatus.BUILDING, 0), (QmsStatus.APPLIED, 120)):
        qms_services.change_qms_status(
            agency=agency, status=status, changed_on=start + timedelta(days), actor=None
        )
    qms_services.change_qms_status(
        agency=agency,
        status=QmsStatus.ANNOUNCED,
        changed_on=start + timedelta(200),
        actor=None,
        announced_on=start + timedelta(200),
        announcement_number="125/QĐ-UBND",
    )
    for code, name, field in PROCEDURES:
        qms_services.add_procedure(agency=agency, code=code, name=name, field=field, actor=None)
    policy = qms_services.create_document(
        agency=agency,
        kind="policy",
        code="CSCL-01",
        title="Chính sách chất lượng",
        actor=None,
        summary="Giải quyết thủ tục hành chính nhanh chóng, minh bạch, đúng pháp luật.",
    )
    qms_services.approve_version(version=policy.versions.get(), actor=None)
    audit = qms_services.plan_audit(
        agency=agency,
        planned_on=today - timedelta(days=40),
        scope="Toàn bộ hệ thống, bộ phận một cửa",
        lead_auditor="Nguyễn Văn An",
        auditors="Trần Thị Bình, Lê Văn Cường",
        actor=None,
    )
    qms_services.complete_audit(audit=audit, performed_on=today - timedelta(days=38), actor=None)
    qms_services.record_finding(
        audit=audit,
        grade="minor",
        clause="8.5.1",
        actor=None,
        description="Hai hồ sơ đăng ký khai sinh trả kết quả muộn một ngày so với phiếu hẹn.",
    )
    qms_services.record_finding(
        audit=audit,
        grade="opportunity",
        clause="7.1.6",
        actor=None,
        description="Có thể số hóa sổ theo dõi hồ sơ để tra cứu nhanh hơn.",
    )
    nc = audit.findings.get(grade="minor").nonconformities.get()
    qms_services.record_root_cause(nc=nc, root_cause="Chưa có cơ chế nhắc hạn trả kết quả.", actor=None)
    qms_services.plan_corrective_action(
        nc=nc,
        corrective_action="Cài đặt nhắc hạn trên phần mềm một cửa.",
        action_owner="Văn phòng UBND",
        due_on=today + timedelta(days=5),
        actor=None,
    )
    qms_services.record_review(
        agency=agency,
        held_on=today - timedelta(days=30),
        chaired_by="Chủ tịch UBND",
        actor=None,
        previous_actions="Các hành động năm trước đã hoàn thành.",
        context_changes="Sáp nhập đơn vị hành chính cấp xã từ 01/7/2025.",
        performance="98 % hồ sơ đúng hạn; mục tiêu chất lượng đạt; 1 điểm không phù hợp nhẹ.",
        resources="Đủ nhân lực; cần nâng cấp máy tính bộ phận một cửa.",
        risk_actions="Các biện pháp giảm rủi ro trễ hạn có hiệu lực.",
        improvement_inputs="Số hóa sổ theo dõi hồ sơ.",
        improvement_decisions="Triển khai sổ theo dõi điện tử trong quý tới.",
    )


def seed(tenant) -> None:
    """Demo data of the app in `tenant`; a second call adds nothing."""
    today = timezone.localdate()
    with tenant_context(tenant):
        award_services.seed_criteria_sets()
        agencies = list(Organization.objects.filter(kind=Organization.Kind.AGENCY, archived_at__isnull=True))
        province = None
        for organization in agencies:
            agency = AgencyProfile.objects.filter(organization=organization).first()
            if agency is None:
                level = AgencyLevel.PROVINCE if province is None else AgencyLevel.COMMUNE
                agency = qms_services.create_agency_profile(
                    organization=organization, level=level, parent=province, actor=None
                )
            if agency.level == AgencyLevel.PROVINCE and province is None:
                province = agency
            _seed_agency(agency, today)
        award_round = AwardRound.objects.filter(year=today.year).first()
        if award_round is None:
            award_round = award_services.save_round(
                year=today.year,
                criteria_set=CriteriaSet.objects.get(legal_basis="Thông tư 27/2019/TT-BKHCN"),
                opens_on=today - timedelta(days=30),
                submission_deadline=today + timedelta(days=30),
                scoring_deadline=today + timedelta(days=60),
                actor=None,
            )
        business = demo_business()
        if business is None or AwardApplication.objects.filter(round=award_round, business=business).exists():
            return
        if not award_round.opens_on <= today <= award_round.submission_deadline:
            return
        application = award_services.start_application(
            award_round=award_round, business=business, applicant_type="sme_manufacturing", actor=None
        )
        award_services.update_application(
            application=application,
            actor=None,
            answers={
                "established_on": today - timedelta(days=365 * 12),
                "main_products": "Sản phẩm chủ lực",
                "product_on_market_since": today - timedelta(days=365 * 8),
                "no_violations_declared": True,
            },
            assessments={
                row.item_id: (
                    f"Doanh nghiệp đã triển khai nội dung {row.item.code} "
                    "và có số liệu theo dõi ba năm gần nhất.",
                    50,
                )
                for row in application.self_assessments.select_related("item")
            },
        )
        award_services.submit_application(application=application, actor=None)
        award_services.check_eligibility(application=application, eligible=True, note="", actor=None)
        for membership in Membership.objects.filter(
            role=Role.COUNCIL_MEMBER, status=Membership.Status.ACTIVE
        ):
            award_services.assign_member(application=application, member=membership.user, actor=None)
