"""The metrology API. Querysets come from the scoped, role-filtered selectors (another tenant's id is a
404); writes go through the services, so the API enforces exactly what the pages enforce."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from tcvn_portal.api_base import TenantModelViewSet

from .. import selectors, services
from ..models import Campaign, ImportJob, Instrument, InstrumentType, InstrumentTypeRule, Market
from . import serializers

VIEW_PERMS = ("metrology.view", "metrology.view_own")


class InstrumentTypeViewSet(TenantModelViewSet):
    """The instrument-type catalog with its dated rules."""

    serializer_class = serializers.InstrumentTypeSerializer
    read_permission = VIEW_PERMS
    write_permission = "metrology.catalog.change"

    def get_queryset(self):
        return selectors.active_types().prefetch_related("rules")

    def perform_create(self, serializer):
        serializer.instance = services.save_instrument_type(
            instrument_type=InstrumentType(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        services.save_instrument_type(instrument_type=instance, actor=self.request.user)


class InstrumentTypeRuleViewSet(TenantModelViewSet):
    """Dated rules: a new circular is a new rule from its date; earlier verifications keep their cycle."""

    serializer_class = serializers.InstrumentTypeRuleSerializer
    read_permission = VIEW_PERMS
    write_permission = "metrology.catalog.change"

    def get_queryset(self):
        return InstrumentTypeRule.objects.select_related("instrument_type")

    def perform_create(self, serializer):
        serializer.instance = services.save_rule(
            rule=InstrumentTypeRule(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        services.save_rule(rule=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, description="Serial, maker, model, place or seal; diacritics optional."
            ),
            OpenApiParameter("state", str, enum=["due", "overdue", "failed"]),
            OpenApiParameter("status", str, enum=Instrument.Status.values),
        ]
    )
)
class InstrumentViewSet(TenantModelViewSet):
    """The instrument register. A business sees and edits only its own instruments."""

    serializer_class = serializers.InstrumentSerializer
    read_permission = VIEW_PERMS
    write_permission = ("metrology.instrument.change", "metrology.instrument.change_own")

    def get_queryset(self):
        params = self.request.query_params
        status = params.get("status", "")
        # No join: the answer names the owner, type, commune and market by id.
        return selectors.filter_instruments(
            selectors.instruments_visible_to(self.request_membership),
            q=params.get("q", "")[:100],
            state=params.get("state", ""),
            status=status if status in Instrument.Status.values else "",
        )

    def perform_create(self, serializer):
        serializer.instance = services.register_instrument(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        membership = self.request_membership
        instance = serializer.instance
        if (
            not membership.has_perm("metrology.instrument.change")
            and instance.owner_id != membership.organization_id
        ):
            raise PermissionDenied
        services.update_instrument(actor=self.request.user, instrument=instance, **serializer.validated_data)

    @extend_schema(request=None, responses=serializers.InstrumentSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        instrument = self.get_object()
        services.retire_instrument(actor=request.user, instrument=instrument)
        return Response(self.get_serializer(instrument).data)

    action_permissions = {"retire": "metrology.instrument.change"}


class VerificationViewSet(TenantModelViewSet):
    """Verification records. Recorded once and never edited; a record made in error is annulled."""

    serializer_class = serializers.VerificationSerializer
    read_permission = VIEW_PERMS
    write_permission = "metrology.verify"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.verifications_visible_to(self.request_membership).select_related("instrument")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        instrument = data.pop("instrument")
        serializer.instance = services.record_verification(
            actor=self.request.user, instrument=instrument, **data
        )

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.VerificationSerializer)
    @action(detail=True, methods=["post"])
    def annul(self, request, pk=None):
        verification = self.get_object()
        body = serializers.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.annul_verification(
            actor=request.user, verification=verification, reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(verification).data)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.VerificationSerializer)
    @action(detail=True, methods=["post"], url_path="close-follow-up")
    def close_follow_up(self, request, pk=None):
        verification = self.get_object()
        body = serializers.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.close_follow_up(
            actor=request.user, verification=verification, note=body.validated_data["reason"]
        )
        return Response(self.get_serializer(verification).data)

    action_permissions = {"annul": "metrology.verify", "close_follow_up": "metrology.verify"}


class VerificationRequestViewSet(TenantModelViewSet):
    """A business asks for verification; the officer schedules or cancels."""

    serializer_class = serializers.VerificationRequestSerializer
    read_permission = VIEW_PERMS
    write_permission = "metrology.request"
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"schedule": "metrology.request.manage", "cancel": "metrology.request.manage"}

    def get_queryset(self):
        return selectors.requests_visible_to(self.request_membership).select_related("instrument")

    def perform_create(self, serializer):
        serializer.instance = services.request_verification(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=serializers.ScheduleSerializer, responses=serializers.VerificationRequestSerializer
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        obj = self.get_object()
        body = serializers.ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.schedule_request(actor=request.user, request=obj, **body.validated_data)
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.VerificationRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        obj = self.get_object()
        body = serializers.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.cancel_request(actor=request.user, request=obj, reason=body.validated_data["reason"])
        return Response(self.get_serializer(obj).data)


class MarketViewSet(TenantModelViewSet):
    """Markets that keep reference scales."""

    serializer_class = serializers.MarketSerializer
    read_permission = "metrology.view"
    write_permission = "metrology.market.change"

    def get_queryset(self):
        return selectors.active_markets()

    def perform_create(self, serializer):
        serializer.instance = services.save_market(
            market=Market(**serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        services.save_market(market=instance, actor=self.request.user)


class CampaignViewSet(TenantModelViewSet):
    """The yearly free verification campaigns of reference scales, with their markets."""

    serializer_class = serializers.CampaignSerializer
    read_permission = "metrology.view"
    write_permission = "metrology.market.change"

    def get_queryset(self):
        return Campaign.objects.filter(archived_at__isnull=True).prefetch_related("campaign_markets")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        markets = data.pop("markets", None)
        serializer.instance = services.save_campaign(
            campaign=Campaign(**data), actor=self.request.user, markets=markets
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        markets = data.pop("markets", None)
        instance = serializer.instance
        for name, value in data.items():
            setattr(instance, name, value)
        services.save_campaign(campaign=instance, actor=self.request.user, markets=markets)

    @extend_schema(responses=serializers.VerificationSerializer(many=True))
    # Every result of one campaign, unpaginated: the schema must not promise a page envelope.
    @action(detail=True, methods=["get"], pagination_class=None)
    def results(self, request, pk=None):
        campaign = get_object_or_404(self.get_queryset(), pk=pk)
        queryset = selectors.campaign_results(campaign)
        return Response(
            serializers.VerificationSerializer(queryset, many=True, context={"request": request}).data
        )


class ImportJobViewSet(TenantModelViewSet):
    """Register imports and their row-by-row errors (uploads go through the page)."""

    serializer_class = serializers.ImportJobSerializer
    read_permission = "metrology.import"
    write_permission = "metrology.import"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return ImportJob.objects.defer("content")
