from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("instrument-types", views.InstrumentTypeViewSet, basename="metrology-instrument-type")
router.register("rules", views.InstrumentTypeRuleViewSet, basename="metrology-rule")
router.register("instruments", views.InstrumentViewSet, basename="metrology-instrument")
router.register("verifications", views.VerificationViewSet, basename="metrology-verification")
router.register("requests", views.VerificationRequestViewSet, basename="metrology-request")
router.register("markets", views.MarketViewSet, basename="metrology-market")
router.register("campaigns", views.CampaignViewSet, basename="metrology-campaign")
router.register("imports", views.ImportJobViewSet, basename="metrology-import")

urlpatterns = router.urls
