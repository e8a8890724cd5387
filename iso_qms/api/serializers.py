"""Serializers of the ISO/QMS and award API. Related fields are narrowed per request to what the member
may reach, so another tenant's or another agency's id is simply "not found"."""

from __future__ import annotations

from functools import cached_property

from rest_framework import serializers

from tcvn_portal.tenancy.models import Organization

from ..award.models import (
    AwardApplication,
    AwardRound,
    CriteriaItem,
    CriteriaSet,
    Criterion,
    ItemScore,
    SelfAssessment,
)
from ..qms import selectors as qms_selectors
from ..qms.models import (
    AgencyProfile,
    AuditFinding,
    DocumentedInfo,
    DocumentVersion,
    InternalAudit,
    ManagementReview,
    Nonconformity,
    QmsStatusChange,
    ScopeProcedure,
    YearlyCheck,
)


def _membership(serializer):
    """The member of the request; None while the OpenAPI schema is generated (no member there)."""
    request = serializer.context.get("request")
    return getattr(getattr(request, "_request", None), "membership", None)


class EditableAgencyField(serializers.PrimaryKeyRelatedField):
    """An agency the member may edit: a focal person names only their own."""

    def get_queryset(self):
        membership = _membership(self.parent)
        return qms_selectors.editable_agencies_for(membership) if membership else AgencyProfile.objects.none()


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = QmsStatusChange
        fields = ["status", "changed_on", "note"]


class ProcedureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScopeProcedure
        fields = ["id", "code", "name", "field"]


class AgencySerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none())
    parent = serializers.PrimaryKeyRelatedField(
        queryset=AgencyProfile.objects.none(), allow_null=True, required=False
    )
    history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)
    procedures = serializers.SerializerMethodField()

    class Meta:
        model = AgencyProfile
        fields = [
            "id",
            "organization",
            "name",
            "level",
            "parent",
            "status",
            "announced_on",
            "announcement_number",
            "standard",
            "history",
            "procedures",
        ]
        read_only_fields = ["name", "status", "announced_on", "announcement_number", "standard"]

    def get_fields(self):
        fields = super().get_fields()
        fields["organization"].queryset = Organization.objects.filter(kind=Organization.Kind.AGENCY)
        fields["parent"].queryset = AgencyProfile.objects.all()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["organization"].read_only = True
        return fields

    @cached_property
    def _procedure_serializer(self) -> ProcedureSerializer:
        # One for the whole list: a serializer built per row rebuilt its fields from the model every time.
        return ProcedureSerializer()

    def get_procedures(self, agency) -> list[dict]:
        draw = self._procedure_serializer.to_representation
        return [draw(p) for p in agency.procedures.all() if p.archived_at is None]


class StatusInputSerializer(serializers.Serializer):
    status = serializers.CharField()
    changed_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    announced_on = serializers.DateField(required=False, allow_null=True, default=None)
    announcement_number = serializers.CharField(required=False, allow_blank=True, default="")


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "summary", "effective_on", "status", "approved_by", "approved_at"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    agency = EditableAgencyField()
    versions = VersionSerializer(many=True, read_only=True)
    summary = serializers.CharField(write_only=True)
    effective_on = serializers.DateField(write_only=True, required=False, allow_null=True, default=None)

    class Meta:
        model = DocumentedInfo
        fields = ["id", "agency", "kind", "code", "title", "summary", "effective_on", "versions"]


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditFinding
        fields = ["id", "audit", "grade", "clause", "description", "evidence"]
        read_only_fields = ["audit"]


class AuditSerializer(serializers.ModelSerializer):
    agency = EditableAgencyField()
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = InternalAudit
        fields = [
            "id",
            "agency",
            "planned_on",
            "performed_on",
            "scope",
            "lead_auditor",
            "auditors",
            "status",
            "findings",
        ]
        read_only_fields = ["performed_on", "status"]


class ReviewSerializer(serializers.ModelSerializer):
    agency = EditableAgencyField()

    class Meta:
        model = ManagementReview
        fields = [
            "id",
            "agency",
            "held_on",
            "chaired_by",
            "previous_actions",
            "context_changes",
            "performance",
            "resources",
            "risk_actions",
            "improvement_inputs",
            "improvement_decisions",
            "qms_changes",
            "resource_needs",
        ]
        extra_kwargs = {f: {"required": False, "allow_blank": True} for f in fields[4:]}


class NonconformitySerializer(serializers.ModelSerializer):
    agency = EditableAgencyField()

    class Meta:
        model = Nonconformity
        fields = [
            "id",
            "agency",
            "finding",
            "description",
            "detected_on",
            "root_cause",
            "corrective_action",
            "action_owner",
            "due_on",
            "action_done_on",
            "effectiveness_note",
            "effectiveness_checked_on",
            "status",
            "closed_on",
        ]
        read_only_fields = [
            "finding",
            "root_cause",
            "corrective_action",
            "action_owner",
            "due_on",
            "action_done_on",
            "effectiveness_note",
            "effectiveness_checked_on",
            "status",
            "closed_on",
        ]


class NcStepSerializer(serializers.Serializer):
    """One step of the corrective-action cycle; which fields count depends on the step."""

    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    corrective_action = serializers.CharField(required=False, allow_blank=True, default="")
    action_owner = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
    effective = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    checked_on = serializers.DateField(required=False, allow_null=True, default=None)


class YearlyCheckSerializer(serializers.ModelSerializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=AgencyProfile.objects.none())

    class Meta:
        model = YearlyCheck
        fields = [
            "id",
            "agency",
            "year",
            "checked_on",
            "team_leader",
            "team_members",
            "result",
            "conclusions",
            "recommendations",
        ]
        validators = []  # the service refuses a second check of the year in the user's words

    def get_fields(self):
        fields = super().get_fields()
        membership = _membership(self)
        if membership is not None:
            fields["agency"].queryset = qms_selectors.agencies_for(membership)
        return fields


# Award -----------------------------------------------------------------------------------------------


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriteriaItem
        fields = ["id", "code", "name", "max_points", "kind"]


class CriterionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "number", "name", "items"]


class CriteriaSetSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = CriteriaSet
        fields = ["id", "name", "legal_basis", "version", "valid_from", "status", "criteria"]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    criteria_set = serializers.PrimaryKeyRelatedField(queryset=CriteriaSet.objects.none())

    class Meta:
        model = AwardRound
        fields = [
            "id",
            "year",
            "criteria_set",
            "opens_on",
            "submission_deadline",
            "scoring_deadline",
            "award_min_points",
            "gold_min_points",
            "disagreement_points",
            "min_months_operating",
            "min_months_on_market",
        ]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        fields["criteria_set"].queryset = CriteriaSet.objects.all()
        return fields


class SelfAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelfAssessment
        fields = ["item", "text", "percent"]
        read_only_fields = fields


class SelfAssessmentInput(serializers.Serializer):
    item = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)
    percent = serializers.IntegerField(allow_null=True, required=False, default=None)


class ApplicationSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=AwardRound.objects.none())
    self_assessments = SelfAssessmentSerializer(many=True, read_only=True)
    assessments = SelfAssessmentInput(many=True, write_only=True, required=False)

    class Meta:
        model = AwardApplication
        fields = [
            "id",
            "round",
            "business",
            "applicant_type",
            "established_on",
            "product_on_market_since",
            "no_violations_declared",
            "main_products",
            "status",
            "submitted_at",
            "eligibility_note",
            "scoring_stage",
            "dossier_score",
            "site_visit_on",
            "site_visit_score",
            "consolidated_score",
            "rank_in_type",
            "feedback",
            "self_assessments",
            "assessments",
        ]
        read_only_fields = [
            "business",
            "status",
            "submitted_at",
            "eligibility_note",
            "scoring_stage",
            "dossier_score",
            "site_visit_on",
            "site_visit_score",
            "consolidated_score",
            "rank_in_type",
            "feedback",
        ]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        fields["round"].queryset = AwardRound.objects.filter(archived_at__isnull=True)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["round"].read_only = True
        return fields


class ScoreInput(serializers.Serializer):
    item = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Band percentage, 0–100 in steps of 5.")
    strengths = serializers.CharField(allow_blank=True, required=False, default="")
    opportunities = serializers.CharField(allow_blank=True, required=False, default="")


class ScoresInput(serializers.Serializer):
    scores = ScoreInput(many=True)
    submit = serializers.BooleanField(required=False, default=False)


class ConflictInput(serializers.Serializer):
    has_conflict = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True, required=False, default="")


class ItemScoreSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="assignment.member_id", read_only=True)
    points = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)

    class Meta:
        model = ItemScore
        fields = ["member", "stage", "item", "percent", "points", "strengths", "opportunities"]
