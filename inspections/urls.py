from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.InspectionList.as_view(), name="inspection_list"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("<int:pk>/autosave/", views.inspection_autosave, name="inspection_autosave"),
    path("<int:pk>/minutes.pdf", views.inspection_minutes, name="inspection_minutes"),
    *[
        path(
            f"<int:pk>/{action}/",
            views.inspection_transition,
            {"action": action},
            name=f"inspection_{action}",
        )
        for action in ("submit", "approve", "return")
    ],
    path("<int:pk>/samples/new/", views.sample_form, name="sample_create"),
    path("samples/<int:sample_pk>/edit/", views.sample_form, name="sample_edit"),
    path("<int:pk>/violations/new/", views.violation_create, name="violation_create"),
    path("violations/<int:violation_pk>/sanction/", views.violation_sanction, name="violation_sanction"),
    path("<int:pk>/followups/new/", views.followup_create, name="followup_create"),
    path("followups/<int:followup_pk>/close/", views.followup_close, name="followup_close"),
    path("<int:pk>/quantity/new/", views.quantity_check_create, name="quantity_check_create"),
    path("<int:pk>/fuel/new/", views.fuel_check_create, name="fuel_check_create"),
    path("plans/", views.PlanList.as_view(), name="plan_list"),
    path("plans/new/", views.plan_form, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_form, name="plan_edit"),
    *[
        path(f"plans/<int:pk>/{action}/", views.plan_transition, {"action": action}, name=f"plan_{action}")
        for action in ("submit", "approve")
    ],
    path("decisions/", views.DecisionList.as_view(), name="decision_list"),
    path("decisions/new/", views.decision_form, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/edit/", views.decision_form, name="decision_edit"),
    path("establishments/<int:pk>/", views.establishment_history, name="establishment"),
    path("my-results/", views.my_results, name="my_results"),
    path("catalog/<slug:catalog>/", views.catalog_list, name="catalog_list"),
    path("catalog/<slug:catalog>/new/", views.catalog_form, name="catalog_create"),
    path("catalog/<slug:catalog>/<int:pk>/edit/", views.catalog_form, name="catalog_edit"),
]
