import time

import pytest

from tcvn_portal.tenancy.context import tenant_context
from traceability.models import ApplicationItem, Stamp

from .test_services import issue

pytestmark = pytest.mark.django_db


def test_a_series_of_200_000_stamps_issues_in_seconds(tenant_a, batch_a, business_user_a):
    # A million takes about five times as long; the chunked INSERT … unnest keeps it linear.
    with tenant_context(tenant_a):
        ApplicationItem.objects.filter(product=batch_a.product).update(quantity=200_000)
    started = time.monotonic()
    series = issue(tenant_a, batch_a, business_user_a, quantity=200_000)
    elapsed = time.monotonic() - started
    with tenant_context(tenant_a):
        assert Stamp.objects.filter(series=series).count() == 200_000
    assert elapsed < 60, elapsed
