from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("agencies", views.AgencyViewSet, basename="iso-agency")
router.register("documents", views.DocumentViewSet, basename="iso-document")
router.register("audits", views.AuditViewSet, basename="iso-audit")
router.register("reviews", views.ReviewViewSet, basename="iso-review")
router.register("nonconformities", views.NonconformityViewSet, basename="iso-nonconformity")
router.register("checks", views.YearlyCheckViewSet, basename="iso-check")
router.register("criteria-sets", views.CriteriaSetViewSet, basename="award-criteria-set")
router.register("rounds", views.RoundViewSet, basename="award-round")
router.register("applications", views.ApplicationViewSet, basename="award-application")

urlpatterns = router.urls
