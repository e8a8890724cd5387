"""The one writer under every .xlsx export keeps a typed formula as text, whoever builds the rows."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from tcvn_portal.reports.excel import Sheet, sheets_bytes, workbook_bytes, xlsx_response
from tcvn_portal.reports.list_export import Column, list_export

PLANTED = '=HYPERLINK("http://x.test","Chè")'


def _cells(content: bytes):
    sheet = load_workbook(BytesIO(content)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


class _Named:
    """Not a str: its text is read through str(), as a lazy label or a model instance would be."""

    def __str__(self) -> str:
        return "=1+1"


def test_a_cell_starting_with_equals_stays_text_in_a_plain_workbook():
    cells = _cells(workbook_bytes(title="Danh sách", headers=["Tên", "Ghi chú"], rows=[[PLANTED, _Named()]]))
    assert cells[1] == [("'" + PLANTED, "s"), ("'=1+1", "s")]


def test_a_cell_starting_with_equals_stays_text_in_every_sheet_of_a_workbook():
    content = sheets_bytes(
        sheets=[
            Sheet(title="Một", headers=["Tên"], rows=[["x"]]),
            Sheet(title="Hai", headers=["Tên"], rows=[[PLANTED]]),
        ]
    )
    sheet = load_workbook(BytesIO(content))["Hai"]
    assert sheet["A2"].value == "'" + PLANTED and sheet["A2"].data_type == "s"


def test_other_values_keep_their_type_and_text_without_equals_is_untouched():
    response = xlsx_response(
        filename="x", title="Danh sách", headers=["a", "b", "c", "d"], rows=[["Cân = 5 kg", 12, None, "-3"]]
    )
    text, number, empty, minus = _cells(response.content)[1]
    assert text == ("Cân = 5 kg", "s") and number == (12, "n") and empty[0] is None and minus == ("-3", "s")


def test_list_export_keeps_its_guard_through_the_writer():
    response = list_export(
        filename="san-pham",
        title=gettext_lazy("Products"),
        columns=[Column(gettext_lazy("Name"), lambda row: row)],
        rows=[PLANTED, "Chè xanh"],
    )
    cells = _cells(response.content)
    assert [row[0] for row in cells[1:]] == [("'" + PLANTED, "s"), ("Chè xanh", "s")]
