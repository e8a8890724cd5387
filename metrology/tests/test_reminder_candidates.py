"""The sweep's candidates query leaves out, in SQL, the stage the ledger already holds."""

from datetime import date, timedelta

import pytest

from metrology import reminders
from metrology.models import Reminder, Verification
from tcvn_portal.tenancy.context import tenant_context

VERIFIED = date(2025, 3, 15)  # fuel dispenser, 12 months: valid until 14/03/2026
VALID_UNTIL = date(2026, 3, 14)


@pytest.mark.django_db
def test_stage_in_sql_agrees_with_stage_for_on_every_day_around_expiry(
    catalog_a, business_a, instrument_factory, verification_factory
):
    verification = verification_factory(
        catalog_a, instrument_factory(catalog_a, owner=business_a), verified_on=VERIFIED
    )
    with tenant_context(catalog_a):
        for offset in range(-40, 40):
            today = VALID_UNTIL + timedelta(days=offset)
            in_sql = (
                Verification.objects.filter(pk=verification.pk)
                .annotate(stage=reminders.stage_in_sql(today))
                .values_list("stage", flat=True)
                .get()
            )
            assert in_sql == reminders.stage_for(VALID_UNTIL, today), today


@pytest.mark.django_db
def test_candidates_leave_out_a_stage_already_sent_but_keep_the_next_one(
    catalog_a, business_a, officer_a, instrument_factory, verification_factory
):
    instrument = instrument_factory(catalog_a, owner=business_a)
    verification = verification_factory(catalog_a, instrument, verified_on=VERIFIED)
    thirty_days_before = VALID_UNTIL - timedelta(days=30)
    assert [pk for pk, _ in _candidates(catalog_a, thirty_days_before)] == [verification.pk]
    assert reminders.send_due_reminders(tenant=catalog_a, today=thirty_days_before).sent == 1
    # Sent: the next days of the 30-day stage read nothing at all, not a candidate skipped one by one.
    assert _candidates(catalog_a, thirty_days_before + timedelta(days=1)) == []
    result = reminders.send_due_reminders(tenant=catalog_a, today=thirty_days_before + timedelta(days=1))
    assert (result.sent, result.skipped) == (0, 0)
    # The 7-day stage is not in the ledger yet, so the same verification comes back for it.
    seven_days_before = VALID_UNTIL - timedelta(days=7)
    assert [pk for pk, _ in _candidates(catalog_a, seven_days_before)] == [verification.pk]
    assert reminders.send_due_reminders(tenant=catalog_a, today=seven_days_before).sent == 1
    with tenant_context(catalog_a):
        assert set(Reminder.objects.values_list("stage", flat=True)) == {"expiry-30", "expiry-7"}


def _candidates(tenant, today):
    with tenant_context(tenant):
        return list(reminders.candidates(today))
