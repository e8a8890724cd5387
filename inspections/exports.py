"""Excel export of the filtered inspection list, headers in Vietnamese whatever the interface language."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 50_000


def _safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV/formula injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def inspections_workbook(queryset) -> bytes:
    with translation.override("vi"):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Inspections"))
        headers = [
            _("Date of visit"),
            _("Decision"),
            _("Establishment"),
            _("Tax code"),
            _("Commune"),
            _("Inspection type"),
            _("Inspector"),
            _("Result"),
            _("Violations"),
            _("Status"),
        ]
        sheet.append(headers)
        sheet.column_dimensions["C"].width = 40
        for row in queryset[:MAX_ROWS].iterator(chunk_size=1000):
            sheet.append(
                [
                    row.visited_on,
                    _safe(row.decision.number),
                    _safe(row.establishment.name),
                    row.establishment.tax_code,
                    _safe(row.commune.name) if row.commune else "",
                    str(row.get_inspection_type_display()),
                    _safe(row.inspector.full_name or row.inspector.email),
                    str(row.get_result_display()),
                    row.violation_count,
                    str(row.get_status_display()),
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def inspections_workbook_response(queryset) -> HttpResponse:
    response = HttpResponse(inspections_workbook(queryset), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="danh-sach-kiem-tra.xlsx"'
    return response
