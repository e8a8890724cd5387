from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "traceability"
    verbose_name = _("Traceability")

    def ready(self) -> None:
        from tcvn_portal.core.dashboard import Card, register_cards
        from tcvn_portal.core.navigation import NavEntry, register_nav
        from tcvn_portal.tenancy.roles import STAFF, Role, register_permissions

        deciders = {Role.QUALITY_OFFICER, Role.MANAGER}
        register_permissions(
            {
                "trace.view": STAFF,
                "trace.view_own": {Role.BUSINESS},
                "trace.change_own": {Role.BUSINESS},
                "trace.decide": deciders,
                "trace.recall": deciders | {Role.BUSINESS},
                "trace.withdraw": deciders,
                "trace.anomalies": STAFF,
            }
        )
        register_nav(
            NavEntry(
                _("Traceability"), "traceability:product_list", ("trace.view", "trace.view_own"), order=50
            )
        )

        @register_cards
        def cards(request):
            from django.urls import reverse

            from .models import Stamp, StampApplication

            membership = request.membership
            found = []
            if membership.has_perm("trace.decide"):
                waiting = StampApplication.objects.filter(status=StampApplication.Status.SUBMITTED).count()
                found.append(
                    Card(
                        _("Stamp applications waiting"),
                        waiting,
                        reverse("traceability:application_list") + "?status=submitted",
                    )
                )
            if membership.has_perm("trace.anomalies"):
                flagged = Stamp.objects.filter(flagged_at__isnull=False).count()
                found.append(
                    Card(_("Stamps flagged as likely copies"), flagged, reverse("traceability:anomaly_list"))
                )
            return found
