from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from django.urls import reverse

        from tcvn_portal.core.dashboard import Card, register_cards
        from tcvn_portal.core.navigation import NavEntry, register_nav
        from tcvn_portal.tenancy.roles import STAFF, Role, register_permissions

        inspecting = {Role.INSPECTOR, Role.MANAGER, Role.METROLOGY_OFFICER, Role.QUALITY_OFFICER}
        register_permissions(
            {
                "inspection.view": STAFF,
                "inspection.change": inspecting,
                # Object-level: only the decision's team lead approves; services check that.
                "inspection.approve": inspecting,
                "inspection.plan": {Role.INSPECTOR, Role.MANAGER},
                "inspection.plan_approve": {Role.MANAGER},
                "inspection.catalog": {Role.TENANT_ADMIN, Role.MANAGER},
                # A business sees the approved results of inspections of its own establishment.
                "inspection.view_own": {Role.BUSINESS},
            }
        )
        register_nav(
            NavEntry(_("Inspections"), "inspections:inspection_list", "inspection.view", order=20),
            NavEntry(_("My inspection results"), "inspections:my_results", "inspection.view_own", order=21),
        )

        @register_cards
        def inspection_cards(request):
            membership = getattr(request, "membership", None)
            if membership is None or not membership.has_perm("inspection.view"):
                return []
            from .selectors import dashboard_counts

            counts = dashboard_counts()
            url = reverse("inspections:inspection_list")
            return [
                Card(_("Inspection drafts"), counts["drafts"], f"{url}?status=draft"),
                Card(_("Inspections waiting for approval"), counts["submitted"], f"{url}?status=submitted"),
            ]
