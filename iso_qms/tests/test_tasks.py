"""The reminder sweep on a real Celery worker: each province's focal persons are reminded once."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from iso_qms.qms import services
from iso_qms.tasks import sweep_reminders
from tcvn_portal.notifications.models import Notification
from tcvn_portal.tenancy.context import tenant_context
from tests.celery_fixtures import wait_until


@pytest.mark.django_db(transaction=True)
def test_sweep_reminds_the_focal_person_once_even_when_run_twice(
    celery_worker, tenant_a, focal_a, commune_agency_a
):
    with tenant_context(tenant_a):
        nc = services.open_nonconformity(
            agency=commune_agency_a, description="Trễ hạn", detected_on=timezone.localdate(), actor=None
        )
        services.record_root_cause(nc=nc, root_cause="Thiếu người", actor=None)
        services.plan_corrective_action(
            nc=nc,
            corrective_action="Bổ sung",
            action_owner="An",
            due_on=timezone.localdate() + timedelta(days=3),
            actor=None,
        )

    def reminders():
        with tenant_context(tenant_a):
            return list(Notification.objects.filter(recipient=focal_a).values_list("key", flat=True))

    sweep_reminders.delay()
    wait_until(lambda: reminders())
    sweep_reminders.delay()
    sweep_reminders.delay()
    time.sleep(2)
    assert reminders() == [f"iso-nc:{nc.pk}:due-7"]
