"""PostgreSQL row-level security: the net under the scoped managers."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError

from tcvn_portal.tenancy.context import TenantNotActivated, tenant_context
from tcvn_portal.tenancy.models import Organization, TenantOwnedModel

pytestmark = pytest.mark.django_db


def tenant_owned_models():
    return [m for m in apps.get_models() if issubclass(m, TenantOwnedModel) and not m._meta.proxy]


def test_app_connects_as_a_role_that_owns_nothing_and_cannot_bypass_rls():
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cur.fetchone() == (False, False)
        cur.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        )
        assert cur.fetchone()[0] == 0


@pytest.mark.parametrize("model", tenant_owned_models(), ids=lambda m: m._meta.label)
def test_every_tenant_owned_table_has_forced_rls_and_a_policy(model):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        assert cur.fetchone() == (True, True)
        cur.execute("SELECT count(*) FROM pg_policies WHERE tablename = %s", [model._meta.db_table])
        assert cur.fetchone()[0] >= 1


@pytest.mark.parametrize("model", tenant_owned_models(), ids=lambda m: m._meta.label)
def test_unique_constraints_of_tenant_owned_models_include_the_tenant(model):
    # A unique value across tenants would reveal that another province holds it.
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if fields:
            assert "tenant" in fields, f"{model._meta.label}.{constraint.name} lacks the tenant"
    for field in model._meta.fields:
        if field.unique and not field.primary_key:
            raise AssertionError(f"{model._meta.label}.{field.name} is unique across tenants")


def test_rows_of_another_tenant_are_invisible_even_to_raw_sql(tenant_a, tenant_b, organization_factory):
    organization_factory(tenant_a, name="Công ty A")
    organization_factory(tenant_b, name="Công ty B")
    with tenant_context(tenant_a):
        assert list(Organization.unscoped.values_list("name", flat=True)) == ["Công ty A"]
        with connection.cursor() as cur:
            cur.execute("SELECT name FROM tenancy_organization")
            assert [r[0] for r in cur.fetchall()] == ["Công ty A"]
    with tenant_context(tenant_b):
        assert list(Organization.unscoped.values_list("name", flat=True)) == ["Công ty B"]


def test_no_tenant_active_means_no_rows_and_scoped_manager_fails_closed(tenant_a, organization_factory):
    organization_factory(tenant_a)
    with transaction.atomic():
        assert Organization.unscoped.count() == 0
    with pytest.raises(TenantNotActivated):
        list(Organization.objects.all())


def test_writing_a_row_into_another_tenant_is_refused_by_the_database(tenant_a, tenant_b):
    with tenant_context(tenant_a), pytest.raises(Exception) as info, transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO tenancy_commune (tenant_id, name, former_district) VALUES (%s, 'X', '')",
                [tenant_b.pk],
            )
    assert "row-level security" in str(info.value)


def test_regulated_records_cannot_be_hard_deleted(tenant_a, organization_factory):
    org = organization_factory(tenant_a)
    with tenant_context(tenant_a), pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM tenancy_organization WHERE id = %s", [org.pk])
