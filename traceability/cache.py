"""What the public scan page keeps in the Django cache (Redis), and how it is dropped when it changes.

Keys chosen so that one write invalidates exactly what it changed, however many stamps it concerns:
  batch:<id>                  → everything the page shows about the batch and its product, recall included;
  page:<id>:<lang>:<status>   → the whole scan page as HTML in one language for a series status, drawn
                                once with empty slots for what each scan fills in (public.page).
Recalling a batch of a million stamps therefore deletes one key per language and status and the batch's
own. Stamps and their series' status are not cached: each stamp is scanned a few times in its life, and it
is found, with its series' status, by the same statement that counts the scan (traceability.public).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

VIEW_TTL = 3600


def batch_key(batch_id: int) -> str:
    return f"trace:batch:{batch_id}"


def page_key(batch_id: int, language: str, series_status: str) -> str:
    return f"trace:page:{batch_id}:{language}:{series_status}"


def _batch_keys(batch_id: int) -> list[str]:
    from .models import StampSeries

    return [
        batch_key(batch_id),
        *(
            page_key(batch_id, code, status)
            for code, _name in settings.LANGUAGES
            for status in StampSeries.Status.values
        ),
    ]


def progress_key(series_id: int) -> str:
    return f"trace:progress:{series_id}"


def forget_batch(batch_id: int) -> None:
    cache.delete_many(_batch_keys(batch_id))


def forget_batches(batch_ids) -> None:
    cache.delete_many([key for pk in batch_ids for key in _batch_keys(pk)])


def forget_product(product) -> None:
    forget_batches(list(product.batches.values_list("pk", flat=True)))


def set_progress(series_id: int, done: int, total: int) -> None:
    cache.set(progress_key(series_id), (done, total), VIEW_TTL)


def get_progress(series_id: int) -> tuple[int, int] | None:
    return cache.get(progress_key(series_id))
