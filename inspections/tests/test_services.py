"""Services: every rule of SPEC §3.1 that refuses bad input, and the workflow draft → submitted → approved."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError
from django.utils import timezone

from inspections import services
from inspections.models import (
    ChecklistAnswer,
    FollowUp,
    Inspection,
    InspectionPlan,
    LegalBasis,
    QuantityCheck,
    Sample,
    SamplingPlan,
    ToleranceBand,
    Violation,
)
from tcvn_portal.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_seeding_catalogs_twice_keeps_one_copy(world):
    with tenant_context(world.tenant):
        services.seed_catalogs(tenant=world.tenant)
        assert ToleranceBand.objects.count() == 9
        assert SamplingPlan.objects.count() == 3
        assert LegalBasis.objects.filter(decree="119/2017/NĐ-CP").count() == 6


def test_plan_is_approved_by_a_manager_after_submission(world):
    with tenant_context(world.tenant, user_id=world.lead.pk):
        plan = services.save_plan(
            actor=world.lead,
            year=TODAY().year,
            title="Kế hoạch kiểm tra năm",
            topics="Nhãn hàng hóa",
            period_start=TODAY().replace(month=1, day=1),
            period_end=TODAY().replace(month=12, day=31),
            target_count=40,
        )
        with pytest.raises(ValidationError):
            services.approve_plan(plan=plan, actor=world.manager)
        services.submit_plan(plan=plan, actor=world.lead)
        services.approve_plan(plan=plan, actor=world.manager)
        plan.refresh_from_db()
        assert plan.status == InspectionPlan.Status.APPROVED and plan.approved_by == world.manager
        with pytest.raises(ValidationError, match="đã phê duyệt"):
            services.save_plan(actor=world.lead, instance=plan, title="Đổi tên")


def test_plan_period_must_be_ordered(world):
    with tenant_context(world.tenant), pytest.raises(ValidationError) as info:
        services.save_plan(
            actor=world.lead,
            year=2026,
            title="X",
            topics="Y",
            period_start=TODAY().replace(2026, 6, 1),
            period_end=TODAY().replace(2026, 1, 1),
            target_count=1,
        )
    assert "period_end" in info.value.message_dict


def test_decision_number_is_unique_in_the_province_and_says_so(world):
    with tenant_context(world.tenant), pytest.raises(ValidationError) as info:
        services.save_decision(
            actor=world.lead,
            number="15/QĐ-TĐC",
            issued_on=TODAY(),
            legal_basis="L",
            scope="S",
            team_lead=world.lead,
            establishments=[world.stall],
        )
    assert "number" in info.value.message_dict


def test_decision_dated_in_the_future_is_refused(world):
    with tenant_context(world.tenant), pytest.raises(ValidationError) as info:
        services.save_decision(
            actor=world.lead,
            number="16/QĐ-TĐC",
            issued_on=TODAY() + timedelta(days=1),
            legal_basis="L",
            scope="S",
            team_lead=world.lead,
            establishments=[world.stall],
        )
    assert "issued_on" in info.value.message_dict


def test_team_lead_from_another_province_is_refused(world, tenant_b, member_factory):
    from tcvn_portal.tenancy.roles import Role

    outsider = member_factory(tenant_b, Role.INSPECTOR)
    with tenant_context(world.tenant), pytest.raises(ValidationError) as info:
        services.save_decision(
            actor=world.lead,
            number="17/QĐ-TĐC",
            issued_on=TODAY(),
            legal_basis="L",
            scope="S",
            team_lead=outsider,
            establishments=[world.stall],
        )
    assert "team_lead" in info.value.message_dict


def test_inspection_of_an_establishment_not_in_the_decision_is_refused(world, organization_factory):
    other = organization_factory(world.tenant, name="Công ty Ngoài Danh Sách")
    with tenant_context(world.tenant), pytest.raises(ValidationError) as info:
        services.create_inspection(
            actor=world.inspector,
            decision=world.decision,
            establishment=other,
            inspection_type="labelling",
            visited_on=TODAY(),
        )
    assert "establishment" in info.value.message_dict


def test_visit_in_the_future_is_refused_and_nothing_is_saved(world):
    with tenant_context(world.tenant):
        with pytest.raises(ValidationError) as info:
            services.create_inspection(
                actor=world.inspector,
                decision=world.decision,
                establishment=world.stall,
                inspection_type="labelling",
                visited_on=TODAY() + timedelta(days=2),
            )
        assert "visited_on" in info.value.message_dict
        assert Inspection.objects.count() == 0


def test_inspection_takes_the_commune_of_the_establishment_and_half_a_gps_fix_is_refused(
    world, make_inspection
):
    inspection = make_inspection()
    assert inspection.commune_id == world.commune.pk
    with tenant_context(world.tenant), pytest.raises(ValidationError) as info:
        services.update_inspection(actor=world.inspector, inspection=inspection, latitude=D("21.8"))
    assert "latitude" in info.value.message_dict


def test_checklist_answers_are_saved_and_updated(world, make_inspection):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        items = list(services.selectors.checklist_for("labelling"))
        services.update_inspection(
            actor=world.inspector,
            inspection=inspection,
            answers={items[0].pk: ("no", "Thiếu xuất xứ"), items[1].pk: ("yes", "")},
        )
        services.update_inspection(
            actor=world.inspector, inspection=inspection, answers={items[0].pk: ("yes", "Đã bổ sung")}
        )
        answers = dict(ChecklistAnswer.objects.filter(inspection=inspection).values_list("item_id", "answer"))
    assert answers == {items[0].pk: "yes", items[1].pk: "yes"}


def test_checklist_answer_for_another_types_item_is_refused(world, make_inspection):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        fuel_item = services.selectors.checklist_for("fuel").first()
        with pytest.raises(ValidationError):
            services.update_inspection(
                actor=world.inspector, inspection=inspection, answers={fuel_item.pk: ("yes", "")}
            )


def test_fine_outside_the_catalog_range_is_refused_with_the_range(world, make_inspection, labelling_basis):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        with pytest.raises(ValidationError) as info:
            services.add_violation(
                actor=world.inspector,
                inspection=inspection,
                legal_basis=labelling_basis,
                description="Nhãn thiếu xuất xứ",
                fine_amount=D(6_000_000),
            )
        assert "3.000.000" in info.value.message_dict["fine_amount"][0]
        assert Violation.objects.count() == 0
        violation = services.add_violation(
            actor=world.inspector,
            inspection=inspection,
            legal_basis=labelling_basis,
            description="Nhãn thiếu xuất xứ",
            fine_amount=D(5_000_000),
        )
    assert violation.pk


def test_legal_basis_not_in_force_on_the_visit_day_is_refused(world, make_inspection, labelling_basis):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        labelling_basis.valid_from = TODAY()
        labelling_basis.save()
        with pytest.raises(ValidationError) as info:
            services.add_violation(
                actor=world.inspector,
                inspection=inspection,
                legal_basis=labelling_basis,
                description="x",
                fine_amount=D(4_000_000),
            )
    assert "legal_basis" in info.value.message_dict


def test_submit_needs_a_conclusion_that_matches_the_violations(world, make_inspection, labelling_basis):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        with pytest.raises(ValidationError):
            services.submit_inspection(actor=world.inspector, inspection=inspection)
        services.update_inspection(actor=world.inspector, inspection=inspection, result="violation")
        with pytest.raises(ValidationError, match="vi phạm"):
            services.submit_inspection(actor=world.inspector, inspection=inspection)
        services.add_violation(
            actor=world.inspector,
            inspection=inspection,
            legal_basis=labelling_basis,
            description="Nhãn thiếu xuất xứ",
            fine_amount=D(3_000_000),
        )
        services.submit_inspection(actor=world.inspector, inspection=inspection)
        assert inspection.status == Inspection.Status.SUBMITTED
        with pytest.raises(ValidationError):
            services.update_inspection(actor=world.inspector, inspection=inspection, notes="sau khi nộp")


def test_only_the_team_lead_approves_and_a_returned_inspection_is_a_draft_again(world, make_inspection):
    inspection = make_inspection(result="compliant")
    with tenant_context(world.tenant, user_id=world.lead.pk):
        services.submit_inspection(actor=world.inspector, inspection=inspection)
        with pytest.raises(ValidationError, match="trưởng đoàn"):
            services.approve_inspection(actor=world.inspector, inspection=inspection)
        with pytest.raises(ValidationError):
            services.return_inspection(actor=world.lead, inspection=inspection, reason="  ")
        services.return_inspection(actor=world.lead, inspection=inspection, reason="Bổ sung ảnh")
        assert inspection.status == Inspection.Status.DRAFT
        services.submit_inspection(actor=world.inspector, inspection=inspection)
        services.approve_inspection(actor=world.lead, inspection=inspection)
        inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.APPROVED and inspection.approved_by == world.lead


def test_approval_is_recorded_in_the_audit_trail(world, make_inspection):
    from tcvn_portal.audit.models import AuditEvent

    inspection = make_inspection(result="compliant")
    with tenant_context(world.tenant, user_id=world.lead.pk):
        services.submit_inspection(actor=world.inspector, inspection=inspection)
        services.approve_inspection(actor=world.lead, inspection=inspection)
        actions = list(
            AuditEvent.objects.filter(object_id=str(inspection.pk)).values_list("action", flat=True)
        )
    assert actions.count(AuditEvent.Action.TRANSITION) == 2


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"sent_on": None, "returned_on": -1}, "returned_on"),  # result of a sample never sent
        ({"sent_on": -2, "returned_on": -4}, "returned_on"),  # result before it was sent
        ({"sent_on": 1}, "sent_on"),  # sent in the future
        ({"sent_on": -20}, "sent_on"),  # sent before the visit
        ({"sent_on": -5, "conformity": "conforming"}, "conformity"),  # conformity without a result
    ],
)
def test_sample_dates_and_results_must_be_consistent(world, make_inspection, fields, error_field):
    inspection = make_inspection()
    data = {k: (TODAY() + timedelta(days=v) if isinstance(v, int) else v) for k, v in fields.items()}
    with tenant_context(world.tenant):
        with pytest.raises(ValidationError) as info:
            services.save_sample(
                actor=world.inspector,
                inspection=inspection,
                code="M-01",
                product="Nước mắm",
                laboratory="Trung tâm Kỹ thuật TĐC 1",
                **data,
            )
        assert error_field in info.value.message_dict
        assert Sample.objects.count() == 0


def test_sample_result_recorded_after_approval(world, make_inspection):
    inspection = make_inspection(result="compliant")
    with tenant_context(world.tenant):
        sample = services.save_sample(
            actor=world.inspector,
            inspection=inspection,
            code="M-02",
            product="Xăng RON95",
            laboratory="Quatest 1",
            sent_on=TODAY() - timedelta(days=8),
        )
        services.submit_inspection(actor=world.inspector, inspection=inspection)
        services.approve_inspection(actor=world.lead, inspection=inspection)
        services.save_sample(
            actor=world.inspector,
            instance=sample,
            returned_on=TODAY(),
            result="Đạt QCVN 1:2022",
            conformity="conforming",
        )
        sample.refresh_from_db()
    assert sample.conformity == "conforming"


def test_sample_codes_are_unique_in_the_province(world, make_inspection):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        services.save_sample(
            actor=world.inspector, inspection=inspection, code="M-03", product="A", laboratory="L"
        )
        with pytest.raises(ValidationError) as info:
            services.save_sample(
                actor=world.inspector, inspection=inspection, code="M-03", product="B", laboratory="L"
            )
    assert "code" in info.value.message_dict


def test_sanction_and_payment_dates_are_checked(world, make_inspection, labelling_basis):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        violation = services.add_violation(
            actor=world.inspector,
            inspection=inspection,
            legal_basis=labelling_basis,
            description="x",
            fine_amount=D(3_000_000),
        )
        with pytest.raises(ValidationError) as info:
            services.record_sanction(
                actor=world.lead,
                violation=violation,
                sanction_number="20/QĐ-XPVPHC",
                sanction_date=TODAY() - timedelta(days=2),
                payment="paid",
                paid_on=None,
            )
        assert "paid_on" in info.value.message_dict
        services.record_sanction(
            actor=world.lead,
            violation=violation,
            sanction_number="20/QĐ-XPVPHC",
            sanction_date=TODAY() - timedelta(days=2),
            payment="paid",
            paid_on=TODAY(),
        )
        violation.refresh_from_db()
    assert violation.payment == "paid" and violation.paid_on == TODAY()


def test_followup_closes_only_with_evidence(world, make_inspection):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        with pytest.raises(ValidationError):
            services.add_followup(
                actor=world.lead,
                inspection=inspection,
                requirement="Bổ sung nhãn phụ",
                deadline=inspection.visited_on,
            )
        followup = services.add_followup(
            actor=world.lead,
            inspection=inspection,
            requirement="Bổ sung nhãn phụ",
            deadline=TODAY() + timedelta(days=15),
        )
        with pytest.raises(ValidationError) as info:
            services.close_followup(actor=world.lead, followup=followup, evidence=" ", closed_on=TODAY())
        assert "evidence" in info.value.message_dict
        services.close_followup(
            actor=world.lead, followup=followup, evidence="Ảnh nhãn phụ đã dán", closed_on=TODAY()
        )
        followup.refresh_from_db()
    assert followup.status == FollowUp.Status.CLOSED and followup.closed_by == world.lead


def test_quantity_check_uses_the_tenants_tables_in_force_on_the_visit_day(world, make_inspection):
    inspection = make_inspection(inspection_type="prepackaged")
    with tenant_context(world.tenant):
        check = services.add_quantity_check(
            actor=world.inspector,
            inspection=inspection,
            product="Đường trắng",
            unit="g",
            nominal_quantity=D(500),
            lot_size=200,
            actual_quantities=["500"] * 46 + ["484"] * 4,
        )
        assert check.tolerable_deficiency == D(15) and check.short_beyond_t == 4 and not check.conforms
        # An administrator edits the table: the next check follows the edited row.
        band = ToleranceBand.objects.get(qn_above=300)
        band.valid_until = TODAY() - timedelta(days=365 * 20)
        band.save()
        with pytest.raises(ValidationError) as info:
            services.add_quantity_check(
                actor=world.inspector,
                inspection=inspection,
                product="Đường",
                unit="g",
                nominal_quantity=D(500),
                lot_size=200,
                actual_quantities=["500"] * 50,
            )
        assert "actual_quantities" in info.value.message_dict
        assert QuantityCheck.objects.count() == 1


def test_fuel_check_keeps_the_computed_verdict(world, make_inspection):
    inspection = make_inspection(inspection_type="fuel", establishment=world.station)
    with tenant_context(world.tenant):
        check = services.add_fuel_check(
            actor=world.inspector,
            inspection=inspection,
            nozzle="Cột 2, vòi 3",
            indicated_volume=D("20.000"),
            standard_volume=D("19.900"),
            max_permissible_error=D("0.5"),
        )
    assert check.error_percent == D("0.503") and check.conforms is False


def test_inspections_cannot_be_hard_deleted(world, make_inspection):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM inspections_inspection WHERE id = %s", [inspection.pk])
        assert Inspection.objects.filter(pk=inspection.pk).exists()
