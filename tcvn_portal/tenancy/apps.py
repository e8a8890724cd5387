from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "tcvn_portal.tenancy"
    label = "tenancy"
    verbose_name = _("Tenancy")

    def ready(self) -> None:
        from tcvn_portal.core.navigation import NavEntry, register_nav

        from . import dashboard, roles  # noqa: F401  (registers permissions and dashboard cards)

        register_nav(
            NavEntry(_("Dashboard"), "core:dashboard", None, order=0),
            NavEntry(
                _("Organisations"),
                "tenancy:organization_list",
                ("organization.view", "organization.view_own"),
                order=90,
            ),
            NavEntry(_("API tokens"), "tenancy:apitoken_list", "apitoken.manage", order=95),
        )
