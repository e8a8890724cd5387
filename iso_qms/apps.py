from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IsoQmsConfig(AppConfig):
    name = "iso_qms"
    verbose_name = _("ISO 9001 and quality award")

    def ready(self) -> None:
        from tcvn_portal.core.dashboard import register_cards
        from tcvn_portal.core.navigation import NavEntry, register_nav
        from tcvn_portal.tenancy.roles import STAFF, Role, register_permissions

        quality = {Role.QUALITY_OFFICER, Role.MANAGER, Role.TENANT_ADMIN}
        register_permissions(
            {
                # QMS: officials see every agency of the tenant; a focal person only their own agency.
                "qms.view_all": STAFF,
                "qms.view_own": {Role.ISO_FOCAL},
                "qms.change_all": quality,
                "qms.change_own": {Role.ISO_FOCAL},
                "qms.agency.manage": {Role.QUALITY_OFFICER, Role.TENANT_ADMIN},
                "qms.check": {Role.QUALITY_OFFICER, Role.MANAGER},
                # Award: the secretariat (quality officers) runs rounds; businesses apply; the council scores.
                "award.view": STAFF | {Role.BUSINESS, Role.COUNCIL_MEMBER},
                "award.manage": quality,
                "award.criteria.change": {Role.QUALITY_OFFICER, Role.TENANT_ADMIN},
                "award.apply": {Role.BUSINESS},
                "award.score": {Role.COUNCIL_MEMBER},
            }
        )
        register_nav(
            NavEntry(
                _("ISO 9001 in agencies"), "iso_qms:agency_list", ("qms.view_all", "qms.view_own"), order=40
            ),
            NavEntry(_("Quality award"), "iso_qms:round_list", "award.view", order=45),
        )
        from .dashboard import cards

        register_cards(cards)
