"""Writes of the tenancy layer: organisations, memberships, registrations, API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from . import context
from .models import ApiToken, Membership, Tenant


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_api_token(*, membership: Membership, name: str) -> str:
    """Creates a token and returns its full text, which is shown once and never stored."""
    secret = secrets.token_urlsafe(32)
    ApiToken.objects.create(membership=membership, name=name, key_hash=_hash(secret), prefix=secret[:8])
    return f"tcvn_{membership.tenant_id}_{secret}"


def resolve_api_token(raw: str) -> ApiToken | None:
    """The live token for `raw`, with the tenant it names made active; None for anything forged."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != "tcvn" or not parts[1].isdigit() or not parts[2]:
        return None
    tenant = Tenant.objects.filter(pk=int(parts[1]), is_active=True).first()
    if tenant is None:
        return None
    context.set_active_state(context.TenantState(tenant=tenant))
    token = (
        ApiToken.objects.filter(key_hash=_hash(parts[2]), revoked_at__isnull=True)
        .select_related("membership__user", "membership__tenant", "membership__organization")
        .first()
    )
    if token is None or not token.membership.is_active or not token.membership.user.is_active:
        context.set_active_state(context.TenantState(tenant=None))
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def save_organization(*, organization, actor) -> None:
    """Validates and saves an organisation of the active tenant (the audit trail records who and what)."""
    organization.full_clean(exclude=["tenant"])
    organization.save()


def archive_organization(*, organization, actor) -> None:
    """Archives instead of deleting: the organisation's history stays, it leaves the lists."""
    organization.archived_at = timezone.now()
    organization.save(update_fields=["archived_at"])


def revoke_api_token(*, token: ApiToken, actor) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
