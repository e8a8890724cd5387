"""What the public scan page keeps in the Django cache (Redis), and how it is dropped when it changes.

Three keys, so that one write invalidates exactly what it changed, however many stamps it concerns:
  stamp:<serial>  → which tenant, stamp, series and batch the serial belongs to (never changes);
  series:<id>     → the series' status (issued, active, withdrawn);
  batch:<id>      → everything the page shows about the batch and its product, recall included.
Recalling a batch of a million stamps therefore deletes one key.
"""

from __future__ import annotations

from django.core.cache import cache

STAMP_TTL = 24 * 3600
VIEW_TTL = 3600


def stamp_key(serial: str) -> str:
    return f"trace:stamp:{serial}"


def series_key(series_id: int) -> str:
    return f"trace:series:{series_id}"


def batch_key(batch_id: int) -> str:
    # v2: the view carries its rendered details; entries cached by an older release are simply not read.
    return f"trace:batch:v2:{batch_id}"


def progress_key(series_id: int) -> str:
    return f"trace:progress:{series_id}"


def forget_batch(batch_id: int) -> None:
    cache.delete(batch_key(batch_id))


def forget_batches(batch_ids) -> None:
    cache.delete_many([batch_key(pk) for pk in batch_ids])


def forget_product(product) -> None:
    forget_batches(list(product.batches.values_list("pk", flat=True)))


def forget_series(series_id: int) -> None:
    cache.delete(series_key(series_id))


def set_progress(series_id: int, done: int, total: int) -> None:
    cache.set(progress_key(series_id), (done, total), VIEW_TTL)


def get_progress(series_id: int) -> tuple[int, int] | None:
    return cache.get(progress_key(series_id))
