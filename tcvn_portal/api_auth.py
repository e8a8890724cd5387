"""API authentication and permissions that know the tenant.

Session users act in the tenant chosen in the browser (TenantMiddleware). A token names its tenant
(`tcvn_<tenant id>_<secret>`), so the tenant is set before the token is looked up under RLS, and only
the secret's SHA-256 is stored.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from tcvn_portal.tenancy import context


class TenantTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate_header(self, request):
        return self.keyword

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        from tcvn_portal.tenancy.services import resolve_api_token

        token = resolve_api_token(header[1].decode("latin-1"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        membership = token.membership
        context.set_active_state(
            context.TenantState(tenant=membership.tenant, user_id=membership.user_id, membership=membership)
        )
        request._request.tenant = membership.tenant
        request._request.membership = membership
        return (membership.user, token)


class HasTenantPermission(permissions.BasePermission):
    """Reads need the view's `read_permission`, writes its `write_permission` (or `action_permissions`)."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        membership = getattr(request._request, "membership", None)
        if membership is None:
            return False
        action = getattr(view, "action", None)
        overrides = getattr(view, "action_permissions", {}) or {}
        if action in overrides:
            permission = overrides[action]
        elif request.method in permissions.SAFE_METHODS:
            permission = getattr(view, "read_permission", None)
        else:
            permission = getattr(view, "write_permission", None)
        if permission is None:
            return False
        perms = (permission,) if isinstance(permission, str) else permission
        return any(membership.has_perm(p) for p in perms)


class TenantTokenScheme(OpenApiAuthenticationExtension):
    target_class = TenantTokenAuthentication
    name = "tenantToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Authorization: Bearer tcvn_<tenant id>_<secret> — create one on the API tokens page."
            ),
        }
