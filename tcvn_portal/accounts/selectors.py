"""Reads for registrations and member management, all within the active tenant unless said otherwise."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership

from .models import RegistrationReview


def pending_registrations() -> QuerySet[Membership]:
    """Businesses of the active tenant waiting for an administrator's decision, oldest first."""
    return (
        Membership.objects.filter(status=Membership.Status.PENDING)
        .select_related("user", "organization")
        .order_by("created_at", "pk")
    )


def members(*, status: str = "", role: str = "") -> QuerySet[Membership]:
    queryset = Membership.objects.select_related("user", "organization").order_by(
        "user__full_name", "user__email"
    )
    if status:
        queryset = queryset.filter(status=status)
    if role:
        queryset = queryset.filter(role=role)
    return queryset


def pending_registration_count() -> int:
    return Membership.objects.filter(status=Membership.Status.PENDING).count()


def registrations_of(user) -> list[Membership]:
    """The user's own memberships in every tenant, with the decisions taken on them.

    Row-level security shows a user their own memberships and the reviews of them in any tenant, so
    this runs with no tenant active and the user's id set.
    """
    with tenant_context(None, user_id=user.pk):
        return list(
            Membership.unscoped.filter(user=user)
            .select_related("tenant", "organization")
            .prefetch_related(
                Prefetch("reviews", queryset=RegistrationReview.unscoped.order_by("-created_at", "-pk"))
            )
            .order_by("tenant__name")
        )
