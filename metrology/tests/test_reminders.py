from collections import Counter
from datetime import date, timedelta

import pytest

from metrology import reminders, services
from metrology.models import Reminder
from metrology.tasks import sweep_reminders
from tcvn_portal.notifications.models import Notification
from tcvn_portal.tenancy.context import tenant_context
from tests.celery_fixtures import wait_until

VERIFIED = date(2025, 3, 15)  # fuel dispenser, 12 months: valid until 14/03/2026
VALID_UNTIL = date(2026, 3, 14)


def test_stage_for_picks_the_latest_stage_that_has_begun():
    assert reminders.stage_for(VALID_UNTIL, VALID_UNTIL - timedelta(days=31)) is None
    assert reminders.stage_for(VALID_UNTIL, VALID_UNTIL - timedelta(days=30)) == "expiry-30"
    assert reminders.stage_for(VALID_UNTIL, VALID_UNTIL - timedelta(days=8)) == "expiry-30"
    assert reminders.stage_for(VALID_UNTIL, VALID_UNTIL - timedelta(days=7)) == "expiry-7"
    assert reminders.stage_for(VALID_UNTIL, VALID_UNTIL) == "expiry-7"
    assert reminders.stage_for(VALID_UNTIL, VALID_UNTIL + timedelta(days=1)) == "lapsed"
    assert reminders.stage_for(VALID_UNTIL, VALID_UNTIL + timedelta(days=31)) is None


def _keys(tenant):
    with tenant_context(tenant):
        return Counter(Notification.objects.values_list("recipient_id", "key"))


@pytest.mark.django_db
def test_each_stage_goes_once_to_owner_and_officer_even_when_the_sweep_runs_twice(
    catalog_a, business_a, business_user_a, officer_a, instrument_factory, verification_factory
):
    verification = verification_factory(
        catalog_a, instrument_factory(catalog_a, owner=business_a), verified_on=VERIFIED
    )
    for today in (
        VALID_UNTIL - timedelta(days=30),
        VALID_UNTIL - timedelta(days=7),
        VALID_UNTIL + timedelta(days=1),
    ):
        first = sweep_reminders(today=today.isoformat())
        second = sweep_reminders(today=today.isoformat())
        assert first["sent"] == 1 and second["sent"] == 0
    keys = _keys(catalog_a)
    assert set(keys.values()) == {1}
    stages = {f"metrology:verification:{verification.pk}:{s}" for s in ("expiry-30", "expiry-7", "lapsed")}
    assert set(keys) == {(user.pk, key) for user in (business_user_a, officer_a) for key in stages}
    with tenant_context(catalog_a):
        body = Notification.objects.filter(recipient=business_user_a, key__endswith="lapsed").get().body
    assert "14/03/2026" in body and "hết hiệu lực" in body


@pytest.mark.django_db
def test_retired_superseded_and_other_tenants_instruments_get_no_reminder(
    catalog_a,
    catalog_b,
    business_a,
    business_user_a,
    officer_a,
    officer_b,
    organization_factory,
    instrument_factory,
    verification_factory,
):
    retired = instrument_factory(catalog_a, owner=business_a)
    verification_factory(catalog_a, retired, verified_on=VERIFIED)
    with tenant_context(catalog_a):
        services.retire_instrument(actor=None, instrument=retired)
    renewed = instrument_factory(catalog_a, owner=business_a)
    verification_factory(catalog_a, renewed, verified_on=VERIFIED)
    verification_factory(catalog_a, renewed, verified_on=VERIFIED + timedelta(days=300))
    result = reminders.send_due_reminders(tenant=catalog_a, today=VALID_UNTIL - timedelta(days=7))
    assert result.sent == 0
    assert _keys(catalog_a) == Counter()
    # Tenant B's due instrument reaches B's officer only.
    other = instrument_factory(catalog_b, owner=organization_factory(catalog_b))
    verification_factory(catalog_b, other, verified_on=VERIFIED)
    sweep_reminders(today=(VALID_UNTIL - timedelta(days=7)).isoformat())
    assert [user for user, _key in _keys(catalog_b)] == [officer_b.pk]
    assert _keys(catalog_a) == Counter()


@pytest.mark.django_db
def test_the_sweep_reads_verifications_and_people_once_per_chunk_not_once_per_reminder(
    catalog_a, business_a, business_user_a, officer_a, instrument_factory, verification_factory, monkeypatch
):
    """No N+1: with chunks of 3, seven reminders read the verifications and the memberships three times
    (plus the officers and the candidates once), and each reminder costs the same few writes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(reminders, "SWEEP_CHUNK", 3)
    for n in range(7):
        item = instrument_factory(catalog_a, owner=business_a, serial=f"CHUNK-{n}")
        verification_factory(catalog_a, item, verified_on=VERIFIED)
    with CaptureQueriesContext(connection) as captured:
        result = reminders.send_due_reminders(tenant=catalog_a, today=VALID_UNTIL - timedelta(days=7))
    assert result == reminders.SweepResult(sent=7, skipped=0)
    reads = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and "FROM" in q["sql"]
    ]
    verification_reads = [
        sql for sql in reads if sql.split(" FROM ", 1)[1].startswith('"metrology_verification"')
    ]
    membership_reads = [sql for sql in reads if sql.split(" FROM ", 1)[1].startswith('"tenancy_membership"')]
    assert len(verification_reads) == 1 + 3  # the candidates, then one read a chunk
    assert len(membership_reads) == 1 + 3  # the officers, then the owners' users a chunk
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 7 * 2  # a ledger row and the notifications (one statement) each
    assert set(_keys(catalog_a).values()) == {1}
    assert {user for user, _key in _keys(catalog_a)} == {business_user_a.pk, officer_a.pk}
    assert len(_keys(catalog_a)) == 7 * 2


@pytest.mark.django_db
def test_a_late_sweep_sends_only_the_current_stage(
    catalog_a, business_a, officer_a, instrument_factory, verification_factory
):
    verification_factory(catalog_a, instrument_factory(catalog_a, owner=business_a), verified_on=VERIFIED)
    # The worker was down for the whole 30-day window: only the 7-day reminder goes, not a stale one.
    reminders.send_due_reminders(tenant=catalog_a, today=VALID_UNTIL - timedelta(days=3))
    with tenant_context(catalog_a):
        assert list(Reminder.objects.values_list("stage", flat=True)) == ["expiry-7"]


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_sweep_and_running_again_sends_each_reminder_exactly_once(
    celery_worker_process,
    catalog_a,
    business_a,
    business_user_a,
    officer_a,
    member_factory,
    instrument_factory,
    verification_factory,
):
    from tcvn_portal.tenancy.roles import Role

    # Many recipients per reminder make each one slow enough to kill the worker between two of them.
    for _ in range(8):
        member_factory(catalog_a, Role.METROLOGY_OFFICER)
    count = 60
    for n in range(count):
        item = instrument_factory(catalog_a, owner=business_a, serial=f"KILL-{n:03d}")
        verification_factory(catalog_a, item, verified_on=VERIFIED)
    today = (VALID_UNTIL - timedelta(days=7)).isoformat()

    def ledger() -> int:
        with tenant_context(catalog_a):
            return Reminder.objects.count()

    sweep_reminders.delay(today=today)
    wait_until(lambda: ledger() >= 3, timeout=60, interval=0.02)
    celery_worker_process.kill()
    done_before_kill = ledger()
    assert 0 < done_before_kill < count, "the sweep was not interrupted: the test proves nothing"

    celery_worker_process.start()
    sweep_reminders.delay(today=today)
    wait_until(lambda: ledger() == count, timeout=120, interval=0.1)
    sweep_reminders.delay(today=today)  # and once more, for good measure

    recipients = 10  # the business user and nine officers
    wait_until(
        lambda: len(celery_worker_process.sent_emails()) >= count * recipients - recipients, timeout=120
    )
    keys = _keys(catalog_a)
    assert len(keys) == count * recipients
    assert set(keys.values()) == {1}
    mails = Counter((m["To"], m["Subject"]) for m in celery_worker_process.sent_emails())
    assert max(mails.values()) == 1
