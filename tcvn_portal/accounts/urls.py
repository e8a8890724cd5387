from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("registration/", views.RegistrationStatusView.as_view(), name="registration_status"),
    path("registrations/", views.RegistrationListView.as_view(), name="registration_list"),
    path(
        "registrations/<int:pk>/approve/",
        views.RegistrationApproveView.as_view(),
        name="registration_approve",
    ),
    path(
        "registrations/<int:pk>/reject/", views.RegistrationRejectView.as_view(), name="registration_reject"
    ),
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("members/invite/", views.MemberInviteView.as_view(), name="member_invite"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path(
        "members/<int:pk>/suspend/", views.MemberStatusView.as_view(action="suspend"), name="member_suspend"
    ),
    path(
        "members/<int:pk>/reactivate/",
        views.MemberStatusView.as_view(action="reactivate"),
        name="member_reactivate",
    ),
]
