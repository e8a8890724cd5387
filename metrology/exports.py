"""Excel exports with Vietnamese headers (the province files them as they are)."""

from __future__ import annotations

import io

from django.db.models import QuerySet

from .models import Instrument

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INSTRUMENT_HEADERS = (
    "STT",
    "Loại phương tiện đo",
    "Chủ sở hữu",
    "Mã số thuế",
    "Nhà sản xuất",
    "Kiểu",
    "Số sản xuất",
    "Cấp chính xác",
    "Phạm vi đo",
    "Số phê duyệt mẫu",
    "Nơi lắp đặt",
    "Số niêm phong",
    "Xã/phường",
    "Trạng thái",
    "Ngày kiểm định gần nhất",
    "Kết quả",
    "Hiệu lực đến",
)


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def instruments_workbook(queryset: QuerySet[Instrument]) -> bytes:
    """The register as filtered on the page, streamed row by row (write-only workbook)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Phuong tien do")
    sheet.append(list(INSTRUMENT_HEADERS))
    for number, item in enumerate(queryset.iterator(chunk_size=1000), start=1):
        sheet.append(
            [
                number,
                item.instrument_type.name,
                item.owner.name,
                item.owner.tax_code,
                item.maker,
                item.model,
                item.serial,
                item.accuracy_class,
                item.measuring_range,
                item.type_approval_number,
                item.location,
                item.seal_numbers,
                item.commune.name if item.commune else "",
                str(item.get_status_display()),
                _date(item.last_verified_on),
                str(item.get_last_result_display()) if item.last_result else "",
                _date(item.valid_until),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
