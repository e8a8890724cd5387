"""`?export=xlsx` on a list page: the rows its filters show, all pages of them, as an Excel workbook.

The convention (docs/platform.md, "Every list exports") is held by tests/platform/test_every_list_exports.py:
a list view answers `?export=xlsx` and says so with `exportable = True`, or says why not with
`exportable = False` and `not_exportable_because`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .excel import xlsx_response

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (a lazy translation) and how a row's cell is read."""

    header: str
    value: Callable[[Any], Any]


def export_requested(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def list_export(*, filename: str, title: str, columns: Sequence[Column], rows: Iterable[Any]) -> HttpResponse:
    """The workbook of `rows`, one line per row in the order given.

    Headers, sheet title and choice labels are in Vietnamese whatever the page's language: the file is
    filed and sent on in Vietnamese. A queryset is read in chunks (`.iterator()`), never all at once.
    A cell that starts with "=" stays text (the guard is in `excel._cell`, under every export).
    """
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK_SIZE)
    with translation.override("vi"):
        # xlsx_response builds the whole file here, so every lazy label is rendered in Vietnamese.
        return xlsx_response(
            filename=filename,
            title=str(title),
            headers=[str(column.header) for column in columns],
            rows=([column.value(row) for column in columns] for row in rows),
        )
