"""Shared fixtures (tests/ holds the platform's) plus QMS and award records made through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from iso_qms.award import services as award_services
from iso_qms.award.models import AwardRound, CriteriaSet
from iso_qms.qms import services as qms_services
from iso_qms.qms.models import AgencyLevel
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Organization
from tcvn_portal.tenancy.roles import Role
from tests.celery_fixtures import celery_worker  # noqa: F401
from tests.conftest import django_db_setup  # noqa: F401
from tests.fixtures import *  # noqa: F403
from tests.fixtures import create_member, create_organization


def make_agency(tenant, name, *, level=AgencyLevel.COMMUNE, parent=None):
    org = create_organization(tenant, kind=Organization.Kind.AGENCY, name=name)
    with tenant_context(tenant):
        return qms_services.create_agency_profile(organization=org, level=level, parent=parent, actor=None)


@pytest.fixture
def province_agency_a(tenant_a):
    return make_agency(tenant_a, "Sở Khoa học và Công nghệ tỉnh Tuyên Quang", level=AgencyLevel.PROVINCE)


@pytest.fixture
def commune_agency_a(tenant_a, province_agency_a):
    return make_agency(tenant_a, "Ủy ban nhân dân xã Hàm Yên", parent=province_agency_a)


@pytest.fixture
def other_commune_a(tenant_a, province_agency_a):
    return make_agency(tenant_a, "Ủy ban nhân dân phường Minh Xuân", parent=province_agency_a)


@pytest.fixture
def agency_b(tenant_b):
    return make_agency(tenant_b, "Ủy ban nhân dân xã Bí Mật", level=AgencyLevel.PROVINCE)


@pytest.fixture
def focal_a(tenant_a, commune_agency_a):
    return create_member(tenant_a, Role.ISO_FOCAL, organization=commune_agency_a.organization)


@pytest.fixture
def quality_officer_a(tenant_a):
    return create_member(tenant_a, Role.QUALITY_OFFICER)


@pytest.fixture
def quality_officer_b(tenant_b):
    return create_member(tenant_b, Role.QUALITY_OFFICER)


@pytest.fixture
def council_a(tenant_a):
    return [create_member(tenant_a, Role.COUNCIL_MEMBER) for _ in range(3)]


@pytest.fixture
def business_a(tenant_a):
    return create_organization(tenant_a, name="Công ty Cổ phần Chè Tân Trào")


@pytest.fixture
def business_user_a(tenant_a, business_a):
    return create_member(tenant_a, Role.BUSINESS, organization=business_a)


def make_round(tenant, *, year=None, deadline_days=30):
    today = timezone.localdate()
    with tenant_context(tenant):
        award_services.seed_criteria_sets()
        criteria_set = CriteriaSet.objects.get(legal_basis="Thông tư 27/2019/TT-BKHCN")
        return award_services.save_round(
            year=year or today.year,
            criteria_set=criteria_set,
            opens_on=today - timedelta(days=10),
            submission_deadline=today + timedelta(days=deadline_days),
            scoring_deadline=today + timedelta(days=deadline_days + 30),
            actor=None,
        )


@pytest.fixture
def round_a(tenant_a) -> AwardRound:
    return make_round(tenant_a)


def fill_and_submit(application, actor):
    """A complete application: answers that pass the round's rules and every item self-assessed."""
    items = {sa.item_id: (f"Mô tả tự đánh giá {sa.item_id}", 50) for sa in application.self_assessments.all()}
    award_services.update_application(
        application=application,
        actor=actor,
        answers={
            "established_on": date(2010, 5, 1),
            "product_on_market_since": date(2015, 1, 1),
            "no_violations_declared": True,
            "main_products": "Chè xanh đặc sản",
        },
        assessments=items,
    )
    return award_services.submit_application(application=application, actor=actor)


def score_all(assignment, actor, percent):
    from iso_qms.award.selectors import items_of_set

    items = items_of_set(assignment.application.round.criteria_set_id)
    award_services.save_scores(
        assignment=assignment,
        actor=actor,
        scores={i.pk: (percent, f"Điểm mạnh {i.code}", f"Cơ hội cải tiến {i.code}") for i in items},
    )
