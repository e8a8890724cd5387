"""Excel exports, with Vietnamese headers: the table the province sends to the ministry, and every list."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tcvn_portal.reports.excel import xlsx_response

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


# List pages: each answers ?export=xlsx with every row its filters show (not only the page), in the
# columns it shows. The headers are the pages' own translated words: Vietnamese in a Vietnamese session.


def agencies_xlsx(queryset) -> HttpResponse:
    return xlsx_response(
        filename="co-quan-iso",
        title=_("ISO 9001 in state agencies"),
        headers=[
            _("Agency"),
            _("Level"),
            _("Parent agency"),
            _("QMS status"),
            _("Announcement date"),
            _("Announcement document number"),
            _("Procedures in scope"),
            _("Open nonconformities"),
        ],
        rows=(
            (
                a.name,
                a.get_level_display(),
                a.parent.name if a.parent else "",
                a.get_status_display(),
                a.announced_on,
                a.announcement_number,
                a.procedure_count,
                a.open_nc_count,
            )
            for a in queryset
        ),
    )


def nonconformities_xlsx(queryset) -> HttpResponse:
    return xlsx_response(
        filename="diem-khong-phu-hop",
        title=_("Nonconformities"),
        headers=[
            _("Agency"),
            _("Nonconformity"),
            _("Status"),
            _("Owner of the action"),
            _("Due date"),
        ],
        rows=(
            (nc.agency.name, nc.description, nc.get_status_display(), nc.action_owner, nc.due_on)
            for nc in queryset
        ),
    )


def applications_xlsx(queryset) -> HttpResponse:
    return xlsx_response(
        filename="ho-so-giai-thuong",
        title=_("Award applications"),
        headers=[_("Year"), _("Business"), _("Type"), _("Status"), _("Consolidated score")],
        rows=(
            (
                a.round.year,
                a.business.name,
                a.get_applicant_type_display(),
                a.get_status_display(),
                a.consolidated_score,
            )
            for a in queryset
        ),
    )


def rounds_xlsx(queryset) -> HttpResponse:
    return xlsx_response(
        filename="dot-giai-thuong",
        title=_("National Quality Award"),
        headers=[
            _("Year"),
            _("Criteria set"),
            _("Applications open"),
            _("Submission deadline"),
            _("Scoring deadline"),
        ],
        rows=(
            (r.year, str(r.criteria_set), r.opens_on, r.submission_deadline, r.scoring_deadline)
            for r in queryset
        ),
    )


def criteria_sets_xlsx(queryset) -> HttpResponse:
    return xlsx_response(
        filename="bo-tieu-chi",
        title=_("Criteria sets"),
        headers=[_("Criteria set"), _("Legal basis"), _("Status")],
        rows=((str(s), s.legal_basis, s.get_status_display()) for s in queryset),
    )
