"""Excel (.xlsx) exports: every list of the portal exports what it shows, with Vietnamese headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    text = str(value)
    # openpyxl stores a string that begins with "=" as a formula: a business could plant one in a
    # product name and have it run in an officer's spreadsheet. The apostrophe keeps it plain text.
    return "'" + text if text.startswith("=") else text


def _fill_sheet(sheet, *, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Bold frozen header row, dates as dates, numbers as numbers, columns as wide as their text."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            widths[i] = min(60, max(widths[i], len(str(value))))
            if isinstance(value, dt.date):
                sheet.cell(row=sheet.max_row, column=i + 1).number_format = (
                    "DD/MM/YYYY HH:MM" if isinstance(value, dt.datetime) else "DD/MM/YYYY"
                )
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2


def workbook_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A one-sheet workbook: bold frozen header row, dates as dates, numbers as numbers."""
    return sheets_bytes(sheets=[Sheet(title=title, headers=headers, rows=rows)])


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]


def sheets_bytes(*, sheets: Sequence[Sheet]) -> bytes:
    """A workbook of several sheets (e.g. one per domain of the annual report's figures)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _fill_sheet(workbook.create_sheet(), title=sheet.title, headers=sheet.headers, rows=sheet.rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    return _response(workbook_bytes(title=title, headers=headers, rows=rows), filename)


def xlsx_sheets_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    return _response(sheets_bytes(sheets=sheets), filename)


def _response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
