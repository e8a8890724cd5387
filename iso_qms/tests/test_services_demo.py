"""The demo seed: realistic records through the services, and a second run adds nothing."""

import pytest

from iso_qms import demo
from iso_qms.award.models import AwardApplication, CriteriaSet
from iso_qms.qms.models import AgencyProfile, Nonconformity, QmsStatus
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Organization
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_fills_both_parts(tenant_a, organization_factory, member_factory):
    organization_factory(tenant_a, kind=Organization.Kind.AGENCY, name="Sở Khoa học và Công nghệ")
    organization_factory(tenant_a, kind=Organization.Kind.AGENCY, name="UBND xã Yên Sơn")
    organization_factory(tenant_a, name="Công ty TNHH Chè Shan Tuyết")
    member_factory(tenant_a, Role.COUNCIL_MEMBER)
    demo.seed(tenant_a)
    demo.seed(tenant_a)
    with tenant_context(tenant_a):
        assert CriteriaSet.objects.count() == 2
        assert AgencyProfile.objects.count() == 2
        assert set(AgencyProfile.objects.values_list("status", flat=True)) == {QmsStatus.ANNOUNCED}
        assert Nonconformity.objects.count() == 2
        application = AwardApplication.objects.get()
        assert application.status == "eligible" and application.assignments.count() == 1
