"""QMS services: agencies, status path, documents, audits, reviews, nonconformities, yearly checks."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from iso_qms.qms import selectors, services
from iso_qms.qms.models import (
    AgencyLevel,
    DocumentVersion,
    FindingGrade,
    Nonconformity,
    QmsStatus,
    QmsStatusChange,
    YearlyCheck,
)
from tcvn_portal.audit.models import AuditEvent
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership, Organization

from .conftest import make_agency

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    # The messages are matched in their English source; the pages test the Vietnamese.
    with translation.override("en"):
        yield


def test_agency_profile_is_only_for_state_agencies(tenant_a, organization_factory):
    business = organization_factory(tenant_a, name="Công ty TNHH Minh Anh")
    with tenant_context(tenant_a), pytest.raises(ValidationError, match="state agency"):
        services.create_agency_profile(organization=business, level=AgencyLevel.COMMUNE, actor=None)


def test_parent_must_be_a_provincial_agency(tenant_a, commune_agency_a, organization_factory):
    org = organization_factory(tenant_a, kind=Organization.Kind.AGENCY, name="UBND xã Yên Sơn")
    with tenant_context(tenant_a), pytest.raises(ValidationError) as exc:
        services.create_agency_profile(
            organization=org, level=AgencyLevel.COMMUNE, parent=commune_agency_a, actor=None
        )
    assert "parent" in exc.value.message_dict


def test_qms_status_moves_step_by_step_and_keeps_its_history(tenant_a, commune_agency_a):
    with tenant_context(tenant_a):
        agency = commune_agency_a
        with pytest.raises(ValidationError):
            services.change_qms_status(
                agency=agency, status=QmsStatus.ANNOUNCED, changed_on=timezone.localdate(), actor=None
            )
        services.change_qms_status(
            agency=agency, status=QmsStatus.BUILDING, changed_on=timezone.localdate(), actor=None
        )
        services.change_qms_status(
            agency=agency, status=QmsStatus.APPLIED, changed_on=timezone.localdate(), actor=None
        )
        with pytest.raises(ValidationError) as exc:
            services.change_qms_status(
                agency=agency, status=QmsStatus.ANNOUNCED, changed_on=timezone.localdate(), actor=None
            )
        assert set(exc.value.message_dict) == {"announced_on", "announcement_number"}
        agency.refresh_from_db()
        assert agency.status == QmsStatus.APPLIED
        services.change_qms_status(
            agency=agency,
            status=QmsStatus.ANNOUNCED,
            changed_on=timezone.localdate(),
            actor=None,
            announced_on=timezone.localdate(),
            announcement_number="15/QĐ-UBND",
        )
        history = list(QmsStatusChange.objects.filter(agency=agency).values_list("status", flat=True))
        assert history == ["not_started", "building", "applied", "announced"]
        agency.refresh_from_db()
        assert agency.announcement_number == "15/QĐ-UBND"
        assert (
            AuditEvent.objects.filter(object_id=str(agency.pk), action=AuditEvent.Action.TRANSITION).count()
            == 3
        )


def test_scope_lists_procedures_once(tenant_a, commune_agency_a):
    with tenant_context(tenant_a):
        services.add_procedure(
            agency=commune_agency_a, code="1.001", name="Đăng ký khai sinh", field="Hộ tịch", actor=None
        )
        with pytest.raises(ValidationError):
            services.add_procedure(agency=commune_agency_a, code="1.001", name="Trùng", actor=None)
        assert commune_agency_a.procedures.count() == 1


def test_document_versions_number_up_and_approval_supersedes_the_previous(
    tenant_a, commune_agency_a, quality_officer_a
):
    with tenant_context(tenant_a):
        document = services.create_document(
            agency=commune_agency_a,
            kind="policy",
            title="Chính sách chất lượng",
            summary="Phiên bản đầu",
            actor=quality_officer_a,
        )
        first = document.versions.get()
        services.approve_version(version=first, actor=quality_officer_a)
        second = services.add_version(document=document, summary="Sửa đổi mục tiêu", actor=quality_officer_a)
        assert second.number == 2
        services.approve_version(version=second, actor=quality_officer_a)
        first.refresh_from_db()
        assert first.status == DocumentVersion.Status.SUPERSEDED
        assert second.approved_by == quality_officer_a
        with pytest.raises(ValidationError):
            services.approve_version(version=second, actor=quality_officer_a)


def test_major_and_minor_findings_open_nonconformities_observations_do_not(tenant_a, commune_agency_a):
    with tenant_context(tenant_a):
        audit = services.plan_audit(
            agency=commune_agency_a,
            planned_on=timezone.localdate(),
            scope="Toàn bộ HTQLCL",
            lead_auditor="Nguyễn Văn An",
            actor=None,
        )
        services.complete_audit(audit=audit, performed_on=timezone.localdate(), actor=None)
        for grade in FindingGrade.values:
            services.record_finding(audit=audit, grade=grade, description=f"Phát hiện {grade}", actor=None)
        with pytest.raises(ValidationError):
            services.record_finding(audit=audit, grade="severe", description="x", actor=None)
        assert sorted(Nonconformity.objects.values_list("finding__grade", flat=True)) == ["major", "minor"]


def test_management_review_needs_every_input_of_iso_9001_9_3(tenant_a, commune_agency_a):
    with tenant_context(tenant_a):
        with pytest.raises(ValidationError) as exc:
            services.record_review(
                agency=commune_agency_a,
                held_on=timezone.localdate(),
                chaired_by="Chủ tịch UBND",
                actor=None,
                previous_actions="Đã hoàn thành",
                performance="Đạt 95 % mục tiêu",
            )
        assert {
            "context_changes",
            "resources",
            "risk_actions",
            "improvement_inputs",
            "improvement_decisions",
        } <= set(exc.value.message_dict)
        assert not commune_agency_a.reviews.exists()


def _nc(agency):
    return services.open_nonconformity(
        agency=agency,
        description="Hồ sơ trả muộn",
        detected_on=timezone.localdate() - timedelta(3),
        actor=None,
    )


def test_nonconformity_goes_from_root_cause_to_closed_through_an_effective_check(tenant_a, commune_agency_a):
    with tenant_context(tenant_a):
        nc = _nc(commune_agency_a)
        with pytest.raises(ValidationError):
            services.plan_corrective_action(
                nc=nc, corrective_action="x", action_owner="y", due_on=timezone.localdate(), actor=None
            )
        services.record_root_cause(nc=nc, root_cause="Thiếu cán bộ một cửa", actor=None)
        with pytest.raises(ValidationError) as exc:
            services.plan_corrective_action(
                nc=nc,
                corrective_action="Bổ sung cán bộ",
                action_owner="",
                due_on=timezone.localdate() - timedelta(days=30),
                actor=None,
            )
        assert set(exc.value.message_dict) == {"action_owner", "due_on"}
        services.plan_corrective_action(
            nc=nc,
            corrective_action="Bổ sung cán bộ",
            action_owner="Phó Chủ tịch",
            due_on=timezone.localdate() + timedelta(days=10),
            actor=None,
        )
        services.complete_action(nc=nc, done_on=timezone.localdate(), actor=None)
        services.check_effectiveness(
            nc=nc, effective=False, note="Vẫn trả muộn", checked_on=timezone.localdate(), actor=None
        )
        assert nc.status == Nonconformity.Status.ANALYSED
        services.plan_corrective_action(
            nc=nc,
            corrective_action="Phần mềm nhắc hạn",
            action_owner="Văn phòng",
            due_on=timezone.localdate() + timedelta(days=10),
            actor=None,
        )
        services.complete_action(nc=nc, done_on=timezone.localdate(), actor=None)
        services.check_effectiveness(
            nc=nc, effective=True, note="Không còn trả muộn", checked_on=timezone.localdate(), actor=None
        )
        nc.refresh_from_db()
        assert nc.status == Nonconformity.Status.CLOSED and nc.closed_on == timezone.localdate()


def test_yearly_check_is_one_per_agency_and_year(tenant_a, commune_agency_a):
    with tenant_context(tenant_a):
        kwargs = dict(
            agency=commune_agency_a,
            year=timezone.localdate().year,
            checked_on=timezone.localdate(),
            team_leader="Trần Văn Bình",
            result=YearlyCheck.Result.COMPLIANT,
            conclusions="Duy trì tốt",
            actor=None,
        )
        services.record_yearly_check(**kwargs)
        with pytest.raises(ValidationError) as exc:
            services.record_yearly_check(**kwargs)
        assert "year" in exc.value.message_dict
        with pytest.raises(ValidationError):
            services.record_yearly_check(**{**kwargs, "year": timezone.localdate().year - 1})
        assert YearlyCheck.objects.count() == 1


def test_focal_person_sees_and_edits_only_their_agency(tenant_a, focal_a, commune_agency_a, other_commune_a):
    with tenant_context(tenant_a):
        membership = Membership.objects.get(user=focal_a)
        assert list(selectors.agencies_for(membership)) == [commune_agency_a]
        assert selectors.membership_edits_agency(membership, commune_agency_a)
        assert not selectors.membership_edits_agency(membership, other_commune_a)


def test_compliance_table_has_one_row_per_agency_with_the_year_figures(
    tenant_a, commune_agency_a, other_commune_a, django_assert_num_queries
):
    with tenant_context(tenant_a):
        audit = services.plan_audit(
            agency=commune_agency_a,
            planned_on=timezone.localdate(),
            scope="HTQLCL",
            lead_auditor="An",
            actor=None,
        )
        services.complete_audit(audit=audit, performed_on=timezone.localdate(), actor=None)
        services.record_finding(audit=audit, grade="minor", description="Thiếu hồ sơ", actor=None)
        services.record_yearly_check(
            agency=commune_agency_a,
            year=timezone.localdate().year,
            checked_on=timezone.localdate(),
            team_leader="Bình",
            result="partly",
            conclusions="Cần cải tiến",
            actor=None,
        )
        with django_assert_num_queries(1):
            rows = {row.pk: row for row in selectors.compliance_table(year=timezone.localdate().year)}
        assert len(rows) == 3
        row = rows[commune_agency_a.pk]
        assert (row.audit_done, row.review_done, row.open_nc_count, row.check_result) == (
            True,
            False,
            1,
            "partly",
        )
        assert rows[other_commune_a.pk].check_result is None


def test_reminders_reach_the_focal_person_once_per_occasion(tenant_a, focal_a, commune_agency_a):
    from tcvn_portal.notifications.models import Notification

    with tenant_context(tenant_a):
        nc = _nc(commune_agency_a)
        services.record_root_cause(nc=nc, root_cause="Nguyên nhân", actor=None)
        services.plan_corrective_action(
            nc=nc,
            corrective_action="Khắc phục",
            action_owner="Chị Mai",
            due_on=timezone.localdate() + timedelta(days=5),
            actor=None,
        )
        services.send_due_reminders(today=timezone.localdate())
        services.send_due_reminders(today=timezone.localdate())
        services.send_due_reminders(today=timezone.localdate() + timedelta(days=5))
        keys = sorted(Notification.objects.filter(recipient=focal_a).values_list("key", flat=True))
        assert keys == [f"iso-nc:{nc.pk}:due-0", f"iso-nc:{nc.pk}:due-7"]


def test_records_of_another_tenant_are_invisible(tenant_a, tenant_b, commune_agency_a, agency_b):
    with tenant_context(tenant_b):
        from iso_qms.qms.models import AgencyProfile

        assert list(AgencyProfile.objects.values_list("pk", flat=True)) == [agency_b.pk]


def test_announcement_date_cannot_be_in_the_future(tenant_a, province_agency_a):
    with tenant_context(tenant_a):
        for status in (QmsStatus.BUILDING, QmsStatus.APPLIED):
            services.change_qms_status(
                agency=province_agency_a, status=status, changed_on=timezone.localdate(), actor=None
            )
        with pytest.raises(ValidationError):
            services.change_qms_status(
                agency=province_agency_a,
                status=QmsStatus.ANNOUNCED,
                changed_on=timezone.localdate(),
                announced_on=date(timezone.localdate().year + 1, 1, 1),
                announcement_number="1",
                actor=None,
            )


def test_make_agency_helper_is_usable_under_tenant_b(tenant_b):
    assert make_agency(tenant_b, "UBND xã Bắc Hà").level == AgencyLevel.COMMUNE
