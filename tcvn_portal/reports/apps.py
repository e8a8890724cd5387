from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tcvn_portal.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from tcvn_portal.core.navigation import NavEntry, register_nav
        from tcvn_portal.tenancy.roles import STAFF, Role, register_permissions

        from . import dashboard  # noqa: F401  (registers the dashboard cards)

        register_permissions(
            {
                "report.view": STAFF,
                "report.request": {Role.MANAGER},
                "report.national": {Role.NATIONAL_VIEWER},
                "outreach.view": STAFF,
                "outreach.change": STAFF,
                "jobs.view": {Role.TENANT_ADMIN},
            }
        )
        register_nav(
            NavEntry(_("Statistics"), "reports:statistics", "report.view", order=70),
            NavEntry(_("Annual reports"), "reports:annual_list", "report.view", order=72),
            NavEntry(_("Outreach and training"), "reports:outreach_list", "outreach.view", order=74),
            NavEntry(_("National roll-up"), "reports:national", "report.national", order=76),
            NavEntry(_("Scheduled jobs"), "reports:jobs", "jobs.view", order=98),
        )
