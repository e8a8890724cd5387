"""Celery tasks carry their tenant: scoped managers and RLS see that tenant inside, none after."""

import pytest
from django.db import connection

from tcvn_portal.tenancy import context
from tcvn_portal.tenancy.models import Organization
from tcvn_portal.tenancy.tasks import tenant_task

pytestmark = pytest.mark.django_db(transaction=True)


@tenant_task()
def names_visible_to_task() -> dict:
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM tenancy_organization ORDER BY name")
        raw = [r[0] for r in cur.fetchall()]
    return {
        "tenant": context.current_tenant_id(),
        "scoped": list(Organization.objects.values_list("name", flat=True)),
        "raw_sql": raw,
    }


@tenant_task()
def failing_task() -> None:
    raise ValueError("boom")


def test_task_sees_only_its_tenant(tenant_a, tenant_b, organization_factory):
    organization_factory(tenant_a, name="Công ty A")
    organization_factory(tenant_b, name="Công ty B")
    result = names_visible_to_task.apply(kwargs={"tenant_id": tenant_b.pk}).get()
    assert result == {"tenant": tenant_b.pk, "scoped": ["Công ty B"], "raw_sql": ["Công ty B"]}
    assert context.current_tenant_id() is None


def test_tenant_is_cleared_after_a_failing_task(tenant_a):
    outcome = failing_task.apply(kwargs={"tenant_id": tenant_a.pk})
    assert isinstance(outcome.result, ValueError)
    assert context.current_tenant_id() is None
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('app.tenant_id', true)")
        assert cur.fetchone()[0] in (None, "")


@pytest.mark.django_db
def test_delay_for_waits_for_the_commit(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        names_visible_to_task.delay_for(tenant_a)
    # Nothing is sent inside the transaction: the task is queued by the commit hook alone.
    assert len(callbacks) == 1
