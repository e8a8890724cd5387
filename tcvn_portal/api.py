"""The API under /api/v1/: the platform's resources here, each domain app's router under its name."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tcvn_portal.tenancy.api import OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = [
    path("inspections/", include("inspections.api.urls")),
    path("metrology/", include("metrology.api.urls")),
    path("iso/", include("iso_qms.api.urls")),
    path("traceability/", include("traceability.api.urls")),
    *router.urls,
]
