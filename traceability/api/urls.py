from rest_framework.routers import DefaultRouter

from .views import BatchViewSet, ProductViewSet

router = DefaultRouter()
router.register("products", ProductViewSet, basename="trace-product")
router.register("batches", BatchViewSet, basename="trace-batch")

urlpatterns = router.urls
