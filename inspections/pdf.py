"""PDF rendering with WeasyPrint: DejaVu Sans for Vietnamese glyphs, and a URL fetcher that reads only our
own static files, so a template (or a value typed into a record) can never make the server fetch a URL.

The lead will hoist the helper into tcvn_portal/reports; the minutes stay here.
"""

from __future__ import annotations

import mimetypes
from xml.etree import ElementTree

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

STATIC_SCHEME = "static:"


class ForbiddenFetch(ValueError):
    pass


def static_only_fetcher(url: str, *args, **kwargs) -> dict:
    """Serve `static:<path>` from our static files; refuse every other URL (http, file, ftp …)."""
    if not url.startswith(STATIC_SCHEME):
        raise ForbiddenFetch(f"PDF rendering may not fetch {url[:80]!r}")
    relative = url[len(STATIC_SCHEME) :].lstrip("/")
    if ".." in relative.split("/"):
        raise ForbiddenFetch(f"no static file {relative!r}")
    path = finders.find(relative)
    if not path:
        raise ForbiddenFetch(f"no static file {relative!r}")
    with open(path, "rb") as handle:
        data = handle.read()
    return {"string": data, "mime_type": mimetypes.guess_type(path)[0] or "application/octet-stream"}


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=static_only_fetcher).write_pdf()


def qr_svg(data: str, size_mm: int = 28) -> str:
    """An inline SVG QR code (no file, no fetch), safe to place in HTML."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    element = image.get_image()
    element.set("width", f"{size_mm}mm")
    element.set("height", f"{size_mm}mm")
    return mark_safe(ElementTree.tostring(element, encoding="unicode"))  # noqa: S308 (our own SVG)


def render_minutes(inspection) -> bytes:
    """The inspection minutes (biên bản kiểm tra), always in Vietnamese: it is a legal document."""
    from django.urls import reverse

    from .models import ChecklistAnswer

    site = getattr(settings, "SITE_URL", "").rstrip("/")
    url = site + reverse("inspections:inspection_detail", args=[inspection.pk])
    with translation.override("vi"):
        return render_pdf(
            "inspections/pdf/minutes.html",
            {
                "inspection": inspection,
                "decision": inspection.decision,
                "team": inspection.decision.team.select_related("user"),
                "answers": ChecklistAnswer.objects.filter(inspection=inspection).select_related("item"),
                "samples": inspection.samples.filter(archived_at__isnull=True),
                "violations": inspection.violations.filter(archived_at__isnull=True).select_related(
                    "legal_basis"
                ),
                "quantity_checks": inspection.quantity_checks.filter(archived_at__isnull=True),
                "fuel_checks": inspection.fuel_checks.filter(archived_at__isnull=True),
                "followups": inspection.followups.filter(archived_at__isnull=True),
                "qr": qr_svg(url),
            },
        )
