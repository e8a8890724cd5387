"""Shared fixtures: two provinces, a member of each role, and helpers to act as one of them."""

from __future__ import annotations

import itertools

import pytest

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership, Organization, Tenant
from tcvn_portal.tenancy.roles import Role

_seq = itertools.count(1)

# Valid 10-digit tax codes (check digit computed by tcvn_portal.tenancy.validators).
VALID_TAX_CODES = ["0300588569", "0100109106"]


def seed_every_app(tenant) -> None:
    """Every app's own demo data (`<app>.demo.seed(tenant)`, as `manage.py seed_demo` finds them)."""
    from tcvn_portal.tenancy.management.demo import domain_demo_modules

    for module in domain_demo_modules():
        module.seed(tenant)


def make_tax_code(n: int) -> str:
    from tcvn_portal.tenancy.validators import tax_code_check_digit

    for k in itertools.count(n * 7919):
        body = f"{k % 1_000_000_000:09d}"
        digit = tax_code_check_digit(body)
        if digit is not None:
            return body + str(digit)
    raise AssertionError("unreachable")


@pytest.fixture
def tenant_a(db):
    return Tenant.objects.create(code="tuyen-quang", name="Tuyên Quang", kind="tỉnh")


@pytest.fixture
def tenant_b(db):
    return Tenant.objects.create(code="lao-cai", name="Lào Cai", kind="tỉnh")


def create_member(
    tenant, role: str, *, email: str | None = None, organization=None, password="Secret-pass-123"
):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        email=email or f"{role}-{next(_seq)}@{tenant.code}.test",
        password=password,
        full_name=f"{role} {tenant.name}",
    )
    with tenant_context(tenant):
        Membership.objects.create(user=user, role=role, organization=organization)
    return user


def create_organization(tenant, *, kind=Organization.Kind.BUSINESS, name=None, **fields):
    with tenant_context(tenant):
        n = next(_seq)
        if kind == Organization.Kind.BUSINESS:
            fields.setdefault("tax_code", make_tax_code(n))
        else:
            fields.setdefault("agency_code", f"H{n % 90 + 10:02d}.{n % 100:02d}")
        return Organization.objects.create(kind=kind, name=name or f"Công ty TNHH Số {n}", **fields)


@pytest.fixture
def member_factory():
    return create_member


@pytest.fixture
def organization_factory():
    return create_organization


@pytest.fixture
def admin_a(tenant_a):
    return create_member(tenant_a, Role.TENANT_ADMIN)


@pytest.fixture
def inspector_a(tenant_a):
    return create_member(tenant_a, Role.INSPECTOR)


@pytest.fixture
def client_for(client):
    """Log a user in (MFA already passed, as allauth records it in the session)."""

    def login(user):
        client.force_login(user)
        session = client.session
        session["account_authentication_methods"] = [
            {"method": "password", "at": 0},
            {"method": "mfa", "at": 0},
        ]
        session.save()
        return client

    return login
