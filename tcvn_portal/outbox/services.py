"""Publishing tasks so that none is lost when the broker (Redis) is down.

`publish()` hands a task to the broker at once; when the broker refuses, the task is stored in the
outbox and a warning logged, and `flush_outbox()` hands it over later, oldest first. Tasks are idempotent,
so a task published twice (a flush racing another, a commit lost after a publish) does no harm.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

from .models import OutboxTask

logger = logging.getLogger(__name__)

# What a publish raises when the broker is down or unreachable (kombu wraps the transport's errors).
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError)
DELETE_CACHE_KEYS = "outbox.tasks.delete_cache_keys"


def _send(task_name: str, kwargs: dict[str, Any]) -> None:
    # retry=False: a request must not wait out kombu's retry policy; the outbox is the retry. The
    # transport's socket_connect_timeout (settings) bounds the one attempt.
    current_app.tasks[task_name].apply_async(kwargs=kwargs, retry=False)


def publish(*, task_name: str, kwargs: dict[str, Any]) -> bool:
    """Publishes the task, or stores it in the outbox if the broker refuses. True when published now.

    Called after the caller's transaction commits (TenantTask.delay_for), so the stored row commits
    on its own; the task is never lost, only late.
    """
    try:
        _send(task_name, kwargs)
    except BROKER_ERRORS as error:
        OutboxTask.objects.create(task_name=task_name, kwargs=kwargs, last_error=_describe(error))
        logger.warning("broker unavailable, %s kept in the outbox: %s", task_name, error)
        return False
    return True


def defer_cache_delete(*, keys: list[str], version: int | None, error: Exception) -> None:
    """A cache invalidation that failed after its transaction committed: retried by a task."""
    logger.warning("cache unavailable after commit, delete of %s deferred: %s", keys, error)
    publish(task_name=DELETE_CACHE_KEYS, kwargs={"keys": list(keys), "version": version})


def flush_outbox(*, limit: int = 10_000) -> int:
    """Publishes stored tasks oldest first, deleting each once the broker took it; returns how many.

    Stops at the first refusal (the broker is still down: the rest would fail too), recording it on the
    task. Several flushes may run at once (a worker starting while beat's flush runs): each row is locked
    while it is published and skipped by the others.
    """
    published = 0
    ids = list(OutboxTask.objects.order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        with transaction.atomic():
            row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue  # published by another flush meanwhile
            if row.task_name not in current_app.tasks:
                # A task renamed or removed since it was stored: kept for an administrator to look at,
                # never allowed to hold up the others.
                _record_failure(row, f"unknown task {row.task_name}")
                logger.error("outbox task %s names no registered task", row.pk)
                continue
            try:
                _send(row.task_name, row.kwargs)
            except BROKER_ERRORS as error:
                _record_failure(row, _describe(error))
                logger.warning("broker still unavailable, outbox flush stopped: %s", error)
                break
            row.delete()
        published += 1
    if published:
        logger.info("outbox flush published %s task(s)", published)
    return published


def _record_failure(row: OutboxTask, error: str) -> None:
    row.attempts += 1
    row.last_error = error
    row.save(update_fields=["attempts", "last_error"])


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]
