"""The inspection minutes as a PDF, rendered by the shared helper (tcvn_portal.reports.pdf): DejaVu Sans
for Vietnamese glyphs, and a fetcher that reads only our own static files."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from tcvn_portal.reports.pdf import qr_svg, render_pdf


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
                "qr": qr_svg(url, size_mm=28),
            },
        )
