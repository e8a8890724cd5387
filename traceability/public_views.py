"""The consumer's scan page, reached from a stamp's GS1 Digital Link, and nothing else anonymous."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import public
from .models import StampSeries


@never_cache
@require_GET
def scan(request, gtin: str, lot: str, serial: str):
    """Genuine or not, in Vietnamese unless the visitor chose another language: 404 for an unknown or
    forged code, 410 for a withdrawn one; every scan of a real stamp is counted."""
    language = request.COOKIES.get("django_language") or "vi"
    with translation.override(language if language in ("vi", "en") else "vi"):
        scanned = public.scan(
            gtin=gtin,
            lot=lot,
            serial=serial,
            place=public.place_of(request.META.get("REMOTE_ADDR")),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        if scanned is None:
            return render(
                request, "traceability/scan.html", {"state": "unknown", "serial": serial[:40]}, status=404
            )
        state = {
            StampSeries.Status.ACTIVE: "recalled" if scanned.batch["recalled_at"] else "genuine",
            StampSeries.Status.WITHDRAWN: "withdrawn",
        }.get(scanned.series_status, "inactive")
        context = {
            "state": state,
            "serial": serial,
            "batch": scanned.batch,
            "details": scanned.details,
            "count": scanned.count,
            "first": scanned.first_scanned_at,
        }
        return render(request, "traceability/scan.html", context, status=410 if state == "withdrawn" else 200)
