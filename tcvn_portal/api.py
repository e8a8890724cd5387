"""The one API router: every app registers its viewsets here under /api/v1/."""

from rest_framework.routers import DefaultRouter

from tcvn_portal.tenancy.api import OrganizationViewSet

router = DefaultRouter()
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = router.urls
