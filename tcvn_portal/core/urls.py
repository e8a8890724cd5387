from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("switch-tenant/", views.switch_tenant, name="switch_tenant"),
]
