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
        resolved = public.resolve(gtin=gtin, lot=lot, serial=serial)
        if resolved is None:
            return render(
                request, "traceability/scan.html", {"state": "unknown", "serial": serial[:40]}, status=404
            )
        count, first = public.record_scan(
            resolved,
            place=public.place_of(request.META.get("REMOTE_ADDR")),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        state = {
            StampSeries.Status.ACTIVE: "recalled" if resolved.batch["recalled_at"] else "genuine",
            StampSeries.Status.WITHDRAWN: "withdrawn",
        }.get(resolved.series_status, "inactive")
        context = {
            "state": state,
            "serial": serial,
            "batch": resolved.batch,
            "details": resolved.details,
            "count": count,
            "first": first,
        }
        return render(request, "traceability/scan.html", context, status=410 if state == "withdrawn" else 200)
