"""The print shop's pack for a series: a CSV of every stamp and a PDF sheet of labels.

The CSV streams any size (a million rows in a few seconds). WeasyPrint lays out a few thousand labels per
minute, so the PDF covers series up to PDF_MAX_LABELS; a larger series is printed from the CSV, as print
shops do for variable data.
"""

from __future__ import annotations

import csv
import io
import tempfile

from django.core.files import File
from django.core.files.base import ContentFile

from .gs1 import digital_link
from .models import Stamp, StampSeries
from .pdf import qr_svg, render_pdf

PDF_MAX_LABELS = 5000
LABELS_PER_PAGE = 24


def _path(series: StampSeries, name: str) -> str:
    return f"tenants/{series.tenant_id}/traceability/series-{series.pk}/{name}"


def stamp_rows(series: StampSeries):
    product = series.batch.product
    rows = Stamp.objects.filter(series=series).order_by("number").values_list("number", "serial")
    for number, serial in rows.iterator(chunk_size=20_000):
        yield (
            number,
            serial,
            digital_link(series.resolver_base, gtin=product.gtin, lot=series.batch.lot, serial=serial),
        )


def build(*, series: StampSeries) -> StampSeries:
    """Writes the CSV (and the PDF when small enough) to storage under the tenant; idempotent."""
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
    if series.quantity <= PDF_MAX_LABELS:
        series.print_pdf.save(_path(series, "labels.pdf"), ContentFile(label_sheet_pdf(series)), save=False)
    series.save(update_fields=["print_csv", "print_pdf"])
    return series


def label_sheet_pdf(series: StampSeries) -> bytes:
    labels = [{"number": n, "serial": s, "qr": qr_svg(uri, box_size=6)} for n, s, uri in stamp_rows(series)]
    pages = [labels[i : i + LABELS_PER_PAGE] for i in range(0, len(labels), LABELS_PER_PAGE)]
    return render_pdf("traceability/pdf/labels.html", {"series": series, "pages": pages})
