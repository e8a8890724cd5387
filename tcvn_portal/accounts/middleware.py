"""Two-factor authentication for the people who act for the state, and for the Django admin.

An official (any active membership in an OFFICIALS role) or a staff user in /admin/ must be in a session
that passed an MFA step. Without a TOTP authenticator they are sent to enrol one; with one (but a session
that skipped it, e.g. a login through the admin's own form) they are asked for a code again. Only the
pages needed to get there stay open: MFA, reauthentication, logout, language, static files.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tcvn_portal.tenancy.roles import OFFICIALS

from .mfa import has_totp, session_passed_mfa


class RequireMfaForOfficialsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_prefixes: tuple[str, ...] | None = None

    def open_prefixes(self) -> tuple[str, ...]:
        # Resolved on first use: the URLconf is not loaded yet when middleware is built.
        if self._open_prefixes is None:
            self._open_prefixes = (
                reverse("mfa_index"),
                reverse("account_logout"),
                reverse("account_reauthenticate"),
                reverse("set_language"),
                reverse("javascript-catalog"),
                reverse("healthz"),
                settings.STATIC_URL,
            )
        return self._open_prefixes

    def __call__(self, request):
        if not settings.TCVN_REQUIRE_MFA_FOR_OFFICIALS:
            return self.get_response(request)
        admin_prefix = "/" + settings.ADMIN_URL
        in_admin = request.path.startswith(admin_prefix)
        user = request.user
        if not user.is_authenticated:
            if in_admin:
                # The admin's own login form knows nothing of MFA: everyone signs in through allauth.
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
            return self.get_response(request)
        is_official = any(m.role in OFFICIALS for m in getattr(request, "memberships", ()))
        if not (is_official or (in_admin and user.is_staff)):
            return self.get_response(request)
        if session_passed_mfa(request):
            if is_official and request.path == reverse("mfa_deactivate_totp"):
                messages.error(request, _("Officials must keep two-factor authentication turned on."))
                return HttpResponseRedirect(reverse("mfa_index"))
            return self.get_response(request)
        if request.path.startswith(self.open_prefixes()):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Two-factor authentication is required for this account.")}, status=403
            )
        if has_totp(user):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
        messages.warning(
            request,
            _("Your role requires two-factor authentication. Set up an authenticator app to continue."),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
