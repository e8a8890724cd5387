"""Background work of the inspections domain: follow-up reminders.

Beat runs `sweep_followup_reminders` every morning (tcvn_portal/reports/schedule.py schedules every
`<app>.tasks.sweep_*`); it queues one task per active province, which runs inside that tenant.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tcvn_portal.tenancy.context import current_tenant
from tcvn_portal.tenancy.tasks import tenant_task


@tenant_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def remind_followups() -> int:
    from . import services

    return services.send_followup_reminders(tenant=current_tenant(), today=timezone.localdate())


@shared_task
def sweep_followup_reminders() -> int:
    """Queue the reminders of every active province; each run is idempotent through notification keys."""
    from tcvn_portal.tenancy.models import Tenant

    tenant_ids = list(Tenant.objects.filter(is_active=True).values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        remind_followups.apply_async(kwargs={"tenant_id": tenant_id})
    return len(tenant_ids)
