"""Load: the public scan page held at 200 concurrent clients for 60 s through gunicorn, with officials'
pages at 20 concurrent users meanwhile; no error, and every scan answered is a scan recorded.

gunicorn runs with the production configuration (docker/gunicorn.conf.py: threaded workers) and
production's persistent database connections (load_settings.py). Each client is a thread with one
keep-alive connection, as a phone or a browser holds; the test checks that all of them really were open
and waiting at once (peak requests in flight, established connections at gunicorn) and that they cost
PostgreSQL no more than workers × threads connections. With -s it prints requests, req/s and p50/p95/p99
latency per group; the figures of a full run are in SECURITY.md.

Only in `make fuzz` (marked `load`, deselected from `make test`; it takes minutes). Loopback only,
bounded in clients and time:
TCVN_LOAD_CLIENTS, TCVN_LOAD_OFFICIALS and TCVN_LOAD_SECONDS override 200, 20 and 60.
"""

from __future__ import annotations

import http.client
import os
import runpy
import statistics
import threading
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from tcvn_portal.tenancy.context import tenant_context
from tests.faults.conftest import ROOT, Gunicorn
from tests.fixtures import seed_every_app

from .test_baseline import plain_get_routes

pytestmark = [
    # Minutes of load: deselected from `make test` by pyproject's addopts, selected by `make fuzz`.
    pytest.mark.load,
    pytest.mark.django_db(transaction=True),
]

CLIENTS = int(os.environ.get("TCVN_LOAD_CLIENTS", "200"))
OFFICIALS = int(os.environ.get("TCVN_LOAD_OFFICIALS", "20"))
SECONDS = float(os.environ.get("TCVN_LOAD_SECONDS", "60"))
CONFIG = ROOT / "docker" / "gunicorn.conf.py"


class InFlight:
    """Requests sent and not yet answered, across every client: proof that the clients were concurrent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


class Group:
    def __init__(self, name: str) -> None:
        self.name = name
        self.lock = threading.Lock()
        self.ok = 0
        self.connects = 0
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def connected(self) -> None:
        with self.lock:
            self.connects += 1

    def record(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error is None:
                self.ok += 1
            elif len(self.errors) < 50:
                self.errors.append(error)

    def summary(self, elapsed: float) -> str:
        cuts = statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [0.0] * 99
        return (
            f"{self.name}: {len(self.latencies)} requests, {len(self.latencies) / elapsed:.1f} req/s, "
            f"latency p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, "
            f"p99 {cuts[98] * 1000:.0f} ms, max {max(self.latencies) * 1000:.0f} ms; "
            f"{self.connects} connections opened"
        )


def client(port, targets, group, flight, start, stop, offset, headers) -> None:
    """One visitor on one keep-alive connection: GET after GET until the end; every answer must be 200
    and carry its page's own text. A broken connection is an error, and the next request reconnects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    n = offset
    start.wait()
    try:
        while not stop.is_set():
            path, expected = targets[n % len(targets)]
            n += 1
            if connection.sock is None:
                group.connected()
            flight.enter()
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read().decode(errors="replace")
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                group.record(time.perf_counter() - began, f"{type(error).__name__}: {error} {path}")
                continue
            finally:
                flight.leave()
            if response.status != 200:
                error = f"{response.status} {path}"
            elif missing := [text for text in expected if text not in body]:
                error = f"200 without {missing[0]!r}: {path}"
            else:
                error = None
            group.record(time.perf_counter() - began, error)
    finally:
        connection.close()


def established_at(port: int) -> int:
    """TCP connections established to gunicorn's port, counted at its end (/proc/net/tcp*)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[1].rsplit(":", 1)[1] == f"{port:04X}" and fields[3] == "01":
                count += 1
    return count


def test_scan_page_holds_200_clients_and_officials_20_with_no_error_and_no_lost_scan(
    tenant_a, member_factory, client_for, tmp_path
):
    from traceability import cache as keys
    from traceability.models import ScanEvent, Stamp

    seed_every_app(tenant_a)
    with tenant_context(tenant_a):
        stamps = list(
            Stamp.objects.filter(series__status="active", series__batch__recalled_at__isnull=True)
            .select_related("series__batch__product")
            .order_by("pk")[:200]
        )
        events_before = ScanEvent.objects.count()
    assert stamps, "the demo issued no active stamp: nothing to scan"
    # An earlier run's cached batch (same id and version, other rows) would show another product.
    with tenant_context(tenant_a):
        keys.batch_pages_changed({s.series.batch_id for s in stamps})
    # Each scan page must say "genuine" and name its own stamp.
    scan_targets = [
        (
            f"/01/{s.series.batch.product.gtin}/10/{s.series.batch.lot}/21/{s.serial}",
            ('<p class="verdict ok" id="verdict">', f"<dd>{s.serial}</dd>"),
        )
        for s in stamps
    ]

    official = member_factory(tenant_a, "manager")
    browser = client_for(official)
    logout = f'action="{reverse("account_logout")}"'
    pages = [p for p in plain_get_routes() if logout in browser.get(p).content.decode(errors="replace")][:15]
    assert len(pages) >= 5, pages
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    connections.close_all()  # the count of database connections below is then gunicorn's alone

    config = runpy.run_path(str(CONFIG))
    web = Gunicorn(
        {
            "DJANGO_SETTINGS_MODULE": "tests.security.load_settings",
            "TCVN_PG_ADMIN_URL": settings.TCVN_PG_ADMIN_URL,
            "TCVN_TEST_DATABASE": settings.TEST_DATABASE_NAME,
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_LOG_LEVEL": "WARNING",
        },
        tmp_path / "gunicorn.log",
        workers=None,
        extra=("-c", str(CONFIG)),
    )
    flight = InFlight()
    scans, officials = Group("scan page"), Group("officials' pages")
    peaks = {"open": 0, "database": 0}
    start, stop = threading.Event(), threading.Event()
    web.start()
    try:
        threads = [
            threading.Thread(target=client, args=(web.port, scan_targets, scans, flight, start, stop, i, {}))
            for i in range(CLIENTS)
        ] + [
            threading.Thread(
                target=client,
                args=(web.port, [(p, (logout,)) for p in pages], officials, flight, start, stop, i),
                kwargs={"headers": {"Cookie": cookie}},
            )
            for i in range(OFFICIALS)
        ]
        for thread in threads:
            thread.start()
        admin = psycopg2.connect(settings.TCVN_PG_ADMIN_URL)
        admin.autocommit = True
        began = time.monotonic()
        start.set()
        try:
            with admin.cursor() as cursor:
                while time.monotonic() - began < SECONDS:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND usename = 'tcvn_app'",
                        [settings.TEST_DATABASE_NAME],
                    )
                    peaks["database"] = max(peaks["database"], cursor.fetchone()[0])
                    peaks["open"] = max(peaks["open"], established_at(web.port))
                    time.sleep(0.25)
        finally:
            admin.close()
            stop.set()
        for thread in threads:
            thread.join(timeout=90)
        elapsed = time.monotonic() - began
        assert not any(thread.is_alive() for thread in threads), "a client is still waiting for an answer"
    finally:
        web.stop()

    print(
        f"\nload: {CLIENTS} scan clients and {OFFICIALS} officials for {elapsed:.0f} s; gunicorn "
        f"{config['workers']} {config['worker_class']} workers × {config['threads']} threads"
    )
    for group in (scans, officials):
        print("  " + group.summary(elapsed))
    print(
        f"  peak: {flight.peak} requests in flight at once, {peaks['open']} connections open at gunicorn, "
        f"{peaks['database']} database connections"
    )
    assert not scans.errors, scans.errors[:10]
    assert not officials.errors, officials.errors[:10]
    assert scans.ok >= CLIENTS and officials.ok >= OFFICIALS
    with tenant_context(tenant_a):
        assert ScanEvent.objects.count() - events_before == scans.ok, "a scan answered was not recorded"
    # Every client really waited at the same time, each on a connection of its own...
    assert flight.peak == CLIENTS + OFFICIALS
    assert peaks["open"] >= CLIENTS + OFFICIALS
    # ...and they cost the database at most one connection per gunicorn thread, not one per client.
    assert 0 < peaks["database"] <= config["workers"] * config["threads"]
