"""`scripts/run.sh` on the embedded stack (SQLite, filesystem broker): it prints the demo logins, serves
the login page, runs a worker that executes what a web-side process queues, runs beat, and Ctrl-C leaves
no process behind."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tcvn_portal.tenancy.management.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _processes_with_env(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own local server)
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def local_env(tmp_path):
    ours = ("DJANGO_", "DATABASE_", "REDIS_", "TCVN_", "CELERY_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(
        DJANGO_SETTINGS_MODULE="tcvn_portal.settings.local",
        TCVN_VAR_DIR=str(tmp_path / "var"),
        PORT=str(_free_port()),
        PYTHONUNBUFFERED="1",
    )
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300)
    return env


def test_run_script_serves_with_worker_and_beat_and_ctrl_c_stops_everything(local_env, tmp_path):
    var = Path(local_env["TCVN_VAR_DIR"])
    marker = f"TCVN_VAR_DIR={var}"
    output = tmp_path / "run.out"
    with output.open("w") as out:
        # Its own process group, as in a terminal: Ctrl-C sends SIGINT to the whole foreground group.
        proc = subprocess.Popen(
            ["scripts/run.sh"],
            cwd=ROOT,
            env=local_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{local_env['PORT']}"
        _wait_for(lambda: _http_ok(f"{url}/accounts/login/"), 90, "the login page")
        printed = output.read_text()
        assert DEMO_PASSWORD in printed
        assert printed.index("thanhtra.tq@demo.tcvn.local") < printed.index("Portal: http://127.0.0.1:")
        assert _http_ok(f"{url}/healthz")

        worker_log, beat_log = var / "log" / "celery-worker.log", var / "log" / "celery-beat.log"
        _wait_for(lambda: worker_log.exists() and " ready." in worker_log.read_text(), 60, "the worker")
        _wait_for(lambda: beat_log.exists() and "beat: Starting" in beat_log.read_text(), 60, "beat")

        # Queued from another Django process with the same settings, as the web process queues work.
        task_id = str(uuid.uuid4())
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from tcvn_portal.celery import app;"
                f"app.send_task('celery.backend_cleanup', task_id='{task_id}')",
            ],
            cwd=ROOT,
            env={**local_env, "PYTHONPATH": str(ROOT)},
            check=True,
            timeout=60,
        )
        _wait_for(lambda: f"[{task_id}] succeeded" in worker_log.read_text(), 60, "the task to run")
        assert len(_processes_with_env(marker)) >= 4  # run.sh, runserver (and its reloader), worker, beat
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
    assert "Stopped." in output.read_text()
    time.sleep(1)
    assert _processes_with_env(marker) == []
