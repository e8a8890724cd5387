"""The bench's CPU a request: read from /proc for gunicorn's workers (a parent's children) and for the
database's backends serving the application role, so runs compare by work done, not by the machine's speed
at the moment."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from tcvn_portal import dbsetup
from tcvn_portal.bench.run import CONCURRENCY, CpuMeter, children, cpu_by_pid, cpu_text

# A parent (standing for gunicorn's master) whose one child burns CPU until its stdin closes.
BURNER = """
import subprocess, sys
spin = "import select, sys\\nwhile not select.select([sys.stdin], [], [], 0)[0]:\\n    pass"
child = subprocess.Popen([sys.executable, "-c", spin], stdin=subprocess.PIPE)
print(child.pid, flush=True)
sys.stdin.read()
child.stdin.close()
child.wait()
"""


@pytest.fixture
def burner():
    parent = subprocess.Popen(  # noqa: S603  (our own interpreter)
        [sys.executable, "-c", BURNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    child = int(parent.stdout.readline())
    yield parent.pid, child
    parent.stdin.close()
    parent.wait(timeout=10)


def test_children_are_the_processes_a_parent_started(burner):
    parent, child = burner
    assert children(parent) == [child]
    assert children(child) == []


def test_cpu_by_pid_grows_with_work_and_leaves_out_processes_gone(burner):
    _parent, child = burner
    before = cpu_by_pid([child])[child]
    time.sleep(0.5)
    after = cpu_by_pid([child, 2**22 + 7])  # beyond pid_max's default: no such process
    assert list(after) == [child]
    assert after[child] - before >= 0.1  # a busy loop for half a second, on a core shared with others


@pytest.mark.django_db
def test_the_meter_divides_web_and_database_cpu_by_the_requests(burner):
    parent, _child = burner
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
        name = connection.settings_dict["NAME"]
        assert backend in dbsetup.app_backends(settings.TCVN_PG_ADMIN_URL, name)
        meter = CpuMeter(parent, settings.TCVN_PG_ADMIN_URL, name)
        meter.start()
        cursor.execute("SELECT count(*) FROM generate_series(1, 3000000)")
        time.sleep(0.3)
    one = meter.per_request(1)
    assert one["cpu_web_ms"] >= 100  # the burner's child, found as the parent's worker
    assert one["cpu_db_ms"] >= 50  # the backend counting three million rows
    cores = os.cpu_count()
    assert one["cpu_bound_mean_ms"] == pytest.approx(
        CONCURRENCY * (one["cpu_web_ms"] + one["cpu_db_ms"]) / cores
    )
    assert "no mean under" in cpu_text(one)


def test_a_meter_that_reads_no_process_reports_none():
    # No such web process; a database on another machine, whose backends' pids say nothing here.
    meter = CpuMeter(2**22 + 7, "postgres://unused@db.example.org:5432/postgres", "none")
    meter.start()
    figures = meter.per_request(10)
    assert figures == {"cpu_web_ms": None, "cpu_db_ms": None}
    assert cpu_text(figures) == "CPU a request: not measured"
