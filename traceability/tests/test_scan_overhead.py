"""What a scan and a page cost the database, in transactions of their own as under gunicorn (not inside a
test's transaction): no needless tenancy round trips, the scan committed without waiting for its flush, and
no tenant setting left behind on the pooled connection."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tcvn_portal.tenancy.context import current_state, tenant_context
from traceability import services
from traceability.models import Stamp

from .test_services import issue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def active_stamp(tenant_a, batch_a, business_user_a):
    series = issue(tenant_a, batch_a, business_user_a, quantity=3)
    with tenant_context(tenant_a):
        services.activate_series(series=series, actor=business_user_a)
        return Stamp.objects.order_by("number").first()


def _sql(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def _setting_outside_any_request() -> tuple[str | None, int]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('app.tenant_id', true), (SELECT count(*) FROM traceability_stamp)"
        )
        return cursor.fetchone()


def test_a_repeated_scan_is_served_from_cache_and_written_in_one_statement(client, batch_a, active_stamp):
    url = f"/01/{batch_a.product.gtin}/10/{batch_a.lot}/21/{active_stamp.serial}"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and "kiểm tra 2 lần" in response.content.decode()
    statements = _sql(captured)
    # The stamp, series and batch come from Redis: nothing but the scan's own write reads a table.
    # This connection prepared the scan on the first request: the second only executes it.
    assert not [s for s in statements if "traceability" in s]
    (write,) = [s for s in statements if "EXECUTE tcvn_scan" in s]
    assert write.startswith("SET LOCAL synchronous_commit = off;") and "PREPARE" not in write
    # The anonymous request itself sets no tenant: the scan's statement carries its own, and it is restored
    # after; no savepoint. Four round trips in all: begin, the scan, the restore and the commit.
    assert "set_config('app.tenant_id'" in write
    assert [s for s in statements if s != write] == [
        "BEGIN",
        "SELECT set_config('app.tenant_id', '', true), set_config('app.user_id', '', true)",
        "COMMIT",
    ]
    assert _setting_outside_any_request() in ((None, 0), ("", 0))


def test_a_logged_in_page_sets_its_tenant_once_and_leaves_nothing_on_the_connection(
    client_for, officer_a, active_stamp
):
    client = client_for(officer_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/traceability/")
    assert response.status_code == 200
    statements = _sql(captured)
    # The user's own memberships first, then the chosen tenant, and no savepoint or restore around the view.
    pushes = [s for s in statements if "set_config" in s]
    assert len(pushes) == 2 and "'app.tenant_id', ''" in pushes[0]
    assert not [s for s in statements if "SAVEPOINT" in s]
    assert current_state().tenant is None
    # The setting ended with the request's transaction: RLS shows the next transaction no stamp.
    assert _setting_outside_any_request() in ((None, 0), ("", 0))
