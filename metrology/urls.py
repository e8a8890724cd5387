from django.urls import path

from . import views

app_name = "metrology"

urlpatterns = [
    path("", views.InstrumentListView.as_view(), name="instrument_list"),
    path("instruments/new/", views.InstrumentEditView.as_view(), name="instrument_create"),
    path("instruments/<int:pk>/", views.InstrumentDetailView.as_view(), name="instrument_detail"),
    path("instruments/<int:pk>/edit/", views.InstrumentEditView.as_view(), name="instrument_edit"),
    path("instruments/<int:pk>/retire/", views.InstrumentRetireView.as_view(), name="instrument_retire"),
    path("instruments/<int:pk>/request/", views.RequestVerificationView.as_view(), name="instrument_request"),
    path("instruments/<int:pk>/verify/", views.RecordVerificationView.as_view(), name="instrument_verify"),
    path("verifications/", views.VerificationListView.as_view(), name="verification_list"),
    path("verifications/<int:pk>/", views.VerificationDetailView.as_view(), name="verification_detail"),
    path("verifications/<int:pk>/annul/", views.VerificationAnnulView.as_view(), name="verification_annul"),
    path(
        "verifications/<int:pk>/follow-up/", views.FollowUpCloseView.as_view(), name="verification_follow_up"
    ),
    path(
        "verifications/<int:pk>/certificate.pdf", views.CertificatePdfView.as_view(), name="certificate_pdf"
    ),
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("types/", views.TypeListView.as_view(), name="type_list"),
    path("types/new/", views.TypeEditView.as_view(), name="type_create"),
    path("types/<int:pk>/", views.TypeDetailView.as_view(), name="type_detail"),
    path("types/<int:pk>/edit/", views.TypeEditView.as_view(), name="type_edit"),
    path("markets/", views.MarketListView.as_view(), name="market_list"),
    path("markets/new/", views.MarketEditView.as_view(), name="market_create"),
    path("markets/<int:pk>/", views.MarketDetailView.as_view(), name="market_detail"),
    path("markets/<int:pk>/edit/", views.MarketEditView.as_view(), name="market_edit"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignEditView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("import/", views.ImportListView.as_view(), name="import_list"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    # Public: no login; the code itself names the province and is checked before any query.
    path("check/<str:code>/", views.public_check, name="public_check"),
]
