from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetrologyConfig(AppConfig):
    name = "metrology"
    verbose_name = _("Metrology")

    def ready(self) -> None:
        from tcvn_portal.core.dashboard import register_cards
        from tcvn_portal.core.navigation import NavEntry, register_nav
        from tcvn_portal.tenancy.roles import STAFF, Role, register_permissions

        officers = {Role.METROLOGY_OFFICER, Role.MANAGER, Role.TENANT_ADMIN}
        register_permissions(
            {
                # The whole register of the province.
                "metrology.view": STAFF,
                # A business: its own instruments, verifications and requests.
                "metrology.view_own": {Role.BUSINESS},
                "metrology.instrument.change": officers | {Role.INSPECTOR},
                "metrology.instrument.change_own": {Role.BUSINESS},
                "metrology.request": {Role.BUSINESS},
                "metrology.request.manage": officers,
                "metrology.verify": officers,
                "metrology.catalog.change": {Role.METROLOGY_OFFICER, Role.TENANT_ADMIN},
                "metrology.market.change": officers,
                "metrology.import": {Role.METROLOGY_OFFICER, Role.TENANT_ADMIN},
            }
        )
        register_nav(
            NavEntry(
                _("Measuring instruments"),
                "metrology:instrument_list",
                ("metrology.view", "metrology.view_own"),
                order=30,
            ),
        )
        from .dashboard import cards

        register_cards(cards)
