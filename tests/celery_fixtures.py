"""A real Celery worker on the real Redis broker, for tests where tasks matter.

    def test_reminder_is_mailed(celery_worker, tenant_a, mailoutbox):
        ...                                  # commit something that queues a task
        wait_until(lambda: len(mailoutbox) == 1)

`celery_worker` runs Celery's own worker (the consumer, the broker connection, acks_late, retries) in a
thread of the test process, so Django's locmem email backend and `mailoutbox` see what it sends. It
needs committed data, hence `transactional_db`: the worker reads through its own database connection.
Tasks queued by earlier tests are purged first, so the worker only runs what this test queues.

`celery_worker_process` runs `celery worker` as a separate process with the test settings, for tests
that must kill a worker mid-run (`worker.kill()`, then start another with `worker.restart()`). Its
emails go to files, read back with `worker.sent_emails()`.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from email.message import Message
from pathlib import Path

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


# Runs in the worker process: the test settings, but email into files the test can read.
_WORKER_SCRIPT = """
import os
import django
from django.conf import settings

settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
settings.EMAIL_FILE_PATH = os.environ["TCVN_TEST_EMAIL_DIR"]
django.setup()
from tcvn_portal.celery import app

app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO", "--without-mingle",
                 "--without-gossip", "--without-heartbeat", "--hostname=tcvn-test-%h-" + str(os.getpid())])
"""


class WorkerProcess:
    def __init__(self, directory: Path) -> None:
        self.email_dir = directory / "emails"
        self.email_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = directory / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 30.0) -> None:
        env = {**os.environ, "TCVN_TEST_EMAIL_DIR": str(self.email_dir), "PYTHONUNBUFFERED": "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "tcvn_portal.settings.test")
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and script
            [sys.executable, "-c", _WORKER_SCRIPT],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent,
        )
        log.close()

        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited early:\n{self.log_path.read_text()[offset:]}")
            return b" ready." in self.log_path.read_bytes()[offset:]

        wait_until(ready, timeout=timeout, interval=0.1)

    def kill(self) -> None:
        """SIGKILL, as when a machine dies: no warm shutdown, no acknowledgement of the running task."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # warm shutdown: finishes the task at hand
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.stop()
        self.start()

    def sent_emails(self) -> list[Message]:
        """Every email the worker sent, oldest file first (the file backend writes one file per send)."""
        separator = "\n" + "-" * 79 + "\n"
        messages: list[Message] = []
        for path in sorted(self.email_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_text().split(separator):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk.lstrip("\n")))
        return messages

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    from tcvn_portal.celery import app

    app.control.purge()
    worker = WorkerProcess(tmp_path / "celery-worker")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
