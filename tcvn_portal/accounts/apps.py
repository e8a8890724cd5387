from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tcvn_portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.urls import reverse

        from tcvn_portal.core.dashboard import Card, register_cards
        from tcvn_portal.core.navigation import NavEntry, register_nav

        from . import selectors, signals  # noqa: F401  (signals: TOTP activation counts as MFA)

        register_nav(
            NavEntry(_("Registrations"), "accounts:registration_list", "registration.approve", order=92),
            NavEntry(_("Members"), "accounts:member_list", "membership.manage", order=94),
            NavEntry(_("Security"), "mfa_index", None, order=99),
        )

        @register_cards
        def registration_cards(request):
            membership = request.membership
            if membership is None or not membership.has_perm("registration.approve"):
                return []
            return [
                Card(
                    _("Registrations waiting"),
                    selectors.pending_registration_count(),
                    reverse("accounts:registration_list"),
                )
            ]
