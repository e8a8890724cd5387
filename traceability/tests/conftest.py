"""The project's database setup and shared fixtures (tests/ holds them), plus a business with a product
that carries every data item, made through the services."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.celery_fixtures import celery_worker  # noqa: F401
from tests.conftest import django_db_setup  # noqa: F401
from tests.fixtures import *  # noqa: F403
from traceability import services

from .factories import GTIN13, make_product  # noqa: F401 — used by the fixtures and tests


@pytest.fixture(autouse=True)
def _clear_cache():
    from traceability import public

    cache.clear()
    public._served_pages.clear()  # an earlier test's database may have used the same batch id
    yield
    cache.clear()
    public._served_pages.clear()


@pytest.fixture
def business_a(tenant_a, organization_factory):
    return organization_factory(
        tenant_a, name="Hợp tác xã Chè Shan Tuyết", address="Thôn Khuổi Bốc, xã Hồng Thái"
    )


@pytest.fixture
def business_user_a(tenant_a, member_factory, business_a):
    return member_factory(tenant_a, Role.BUSINESS, organization=business_a)


@pytest.fixture
def officer_a(tenant_a, member_factory):
    return member_factory(tenant_a, Role.QUALITY_OFFICER)


@pytest.fixture
def product_a(tenant_a, business_a, business_user_a):
    return make_product(tenant_a, business_a, business_user_a)


@pytest.fixture
def approved_product_a(tenant_a, product_a, business_a, business_user_a, officer_a):
    with tenant_context(tenant_a):
        application = services.create_application(
            applicant=business_a, items=[(product_a, 1000)], actor=business_user_a
        )
        services.submit_application(application=application, actor=business_user_a)
        services.approve_application(application=application, actor=officer_a)
    return product_a


@pytest.fixture
def batch_a(tenant_a, approved_product_a):
    with tenant_context(tenant_a):
        return approved_product_a.batches.get()
