"""API serializers. Every related-object field draws its choices from the active tenant's scoped managers,
so an id of another tenant is "does not exist", never a link across provinces."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from tcvn_portal.tenancy.models import Commune, Organization

from .. import selectors
from ..models import (
    Campaign,
    ImportJob,
    Instrument,
    InstrumentType,
    InstrumentTypeRule,
    Market,
    Verification,
    VerificationKind,
    VerificationRequest,
)


class ScopedSerializer(serializers.ModelSerializer):
    """Sets each related field's queryset from `scoped_querysets()` (evaluated per request)."""

    def scoped_querysets(self) -> dict:
        return {}

    def get_fields(self):
        fields = super().get_fields()
        for name, queryset in self.scoped_querysets().items():
            if name in fields and not fields[name].read_only:
                field = fields[name]
                (field.child_relation if hasattr(field, "child_relation") else field).queryset = queryset
        return fields

    @property
    def membership(self):
        # None while the OpenAPI schema is generated (no request, no tenant): the choices are then empty.
        request = self.context.get("request")
        return getattr(getattr(request, "_request", request), "membership", None)


@extend_schema_serializer(component_name="MetrologyInstrumentTypeRule")
class InstrumentTypeRuleSerializer(ScopedSerializer):
    class Meta:
        model = InstrumentTypeRule
        fields = [
            "id",
            "instrument_type",
            "valid_from",
            "must_verify",
            "initial",
            "periodic",
            "after_repair",
            "cycle_months",
            "mpe_notes",
            "legal_basis",
            "needs_checking",
        ]

    def scoped_querysets(self):
        return {"instrument_type": selectors.active_types()}


@extend_schema_serializer(component_name="MetrologyInstrumentType")
class InstrumentTypeSerializer(ScopedSerializer):
    rules = InstrumentTypeRuleSerializer(many=True, read_only=True)

    class Meta:
        model = InstrumentType
        fields = ["id", "code", "name", "is_reference_scale", "archived_at", "rules"]
        read_only_fields = ["archived_at"]


@extend_schema_serializer(component_name="MetrologyMarket")
class MarketSerializer(ScopedSerializer):
    class Meta:
        model = Market
        fields = ["id", "name", "commune", "address", "manager", "archived_at"]
        read_only_fields = ["archived_at"]

    def scoped_querysets(self):
        return {
            "commune": Commune.objects.all(),
            "manager": Organization.objects.filter(archived_at__isnull=True),
        }


@extend_schema_serializer(component_name="MetrologyCampaign")
class CampaignSerializer(ScopedSerializer):
    # Written as ids; read back from the campaign's market links (see to_representation).
    markets = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Market.objects.none(), required=False, write_only=True
    )

    class Meta:
        model = Campaign
        fields = ["id", "year", "name", "starts_on", "ends_on", "notes", "markets", "archived_at"]
        read_only_fields = ["archived_at"]

    def scoped_querysets(self):
        return {"markets": selectors.active_markets()}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["markets"] = [cm.market_id for cm in instance.campaign_markets.all()]
        return data


@extend_schema_serializer(component_name="MetrologyInstrument")
class InstrumentSerializer(ScopedSerializer):
    class Meta:
        model = Instrument
        fields = [
            "id",
            "owner",
            "instrument_type",
            "maker",
            "model",
            "serial",
            "accuracy_class",
            "measuring_range",
            "type_approval_number",
            "location",
            "seal_numbers",
            "commune",
            "market",
            "status",
            "last_verified_on",
            "last_result",
            "valid_until",
            "archived_at",
            "created_at",
        ]
        read_only_fields = ["last_verified_on", "last_result", "valid_until", "archived_at", "created_at"]

    def scoped_querysets(self):
        return {
            "owner": selectors.owner_choices_for(self.membership),
            "instrument_type": selectors.active_types(),
            "commune": Commune.objects.all(),
            "market": selectors.active_markets(),
        }


@extend_schema_serializer(component_name="MetrologyMeasurement")
class MeasurementSerializer(serializers.Serializer):
    point = serializers.CharField(max_length=60)
    error = serializers.CharField(max_length=30)
    mpe = serializers.CharField(max_length=30, required=False, allow_blank=True)


@extend_schema_serializer(component_name="MetrologyVerification")
class VerificationSerializer(ScopedSerializer):
    measurements = MeasurementSerializer(many=True, required=False)
    request = serializers.PrimaryKeyRelatedField(
        queryset=VerificationRequest.objects.none(), required=False, allow_null=True
    )
    certificate_state = serializers.SerializerMethodField()

    class Meta:
        model = Verification
        fields = [
            "id",
            "instrument",
            "kind",
            "planned_on",
            "verified_on",
            "verifier",
            "verifying_body",
            "result",
            "measurements",
            "stamp_number",
            "certificate_number",
            "check_code",
            "cycle_months",
            "valid_until",
            "notes",
            "request",
            "campaign",
            "follow_up_closed_at",
            "follow_up_note",
            "archived_at",
            "created_at",
            "certificate_state",
        ]
        read_only_fields = [
            "check_code",
            "cycle_months",
            "valid_until",
            "follow_up_closed_at",
            "follow_up_note",
            "archived_at",
            "created_at",
        ]

    def scoped_querysets(self):
        return {
            "instrument": Instrument.objects.filter(archived_at__isnull=True),
            "request": VerificationRequest.objects.all(),
            "campaign": Campaign.objects.filter(archived_at__isnull=True),
        }

    def get_certificate_state(self, obj) -> str:
        from ..services import certificate_state

        return certificate_state(obj)


@extend_schema_serializer(component_name="MetrologyServiceRequest")
class VerificationRequestSerializer(ScopedSerializer):
    kind = serializers.ChoiceField(choices=VerificationKind.choices)

    class Meta:
        model = VerificationRequest
        fields = [
            "id",
            "instrument",
            "kind",
            "preferred_date",
            "note",
            "status",
            "scheduled_for",
            "officer_note",
            "created_at",
        ]
        read_only_fields = ["status", "scheduled_for", "officer_note", "created_at"]

    def scoped_querysets(self):
        return {"instrument": selectors.instruments_visible_to(self.membership)}


@extend_schema_serializer(component_name="MetrologySchedule")
class ScheduleSerializer(serializers.Serializer):
    scheduled_for = serializers.DateField()
    officer_note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="MetrologyReason")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


@extend_schema_serializer(component_name="MetrologyImportJob")
class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = [
            "id",
            "file_name",
            "status",
            "total_rows",
            "processed_rows",
            "errors",
            "created_count",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields
