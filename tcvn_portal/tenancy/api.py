from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from tcvn_portal.api_base import TenantModelViewSet

from .models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    # Null without a commune; no `default`, which DRF would drop from partial-update answers.
    commune_name = serializers.CharField(source="commune.name", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "kind",
            "name",
            "tax_code",
            "agency_code",
            "address",
            "commune",
            "commune_name",
            "representative",
            "phone",
            "email",
            "archived_at",
            "created_at",
        ]
        read_only_fields = ["archived_at", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        if "commune" in fields:
            from .models import Commune

            fields["commune"].queryset = Commune.objects.all()
        return fields

    def validate(self, attrs):
        instance = Organization(**{**self._current_values(), **attrs})
        try:
            instance.clean()
        except Exception as exc:  # django ValidationError → DRF's
            from django.core.exceptions import ValidationError

            if isinstance(exc, ValidationError):
                raise serializers.ValidationError(exc.message_dict) from exc
            raise
        return attrs

    def _current_values(self):
        if self.instance is None:
            return {}
        return {f: getattr(self.instance, f) for f in ("kind", "tax_code", "agency_code")}


@extend_schema_view(
    list=extend_schema(
        summary=_("List organisations"),
        parameters=[
            OpenApiParameter("q", str, description="Search name, tax or agency code; diacritics optional."),
            OpenApiParameter("kind", str, enum=[k for k, _l in Organization.Kind.choices]),
        ],
    )
)
class OrganizationViewSet(TenantModelViewSet):
    """Businesses and state agencies of the active tenant."""

    serializer_class = OrganizationSerializer
    read_permission = ("organization.view", "organization.view_own")
    write_permission = "organization.change"

    def get_queryset(self):
        queryset = Organization.objects.filter(archived_at__isnull=True).select_related("commune")
        membership = self.request_membership
        if not membership.has_perm("organization.view"):
            queryset = queryset.filter(pk=membership.organization_id)
        if kind := self.request.query_params.get("kind"):
            queryset = queryset.filter(kind=kind)
        if q := self.request.query_params.get("q"):
            queryset = queryset.search(q)
        return queryset
