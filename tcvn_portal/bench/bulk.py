"""Millions of rows into RLS-protected tables, fast.

PostgreSQL refuses `COPY FROM` into a table under row-level security (even for its owner, with FORCE), so
each chunk is COPYed into a temporary staging table (no RLS, local buffers, no WAL) and moved with one
`INSERT … SELECT` while `app.tenant_id` names the chunk's tenant: the policies' WITH CHECK still holds.

Rows are given as dicts of the columns the caller cares about; every other column gets the model field's
default, so a field added to a model later does not break the seed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db import models
from django.utils import timezone

from tcvn_portal.core.text import fold
from tcvn_portal.tenancy.models import SearchableMixin

CHUNK_ROWS = 50_000
_REQUIRED = object()  # a NOT NULL column without a default: every row must give it


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date | Decimal | int | float):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _default(field: models.Field, now: dt.datetime):
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return ""
    return _REQUIRED


class Table:
    """Where one model's rows go: its columns, the defaults of the ones not given, and id reservation."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.db_table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.searchable = issubclass(model, SearchableMixin)
        self.search_fields = getattr(model, "search_fields", ())

    def defaults(self, now: dt.datetime) -> dict:
        return {
            f.attname: _default(f, now)
            for f in self.fields
            if not f.primary_key and f.attname != "search_text"
        }


def reserve_ids(cursor, table: str, count: int) -> int:
    """Takes `count` consecutive ids from the table's sequence (as its owner) and returns the first."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
    return first


def set_tenant(cursor, tenant_id: int) -> None:
    cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])


def insert(cursor, model: type[models.Model], rows: Iterable[dict], *, tenant_id: int) -> int:
    """Inserts `rows` (each with its "id", or without to let the sequence number it) for one tenant."""
    table = Table(model)
    defaults = table.defaults(timezone.now())
    defaults["tenant_id"] = tenant_id
    set_tenant(cursor, tenant_id)
    total = 0
    for chunk in _chunks(rows, CHUNK_ROWS):
        with_id = "id" in chunk[0]
        fields = [f for f in table.fields if with_id or not f.primary_key]
        columns = ", ".join(f'"{f.column}"' for f in fields)
        buffer = io.StringIO()
        for row in chunk:
            values = []
            for f in fields:
                if f.attname == "search_text" and "search_text" not in row:
                    merged = {**defaults, **row}
                    value = fold(" ".join(str(merged.get(n) or "") for n in table.search_fields))
                else:
                    value = row[f.attname] if f.attname in row else defaults[f.attname]
                    if value is _REQUIRED:
                        raise ValueError(f"{model.__name__}.{f.name} needs a value in the seed")
                values.append(_text(value))
            buffer.write("\t".join(values))
            buffer.write("\n")
        buffer.seek(0)
        stage = f'"stage_{table.db_table}{"_id" if with_id else ""}"'
        # Only the columns' types: no NOT NULL or identity to trip over, and no RLS.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608  (our own table names)
            f'SELECT {columns} FROM "{table.db_table}" WITH NO DATA'
        )
        cursor.copy_expert(f"COPY {stage} ({columns}) FROM STDIN", buffer)
        cursor.execute(
            f'INSERT INTO "{table.db_table}" ({columns}) SELECT {columns} FROM {stage}'  # noqa: S608
        )
        cursor.execute(f"TRUNCATE {stage}")
        total += len(chunk)
    return total


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
