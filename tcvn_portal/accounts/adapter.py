import time

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from django.urls import reverse

from . import selectors


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        # A business still waiting for approval (or refused) has nothing to do on the dashboard: show
        # where their registration stands instead.
        user = request.user
        if user.is_authenticated:
            memberships = selectors.registrations_of(user)
            if memberships and not any(m.is_active for m in memberships):
                return reverse("accounts:registration_status")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        # Every self-registration starts pending: show where it stands.
        return reverse("accounts:registration_status")

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        # An official is sent to enrol TOTP straight after signing in. A sign-in that recent is as fresh
        # as a reauthentication; asking for the password twice in a row would only train people to type
        # it wherever they are asked.
        request = self.request
        if app == "allauth.mfa" and request is not None and request.path == reverse("mfa_activate_totp"):
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1].get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return True
