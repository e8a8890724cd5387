"""The consumer's side: resolving a scanned serial, from cache where possible, and recording the scan.

An anonymous request has no tenant, and every row sits behind RLS. The serial names its tenant and carries
a MAC (tcvn_portal.core.public_codes), so a forged serial is turned away before any database or cache hit;
a genuine-looking one is looked up inside tenant_context of the tenant it names — never unscoped.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tcvn_portal.core.public_codes import read_code
from tcvn_portal.tenancy.context import tenant_context, tenant_statement
from tcvn_portal.tenancy.models import Tenant

from . import cache as keys
from .models import Batch, Stamp, StampSeries

# A stamp scanned from this many distinct networks, or this many times, is flagged as a likely copy.
FLAG_PLACES = getattr(settings, "TRACEABILITY_FLAG_PLACES", 5)
FLAG_SCANS = getattr(settings, "TRACEABILITY_FLAG_SCANS", 50)


@dataclass(frozen=True)
class Resolved:
    tenant_id: int
    stamp_id: int
    serial: str
    series_status: str
    batch: dict
    details: str  # the batch's details, rendered in the visitor's language


def _tenant(tenant_id: int) -> Tenant:
    # Only the id matters to tenant_context; the row is checked active with the stamp before it is cached.
    return Tenant(pk=tenant_id)


def resolve(*, gtin: str, lot: str, serial: str) -> Resolved | None:
    """The stamp behind a Digital Link path, or None when it is forged, unknown or does not match."""
    code = read_code(serial, kind="stamp")
    if code is None or code.code != serial:
        return None
    stamp = cache.get(keys.stamp_key(serial))
    if stamp is None:
        # The tenant the code names, checked active in the same query as the stamp: one round trip.
        with tenant_context(_tenant(code.tenant_id)):
            stamp = (
                Stamp.objects.filter(serial=serial, tenant__is_active=True)
                .values(
                    "pk",
                    "series_id",
                    "series__batch_id",
                    "series__batch__lot",
                    "series__batch__product__gtin",
                )
                .first()
            )
        if stamp is None:
            return None
        stamp["tenant_id"] = code.tenant_id
        cache.set(keys.stamp_key(serial), stamp, keys.STAMP_TTL)
    if stamp["series__batch__product__gtin"] != gtin or stamp["series__batch__lot"] != lot:
        return None
    series_id, batch_id = stamp["series_id"], stamp["series__batch_id"]
    language = translation.get_language()
    wanted = [keys.series_key(series_id), keys.batch_key(batch_id), keys.details_key(batch_id, language)]
    status, batch, details = map(cache.get_many(wanted).get, wanted)
    if status is None or batch is None:
        with tenant_context(_tenant(stamp["tenant_id"])):
            if status is None:
                status = StampSeries.objects.values_list("status", flat=True).get(pk=series_id)
                cache.set(keys.series_key(series_id), status, keys.VIEW_TTL)
            if batch is None:
                batch = batch_view(batch_id)
                cache.set(keys.batch_key(batch_id), batch, keys.VIEW_TTL)
    if details is None:
        # The same for every scan of the batch in this language: drawn once, then served from the cache.
        details = render_to_string("traceability/_batch_details.html", {"batch": batch})
        cache.set(keys.details_key(batch_id, language), details, keys.VIEW_TTL)
    return Resolved(
        tenant_id=stamp["tenant_id"],
        stamp_id=stamp["pk"],
        serial=serial,
        series_status=status,
        batch=batch,
        details=details,
    )


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


# PostgreSQL: the whole scan in one statement, one round trip on the hot path.
_RECORD_SQL = """
WITH seen AS (
    SELECT %(place)s = '' OR EXISTS (
        SELECT 1 FROM traceability_scanevent WHERE stamp_id = %(stamp)s AND place = %(place)s
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
    WHERE id = %(stamp)s
    RETURNING id, tenant_id, scan_count, first_scanned_at
), e AS (
    INSERT INTO traceability_scanevent (tenant_id, stamp_id, scanned_at, place, user_agent)
    SELECT tenant_id, id, %(now)s, %(place)s, %(agent)s FROM s
)
SELECT scan_count, first_scanned_at FROM s
"""


def record_scan(resolved: Resolved, *, place: str, user_agent: str) -> tuple[int, datetime]:
    """Counts the scan, keeps the event, and flags a stamp seen from too many places or too often."""
    params = {
        "now": timezone.now(),
        "place": place,
        "agent": (user_agent or "")[:160],
        "stamp": resolved.stamp_id,
        "max_scans": FLAG_SCANS,
        "max_places": FLAG_PLACES,
    }
    if connection.vendor == "postgresql":
        with tenant_statement(_tenant(resolved.tenant_id)) as (set_tenant, tenant_params):
            with connection.cursor() as cursor:
                # A scan's commit need not wait for its WAL flush: a crash may lose the last few scan
                # counts (never corrupt them), which a consumer's page can afford; the flush was most of
                # a scan's cost. SET LOCAL ends with this transaction; it, the tenant and the scan go to
                # the server in one round trip.
                cursor.execute(
                    "SET LOCAL synchronous_commit = off;\n" + set_tenant + _RECORD_SQL, params | tenant_params
                )
                return cursor.fetchone()
    with tenant_context(_tenant(resolved.tenant_id)):
        return _record_scan_portable(**params)


def _record_scan_portable(*, now, place, agent, stamp, max_scans, max_places) -> tuple[int, datetime]:
    """The same, in a few ORM statements inside the caller's transaction (SQLite, the embedded default)."""
    from django.db.models import Case, F, Value, When
    from django.db.models.functions import Coalesce

    from .models import ScanEvent, Stamp

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
    row = Stamp.objects.values_list("tenant_id", "scan_count", "first_scanned_at").get(pk=stamp)
    ScanEvent.objects.create(stamp_id=stamp, scanned_at=now, place=place, user_agent=agent)
    return row[1], row[2]
