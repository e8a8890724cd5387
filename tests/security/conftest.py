"""A province filled by every app's demo seeding, and a member of each role in it."""

from __future__ import annotations

import pytest

from tcvn_portal.tenancy.roles import Role
from tests.fixtures import seed_every_app


@pytest.fixture
def seeded_tenant(tenant_a):
    seed_every_app(tenant_a)
    return tenant_a


@pytest.fixture
def role_users(seeded_tenant, member_factory, organization_factory):
    """{role: user} in the seeded province; business and ISO focal people belong to an organisation."""
    own = organization_factory(seeded_tenant, name="Công ty Thử Nghiệm An Toàn")
    return {
        role: member_factory(
            seeded_tenant, role, organization=own if role in ("business", "iso_focal") else None
        )
        for role in Role.values
    }
