"""Small helpers shared by the QMS and award pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from tcvn_portal.core.pagination import Paginator

PAGE_SIZE = 25


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def run_service(form: forms.Form, call: Callable[[], Any]) -> Any | None:
    """Calls a service; its ValidationError lands on the form's fields (or on top) and nothing it
    started to write is kept. Returns the service's result, or None when it refused."""
    try:
        with transaction.atomic():
            return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return None


def page_of(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
