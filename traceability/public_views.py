"""The consumer's scan page, reached from a stamp's GS1 Digital Link, and nothing else anonymous."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import public


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
                request, public.SCAN_TEMPLATE, {"state": "unknown", "serial": serial[:40]}, status=404
            )
        html, status = public.page(scanned)
        return HttpResponse(html, status=status)
