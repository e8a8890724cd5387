"""One place where views and the API ask "may this membership do that?"."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tcvn_portal.tenancy import context


def has_perm(request, permission: str) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership is not None and membership.has_perm(permission))


def require_perm(request, permission: str) -> None:
    if not has_perm(request, permission):
        raise PermissionDenied


class TenantPermissionRequiredMixin(AccessMixin):
    """A page of the active tenant: anonymous users go to login, members without the permission get 403.

    `permission_required` is one permission string or a tuple of which any one suffices.
    """

    permission_required: str | tuple[str, ...] = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if getattr(request, "tenant", None) is None:
            raise Http404
        wanted = self.permission_required
        perms = (wanted,) if isinstance(wanted, str) else wanted
        if not any(has_perm(request, p) for p in perms):
            raise PermissionDenied
        context.require_tenant_id()
        return super().dispatch(request, *args, **kwargs)
