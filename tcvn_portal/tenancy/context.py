"""The current tenant of a request or task, carried in a ContextVar and mirrored into PostgreSQL.

PostgreSQL's row-level security reads `app.tenant_id` (and `app.user_id`, for a user's own memberships)
set with `set_config(..., true)`: local to the transaction, so a pooled connection never carries it into
the next request. Everything vendor-specific about that lives here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction

if TYPE_CHECKING:
    from .models import Membership, Tenant


class TenantNotActivated(RuntimeError):
    """A tenant-owned table was queried with no tenant active: a bug, never a reason to show all rows."""


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was about to be saved while another tenant is active."""


@dataclass(frozen=True)
class TenantState:
    tenant: Tenant | None
    user_id: int | None = None
    membership: Membership | None = None


_NO_TENANT = TenantState(tenant=None)
_state: ContextVar[TenantState | None] = ContextVar("tcvn_tenant_state", default=None)


def current_state() -> TenantState:
    return _state.get() or _NO_TENANT


def current_tenant() -> Tenant | None:
    return current_state().tenant


def current_tenant_id() -> int | None:
    tenant = current_state().tenant
    return tenant.pk if tenant is not None else None


def require_tenant_id() -> int:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantNotActivated("No tenant is active: wrap the code in tenant_context(tenant).")
    return tenant_id


def uses_row_level_security(using: str = "default") -> bool:
    from django.db import connections

    return connections[using].vendor == "postgresql"


_SET_SQL = (
    "SELECT set_config('app.tenant_id', %(app_tenant_id)s, true), "
    "set_config('app.user_id', %(app_user_id)s, true)"
)


def _settings_of(state: TenantState) -> dict[str, str]:
    return {
        "app_tenant_id": str(state.tenant.pk) if state.tenant is not None else "",
        "app_user_id": str(state.user_id) if state.user_id is not None else "",
    }


def _push_to_database(state: TenantState) -> None:
    if not uses_row_level_security():
        return
    with connection.cursor() as cursor:
        cursor.execute(_SET_SQL, _settings_of(state))


@contextlib.contextmanager
def tenant_context(
    tenant: Tenant | None, *, user_id: int | None = None, membership: Membership | None = None
) -> Iterator[TenantState]:
    """Run the block as `tenant`: scoped managers and PostgreSQL RLS both see only its rows.

    Opens a transaction (a savepoint when nested), because the RLS setting lives as long as the
    transaction; on leaving, the previous tenant is restored in both places.
    """
    state = TenantState(tenant=tenant, user_id=user_id, membership=membership)
    previous = current_state()
    with transaction.atomic():
        token = _state.set(state)
        try:
            _push_to_database(state)
            yield state
        finally:
            _state.reset(token)
            if connection.in_atomic_block and not connection.needs_rollback:
                _push_to_database(previous)


@contextlib.contextmanager
def tenant_statement(tenant: Tenant) -> Iterator[tuple[str, dict[str, str]]]:
    """For one hot PostgreSQL statement run as `tenant`: yields SQL that sets the tenant and its parameters,
    to be sent before the statement in the same round trip, instead of tenant_context's savepoint and
    set_config of their own. Joins the open transaction (or opens one) without a savepoint: if the block
    fails, the whole transaction is rolled back and the setting with it; otherwise the previous setting is
    restored on leaving.
    """
    with transaction.atomic(savepoint=False):
        state = TenantState(tenant=tenant)
        token = activate(state, push=False)
        try:
            yield _SET_SQL + ";\n", _settings_of(state)
        except BaseException:
            deactivate(token, push=False)
            raise
        deactivate(token, push=True)


def activate(state: TenantState, *, push: bool = True) -> Token[TenantState | None]:
    """Make `state` current inside an already open transaction, without a savepoint of its own.

    `push=False` only when the database already holds the same setting: at the start of a transaction no
    tenant and no user are set, since every set_config here ends with its transaction.
    """
    token = _state.set(state)
    if push:
        _push_to_database(state)
    return token


def deactivate(token: Token[TenantState | None], *, push: bool) -> None:
    """Undo activate() (and anything set after it). `push=False` when the transaction ends right after, so
    the database's setting dies with it and restoring it would be a wasted round trip."""
    _state.reset(token)
    if push and connection.in_atomic_block and not connection.needs_rollback:
        _push_to_database(current_state())


def set_active_state(state: TenantState) -> None:
    """Switch the tenant inside an already open transaction (used by API token authentication)."""
    _state.set(state)
    _push_to_database(state)
