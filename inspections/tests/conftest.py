"""The project's database setup and shared fixtures (tests/ holds them; this app's tests live beside it),
plus a province with its catalogs, a decision and a team, made through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import LegalBasis
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.conftest import django_db_setup  # noqa: F401
from tests.fixtures import *  # noqa: F403


def _seed(tenant):
    with tenant_context(tenant):
        services.seed_catalogs(tenant=tenant)


@pytest.fixture
def world(tenant_a, member_factory, organization_factory):
    """Tenant A with catalogs, a team lead, an inspector, a manager, a market stall and a decision."""
    from tcvn_portal.tenancy.models import Commune

    _seed(tenant_a)
    lead = member_factory(tenant_a, Role.INSPECTOR)
    inspector = member_factory(tenant_a, Role.INSPECTOR)
    manager = member_factory(tenant_a, Role.MANAGER)
    with tenant_context(tenant_a):
        commune = Commune.objects.create(name="Phường Minh Xuân")
    stall = organization_factory(tenant_a, name="Cửa hàng Tạp hóa Hương Giang", commune=commune)
    station = organization_factory(tenant_a, name="Cửa hàng Xăng dầu Số 5")
    with tenant_context(tenant_a, user_id=lead.pk):
        decision = services.save_decision(
            actor=lead,
            number="15/QĐ-TĐC",
            issued_on=timezone.localdate() - timedelta(days=30),
            issued_by="Chi cục trưởng",
            legal_basis="Luật Chất lượng sản phẩm, hàng hóa 2007",
            scope="Kiểm tra nhãn hàng hóa và đo lường trong kinh doanh",
            team_lead=lead,
            members=[inspector],
            establishments=[stall, station],
        )
    return type(
        "World",
        (),
        {
            "tenant": tenant_a,
            "lead": lead,
            "inspector": inspector,
            "manager": manager,
            "commune": commune,
            "stall": stall,
            "station": station,
            "decision": decision,
        },
    )


@pytest.fixture
def make_inspection(world):
    def make(**fields):
        fields.setdefault("inspection_type", "labelling")
        fields.setdefault("visited_on", timezone.localdate() - timedelta(days=10))
        establishment = fields.pop("establishment", world.stall)
        with tenant_context(world.tenant, user_id=world.inspector.pk):
            return services.create_inspection(
                actor=world.inspector, decision=world.decision, establishment=establishment, **fields
            )

    return make


@pytest.fixture
def labelling_basis(world):
    with tenant_context(world.tenant):
        return LegalBasis.objects.get(article="21", clause="2")
