"""Opens each request's transaction and activates the user's current tenant inside it.

ATOMIC_REQUESTS would wrap only the view; the tenant must already be set while middleware and lazily
rendered templates run, so the transaction starts here and everything below runs inside it.

The request's transaction is the tenant's scope, so no savepoint is needed around it, and the setting need
not be cleared at the end: set_config(..., true) dies with the transaction. An anonymous request (the public
scan and certificate pages) costs no round trip at all for tenancy: a new transaction already has no tenant
and no user. Only when the request runs inside a transaction someone else opened (tests) is the setting
pushed and restored explicitly.
"""

from __future__ import annotations

from django.db import connection, transaction

from . import context
from .selectors import active_memberships_for

SESSION_KEY = "tcvn_tenant_id"


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owns_transaction = not connection.in_atomic_block
        with transaction.atomic():
            user = request.user
            user_id = user.pk if user.is_authenticated else None
            # Let RLS show the user's own memberships in every tenant while the current one is chosen.
            token = context.activate(
                context.TenantState(tenant=None, user_id=user_id),
                push=user_id is not None or not owns_transaction,
            )
            try:
                membership = None
                memberships: list = []
                if user_id is not None:
                    memberships = active_memberships_for(user)
                    wanted = request.session.get(SESSION_KEY)
                    membership = next((m for m in memberships if m.tenant_id == wanted), None)
                    if membership is None and memberships:
                        membership = memberships[0]
                        request.session[SESSION_KEY] = membership.tenant_id
                request.memberships = memberships
                request.membership = membership
                request.tenant = membership.tenant if membership else None
                if membership is not None:
                    context.activate(
                        context.TenantState(tenant=membership.tenant, user_id=user_id, membership=membership)
                    )
                    if membership.organization_id:
                        # Loaded now that RLS lets the tenant's organisation through.
                        membership.organization  # noqa: B018
                response = self.get_response(request)
            finally:
                context.deactivate(token, push=not owns_transaction)
            if response.status_code >= 500:
                # The view's exception was turned into a response below us; keep nothing it wrote.
                transaction.set_rollback(True)
        return response
