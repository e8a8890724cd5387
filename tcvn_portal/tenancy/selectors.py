from __future__ import annotations

from django.db.models import QuerySet

from .models import Membership, Organization


def active_memberships_for(user) -> list[Membership]:
    """Every active membership of the user, across tenants (visible through RLS by app.user_id).

    The organisation is not joined here: no tenant is active yet, so RLS would hide it and Django would
    cache None. It loads on first use, under the tenant the request settles on.
    """
    return list(
        Membership.unscoped.filter(user=user, status=Membership.Status.ACTIVE, tenant__is_active=True)
        .select_related("tenant")
        .order_by("tenant__name")
    )


def organizations_visible_to(membership: Membership) -> QuerySet[Organization]:
    """Staff see every organisation of the tenant; a business or agency user sees only its own."""
    queryset = Organization.objects.filter(archived_at__isnull=True)
    if not membership.has_perm("organization.view"):
        queryset = queryset.filter(pk=membership.organization_id)
    return queryset


def filter_organizations(queryset: QuerySet[Organization], *, q: str = "", kind: str = "", commune=None):
    if kind:
        queryset = queryset.filter(kind=kind)
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    if q:
        queryset = queryset.search(q)
    return queryset.select_related("commune")
