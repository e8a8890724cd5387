"""Follow-up reminders: sent once before the deadline and once after it, whatever the number of runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import services
from inspections.tasks import remind_followups
from tcvn_portal.notifications.models import Notification
from tcvn_portal.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def followups(world, make_inspection):
    inspection = make_inspection()
    with tenant_context(world.tenant):
        soon = services.add_followup(
            actor=world.lead,
            inspection=inspection,
            requirement="Dán nhãn phụ",
            deadline=TODAY() + timedelta(days=3),
        )
        later = services.add_followup(
            actor=world.lead,
            inspection=inspection,
            requirement="Kiểm định cân",
            deadline=TODAY() + timedelta(days=30),
        )
    return soon, later


def _keys(tenant):
    with tenant_context(tenant):
        return sorted(Notification.objects.values_list("key", "recipient_id"))


def test_reminder_before_the_deadline_goes_to_inspector_and_lead_once(world, followups):
    soon, later = followups
    remind_followups.apply(kwargs={"tenant_id": world.tenant.pk})
    remind_followups.apply(kwargs={"tenant_id": world.tenant.pk})  # a second run (or a retry) adds nothing
    keys = _keys(world.tenant)
    assert keys == sorted(
        [
            (f"inspections:followup:{soon.pk}:due-soon", world.inspector.pk),
            (f"inspections:followup:{soon.pk}:due-soon", world.lead.pk),
        ]
    )


def test_overdue_follow_up_gets_its_own_reminder_and_a_closed_one_none(world, followups):
    soon, later = followups
    with tenant_context(world.tenant):
        services.send_followup_reminders(tenant=world.tenant, today=TODAY() + timedelta(days=4))
        services.close_followup(actor=world.lead, followup=later, evidence="Đã kiểm định", closed_on=TODAY())
        services.send_followup_reminders(tenant=world.tenant, today=TODAY() + timedelta(days=40))
    occasions = {key.rsplit(":", 1)[1] for key, _user in _keys(world.tenant)}
    assert occasions == {"overdue"}
    assert all(f":{soon.pk}:" in key for key, _user in _keys(world.tenant))


def test_reminders_of_one_province_never_touch_another(world, followups, tenant_b):
    remind_followups.apply(kwargs={"tenant_id": tenant_b.pk})
    assert _keys(world.tenant) == []


def test_demo_seed_is_idempotent_and_passes_the_services_rules(tenant_a):
    from inspections import demo
    from inspections.models import Inspection

    demo.seed(tenant_a)
    demo.seed(tenant_a)
    with tenant_context(tenant_a):
        assert Inspection.objects.count() == 4
        assert set(Inspection.objects.values_list("status", flat=True)) == {"draft", "submitted", "approved"}
