"""Load: the public scan page held at 200 concurrent clients for 60 s through gunicorn, with officials'
pages at 20 concurrent users meanwhile; no error, and every scan answered is a scan recorded.

Only in `make fuzz` (marked `load`, deselected from `make test`; it takes minutes). Loopback only,
bounded in clients and time:
TCVN_LOAD_CLIENTS, TCVN_LOAD_OFFICIALS and TCVN_LOAD_SECONDS override 200, 20 and 60.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tcvn_portal.tenancy.context import tenant_context
from tests.faults.conftest import Gunicorn

from .conftest import seed_every_app
from .test_baseline import plain_get_routes

pytestmark = [
    # Minutes of load: deselected from `make test` by pyproject's addopts, selected by `make fuzz`.
    pytest.mark.load,
    pytest.mark.django_db(transaction=True),
]

CLIENTS = int(os.environ.get("TCVN_LOAD_CLIENTS", "200"))
OFFICIALS = int(os.environ.get("TCVN_LOAD_OFFICIALS", "20"))
SECONDS = float(os.environ.get("TCVN_LOAD_SECONDS", "60"))


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ok = 0
        self.errors: list[str] = []

    def record(self, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.ok += 1
            elif len(self.errors) < 50:
                self.errors.append(error)
            else:
                self.errors.append("…")


def hammer(urls: list[str], tally: Tally, deadline: float, offset: int, cookie: str = "") -> None:
    n = offset
    while time.monotonic() < deadline:
        url = urls[n % len(urls)]
        n += 1
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
                response.read()
                tally.record(None if response.status == 200 else f"{response.status} {url}")
        except (urllib.error.URLError, OSError) as error:
            tally.record(f"{error} {url}")


def test_scan_page_holds_200_clients_and_officials_20_with_no_error_and_no_lost_scan(
    tenant_a, member_factory, client_for, tmp_path
):
    from traceability.models import ScanEvent, Stamp

    seed_every_app(tenant_a)
    with tenant_context(tenant_a):
        stamps = list(
            Stamp.objects.filter(series__status="active")
            .select_related("series__batch__product")
            .order_by("pk")[:200]
        )
        events_before = ScanEvent.objects.count()
    assert stamps, "the demo issued no active stamp: nothing to scan"
    official = member_factory(tenant_a, "manager")
    client = client_for(official)
    pages = [p for p in plain_get_routes() if client.get(p).status_code == 200][:15]
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    web = Gunicorn(
        {
            "DJANGO_SETTINGS_MODULE": "tcvn_portal.settings.test",
            "TCVN_PG_ADMIN_URL": settings.TCVN_PG_ADMIN_URL,
            "TCVN_TEST_DATABASE": settings.TEST_DATABASE_NAME,
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_LOG_LEVEL": "WARNING",
        },
        tmp_path / "gunicorn.log",
        workers=3,
        extra=("-k", "gthread", "--threads", "24", "--backlog", "512"),
    )
    web.start()
    try:
        scan_urls = [
            web.url(f"/01/{s.series.batch.product.gtin}/10/{s.series.batch.lot}/21/{s.serial}")
            for s in stamps
        ]
        page_urls = [web.url(p) for p in pages]
        scans, officials = Tally(), Tally()
        deadline = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=hammer, args=(scan_urls, scans, deadline, i)) for i in range(CLIENTS)
        ] + [
            threading.Thread(target=hammer, args=(page_urls, officials, deadline, i, cookie))
            for i in range(OFFICIALS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 60)
    finally:
        web.stop()

    assert not scans.errors, scans.errors[:10]
    assert not officials.errors, officials.errors[:10]
    assert scans.ok >= CLIENTS and officials.ok >= OFFICIALS
    with tenant_context(tenant_a):
        assert ScanEvent.objects.count() - events_before == scans.ok
    print(f"load: {scans.ok} scans and {officials.ok} official pages in {SECONDS:.0f} s")
