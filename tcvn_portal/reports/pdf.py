"""PDF rendering with WeasyPrint, shared by every document the portal prints.

WeasyPrint may fetch only our own static files (and data: URIs): a template can never make the
server read an arbitrary file or call out to the network. Fonts come from the machine (DejaVu Sans, which
carries every Vietnamese glyph) through CSS, so diacritics survive text extraction.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_PREFIX = "static:/"


class StaticOnlyFetcher:
    """Serves our static files and data: URIs to WeasyPrint; refuses everything else."""

    def __new__(cls):
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class _Fetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                path = static_path(url)
                if path is None:
                    raise ValueError(f"PDF rendering may not fetch {url!r}")
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

        return _Fetcher(allowed_protocols={"data", "static"}, allow_redirects=False)


def static_path(url: str) -> Path | None:
    """The file behind a `static:/…` or STATIC_URL address, found by the staticfiles finders."""
    if url.startswith(STATIC_PREFIX):
        relative = url.removeprefix(STATIC_PREFIX)
    elif url.startswith(settings.STATIC_URL):
        relative = url.removeprefix(settings.STATIC_URL)
    else:
        return None
    relative = relative.lstrip("/")
    if ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    return Path(found) if found else None


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Renders a Django template to PDF bytes. The template should extend "reports/pdf_base.html"."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=StaticOnlyFetcher()).write_pdf()
