"""Excel exports, with Vietnamese headers: the table the province sends to the ministry."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

COMPLIANCE_HEADERS = [
    "STT",
    "Cơ quan",
    "Cấp",
    "Cơ quan cấp trên",
    "Tình trạng HTQLCL",
    "Ngày công bố",
    "Số văn bản công bố",
    "Số thủ tục hành chính áp dụng",
    "Đánh giá nội bộ trong năm",
    "Xem xét của lãnh đạo trong năm",
    "Điểm không phù hợp chưa khắc phục",
    "Kết quả kiểm tra hằng năm",
    "Kiến nghị",
]


def compliance_workbook(rows, *, year: int, tenant) -> bytes:
    """The yearly compliance table as an .xlsx file (dates as real dates, shown dd/mm/yyyy)."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"Năm {year}"
    sheet.append(
        [
            f"Bảng tổng hợp tình hình áp dụng, duy trì HTQLCL theo TCVN ISO 9001:2015 năm {year}"
            f" — {tenant.name}"
        ]
    )
    sheet["A1"].font = Font(bold=True)
    sheet.append(COMPLIANCE_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                row.name,
                str(row.get_level_display()),
                row.parent.name if row.parent else "",
                str(row.get_status_display()),
                row.announced_on,
                row.announcement_number,
                row.procedure_count,
                "Có" if row.audit_done else "Không",
                "Có" if row.review_done else "Không",
                row.open_nc_count,
                str(row.check_result_label) or "Chưa kiểm tra",
                row.check_recommendations or "",
            ]
        )
        sheet.cell(row=sheet.max_row, column=6).number_format = "DD/MM/YYYY"
    for column, width in zip(
        "ABCDEFGHIJKLM", (5, 40, 10, 30, 16, 12, 16, 12, 12, 12, 12, 16, 40), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
