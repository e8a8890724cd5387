from django.urls import path

from .award import views as award
from .qms import views as qms

app_name = "iso_qms"

urlpatterns = [
    # QMS in state agencies
    path("", qms.AgencyListView.as_view(), name="agency_list"),
    path("agencies/new/", qms.AgencyFormView.as_view(), name="agency_create"),
    path("agencies/<int:pk>/", qms.AgencyDetailView.as_view(), name="agency_detail"),
    path("agencies/<int:pk>/edit/", qms.AgencyFormView.as_view(), name="agency_edit"),
    path("agencies/<int:pk>/status/", qms.AgencyStatusView.as_view(), name="agency_status"),
    path("agencies/<int:pk>/procedures/", qms.ProcedureAddView.as_view(), name="procedure_add"),
    path("agencies/<int:pk>/documents/new/", qms.DocumentCreateView.as_view(), name="document_create"),
    path("agencies/<int:pk>/audits/new/", qms.AuditCreateView.as_view(), name="audit_create"),
    path("agencies/<int:pk>/reviews/new/", qms.ReviewCreateView.as_view(), name="review_create"),
    path("agencies/<int:pk>/nonconformities/new/", qms.NonconformityCreateView.as_view(), name="nc_create"),
    path("agencies/<int:pk>/checks/new/", qms.YearlyCheckCreateView.as_view(), name="check_create"),
    path("documents/<int:pk>/", qms.DocumentDetailView.as_view(), name="document_detail"),
    path("versions/<int:pk>/approve/", qms.VersionApproveView.as_view(), name="version_approve"),
    path("audits/<int:pk>/", qms.AuditDetailView.as_view(), name="audit_detail"),
    path(
        "audits/<int:pk>/findings/", qms.AuditActionView.as_view(), {"action": "finding"}, name="finding_add"
    ),
    path(
        "audits/<int:pk>/complete/",
        qms.AuditActionView.as_view(),
        {"action": "complete"},
        name="audit_complete",
    ),
    path("reviews/<int:pk>/", qms.ReviewDetailView.as_view(), name="review_detail"),
    path("nonconformities/", qms.NonconformityListView.as_view(), name="nc_list"),
    path("nonconformities/<int:pk>/", qms.NonconformityDetailView.as_view(), name="nc_detail"),
    path("checks/<int:pk>/", qms.YearlyCheckDetailView.as_view(), name="check_detail"),
    path("compliance/", qms.ComplianceView.as_view(), name="compliance"),
    # National Quality Award
    path("award/", award.RoundListView.as_view(), name="round_list"),
    path("award/rounds/new/", award.RoundFormView.as_view(), name="round_create"),
    path("award/rounds/<int:pk>/", award.RoundDetailView.as_view(), name="round_detail"),
    path("award/rounds/<int:pk>/edit/", award.RoundFormView.as_view(), name="round_edit"),
    path("award/rounds/<int:pk>/apply/", award.ApplyView.as_view(), name="round_apply"),
    path("award/criteria/", award.CriteriaSetListView.as_view(), name="criteria_list"),
    path("award/criteria/<int:pk>/", award.CriteriaSetDetailView.as_view(), name="criteria_detail"),
    path("award/applications/", award.ApplicationListView.as_view(), name="application_list"),
    path("award/applications/<int:pk>/", award.ApplicationDetailView.as_view(), name="application_detail"),
    path("award/applications/<int:pk>/edit/", award.ApplicationEditView.as_view(), name="application_edit"),
    path("award/applications/<int:pk>/score/", award.ScoreView.as_view(), name="application_score"),
    path(
        "award/applications/<int:pk>/consensus/", award.ConsensusView.as_view(), name="application_consensus"
    ),
    path(
        "award/applications/<int:pk>/feedback.pdf", award.FeedbackLetterView.as_view(), name="feedback_letter"
    ),
    *[
        path(
            f"award/applications/<int:pk>/{action}/",
            award.ApplicationActionView.as_view(),
            {"action": action},
            name=f"application_{action}",
        )
        for action in ("eligibility", "assign", "site_visit", "decision", "conflict")
    ],
]
