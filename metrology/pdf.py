"""PDF rendering with WeasyPrint (the lead will hoist the shared part into tcvn_portal/reports).

Vietnamese needs a font with its glyphs: the stylesheet names DejaVu Sans, found through fontconfig on
the machine. WeasyPrint fetches nothing but our own static files: any other URL in a template (a CDN, a
file path, an internal address) is refused instead of being fetched while rendering.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
import qrcode.image.svg
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import override

STATIC_PREFIX = "static:/"


def static_only_fetcher(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """Serves `static:/<path>` from our static files; refuses every other URL."""
    from weasyprint.urls import URLFetchingError

    if not url.startswith(STATIC_PREFIX):
        raise URLFetchingError(f"refused to fetch {url!r}: only our static files are read")
    relative = url[len(STATIC_PREFIX) :].lstrip("/")
    found = finders.find(relative)
    if not found or ".." in Path(relative).parts:
        raise URLFetchingError(f"no static file {relative!r}")
    return {"string": Path(found).read_bytes(), "filename": Path(found).name}


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=static_only_fetcher).write_pdf()


def qr_svg(data: str, *, box_size: int = 10) -> str:
    """An inline SVG QR code (no image file, no fetch)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=2)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308 - our own generated markup, no user HTML


def certificate_pdf(verification, *, check_url: str, tenant) -> bytes:
    """The verification certificate (giấy chứng nhận kiểm định) with the QR code of its public check page,
    always in Vietnamese: it is a legal document of a Vietnamese authority."""
    with override("vi"):
        return render_pdf(
            "metrology/certificate_pdf.html",
            {
                "verification": verification,
                "instrument": verification.instrument,
                "tenant": tenant,
                "check_url": check_url,
                "qr": qr_svg(check_url),
            },
        )
