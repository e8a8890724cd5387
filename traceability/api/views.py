from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from tcvn_portal.api_base import TenantModelViewSet

from .. import epcis, selectors, services
from .serializers import BatchSerializer, ProductSerializer, StageSerializer, _as_drf

VIEW = ("trace.view", "trace.view_own")


class ProductViewSet(TenantModelViewSet):
    """The business's products (officials see every product of the province)."""

    serializer_class = ProductSerializer
    read_permission = VIEW
    write_permission = "trace.change_own"

    def get_queryset(self):
        return selectors.products_visible_to(self.request_membership).select_related("owner")


class BatchViewSet(TenantModelViewSet):
    """Batches with their production stages: a business's own system pushes them here with its token."""

    serializer_class = BatchSerializer
    read_permission = VIEW
    write_permission = "trace.change_own"
    action_permissions = {"add_stage": "trace.change_own"}

    def get_queryset(self):
        return selectors.batches_visible_to(self.request_membership).prefetch_related("stages")

    @extend_schema(request=StageSerializer, responses={201: StageSerializer})
    @action(detail=True, methods=["post"], url_path="stages")
    def add_stage(self, request, pk=None):
        batch = self.get_object()
        serializer = StageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            stage = services.add_stage(batch=batch, actor=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        return Response(StageSerializer(stage).data, status=201)

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="EPCIS 2.0 JSON-LD document")}
    )
    @action(detail=True, methods=["get"])
    def epcis(self, request, pk=None):
        batch = self.get_object()
        return Response(
            epcis.batch_document(batch, resolver_base=request.build_absolute_uri("/").rstrip("/"))
        )
