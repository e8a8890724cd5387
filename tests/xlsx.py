"""Reading back an `?export=xlsx` answer in tests: the file must open with openpyxl."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_rows(response) -> list[tuple]:
    """The rows of the workbook's first sheet, header row first; fails unless it is an .xlsx download."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(response.content)).active
    return [tuple(row) for row in sheet.values]


def column(rows: list[tuple], header: str) -> list:
    """The values under `header` (rows as returned by export_rows)."""
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]
