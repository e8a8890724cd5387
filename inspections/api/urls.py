from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="inspection-plan")
router.register("decisions", views.DecisionViewSet, basename="inspection-decision")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("samples", views.SampleViewSet, basename="inspection-sample")
router.register("violations", views.ViolationViewSet, basename="inspection-violation")
router.register("followups", views.FollowUpViewSet, basename="inspection-followup")
router.register("quantity-checks", views.QuantityCheckViewSet, basename="inspection-quantity-check")
router.register("fuel-checks", views.FuelCheckViewSet, basename="inspection-fuel-check")
router.register("legal-bases", views.LegalBasisViewSet, basename="inspection-legal-basis")
router.register("checklist-items", views.ChecklistItemViewSet, basename="inspection-checklist-item")
router.register("tolerance-bands", views.ToleranceBandViewSet, basename="inspection-tolerance-band")
router.register("sampling-plans", views.SamplingPlanViewSet, basename="inspection-sampling-plan")

urlpatterns = router.urls
