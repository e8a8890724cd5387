from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from metrology import services
from metrology.models import (
    Instrument,
    InstrumentType,
    InstrumentTypeRule,
    Verification,
    VerificationRequest,
)
from tcvn_portal.core.public_codes import read_code
from tcvn_portal.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def test_add_months_clamps_to_month_end_and_valid_until_is_the_day_before():
    assert services.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert services.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert services.add_months(date(2025, 11, 15), 18) == date(2027, 5, 15)
    assert services.valid_until_for(date(2025, 3, 15), 12) == date(2026, 3, 14)


def test_seeded_catalog_has_common_group_2_types_marked_for_checking(catalog_a):
    with tenant_context(catalog_a):
        rules = {
            r.instrument_type.code: r for r in InstrumentTypeRule.objects.select_related("instrument_type")
        }
    assert rules["taximet"].cycle_months == 18
    assert rules["do-toc-do"].cycle_months == 24
    assert rules["can-phan-tich"].cycle_months == 12
    assert rules["can-ky-thuat"].cycle_months == 12
    assert {
        "cot-do-xang-dau",
        "cong-to-dien-1-pha",
        "dong-ho-nuoc-lanh",
        "huyet-ap-ke",
        "nong-do-con",
        "cong-to-tram-sac",
        "can-doi-chung",
    } <= set(rules)
    assert all(r.needs_checking and r.must_verify for r in rules.values())
    assert rules["nhiet-ke-y-hoc"].periodic is False and rules["nhiet-ke-y-hoc"].cycle_months is None


def test_seeding_twice_keeps_the_administrators_edits(catalog_a):
    with tenant_context(catalog_a):
        InstrumentType.objects.filter(code="taximet").update(name="Taximet (đã sửa)")
    assert services.seed_catalog(tenant=catalog_a) == 0
    with tenant_context(catalog_a):
        assert InstrumentType.objects.get(code="taximet").name == "Taximet (đã sửa)"
        assert InstrumentType.objects.count() == 18


def test_valid_until_uses_the_cycle_in_force_on_the_actual_date_not_the_planned_one(
    catalog_a, business_a, instrument_factory, verification_factory
):
    instrument = instrument_factory(catalog_a, owner=business_a, type_code="taximet")
    with tenant_context(catalog_a):
        taximet = InstrumentType.objects.get(code="taximet")
        services.save_rule(
            rule=InstrumentTypeRule(instrument_type=taximet, valid_from=date(2025, 6, 1), cycle_months=12),
            actor=None,
        )
    # Planned under the old 18-month rule, actually verified after the new 12-month rule took effect.
    late = verification_factory(
        catalog_a, instrument, planned_on=date(2025, 5, 20), verified_on=date(2025, 6, 10)
    )
    assert late.cycle_months == 12
    assert late.valid_until == date(2026, 6, 9)
    other = instrument_factory(catalog_a, owner=business_a, type_code="taximet")
    early = verification_factory(catalog_a, other, verified_on=date(2025, 5, 31))
    assert early.cycle_months == 18
    assert early.valid_until == date(2026, 11, 29)  # 31/05 + 18 months → 30/11, the day before


def test_passing_verification_updates_instrument_and_gets_a_check_code_naming_the_tenant(
    catalog_a, business_a, instrument_factory, verification_factory
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    verification = verification_factory(
        catalog_a, instrument, measurements=[{"point": "20 L", "error": "0,12", "mpe": "0.5"}]
    )
    assert verification.measurements == [{"point": "20 L", "error": "0.12", "mpe": "0.5"}]
    assert read_code(verification.check_code, kind="certificate").tenant_id == catalog_a.pk
    with tenant_context(catalog_a):
        instrument.refresh_from_db()
    assert (instrument.last_result, instrument.valid_until) == ("passed", date(2026, 3, 14))


def test_measured_errors_accept_the_way_officers_write_them_and_refuse_units_in_the_number():
    rows = [
        {"point": "20 L", "error": "\u22120,06", "mpe": "±0,5"},
        {"point": "5 L", "error": " 0,1 ", "mpe": ""},
    ]
    assert services.clean_measurements(rows) == [
        {"point": "20 L", "error": "-0.06", "mpe": "0.5"},
        {"point": "5 L", "error": "0.1", "mpe": ""},
    ]
    with pytest.raises(ValidationError) as info:
        services.clean_measurements([{"point": "20 L", "error": "0,06 %", "mpe": "0,5"}])
    assert info.value.message_dict["measurements"] == [
        "Dòng 1: ghi sai số bằng số, ví dụ 0,06 hoặc -0,12; đơn vị ghi kèm điểm kiểm."
    ]


def test_certificate_number_is_unique_within_the_tenant_but_not_across(
    catalog_a, catalog_b, business_a, organization_factory, instrument_factory, verification_factory
):
    first = instrument_factory(catalog_a, owner=business_a)
    second = instrument_factory(catalog_a, owner=business_a)
    verification_factory(catalog_a, first, certificate_number="GCN-001")
    with pytest.raises(ValidationError) as info:
        verification_factory(catalog_a, second, certificate_number="GCN-001")
    assert "certificate_number" in info.value.message_dict
    with tenant_context(catalog_a):
        assert Verification.objects.filter(instrument=second).count() == 0
    other = instrument_factory(catalog_b, owner=organization_factory(catalog_b))
    assert verification_factory(catalog_b, other, certificate_number="GCN-001").pk


def test_failed_verification_is_flagged_for_follow_up_until_closed(
    catalog_a, business_a, instrument_factory, verification_factory
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    failed = verification_factory(catalog_a, instrument, result="failed")
    assert failed.needs_follow_up and failed.valid_until is None and failed.check_code == ""
    with tenant_context(catalog_a):
        instrument.refresh_from_db()
    assert instrument.last_result == "failed" and instrument.valid_until is None
    with tenant_context(catalog_a):
        with pytest.raises(ValidationError):
            services.close_follow_up(actor=None, verification=failed, note="  ")
        services.close_follow_up(actor=None, verification=failed, note="Đã sửa chữa, kiểm định lại.")
    assert not failed.needs_follow_up


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"verified_on": date(2099, 1, 1)}, "verified_on"),
        ({"result": "failed", "stamp_number": "T-1"}, "certificate_number"),
        ({"stamp_number": ""}, "stamp_number"),
        ({"kind": "bogus"}, "kind"),
        ({"verified_on": date(2000, 1, 1)}, "verified_on"),  # before any rule of the catalog
    ],
)
def test_bad_verification_input_is_refused_and_changes_nothing(
    catalog_a, business_a, instrument_factory, changes, field
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    data = {
        "kind": "periodic",
        "verified_on": date(2025, 3, 1),
        "verifier": "A",
        "verifying_body": "B",
        "result": "passed",
        "stamp_number": "T-9",
        "certificate_number": "GCN-9",
        **changes,
    }
    with tenant_context(catalog_a), pytest.raises(ValidationError) as info:
        services.record_verification(actor=None, instrument=instrument, **data)
    assert field in info.value.message_dict
    with tenant_context(catalog_a):
        assert Verification.objects.count() == 0
        assert Instrument.objects.get(pk=instrument.pk).last_result == ""


def test_periodic_verification_of_a_type_without_periodic_verification_is_refused(
    catalog_a, business_a, instrument_factory, verification_factory
):
    thermometer = instrument_factory(catalog_a, owner=business_a, type_code="nhiet-ke-y-hoc")
    with pytest.raises(ValidationError) as info:
        verification_factory(catalog_a, thermometer, kind="periodic")
    assert "kind" in info.value.message_dict
    initial = verification_factory(catalog_a, thermometer, kind="initial")
    assert initial.valid_until is None


def test_a_retired_instrument_cannot_be_verified_or_brought_back(
    catalog_a, business_a, instrument_factory, verification_factory
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    with tenant_context(catalog_a):
        services.retire_instrument(actor=None, instrument=instrument)
        with pytest.raises(ValidationError):
            services.update_instrument(actor=None, instrument=instrument, status=Instrument.Status.IN_USE)
    with pytest.raises(ValidationError):
        verification_factory(catalog_a, instrument)


def test_the_same_instrument_cannot_be_registered_twice(catalog_a, business_a, instrument_factory):
    instrument_factory(catalog_a, owner=business_a, serial="X-1")
    with pytest.raises(ValidationError) as info:
        instrument_factory(catalog_a, owner=business_a, serial="X-1")
    assert "serial" in info.value.message_dict


def test_annulling_restores_the_previous_verification_on_the_instrument(
    catalog_a, business_a, instrument_factory, verification_factory
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    verification_factory(catalog_a, instrument, verified_on=date(2024, 3, 1))
    wrong = verification_factory(catalog_a, instrument, verified_on=date(2025, 3, 1), result="failed")
    with tenant_context(catalog_a):
        services.annul_verification(actor=None, verification=wrong, reason="Nhập nhầm thiết bị")
    with tenant_context(catalog_a):
        instrument.refresh_from_db()
    assert instrument.last_result == "passed" and instrument.valid_until == date(2025, 2, 28)
    assert services.certificate_state(wrong) == "annulled"


def test_verifications_cannot_be_hard_deleted(
    catalog_a, business_a, instrument_factory, verification_factory
):
    verification = verification_factory(catalog_a, instrument_factory(catalog_a, owner=business_a))
    with tenant_context(catalog_a), pytest.raises(Exception) as info, transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM metrology_verification WHERE id = %s", [verification.pk])
    assert "archive it instead" in str(info.value)


def test_request_then_schedule_then_record_closes_the_request(
    catalog_a, business_a, business_user_a, officer_a, instrument_factory
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    today = date(2025, 3, 1)
    with tenant_context(catalog_a):
        request = services.request_verification(
            actor=business_user_a, instrument=instrument, kind="periodic", today=today
        )
        with pytest.raises(ValidationError):
            services.request_verification(
                actor=business_user_a, instrument=instrument, kind="periodic", today=today
            )
        with pytest.raises(ValidationError):
            services.schedule_request(
                actor=officer_a, request=request, scheduled_for=date(2025, 2, 1), today=today
            )
        services.schedule_request(
            actor=officer_a, request=request, scheduled_for=date(2025, 3, 5), today=today
        )
        services.record_verification(
            actor=officer_a,
            instrument=instrument,
            kind="periodic",
            verified_on=date(2025, 3, 5),
            verifier="A",
            verifying_body="B",
            result="passed",
            stamp_number="T-1",
            certificate_number="GCN-1",
            request=request,
            today=date(2025, 3, 5),
        )
        request.refresh_from_db()
    assert request.status == VerificationRequest.Status.DONE


def test_certificate_state_reads_expiry_against_today(
    catalog_a, business_a, instrument_factory, verification_factory
):
    verification = verification_factory(catalog_a, instrument_factory(catalog_a, owner=business_a))
    assert services.certificate_state(verification, today=date(2026, 3, 14)) == "in_force"
    assert services.certificate_state(verification, today=date(2026, 3, 15)) == "expired"


def test_rule_needs_cycle_when_periodic_and_one_rule_per_date(catalog_a):
    with tenant_context(catalog_a):
        taximet = InstrumentType.objects.get(code="taximet")
        with pytest.raises(ValidationError) as info:
            services.save_rule(
                rule=InstrumentTypeRule(instrument_type=taximet, valid_from=date(2026, 1, 1)), actor=None
            )
        assert "cycle_months" in info.value.message_dict
        with pytest.raises(ValidationError) as info:
            services.save_rule(
                rule=InstrumentTypeRule(
                    instrument_type=taximet, valid_from=date(2013, 11, 15), cycle_months=12
                ),
                actor=None,
            )
        assert "valid_from" in info.value.message_dict
        assert InstrumentTypeRule.objects.filter(instrument_type=taximet).count() == 1


def test_campaign_dates_must_lie_in_its_year(catalog_a):
    from metrology.models import Campaign

    with tenant_context(catalog_a), pytest.raises(ValidationError) as info:
        services.save_campaign(
            campaign=Campaign(
                year=2025, name="Đợt 2025", starts_on=date(2024, 12, 1), ends_on=date(2025, 1, 1)
            ),
            actor=None,
        )
    assert "starts_on" in info.value.message_dict


def test_request_tells_the_officers_and_its_date_result_and_cancellation_tell_the_owner_once(
    catalog_a,
    business_a,
    business_user_a,
    officer_a,
    member_factory,
    organization_factory,
    instrument_factory,
):
    from tcvn_portal.notifications.models import Notification
    from tcvn_portal.tenancy.roles import Role

    other_business_user = member_factory(
        catalog_a, Role.BUSINESS, organization=organization_factory(catalog_a)
    )
    inspector = member_factory(catalog_a, Role.INSPECTOR)
    first = instrument_factory(catalog_a, owner=business_a, serial="TB-1")
    second = instrument_factory(catalog_a, owner=business_a, serial="TB-2")
    today = timezone.localdate()

    def told(user) -> list[str]:
        with tenant_context(catalog_a):
            return [
                n.key.rsplit(":", 1)[-1] for n in Notification.objects.filter(recipient=user).order_by("pk")
            ]

    with tenant_context(catalog_a):
        request = services.request_verification(actor=business_user_a, instrument=first, kind="periodic")
    assert told(officer_a) == ["submitted"]
    assert told(business_user_a) == told(other_business_user) == told(inspector) == []

    with tenant_context(catalog_a):
        services.schedule_request(
            actor=officer_a, request=request, scheduled_for=today, officer_note="Mang sổ"
        )
        services.schedule_request(
            actor=officer_a, request=request, scheduled_for=today, officer_note="Mang sổ"
        )
        notice = Notification.objects.get(recipient=business_user_a)
    assert notice.subject.startswith("Đã hẹn lịch kiểm định")
    assert today.strftime("%d/%m/%Y") in notice.body and "Mang sổ" in notice.body
    assert notice.url == f"/metrology/requests/{request.pk}/"

    with tenant_context(catalog_a):
        services.record_verification(
            actor=officer_a,
            instrument=first,
            kind="periodic",
            verified_on=today,
            verifier="Nguyễn Văn An",
            verifying_body="Trung tâm Kỹ thuật",
            result="failed",
            request=request,
        )
        cancelled = services.request_verification(actor=business_user_a, instrument=second, kind="periodic")
        services.cancel_request(actor=officer_a, request=cancelled, reason="Cột đo đã tháo dỡ")
    assert told(business_user_a) == [today.strftime("%Y%m%d"), "done", "cancelled"]
    assert told(other_business_user) == told(inspector) == []
