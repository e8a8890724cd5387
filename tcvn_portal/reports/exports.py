"""Excel exports of the reports app: figures, stored reports, the outreach register, the roll-up."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .excel import Sheet, xlsx_response, xlsx_sheets_response


def figures_workbook(sections: list[dict], *, year: int, filename: str):
    """One sheet per domain: every figure of `year` beside the previous year's, then the breakdowns."""
    headers = [_("Figure"), str(year), str(year - 1)]

    def rows(section):
        for metric in section["metrics"]:
            yield metric["label"], metric["value"], metric["previous"]
        for part in section["breakdowns"]:
            yield "", "", ""
            yield part["title"], "", ""
            for row in part["rows"]:
                yield row["label"], row["value"], row["previous"]

    return xlsx_sheets_response(
        filename=filename,
        sheets=[Sheet(title=section["title"], headers=headers, rows=rows(section)) for section in sections],
    )


def reports_workbook(reports):
    return xlsx_response(
        filename="bao-cao-tong-ket",
        title=_("Annual reports"),
        headers=[
            _("Year"),
            _("Version"),
            _("Status"),
            _("Requested by"),
            _("Requested at"),
            _("Finished at"),
        ],
        rows=(
            (
                r.year,
                r.version,
                r.get_status_display(),
                r.requested_by.get_full_name() if r.requested_by else _("Schedule"),
                r.requested_at,
                r.finished_at,
            )
            for r in reports
        ),
    )


def outreach_workbook(activities):
    return xlsx_response(
        filename="tuyen-truyen-tap-huan",
        title=_("Outreach and training"),
        headers=[
            _("Date"),
            pgettext("outreach", "Kind"),
            _("Topic"),
            _("Audience"),
            _("Attendance"),
            _("Commune"),
            _("Notes"),
        ],
        rows=(
            (
                a.date,
                a.get_kind_display(),
                a.topic,
                a.audience,
                a.attendance,
                a.commune.name if a.commune else "",
                a.notes,
            )
            for a in activities.iterator(chunk_size=2000)
        ),
    )


def rollup_workbook(rollup: dict, *, filename: str):
    headers = [_("Figure"), *rollup["tenants"]]
    return xlsx_sheets_response(
        filename=filename,
        sheets=[
            Sheet(
                title=section["title"],
                headers=headers,
                rows=[(m["label"], *m["values"]) for m in section["metrics"]],
            )
            for section in rollup["sections"]
        ],
    )
