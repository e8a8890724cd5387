from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("annual/", views.AnnualReportListView.as_view(), name="annual_list"),
    path("annual/<int:pk>/", views.AnnualReportDetailView.as_view(), name="annual_detail"),
    path("annual/<int:pk>/progress/", views.AnnualReportProgressView.as_view(), name="annual_progress"),
    path("annual/<int:pk>/download/", views.AnnualReportDownloadView.as_view(), name="annual_download"),
    path("national/", views.NationalRollupView.as_view(), name="national"),
    path("jobs/", views.JobListView.as_view(), name="jobs"),
    path("outreach/", views.OutreachListView.as_view(), name="outreach_list"),
    path("outreach/new/", views.OutreachEditView.as_view(), name="outreach_create"),
    path("outreach/<int:pk>/", views.OutreachDetailView.as_view(), name="outreach_detail"),
    path("outreach/<int:pk>/edit/", views.OutreachEditView.as_view(), name="outreach_edit"),
    path("outreach/<int:pk>/archive/", views.OutreachArchiveView.as_view(), name="outreach_archive"),
]
