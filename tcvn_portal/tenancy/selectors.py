from __future__ import annotations

from .models import Membership


def active_memberships_for(user) -> list[Membership]:
    """Every active membership of the user, across tenants (visible through RLS by app.user_id)."""
    return list(
        Membership.unscoped.filter(user=user, status=Membership.Status.ACTIVE, tenant__is_active=True)
        .select_related("tenant", "organization")
        .order_by("tenant__name")
    )
