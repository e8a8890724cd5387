"""A real Celery worker on the real Redis broker, for tests where tasks matter.

    def test_reminder_is_mailed(celery_worker, tenant_a, mailoutbox):
        ...                                  # commit something that queues a task
        wait_until(lambda: len(mailoutbox) == 1)

`celery_worker` runs Celery's own worker (the consumer, the broker connection, acks_late, retries) in a
thread of the test process, so Django's locmem email backend and `mailoutbox` see what it sends. It
needs committed data, hence `transactional_db`: the worker reads through its own database connection.
Tasks queued by earlier tests are purged first, so the worker only runs what this test queues.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from celery.signals import task_postrun
from django.db import connections


def wait_until(predicate: Callable[[], object], *, timeout: float = 15.0, interval: float = 0.05) -> None:
    """Polls `predicate` until it is truthy; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def _close_worker_connections(**_kwargs) -> None:
    # The worker thread's own connection: closed after each task, so the test's flush is never blocked.
    for conn in connections.all(initialized_only=True):
        conn.close()


@pytest.fixture
def celery_worker(transactional_db):
    from celery.contrib.testing.worker import start_worker

    from tcvn_portal.celery import app

    app.control.purge()
    task_postrun.connect(_close_worker_connections, weak=False, dispatch_uid="tcvn-test-worker-close-db")
    try:
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING"
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(dispatch_uid="tcvn-test-worker-close-db")
