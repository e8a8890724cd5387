"""The consumer's side: finding a scanned stamp, counting the scan, and what its page shows.

An anonymous request has no tenant, and every row sits behind RLS. The serial names its tenant and carries
a MAC (tcvn_portal.core.public_codes), so a forged serial is turned away before any database or cache hit;
a genuine-looking one is looked up as the tenant it names — never unscoped. On PostgreSQL the lookup and the
count are one statement, since a stamp is scanned only a few times in its life and a cache of stamps would
mostly miss; the page itself comes from the cache (traceability.cache), drawn once per batch, language and
series status with slots for what only this scan knows: its serial, its count and its first time.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.html import escape

from tcvn_portal.core.public_codes import read_code
from tcvn_portal.tenancy.context import tenant_context, tenant_statement
from tcvn_portal.tenancy.models import Tenant

from . import cache as keys
from .models import Batch, StampSeries

# A stamp scanned from this many distinct networks, or this many times, is flagged as a likely copy.
FLAG_PLACES = getattr(settings, "TRACEABILITY_FLAG_PLACES", 5)
FLAG_SCANS = getattr(settings, "TRACEABILITY_FLAG_SCANS", 50)


@dataclass(frozen=True)
class Scanned:
    """A counted scan of a real stamp."""

    tenant_id: int
    stamp_id: int
    serial: str
    count: int
    first_scanned_at: datetime
    series_status: str
    batch_id: int
    page_version: int


def _tenant(tenant_id: int) -> Tenant:
    # Only the id matters to tenant scoping; the statement that finds the stamp checks the tenant active.
    return Tenant(pk=tenant_id)


def scan(*, gtin: str, lot: str, serial: str, place: str, user_agent: str) -> Scanned | None:
    """Counts a scan of the stamp behind a Digital Link path and returns its page, or None (nothing counted)
    when the serial is forged or unknown, does not match the GTIN and lot, or its province is inactive."""
    code = read_code(serial, kind="stamp")
    if code is None or code.code != serial:
        return None
    params = {
        "tenant": code.tenant_id,
        "serial": serial,
        "gtin": gtin,
        "lot": lot,
        "now": timezone.now(),
        "place": place,
        "agent": (user_agent or "")[:160],
        "max_scans": FLAG_SCANS,
        "max_places": FLAG_PLACES,
    }
    tenant = _tenant(code.tenant_id)
    if connection.vendor == "postgresql":
        with tenant_statement(tenant) as (set_tenant, tenant_params):
            with connection.cursor() as cursor:
                # A scan's commit need not wait for its WAL flush: a crash may lose the last few scan
                # counts (never corrupt them), which a consumer's page can afford; the flush was most of
                # a scan's cost. SET LOCAL ends with this transaction; it, the tenant and the scan go to
                # the server in one round trip.
                try:
                    cursor.execute(
                        "SET LOCAL synchronous_commit = off;\n" + set_tenant + _scan_statement(),
                        params | tenant_params,
                    )
                except Exception:
                    connection.tcvn_scan_prepared_on = None  # prepared or not: start again next time
                    raise
                connection.tcvn_scan_prepared_on = connection.connection
                row = cursor.fetchone()
    else:
        with tenant_context(tenant):
            row = _scan_portable(**params)
    if row is None:
        return None
    stamp_id, status, batch_id, page_version, count, first = row
    return Scanned(
        tenant_id=code.tenant_id,
        stamp_id=stamp_id,
        serial=serial,
        count=count,
        first_scanned_at=first,
        series_status=status,
        batch_id=batch_id,
        page_version=page_version,
    )


# Where the page holds what only one scan knows. Control characters: no escaping touches them and no text
# the page draws (translations, a product's own words) is expected to hold them.
_SLOTS = {"serial": "\x1fserial\x1f", "count": "\x1fcount\x1f", "first": "\x1ffirst\x1f"}
SCAN_TEMPLATE = "traceability/scan.html"


# Pages this process has served, by key (a page is about 1.5 KB). Only whole-value reads, writes and
# clear(): each is atomic between the worker's threads. The page version covers the batch, its product,
# stages and certifications, not the producer's name and address: kept briefly, those still reach every
# process within the cache's own TTL, as before.
SERVED_PAGES_KEPT = 4096
SERVED_PAGE_SECONDS = 60
_served_pages: dict[str, tuple[float, str]] = {}


def page(scanned: Scanned) -> tuple[str, int]:
    """The scan page in the active language and its HTTP status (410 for a withdrawn series).

    Drawing the template was the largest part of a scan after the database; the page of a batch is the same
    for every stamp of one series status, so it is drawn once and each scan only fills in its slots. The
    page version read with the stamp names the page, so this process keeps the pages it served and asks
    Redis only for a page it has not (traceability.cache)."""
    key = keys.page_key(
        scanned.batch_id, scanned.page_version, translation.get_language(), scanned.series_status
    )
    now = time.monotonic()
    kept_until, html = _served_pages.get(key, (0.0, None))
    if html is None or kept_until < now:
        html = cache.get(key)
        if html is None:
            html = _draw(scanned)
            cache.set(key, html, keys.VIEW_TTL)
        if len(_served_pages) >= SERVED_PAGES_KEPT:
            _served_pages.clear()  # the busiest pages come back at their next scan
        _served_pages[key] = (now + SERVED_PAGE_SECONDS, html)
    filled = (
        html.replace(_SLOTS["serial"], escape(scanned.serial))
        .replace(_SLOTS["count"], str(scanned.count))
        .replace(
            _SLOTS["first"], dateformat.format(timezone.localtime(scanned.first_scanned_at), "d/m/Y H:i")
        )
    )
    return filled, 410 if scanned.series_status == StampSeries.Status.WITHDRAWN else 200


def _draw(scanned: Scanned) -> str:
    batch_key = keys.batch_key(scanned.batch_id, scanned.page_version)
    batch = cache.get(batch_key)
    if batch is None:
        with tenant_context(_tenant(scanned.tenant_id)):
            batch = batch_view(scanned.batch_id)
        cache.set(batch_key, batch, keys.VIEW_TTL)
    state = {
        StampSeries.Status.ACTIVE: "recalled" if batch["recalled_at"] else "genuine",
        StampSeries.Status.WITHDRAWN: "withdrawn",
    }.get(scanned.series_status, "inactive")
    return render_to_string(SCAN_TEMPLATE, {"state": state, "batch": batch, **_SLOTS})


def batch_view(batch_id: int) -> dict:
    """Everything the scan page shows about a batch, as plain data fit for the cache."""
    batch = Batch.objects.select_related("product__owner", "product__category").get(pk=batch_id)
    product, owner = batch.product, batch.product.owner
    return {
        "product": product.name,
        "gtin": product.gtin,
        "brand": product.brand,
        "category": product.category.name if product.category else "",
        "shelf_life": product.shelf_life,
        "standards": product.standards,
        "producer": owner.name,
        "address": owner.address,
        "lot": batch.lot,
        "production_date": batch.production_date,
        "expiry_date": batch.expiry_date,
        "origin": batch.origin,
        "recalled_at": batch.recalled_at,
        "recall_reason": batch.recall_reason,
        "stages": [{"name": s.name, "place": s.place, "at": s.started_at} for s in batch.stages.all()],
        "certifications": [
            {"name": c.name, "number": c.number, "issuer": c.issuer, "valid_until": c.valid_until}
            for c in product.certifications.filter(archived_at__isnull=True)
        ],
    }


def place_of(remote_addr: str | None) -> str:
    """The network a scan came from (/24 or /48): enough to tell places apart, never a person's address."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


# PostgreSQL: the whole scan in one statement, one round trip: find the stamp (its tenant's unique serial,
# the GTIN and lot it was issued for, the province active) with its series' status (read fresh, so a
# withdrawal shows at once), count it, keep the event, flag a likely copy.
_SCAN_SQL = """
WITH target AS (
    SELECT st.id, se.status, se.batch_id, b.page_version
    FROM traceability_stamp st
    JOIN traceability_stampseries se ON se.id = st.series_id
    JOIN traceability_batch b ON b.id = se.batch_id
    JOIN traceability_product p ON p.id = b.product_id
    JOIN tenancy_tenant t ON t.id = st.tenant_id
    WHERE st.tenant_id = %(tenant)s AND st.serial = %(serial)s
      AND b.lot = %(lot)s AND p.gtin = %(gtin)s AND t.is_active
), seen AS (
    SELECT %(place)s = '' OR EXISTS (
        SELECT 1 FROM traceability_scanevent e JOIN target ON e.stamp_id = target.id WHERE e.place = %(place)s
    ) AS known
), s AS (
    UPDATE traceability_stamp SET
        scan_count = scan_count + 1,
        first_scanned_at = COALESCE(first_scanned_at, %(now)s),
        last_scanned_at = %(now)s,
        place_count = place_count + CASE WHEN (SELECT known FROM seen) THEN 0 ELSE 1 END,
        flagged_at = CASE
            WHEN flagged_at IS NULL AND (
                scan_count + 1 >= %(max_scans)s
                OR place_count + CASE WHEN (SELECT known FROM seen) THEN 0 ELSE 1 END >= %(max_places)s
            ) THEN %(now)s ELSE flagged_at END
    FROM target
    WHERE traceability_stamp.id = target.id
    RETURNING traceability_stamp.id, traceability_stamp.tenant_id, target.status, target.batch_id,
        target.page_version, traceability_stamp.scan_count, traceability_stamp.first_scanned_at
), e AS (
    INSERT INTO traceability_scanevent (tenant_id, stamp_id, scanned_at, place, user_agent)
    SELECT tenant_id, id, %(now)s, %(place)s, %(agent)s FROM s
)
SELECT id, status, batch_id, page_version, scan_count, first_scanned_at FROM s
"""


# The statement is prepared once per database connection: planning it (five joined tables, each with its
# row-level security policy, and three CTEs) took five times as long as running it. A prepared plan is
# generic; every lookup in it is an equality on a unique index, so the generic plan is the custom one.
_SCAN_PARAMS = {
    "tenant": "bigint",
    "serial": "text",
    "gtin": "text",
    "lot": "text",
    "now": "timestamptz",
    "place": "text",
    "agent": "text",
    "max_scans": "integer",
    "max_places": "integer",
}
_PREPARED = "tcvn_scan"


def _prepare_sql() -> str:
    sql = _SCAN_SQL
    for number, name in enumerate(_SCAN_PARAMS, 1):
        sql = sql.replace(f"%({name})s", f"${number}")
    # Nothing else here prepares statements: DEALLOCATE ALL only clears a half-done earlier attempt.
    return f"DEALLOCATE ALL;\nPREPARE {_PREPARED} ({', '.join(_SCAN_PARAMS.values())}) AS {sql};\n"


_PREPARE_SCAN = _prepare_sql()
_EXECUTE_SCAN = (
    "SET LOCAL plan_cache_mode = force_generic_plan;\n"
    f"EXECUTE {_PREPARED} ({', '.join(f'%({name})s' for name in _SCAN_PARAMS)})"
)


def _scan_statement() -> str:
    """EXECUTE of the prepared scan, preceded by its PREPARE when this connection has not got it yet.

    A prepared statement lives as long as its session, whatever becomes of the transaction: the mark is
    the connection object itself, so a reconnection (a new object) prepares again."""
    if getattr(connection, "tcvn_scan_prepared_on", None) is connection.connection:
        return _EXECUTE_SCAN
    return _PREPARE_SCAN + _EXECUTE_SCAN


def _scan_portable(
    *, tenant, serial, gtin, lot, now, place, agent, max_scans, max_places
) -> tuple[int, str, int, int, int, datetime] | None:
    """The same, in a few ORM statements inside the caller's tenant_context (SQLite, the embedded default)."""
    from django.db.models import Case, F, Value, When
    from django.db.models.functions import Coalesce

    from .models import ScanEvent, Stamp

    found = (
        Stamp.objects.filter(
            serial=serial, tenant__is_active=True, series__batch__lot=lot, series__batch__product__gtin=gtin
        )
        .values_list("pk", "series__status", "series__batch_id", "series__batch__page_version")
        .first()
    )
    if found is None:
        return None
    stamp, status, batch_id, page_version = found
    new_place = 1 if place and not ScanEvent.objects.filter(stamp_id=stamp, place=place).exists() else 0
    Stamp.objects.filter(pk=stamp).update(
        scan_count=F("scan_count") + 1,
        first_scanned_at=Coalesce(F("first_scanned_at"), Value(now)),
        last_scanned_at=now,
        place_count=F("place_count") + new_place,
        flagged_at=Case(
            When(flagged_at__isnull=True, scan_count__gte=max_scans - 1, then=Value(now)),
            When(flagged_at__isnull=True, place_count__gte=max_places - new_place, then=Value(now)),
            default=F("flagged_at"),
        ),
    )
    count, first = Stamp.objects.values_list("scan_count", "first_scanned_at").get(pk=stamp)
    ScanEvent.objects.create(stamp_id=stamp, scanned_at=now, place=place, user_agent=agent)
    return stamp, status, batch_id, page_version, count, first
