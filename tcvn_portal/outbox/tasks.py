"""The outbox's own tasks: the flush (beat, every minute; and when a worker starts) and the retry of a
cache invalidation that failed after its commit."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import caches
from django.db import connections

from tcvn_portal.cache import CacheUnavailable

from . import services

logger = logging.getLogger(__name__)

FLUSH = "outbox.tasks.flush"


@shared_task(name=FLUSH, acks_late=True, reject_on_worker_lost=True)
def flush() -> int:
    return services.flush_outbox()


@shared_task(
    name=services.DELETE_CACHE_KEYS,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(CacheUnavailable,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=30,
)
def delete_cache_keys(*, keys: list[str], version: int | None = None) -> None:
    caches["default"].delete_many_now(keys, version)


def flush_when_worker_starts(**_kwargs) -> None:
    """worker_ready: what the broker refused while it was down goes out as soon as a worker is up."""
    try:
        services.flush_outbox()
    except Exception:
        # A worker must start even when the flush cannot run; beat's flush tries again within a minute.
        logger.exception("outbox flush at worker start failed")
    finally:
        # The worker's main process forks pool children: they must not share its database connection.
        connections.close_all()
