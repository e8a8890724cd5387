"""PDF rendering with WeasyPrint: our templates, a font with Vietnamese glyphs, and no outside fetches.

The lead will hoist a shared helper into tcvn_portal/reports; until then it lives here.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# DejaVu Sans ships with the system and carries every Vietnamese letter with its marks.
PDF_FONT_CSS = (
    '@page { size: A4; margin: 15mm; } body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }'
)


def static_only_fetcher(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """Lets WeasyPrint read our own static files and nothing else: no network, no other local file."""
    path = urlparse(url).path if url.startswith(("http://", "https://", "file://")) else url
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path[len(settings.STATIC_URL) :])
        if found:
            with open(found, "rb") as handle:
                return {"string": handle.read(), "mime_type": mimetypes.guess_type(found)[0]}
    raise ValueError(f"refused to fetch {url!r} while rendering a PDF")


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "pdf_font_css": mark_safe(PDF_FONT_CSS)})  # noqa: S308
    return HTML(string=html, url_fetcher=static_only_fetcher, base_url="/").write_pdf()
