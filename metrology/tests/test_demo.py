import pytest

from metrology import demo, selectors
from metrology.models import Campaign, Instrument, Verification, VerificationRequest
from tcvn_portal.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def test_demo_seed_fills_every_dashboard_state_and_is_idempotent(tenant_a):
    demo.seed(tenant_a)
    demo.seed(tenant_a)
    with tenant_context(tenant_a):
        counts = selectors.dashboard_counts(Instrument.objects.all())
        assert counts["due"] >= 1 and counts["overdue"] >= 1 and counts["failed"] >= 1
        assert Instrument.objects.count() == 7
        assert Verification.objects.count() == 6
        assert Campaign.objects.count() == 1 and VerificationRequest.objects.count() == 1
