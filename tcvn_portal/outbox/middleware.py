"""A change refused because the cache could not be invalidated: 503 "try again", nothing kept.

A service that drops a cached page inside its transaction (a batch recall, a product edit) raises
tcvn_portal.cache.CacheUnavailable when Redis is down. This turns it into a clear answer instead of a
server error, and rolls the request's transaction back (TenantMiddleware would too, seeing a 503).
"""

from __future__ import annotations

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tcvn_portal.cache import CacheUnavailable

RETRY_AFTER_SECONDS = 30


class CacheUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CacheUnavailable):
            return None
        message = _(
            "The change was not saved: the portal could not refresh its cached pages just now. "
            "Nothing was changed. Please try again in a minute."
        )
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": {"status": 503, "code": "cache_unavailable", "message": message}}, status=503
            )
        else:
            response = render(
                request,
                "outbox/cache_unavailable.html",
                {"message": message, "back": request.get_full_path()},
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        # After rendering: the page's own queries must still run in this transaction.
        if transaction.get_connection().in_atomic_block:
            transaction.set_rollback(True)
        return response
