"""The print shop's pack for a series: a CSV of every stamp and PDF label sheets of any size.

The CSV streams first and is saved at once (a million rows in seconds), so the print shop can start from
it. The labels are drawn directly with reportlab: each QR code is computed once with a fixed mask (the
eight-mask search is most of a QR library's time and a printed label does not need the best mask) and
drawn as one path of its dark runs, and the text uses DejaVu Sans, embedded with its Unicode map so the
Vietnamese stays extractable. A series of up to CHUNK labels gets one PDF; a larger one gets a zip of one
PDF per CHUNK labels beside the CSV, written chunk by chunk to a temporary file with progress in the cache,
so memory stays flat whatever the size.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from itertools import islice

import qrcode
from django.core.cache import cache
from django.core.files import File
from django.utils import translation
from django.utils.translation import gettext as _
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .cache import VIEW_TTL
from .gs1 import digital_link
from .models import Stamp, StampSeries

CHUNK = 10_000
COLUMNS, ROWS = 4, 6
LABELS_PER_PAGE = COLUMNS * ROWS
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
QR_SIZE = 28 * mm
# Any of the eight masks is valid; fixing one skips the search (scanners read them all alike).
QR_MASK = 2


def _path(series: StampSeries, name: str) -> str:
    return f"tenants/{series.tenant_id}/traceability/series-{series.pk}/{name}"


def progress_key(series_id: int) -> str:
    return f"trace:pack:{series_id}"


def progress(series_id: int) -> tuple[int, int] | None:
    """(labels drawn, labels in the series) while the label sheets are being built, else None."""
    return cache.get(progress_key(series_id))


def stamp_rows(series: StampSeries) -> Iterator[tuple[int, str, str]]:
    product = series.batch.product
    rows = Stamp.objects.filter(series=series).order_by("number").values_list("number", "serial")
    for number, serial in rows.iterator(chunk_size=20_000):
        yield (
            number,
            serial,
            digital_link(series.resolver_base, gtin=product.gtin, lot=series.batch.lot, serial=serial),
        )


def build(*, series: StampSeries) -> StampSeries:
    """Writes the CSV, then the label sheets, to storage under the tenant; idempotent (a rerun rewrites).
    The worker runs the two as separate tasks (tasks.build_print_pack), so the CSV is out first."""
    build_csv(series=series)
    return build_labels(series=series)


def build_csv(*, series: StampSeries) -> StampSeries:
    """The CSV of the series' codes and links (a million rows in under a minute): the printer's own input."""
    series = StampSeries.objects.select_related("batch__product__owner").get(pk=series.pk)
    with tempfile.TemporaryFile("w+b") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(["so_thu_tu", "ma_tem", "duong_dan"])
        writer.writerows(stamp_rows(series))
        text.flush()
        raw.seek(0)
        series.print_csv.save(_path(series, "stamps.csv"), File(raw), save=False)
        text.detach()
    series.save(update_fields=["print_csv"])
    return series


def build_labels(*, series: StampSeries) -> StampSeries:
    """The label sheets: one PDF, or a zip of PDFs and the CSV for a series over CHUNK labels. They are
    printed for Vietnamese buyers, whatever language the worker happens to be in."""
    with translation.override("vi"):
        series = StampSeries.objects.select_related("batch__product__owner").get(pk=series.pk)
        with tempfile.TemporaryFile("w+b") as out:
            if series.quantity <= CHUNK:
                name = "labels.pdf"
                write_labels(out, series, stamp_rows(series))
            else:
                name = "labels.zip"
                write_label_zip(out, series)
            out.seek(0)
            series.print_pdf.save(_path(series, name), File(out), save=False)
        series.save(update_fields=["print_pdf"])
    cache.delete(progress_key(series.pk))
    return series


def write_label_zip(out, series: StampSeries) -> None:
    """One PDF per CHUNK labels and the CSV, in a zip (PDFs are already compressed: stored as they are)."""
    rows = stamp_rows(series)
    done = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as pack:
        part = 1
        while chunk := list(islice(rows, CHUNK)):
            with pack.open(f"labels-{part:04d}.pdf", "w", force_zip64=True) as member:
                write_labels(member, series, chunk)
            done += len(chunk)
            cache.set(progress_key(series.pk), (done, series.quantity), VIEW_TTL)
            part += 1
        with series.print_csv.open("rb") as source, pack.open("stamps.csv", "w", force_zip64=True) as member:
            while block := source.read(1 << 20):
                member.write(block)


def _register_fonts() -> None:
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", f"{FONT_DIR}/DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVuSansMono", f"{FONT_DIR}/DejaVuSansMono.ttf"))


def qr_modules(data: str, versions: dict[int, int] | None = None) -> list[list[bool]]:
    """The QR matrix of `data`. `versions` remembers the size found per length of data: the links of one
    series differ only in their fixed-length serial, so the size search runs once, not per label."""
    known = versions.get(len(data)) if versions is not None else None
    code = qrcode.QRCode(version=known, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    code.add_data(data)
    try:
        code.make(fit=known is None)
    except DataOverflowError:  # same length, denser encoding: search the size after all
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
        code.add_data(data)
        code.make(fit=True)
    if versions is not None and known is None:
        versions[len(data)] = code.version
    return code.modules


def _draw_qr(canvas: Canvas, modules: list[list[bool]], x: float, y: float, size: float) -> None:
    """The dark modules as one filled path of horizontal runs, in module units (short integer operators)."""
    count = len(modules)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / count, size / count)
    path = canvas.beginPath()
    for row_index, row in enumerate(modules):
        top = count - 1 - row_index
        column = 0
        while column < count:
            if row[column]:
                start = column
                while column < count and row[column]:
                    column += 1
                path.rect(start, top, column - start, 1)
            else:
                column += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def write_labels(out, series: StampSeries, rows: Iterable[tuple[int, str, str]]) -> None:
    """A4 sheets of 4 × 6 labels: QR code, serial, and 'Traceability stamp · product · number'."""
    _register_fonts()
    width, height = A4
    margin = 8 * mm
    cell_w = (width - 2 * margin) / COLUMNS
    cell_h = (height - 2 * margin) / ROWS
    caption = f"{_('Traceability stamp')} · {series.batch.product.name[:28]}"
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle(caption)
    canvas.setLineWidth(0.2 * mm)
    canvas.setDash(2, 2)
    canvas.setStrokeGray(0.6)
    on_page = 0
    versions: dict[int, int] = {}
    for number, serial, uri in rows:
        if on_page == LABELS_PER_PAGE:
            canvas.showPage()
            canvas.setLineWidth(0.2 * mm)
            canvas.setDash(2, 2)
            canvas.setStrokeGray(0.6)
            on_page = 0
        column, row = on_page % COLUMNS, on_page // COLUMNS
        left = margin + column * cell_w
        bottom = height - margin - (row + 1) * cell_h
        canvas.rect(left + 1 * mm, bottom + 1 * mm, cell_w - 2 * mm, cell_h - 2 * mm, stroke=1, fill=0)
        centre = left + cell_w / 2
        qr_bottom = bottom + cell_h - QR_SIZE - 4 * mm
        _draw_qr(canvas, qr_modules(uri, versions), centre - QR_SIZE / 2, qr_bottom, QR_SIZE)
        canvas.setFont("DejaVuSansMono", 7.5)
        canvas.drawCentredString(centre, bottom + 9 * mm, serial)
        canvas.setFont("DejaVuSans", 6)
        canvas.drawCentredString(centre, bottom + 5 * mm, f"{caption} · {number}")
        on_page += 1
    canvas.save()
