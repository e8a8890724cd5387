from django.urls import path

from . import views

app_name = "traceability"

urlpatterns = [
    path("", views.ProductListView.as_view(), name="product_list"),
    path("products/new/", views.ProductEditView.as_view(), name="product_create"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product_detail"),
    path("products/<int:pk>/edit/", views.ProductEditView.as_view(), name="product_edit"),
    path("products/<int:product_pk>/batches/new/", views.BatchCreateView.as_view(), name="batch_create"),
    path("applications/", views.ApplicationListView.as_view(), name="application_list"),
    path("applications/new/", views.ApplicationCreateView.as_view(), name="application_create"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("batches/", views.BatchListView.as_view(), name="batch_list"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/epcis.jsonld", views.BatchEpcisView.as_view(), name="batch_epcis"),
    path("series/<int:pk>/", views.SeriesDetailView.as_view(), name="series_detail"),
    path("series/<int:pk>/print.<str:kind>", views.SeriesFileView.as_view(), name="series_file"),
    path("anomalies/", views.AnomalyListView.as_view(), name="anomaly_list"),
    path("stamps/<int:pk>/scans/", views.StampScansView.as_view(), name="stamp_scans"),
]
