"""Celery tasks of the metrology app: the daily reminder sweep (from beat) and register imports."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from tcvn_portal.tenancy.models import Tenant
from tcvn_portal.tenancy.tasks import tenant_task

from . import imports, reminders


@shared_task(name="metrology.tasks.sweep_reminders", acks_late=True, reject_on_worker_lost=True)
def sweep_reminders(today: str | None = None) -> dict[str, int]:
    """Every province in turn; each reminder commits on its own, so a rerun sends only what is missing."""
    day = date.fromisoformat(today) if today else None
    sent = skipped = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        result = reminders.send_due_reminders(tenant=tenant, today=day)
        sent += result.sent
        skipped += result.skipped
    return {"sent": sent, "skipped": skipped}


@tenant_task(name="metrology.tasks.check_import")
def check_import(*, job_id: int) -> None:
    imports.check_job(job_id=job_id)


@tenant_task(name="metrology.tasks.run_import", time_limit=3600, soft_time_limit=3300)
def run_import(*, job_id: int) -> None:
    imports.run_job(job_id=job_id)
