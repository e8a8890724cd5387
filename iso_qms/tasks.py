"""Celery tasks of the app: the daily sweep of corrective actions coming due (started by beat)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from tcvn_portal.tenancy.models import Tenant
from tcvn_portal.tenancy.tasks import tenant_task

from .qms import services


@tenant_task(name="iso_qms.tasks.remind_tenant")
def remind_tenant(*, today: str | None = None) -> int:
    return services.send_due_reminders(today=date.fromisoformat(today) if today else None)


@shared_task(name="iso_qms.tasks.sweep_reminders", acks_late=True, reject_on_worker_lost=True)
def sweep_reminders(today: str | None = None) -> None:
    """Queues one task per province; each runs under its own tenant, and notification keys make a
    rerun harmless."""
    for tenant_id in Tenant.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True):
        remind_tenant.apply_async(kwargs={"tenant_id": tenant_id, "today": today})
