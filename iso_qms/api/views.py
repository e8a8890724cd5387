"""The ISO/QMS and award API. Querysets come from the role-filtered selectors (another tenant's id, or
another agency's for a focal person, is a 404); writes go through the services, so the API enforces
exactly what the pages enforce."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from tcvn_portal.api_base import TenantModelViewSet

from ..award import selectors as award_selectors
from ..award import services as award_services
from ..qms import selectors as qms_selectors
from ..qms import services as qms_services
from ..qms.models import ScopeProcedure
from . import serializers

QMS_VIEW = ("qms.view_all", "qms.view_own")
QMS_CHANGE = ("qms.change_all", "qms.change_own")
READ_AND_CREATE = ["get", "post", "head", "options"]


class QmsViewSet(TenantModelViewSet):
    read_permission = QMS_VIEW
    write_permission = QMS_CHANGE
    http_method_names = READ_AND_CREATE

    @property
    def membership(self):
        return self.request_membership

    def editable(self, agency):
        if not qms_selectors.membership_edits_agency(self.membership, agency):
            raise PermissionDenied
        return agency


class AgencyViewSet(QmsViewSet):
    """Agencies with their QMS status, history and scope. Creating or changing one is the quality
    officer's; moving the status along is open to whoever edits the agency."""

    serializer_class = serializers.AgencySerializer
    write_permission = "qms.agency.manage"
    action_permissions = {"status": QMS_CHANGE}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # No join with the organisation: the answer names it by id, and the agency keeps its own name.
        return qms_selectors.agencies_for(self.membership).prefetch_related(
            "status_changes",
            Prefetch(
                "procedures", queryset=ScopeProcedure.objects.filter(archived_at__isnull=True).order_by("pk")
            ),
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = qms_services.create_agency_profile(
            organization=data["organization"],
            level=data["level"],
            parent=data.get("parent"),
            actor=self.request.user,
        )

    def perform_update(self, serializer):
        agency = serializer.instance
        data = serializer.validated_data
        qms_services.update_agency_profile(
            agency=agency,
            level=data.get("level", agency.level),
            parent=data.get("parent", agency.parent),
            actor=self.request.user,
        )

    @extend_schema(request=serializers.StatusInputSerializer, responses=serializers.AgencySerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        agency = self.editable(self.get_object())
        data = serializers.StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        qms_services.change_qms_status(agency=agency, actor=request.user, **data.validated_data)
        return Response(
            serializers.AgencySerializer(self.get_object(), context=self.get_serializer_context()).data
        )


class DocumentViewSet(QmsViewSet):
    serializer_class = serializers.DocumentSerializer

    def get_queryset(self):
        return qms_selectors.documents_for(self.membership).prefetch_related("versions")

    def perform_create(self, serializer):
        serializer.instance = qms_services.create_document(
            actor=self.request.user, **serializer.validated_data
        )


class AuditViewSet(QmsViewSet):
    """Internal audits with their graded findings; a major or minor finding opens a nonconformity."""

    serializer_class = serializers.AuditSerializer

    def get_queryset(self):
        return qms_selectors.audits_for(self.membership).prefetch_related("findings")

    def perform_create(self, serializer):
        serializer.instance = qms_services.plan_audit(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=serializers.FindingSerializer, responses=serializers.FindingSerializer)
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        audit = self.get_object()
        self.editable(audit.agency)
        data = serializers.FindingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = qms_services.record_finding(audit=audit, actor=request.user, **data.validated_data)
        return Response(serializers.FindingSerializer(finding).data, status=201)


class ReviewViewSet(QmsViewSet):
    serializer_class = serializers.ReviewSerializer

    def get_queryset(self):
        return qms_selectors.reviews_for(self.membership)

    def perform_create(self, serializer):
        serializer.instance = qms_services.record_review(actor=self.request.user, **serializer.validated_data)


NC_STEPS = {
    "root-cause": (qms_services.record_root_cause, ("root_cause",)),
    "action": (qms_services.plan_corrective_action, ("corrective_action", "action_owner", "due_on")),
    "done": (qms_services.complete_action, ("done_on",)),
    "check": (qms_services.check_effectiveness, ("effective", "note", "checked_on")),
}


class NonconformityViewSet(QmsViewSet):
    """Nonconformities and their cycle: POST …/step/{root-cause|action|done|check}/."""

    serializer_class = serializers.NonconformitySerializer
    action_permissions = {"step": QMS_CHANGE}

    def get_queryset(self):
        return qms_selectors.nonconformities_for(self.membership)

    def perform_create(self, serializer):
        serializer.instance = qms_services.open_nonconformity(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=serializers.NcStepSerializer,
        responses=serializers.NonconformitySerializer,
        # Only these four steps have a route; the schema says so instead of promising any string.
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(NC_STEPS))],
    )
    @action(detail=True, methods=["post"], url_path=r"step/(?P<step>root-cause|action|done|check)")
    def step(self, request, pk=None, step=""):
        nc = self.get_object()
        self.editable(nc.agency)
        data = serializers.NcStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service, names = NC_STEPS[step]
        if (
            "done_on" in names
            and data.validated_data["done_on"] is None
            or "checked_on" in names
            and data.validated_data["checked_on"] is None
        ):
            raise drf_serializers.ValidationError({names[-1]: ["This field is required."]})
        service(nc=nc, actor=request.user, **{n: data.validated_data[n] for n in names})
        return Response(self.get_serializer(nc).data)


class YearlyCheckViewSet(QmsViewSet):
    serializer_class = serializers.YearlyCheckSerializer
    write_permission = "qms.check"

    def get_queryset(self):
        return qms_selectors.checks_for(self.membership)

    def perform_create(self, serializer):
        serializer.instance = qms_services.record_yearly_check(
            actor=self.request.user, **serializer.validated_data
        )


# Award -----------------------------------------------------------------------------------------------


class CriteriaSetViewSet(TenantModelViewSet):
    serializer_class = serializers.CriteriaSetSerializer
    read_permission = "award.view"
    write_permission = "award.criteria.change"
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return award_selectors.criteria_sets().prefetch_related("criteria__items")


class RoundViewSet(TenantModelViewSet):
    serializer_class = serializers.RoundSerializer
    read_permission = "award.view"
    write_permission = "award.manage"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return award_selectors.rounds()

    def _save(self, serializer, award_round=None):
        data = {
            **(
                {}
                if award_round is None
                else {
                    f: getattr(award_round, f) for f in serializers.RoundSerializer.Meta.fields if f != "id"
                }
            ),
            **serializer.validated_data,
        }
        serializer.instance = award_services.save_round(
            award_round=award_round, actor=self.request.user, **data
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


class ApplicationViewSet(TenantModelViewSet):
    """Award applications: a business creates and fills its own draft, then submits it before the deadline;
    council members declare conflicts and post their scores."""

    serializer_class = serializers.ApplicationSerializer
    read_permission = "award.view"
    write_permission = "award.apply"
    action_permissions = {"submit": "award.apply", "scores": "award.score", "conflict": "award.score"}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # The answer names the round and the business by id: the pages' joins with them are not needed.
        return (
            award_selectors.applications_for(self.request_membership)
            .select_related(None)
            .prefetch_related("self_assessments")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        assessments = data.pop("assessments", [])
        with transaction.atomic():
            application = award_services.start_application(
                award_round=data.pop("round"),
                business=award_selectors.business_of(self.request_membership),
                applicant_type=data.pop("applicant_type", ""),
                actor=self.request.user,
            )
            serializer.instance = self._update(application, data, assessments)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        assessments = data.pop("assessments", [])
        serializer.instance = self._update(serializer.instance, data, assessments)

    def _update(self, application, answers, assessments):
        return award_services.update_application(
            application=application,
            actor=self.request.user,
            answers=answers,
            assessments={a["item"]: (a["text"], a["percent"]) for a in assessments},
        )

    @extend_schema(request=None, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = award_services.submit_application(application=self.get_object(), actor=request.user)
        return Response(self.get_serializer(application).data)

    def _assignment(self):
        assignment = award_selectors.assignment_of(self.get_object(), self.request.user)
        if assignment is None:
            raise PermissionDenied
        return assignment

    @extend_schema(request=serializers.ConflictInput, responses=None)
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        data = serializers.ConflictInput(data=request.data)
        data.is_valid(raise_exception=True)
        award_services.declare_conflict(
            assignment=self._assignment(),
            actor=request.user,
            has_conflict=data.validated_data["has_conflict"],
            note=data.validated_data["note"],
        )
        return Response({"declared": True})

    @extend_schema(request=serializers.ScoresInput, responses=serializers.ItemScoreSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def scores(self, request, pk=None):
        """GET: the scores the member may see (the others' only after submitting). POST: save scores, and
        submit them with "submit": true."""
        application = self.get_object()
        if request.method == "POST":
            assignment = self._assignment()
            data = serializers.ScoresInput(data=request.data)
            data.is_valid(raise_exception=True)
            with transaction.atomic():
                award_services.save_scores(
                    assignment=assignment,
                    actor=request.user,
                    scores={
                        s["item"]: (s["percent"], s["strengths"], s["opportunities"])
                        for s in data.validated_data["scores"]
                    },
                )
                if data.validated_data["submit"]:
                    award_services.submit_scores(assignment=assignment, actor=request.user)
        visible = award_selectors.visible_scores(application, self.request_membership)
        return Response(serializers.ItemScoreSerializer(visible, many=True).data)
