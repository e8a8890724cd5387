"""The inspections API: every entity of SPEC §3.1, written through the same services as the pages.

Querysets start from scoped managers, so another province's id answers 404; there is no DELETE.
Service refusals (django ValidationError) become 400 responses in the platform's error format.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tcvn_portal.api_base import TenantModelViewSet

from .. import forms, selectors, services
from ..models import (
    ChecklistItem,
    FollowUp,
    FuelDispenserCheck,
    InspectionType,
    LegalBasis,
    QuantityCheck,
    Sample,
    SamplingPlan,
    ToleranceBand,
    Violation,
)
from . import serializers as s


class _Base(TenantModelViewSet):
    read_permission = "inspection.view"
    write_permission = "inspection.change"

    @property
    def actor(self):
        return self.request.user

    def require_team(self, inspection) -> None:
        if not selectors.may_change_inspection(self.request_membership, self.actor, inspection):
            raise PermissionDenied


class _CreateReadViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Records that are added and then changed only through named actions."""

    read_permission = "inspection.view"
    write_permission = "inspection.change"
    action_permissions: dict[str, str] = {}

    @property
    def request_membership(self):
        return self.request._request.membership

    def require_team(self, inspection) -> None:
        if not selectors.may_change_inspection(self.request_membership, self.request.user, inspection):
            raise PermissionDenied


@extend_schema_view(list=extend_schema(summary="List annual inspection plans"))
class PlanViewSet(_Base):
    serializer_class = s.PlanSerializer
    write_permission = "inspection.plan"
    action_permissions = {"submit": "inspection.plan", "approve": "inspection.plan_approve"}

    def get_queryset(self):
        return selectors.plans()

    def perform_create(self, serializer):
        serializer.instance = services.save_plan(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.save_plan(
            actor=self.actor, instance=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=None, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan = services.submit_plan(plan=self.get_object(), actor=request.user)
        return Response(self.get_serializer(plan).data)

    @extend_schema(request=None, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = services.approve_plan(plan=self.get_object(), actor=request.user)
        return Response(self.get_serializer(plan).data)


class DecisionViewSet(_Base):
    serializer_class = s.DecisionSerializer
    write_permission = "inspection.plan"

    def get_queryset(self):
        return selectors.decisions().prefetch_related("team", "targets")

    def _save(self, serializer, instance=None):
        data = dict(serializer.validated_data)
        if instance is not None:
            # A partial update keeps the links it does not mention.
            data.setdefault("members", [m.user for m in instance.team.select_related("user")])
            data.setdefault(
                "establishments", [t.organization for t in instance.targets.select_related("organization")]
            )
        decision = services.save_decision(
            actor=self.actor,
            instance=instance,
            members=data.pop("members", []),
            establishments=data.pop("establishments", []),
            **data,
        )
        serializer.instance = self.get_queryset().get(pk=decision.pk)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


@extend_schema_view(
    list=extend_schema(
        summary="List inspections",
        parameters=[
            OpenApiParameter(
                "q", str, description="Search establishment, place, findings; diacritics optional."
            ),
            OpenApiParameter("date_from", str, description="Visited on or after (YYYY-MM-DD)."),
            OpenApiParameter("date_to", str, description="Visited on or before (YYYY-MM-DD)."),
            OpenApiParameter("inspection_type", str, enum=InspectionType.values),
            OpenApiParameter("result", str, enum=["pending", "compliant", "violation"]),
            OpenApiParameter("status", str, enum=["draft", "submitted", "approved"]),
            OpenApiParameter("inspector", int),
            OpenApiParameter("commune", int),
        ],
    )
)
class InspectionViewSet(_Base):
    serializer_class = s.InspectionSerializer
    action_permissions = {"approve": "inspection.approve", "return_to_inspector": "inspection.approve"}

    def get_queryset(self):
        filters = forms.InspectionFilterForm(self.request.query_params or None).filters()
        # The answer names the decision, commune and inspector by id and counts no violations: of the
        # list page's joins and counts it needs only the establishment's name.
        return (
            selectors.inspections(filters, count_violations=False)
            .select_related(None)
            .select_related("establishment")
            .prefetch_related("answers")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        answers = data.pop("answers", None)
        decision, establishment = data.pop("decision"), data.pop("establishment")
        if not (self.request_membership.role == "manager" or selectors.is_on_team(self.actor, decision)):
            raise PermissionDenied
        inspection = services.create_inspection(
            actor=self.actor, decision=decision, establishment=establishment, **data
        )
        if answers:
            services.update_inspection(
                actor=self.actor, inspection=inspection, answers=self._answers(answers)
            )
        serializer.instance = self.get_queryset().get(pk=inspection.pk)

    def perform_update(self, serializer):
        self.require_team(serializer.instance)
        data = dict(serializer.validated_data)
        answers = data.pop("answers", None)
        services.update_inspection(
            actor=self.actor,
            inspection=serializer.instance,
            answers=self._answers(answers) if answers is not None else None,
            **data,
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @staticmethod
    def _answers(rows) -> dict[int, tuple[str, str]]:
        return {row["item"].pk: (row.get("answer", ""), row.get("note", "")) for row in rows}

    @extend_schema(request=None, responses=s.InspectionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        inspection = self.get_object()
        self.require_team(inspection)
        services.submit_inspection(actor=request.user, inspection=inspection)
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(request=None, responses=s.InspectionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        inspection = self.get_object()
        services.approve_inspection(actor=request.user, inspection=inspection)
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(request=s.ReturnSerializer, responses=s.InspectionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_inspector(self, request, pk=None):
        inspection = self.get_object()
        body = s.ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.return_inspection(
            actor=request.user, inspection=inspection, reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)


class SampleViewSet(_Base):
    serializer_class = s.SampleSerializer

    def get_queryset(self):
        return Sample.objects.filter(archived_at__isnull=True).order_by("pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        inspection = data.pop("inspection")
        self.require_team(inspection)
        serializer.instance = services.save_sample(actor=self.actor, inspection=inspection, **data)

    def perform_update(self, serializer):
        self.require_team(serializer.instance.inspection)
        serializer.instance = services.save_sample(
            actor=self.actor, instance=serializer.instance, **serializer.validated_data
        )


class ViolationViewSet(_CreateReadViewSet):
    serializer_class = s.ViolationSerializer
    action_permissions = {"sanction": "inspection.change"}

    def get_queryset(self):
        return Violation.objects.filter(archived_at__isnull=True).order_by("pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.require_team(data["inspection"])
        serializer.instance = services.add_violation(actor=self.request.user, **data)

    @extend_schema(request=s.SanctionSerializer, responses=s.ViolationSerializer)
    @action(detail=True, methods=["post"])
    def sanction(self, request, pk=None):
        violation = self.get_object()
        self.require_team(violation.inspection)
        body = s.SanctionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.record_sanction(actor=request.user, violation=violation, **body.validated_data)
        return Response(self.get_serializer(violation).data)


class FollowUpViewSet(_CreateReadViewSet):
    serializer_class = s.FollowUpSerializer

    def get_queryset(self):
        return FollowUp.objects.filter(archived_at__isnull=True).order_by("deadline", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.require_team(data["inspection"])
        serializer.instance = services.add_followup(actor=self.request.user, **data)

    @extend_schema(request=s.CloseFollowUpSerializer, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        followup = self.get_object()
        self.require_team(followup.inspection)
        body = s.CloseFollowUpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.close_followup(actor=request.user, followup=followup, **body.validated_data)
        return Response(self.get_serializer(followup).data)


class QuantityCheckViewSet(_CreateReadViewSet):
    serializer_class = s.QuantityCheckSerializer

    def get_queryset(self):
        return QuantityCheck.objects.filter(archived_at__isnull=True).order_by("pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.require_team(data["inspection"])
        serializer.instance = services.add_quantity_check(actor=self.request.user, **data)


class FuelCheckViewSet(_CreateReadViewSet):
    serializer_class = s.FuelCheckSerializer

    def get_queryset(self):
        return FuelDispenserCheck.objects.filter(archived_at__isnull=True).order_by("pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self.require_team(data["inspection"])
        serializer.instance = services.add_fuel_check(actor=self.request.user, **data)


def _catalog_viewset(model, serializer_class, save, doc: str):
    class CatalogViewSet(_Base):
        __doc__ = doc
        write_permission = "inspection.catalog"

        def get_queryset(self):
            return model.objects.all()

        def perform_create(self, serializer):
            serializer.instance = save(actor=self.actor, **serializer.validated_data)

        def perform_update(self, serializer):
            serializer.instance = save(
                actor=self.actor, instance=serializer.instance, **serializer.validated_data
            )

    CatalogViewSet.serializer_class = serializer_class
    CatalogViewSet.__name__ = CatalogViewSet.__qualname__ = f"{model.__name__}ViewSet"
    return CatalogViewSet


LegalBasisViewSet = _catalog_viewset(
    LegalBasis,
    s.LegalBasisSerializer,
    services.save_legal_basis,
    "The legal-basis catalog: sanctionable acts and their fine ranges.",
)
ChecklistItemViewSet = _catalog_viewset(
    ChecklistItem,
    s.ChecklistItemSerializer,
    services.save_checklist_item,
    "Checklist questions by inspection type.",
)
ToleranceBandViewSet = _catalog_viewset(
    ToleranceBand,
    s.ToleranceBandSerializer,
    services.save_tolerance_band,
    "OIML R 87 tolerable deficiencies by nominal quantity.",
)
SamplingPlanViewSet = _catalog_viewset(
    SamplingPlan,
    s.SamplingPlanSerializer,
    services.save_sampling_plan,
    "OIML R 87 sampling plans by lot size.",
)
