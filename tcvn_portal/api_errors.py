"""One error format for the whole API:

{"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"tax_code": ["…"]}}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) if isinstance(item, dict | list) else str(item) for item in detail]
    return [str(detail)]


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code, "code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["message"] = _("The data sent is not valid.")
        detail = exc.detail
        if isinstance(detail, dict):
            body["fields"] = _flatten(detail)
        else:
            body["fields"] = {"non_field_errors": _flatten(detail)}
    else:
        body["message"] = str(exc.detail) if hasattr(exc, "detail") else str(exc)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait)
    response.data = {"error": body}
    return response
