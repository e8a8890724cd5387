"""The project's database setup and shared fixtures (tests/ holds them; this app's tests live beside it),
plus metrology records made through the services, as the app itself makes them."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from metrology import services
from metrology.models import Instrument, InstrumentType
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.celery_fixtures import celery_worker, celery_worker_process  # noqa: F401
from tests.conftest import django_db_setup  # noqa: F401
from tests.fixtures import *  # noqa: F403
from tests.fixtures import create_member, create_organization

_serial = itertools.count(1)


@pytest.fixture
def catalog_a(tenant_a):
    services.seed_catalog(tenant=tenant_a)
    return tenant_a


@pytest.fixture
def catalog_b(tenant_b):
    services.seed_catalog(tenant=tenant_b)
    return tenant_b


@pytest.fixture
def business_a(tenant_a):
    return create_organization(tenant_a, name="Công ty Xăng dầu Tuyên Quang")


@pytest.fixture
def business_user_a(tenant_a, business_a):
    return create_member(tenant_a, Role.BUSINESS, organization=business_a)


@pytest.fixture
def officer_a(tenant_a):
    return create_member(tenant_a, Role.METROLOGY_OFFICER)


@pytest.fixture
def officer_b(tenant_b):
    return create_member(tenant_b, Role.METROLOGY_OFFICER)


def make_instrument(tenant, *, owner, type_code="cot-do-xang-dau", actor=None, **fields) -> Instrument:
    with tenant_context(tenant):
        fields.setdefault("serial", f"SN-{next(_serial):05d}")
        fields.setdefault("maker", "Tatsuno")
        return services.register_instrument(
            actor=actor, owner=owner, instrument_type=InstrumentType.objects.get(code=type_code), **fields
        )


def make_verification(
    tenant, instrument, *, verified_on=date(2025, 3, 15), result="passed", actor=None, **fields
):
    with tenant_context(tenant):
        n = next(_serial)
        if result == "passed":
            fields.setdefault("stamp_number", f"T-{n:05d}")
            fields.setdefault("certificate_number", f"GCN-{n:05d}")
        return services.record_verification(
            actor=actor,
            instrument=instrument,
            kind=fields.pop("kind", "periodic"),
            verified_on=verified_on,
            verifier="Nguyễn Văn An",
            verifying_body="Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng",
            result=result,
            **fields,
        )


@pytest.fixture
def instrument_factory():
    return make_instrument


@pytest.fixture
def verification_factory():
    return make_verification
