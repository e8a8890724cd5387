from django.urls import path

from . import views

app_name = "tenancy"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("new/", views.OrganizationEditView.as_view(), name="organization_create"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization_edit"),
    path("<int:pk>/archive/", views.OrganizationArchiveView.as_view(), name="organization_archive"),
    path("api-tokens/", views.ApiTokenListView.as_view(), name="apitoken_list"),
    path("api-tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="apitoken_revoke"),
]
