"""Celery tasks that carry their tenant.

    @tenant_task()
    def send_reminder(*, instrument_id: int) -> None: ...

    send_reminder.delay_for(tenant, instrument_id=5)   # queued after the caller's transaction commits
                                                       # (kept in the outbox while the broker is down)

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
        """Queue the task for `tenant` once the current transaction commits.

        Published through the outbox: if the broker is down the task is stored and published later,
        so the caller's request still succeeds and nothing is lost (tcvn_portal/outbox).
        """
        from tcvn_portal.outbox.services import publish

        tenant_id = tenant.pk if hasattr(tenant, "pk") else int(tenant)
        payload = {**kwargs, "tenant_id": tenant_id}
        transaction.on_commit(lambda: publish(task_name=self.name, kwargs=payload))


def tenant_task(**options: Any):
    options.setdefault("acks_late", True)
    options.setdefault("reject_on_worker_lost", True)
    options.setdefault("base", TenantTask)

    def decorate(func):
        @functools.wraps(func)
        def run(*args: Any, tenant_id: int, **kwargs: Any):
            from .models import Tenant

            tenant = Tenant.objects.get(pk=tenant_id)
            with context.tenant_context(tenant):
                return func(*args, **kwargs)

        return shared_task(**options)(run)

    return decorate
