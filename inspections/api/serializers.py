"""Serializers of the inspections API. They type the input; services apply the rules, as on the pages.
Related ids are looked up through scoped managers, so another province's id is simply "not found"."""

from __future__ import annotations

from rest_framework import serializers

from tcvn_portal.tenancy.models import Organization

from .. import forms
from ..models import (
    ChecklistAnswer,
    ChecklistItem,
    FollowUp,
    FuelDispenserCheck,
    Inspection,
    InspectionDecision,
    InspectionPlan,
    LegalBasis,
    QuantityCheck,
    Sample,
    SamplingPlan,
    ToleranceBand,
    Violation,
)


class OfficialField(serializers.PrimaryKeyRelatedField):
    """A user id that must belong to an active official of the active tenant."""

    def get_queryset(self):
        return forms.officials_queryset()


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "year",
            "title",
            "topics",
            "sectors",
            "period_start",
            "period_end",
            "target_count",
            "status",
            "approved_by",
            "approved_at",
            "created_at",
        ]
        read_only_fields = ["status", "approved_by", "approved_at", "created_at"]


class DecisionSerializer(serializers.ModelSerializer):
    team_lead = OfficialField()
    members = OfficialField(many=True, required=False)
    establishments = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Organization.objects.filter(archived_at__isnull=True)
    )

    class Meta:
        model = InspectionDecision
        fields = [
            "id",
            "plan",
            "number",
            "issued_on",
            "issued_by",
            "legal_basis",
            "scope",
            "team_lead",
            "members",
            "establishments",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Through models hold the links; read them from there (prefetched by the viewset).
        data["members"] = [m.user_id for m in instance.team.all()]
        data["establishments"] = [t.organization_id for t in instance.targets.all()]
        return data


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistAnswer
        fields = ["item", "answer", "note"]


class InspectionSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, required=False)
    establishment_name = serializers.CharField(source="establishment.name", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "decision",
            "establishment",
            "establishment_name",
            "inspection_type",
            "visited_on",
            "place",
            "commune",
            "latitude",
            "longitude",
            "representative_name",
            "representative_title",
            "findings",
            "notes",
            "result",
            "status",
            "inspector",
            "submitted_at",
            "approved_by",
            "approved_at",
            "return_reason",
            "answers",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "inspector",
            "submitted_at",
            "approved_by",
            "approved_at",
            "return_reason",
            "created_at",
            "updated_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # An inspection stays with its decision and establishment once created.
            fields["decision"].read_only = True
            fields["establishment"].read_only = True
        return fields


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class SampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sample
        fields = [
            "id",
            "inspection",
            "code",
            "product",
            "laboratory",
            "sent_on",
            "returned_on",
            "result",
            "conformity",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["inspection"].read_only = True
        return fields


class ViolationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Violation
        fields = [
            "id",
            "inspection",
            "legal_basis",
            "description",
            "fine_amount",
            "remedial_measures",
            "sanction_number",
            "sanction_date",
            "payment",
            "paid_on",
            "created_at",
        ]
        read_only_fields = ["sanction_number", "sanction_date", "payment", "paid_on", "created_at"]


class SanctionSerializer(serializers.Serializer):
    sanction_number = serializers.CharField(max_length=60)
    sanction_date = serializers.DateField()
    payment = serializers.ChoiceField(choices=Violation.Payment.choices, default=Violation.Payment.UNPAID)
    paid_on = serializers.DateField(required=False, allow_null=True)


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "inspection",
            "violation",
            "requirement",
            "deadline",
            "status",
            "evidence",
            "closed_on",
            "created_at",
        ]
        read_only_fields = ["status", "evidence", "closed_on", "created_at"]


class CloseFollowUpSerializer(serializers.Serializer):
    evidence = serializers.CharField()
    closed_on = serializers.DateField()


class QuantityCheckSerializer(serializers.ModelSerializer):
    actual_quantities = serializers.ListField(
        child=serializers.DecimalField(max_digits=10, decimal_places=3), min_length=1
    )

    class Meta:
        model = QuantityCheck
        fields = [
            "id",
            "inspection",
            "product",
            "unit",
            "nominal_quantity",
            "lot_size",
            "actual_quantities",
            "tolerable_deficiency",
            "short_beyond_t",
            "short_beyond_2t",
            "mean",
            "mean_limit",
            "conforms",
            "created_at",
        ]
        read_only_fields = [
            "tolerable_deficiency",
            "short_beyond_t",
            "short_beyond_2t",
            "mean",
            "mean_limit",
            "conforms",
            "created_at",
        ]


class FuelCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = FuelDispenserCheck
        fields = [
            "id",
            "inspection",
            "nozzle",
            "indicated_volume",
            "standard_volume",
            "max_permissible_error",
            "error_percent",
            "conforms",
            "created_at",
        ]
        read_only_fields = ["error_percent", "conforms", "created_at"]


class LegalBasisSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = [
            "id",
            "decree",
            "article",
            "clause",
            "point",
            "description",
            "fine_min",
            "fine_max",
            "valid_from",
            "valid_until",
        ]


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "inspection_type", "text", "legal_reference", "position", "is_active"]


class ToleranceBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = ToleranceBand
        fields = ["id", "qn_above", "qn_upto", "percent", "absolute", "valid_from", "valid_until"]


class SamplingPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = SamplingPlan
        fields = [
            "id",
            "lot_min",
            "lot_max",
            "sample_size",
            "max_short_beyond_t",
            "k",
            "valid_from",
            "valid_until",
        ]
