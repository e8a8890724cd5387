"""Celery tasks that carry their tenant.

    @tenant_task()
    def send_reminder(*, instrument_id: int) -> None: ...

    send_reminder.delay_for(tenant, instrument_id=5)   # queued after the caller's transaction commits

The task receives `tenant_id` in its kwargs and runs inside tenant_context(tenant), so both the
scoped managers and PostgreSQL RLS see that tenant and no other; the ContextVar is reset afterwards,
so the next task in the same worker process starts with no tenant.
"""

from __future__ import annotations

import functools
from typing import Any

from celery import Task, shared_task
from django.db import transaction

from . import context


class TenantTask(Task):
    abstract = True

    def delay_for(self, tenant, **kwargs: Any) -> None:
        """Queue the task for `tenant` once the current transaction commits."""
        tenant_id = tenant.pk if hasattr(tenant, "pk") else int(tenant)
        transaction.on_commit(lambda: self.apply_async(kwargs={**kwargs, "tenant_id": tenant_id}))


def tenant_task(**options: Any):
    options.setdefault("acks_late", True)
    options.setdefault("reject_on_worker_lost", True)

    def decorate(func):
        @functools.wraps(func)
        def run(*args: Any, tenant_id: int, **kwargs: Any):
            from .models import Tenant

            tenant = Tenant.objects.get(pk=tenant_id)
            with context.tenant_context(tenant):
                return func(*args, **kwargs)

        return shared_task(base=TenantTask, **options)(run)

    return decorate
