"""What the public scan page keeps in the Django cache (Redis) and in each web process, and how a change
reaches it.

Keys carry the batch's page version (Batch.page_version), which the scan statement reads fresh with the
stamp:
  batch:<id>:<version>                   → everything the page shows about the batch and its product;
  page:<id>:<version>:<lang>:<status>    → the whole scan page as HTML in one language for a series
                                           status, drawn once with empty slots for what each scan fills in
                                           (traceability.public.page).
A change to what the page shows raises the version in the change's own transaction, so from its commit on
every scan asks for new keys: nothing is deleted, nothing stale can be served or cached again by a scan
racing the commit, and a recall of a million stamps is one row updated. Pages of older versions expire.
Stamps and their series' status are not cached: each stamp is scanned a few times in its life, and it is
found, with its series' status and the page version, by the statement that counts the scan.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import F

VIEW_TTL = 3600


def batch_key(batch_id: int, version: int) -> str:
    return f"trace:batch:{batch_id}:{version}"


def page_key(batch_id: int, version: int, language: str, series_status: str) -> str:
    return f"trace:page:{batch_id}:{version}:{language}:{series_status}"


def batch_pages_changed(batch_ids) -> None:
    """A change to what these batches' scan pages show: call it under the active tenant, in the change's
    transaction."""
    from .models import Batch

    _raise_page_versions(Batch.objects.filter(pk__in=list(batch_ids)))


def batch_page_changed(batch_id: int) -> None:
    batch_pages_changed([batch_id])


def product_pages_changed(product) -> None:
    from .models import Batch

    _raise_page_versions(Batch.objects.filter(product=product))


def _raise_page_versions(batches) -> None:
    batches.update(page_version=F("page_version") + 1)


def progress_key(series_id: int) -> str:
    return f"trace:progress:{series_id}"


def set_progress(series_id: int, done: int, total: int) -> None:
    cache.set(progress_key(series_id), (done, total), VIEW_TTL)


def get_progress(series_id: int) -> tuple[int, int] | None:
    return cache.get(progress_key(series_id))
