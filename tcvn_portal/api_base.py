"""The base of every API viewset: tenant-scoped, permission-checked, archived instead of deleted."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from .api_rows import rows_of


class TenantModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update. There is no DELETE: regulated records are archived.

    Subclasses set `read_permission`, `write_permission` and `get_queryset()` over a scoped manager
    (`Model.objects`), so another tenant's id is simply not found: 404.
    """

    # Ids are integers: anything else is a 404 before any query, and the schema says so.
    lookup_value_regex = "[0-9]+"
    read_permission: str | tuple[str, ...] | None = None
    write_permission: str | tuple[str, ...] | None = None
    action_permissions: dict[str, str] = {}

    def list(self, request, *args, **kwargs):
        # ListModelMixin.list with the page's rows drawn by rows_of (the same JSON, less Python).
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is not None:
            return self.get_paginated_response(rows_of(self.get_serializer(page, many=True)))
        return Response(rows_of(self.get_serializer(list(queryset), many=True)))

    @property
    def request_membership(self):
        return self.request._request.membership

    def archive(self, instance) -> None:
        instance.archived_at = timezone.now()
        instance.save(update_fields=["archived_at"])
