"""Every query on the benchmark's hot paths reads the big tables through an index.

The paths run for real over a seeded sample (ten provinces, 10 000 instruments, 200 000 stamps, ANALYZEd):
list pages and API lists as a provincial manager, the public scan and certificate pages, the reminder
sweep's queries and the annual report's figures. Each statement they sent is then EXPLAINed under the
same tenant (with the planner's default settings) and must not sequentially scan a big table. Query
counts are bounded too: a list that ran one query per row would blow the bound.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrology import reminders
from metrology.models import Verification
from tcvn_portal.accounts.models import User
from tcvn_portal.bench import paths
from tcvn_portal.bench.seed import BENCH_EMAIL
from tcvn_portal.reports.services import report_sections
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.middleware import SESSION_KEY
from tcvn_portal.tenancy.models import Tenant
from traceability.models import Stamp

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "owner"])

PAGE_MAX_QUERIES = 25
# The API's default page: a sort fed more rows than the page it returns has sorted the province's rows.
MAX_PAGE_ROWS = 50
# Below this many rows in the sample a table is not judged (see paths.big_tables).
MIN_ROWS = 1000


def _selects(captured) -> list[str]:
    # A hot statement may travel behind its SET LOCAL and tenant setting (the scan): the last is the query.
    last = [q["sql"].rsplit(";\n", 1)[-1].lstrip() for q in captured]
    return [sql for sql in last if sql.upper().startswith(("SELECT", "WITH", "EXECUTE"))]


def _assert_indexed(tenant, statements: list[str]) -> None:
    problems = []
    with tenant_context(tenant):
        tables = paths.big_tables(MIN_ROWS)
        assert {"metrology_verification", "traceability_stamp", "traceability_scanevent"} <= tables
        for sql in statements:
            scanned = paths.seq_scans(paths.explain(sql), tables)
            if scanned:
                problems.append(f"{scanned}: {sql[:300]}")
    assert not problems, "Seq Scan on a big table:\n" + "\n".join(problems)


@pytest.fixture
def manager(bench_sample, client_for):
    tenant = Tenant.objects.get(pk=bench_sample.largest_tenant_id)
    client = client_for(User.objects.get(email=BENCH_EMAIL))
    session = client.session
    session[SESSION_KEY] = tenant.pk
    session.save()
    return tenant, client


def test_list_pages_and_api_lists_use_indexes_in_bounded_queries(manager):
    tenant, client = manager
    statements = []
    for target in [reverse(name) for name in paths.LIST_PAGES] + paths.API_LISTS:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target)
        assert response.status_code == 200, target
        assert len(captured) <= PAGE_MAX_QUERIES, f"{target}: {len(captured)} queries"
        statements += _selects(captured)
    _assert_indexed(tenant, statements)


def test_list_pages_find_their_page_without_sorting_the_province(manager):
    """Each list reads its page through an index in its order (or the page's keys first), so no sort is
    fed more rows than a page holds, however big the province."""
    tenant, client = manager
    sorted_rows = {}
    for target in [reverse(name) for name in paths.LIST_PAGES] + paths.API_LISTS:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(target).status_code == 200, target
        with tenant_context(tenant):
            for sql in _selects(captured):
                if any(f'"{table}"' in sql for table in paths.BIG_TABLES):  # not a filter's communes
                    sorted_rows[f"{target}: {sql[:200]}"] = paths.rows_sorted(paths.explain_analyze(sql))
    assert len(sorted_rows) >= len(paths.LIST_PAGES) + len(paths.API_LISTS)
    too_many = {statement: n for statement, n in sorted_rows.items() if n > MAX_PAGE_ROWS}
    assert not too_many, too_many


def test_searches_read_only_matching_rows_through_the_trigram_index(manager):
    """A search for words that match nothing reads no row: the search_text trigram index answers it, under
    the tenant's row-level security. Before, the policy had to pass every row of the province first (the
    search's operators were not LEAKPROOF) and each was then compared in vain."""
    tenant, client = manager
    statements = []
    for target in [reverse(name) for name in paths.LIST_PAGES] + paths.API_LISTS:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(target, {"q": "qzxjv wkyq"}).status_code == 200, target
        statements += [sql for sql in _selects(captured) if '"search_text" %>' in sql]
    assert len(statements) >= 8, statements  # a count and a page of keys for each searchable list
    read_in_vain = {}
    with tenant_context(tenant):
        for sql in statements:
            nodes = list(paths.plan_nodes(paths.explain_analyze(sql)))
            read_in_vain[sql[:300]] = sum(
                n.get("Rows Removed by Filter", 0) + n.get("Rows Removed by Index Recheck", 0) for n in nodes
            )
    # The sample's province holds about 2 000 instruments: all were read. Its few hundred batches or
    # organizations may still be read one by one, which is the planner's cheaper choice at that size.
    instruments = {sql: rows for sql, rows in read_in_vain.items() if '"metrology_instrument"' in sql}
    assert instruments and not any(instruments.values()), instruments
    assert not {sql: rows for sql, rows in read_in_vain.items() if rows >= MIN_ROWS}


def test_scan_and_certificate_pages_use_indexes(manager, client):
    tenant, _manager_client = manager
    with tenant_context(tenant):
        stamp = Stamp.objects.select_related("series__batch__product").order_by("-pk").first()
        verification = Verification.objects.exclude(check_code="").order_by("-pk").first()
    batch = stamp.series.batch
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/01/{batch.product.gtin}/10/{batch.lot}/21/{stamp.serial}").status_code == 200
        assert client.get(f"/metrology/check/{verification.check_code}/").status_code == 200
    statements = _selects(captured)
    # The scan itself is checked: EXPLAIN EXECUTE plans the prepared statement (an Update of the stamp).
    scans = [sql for sql in statements if sql.startswith("EXECUTE tcvn_scan")]
    assert len(scans) == 1
    with tenant_context(tenant):
        plan = paths.explain(scans[0])
    assert any(
        node.get("Operation") == "Update" and node.get("Relation Name") == "traceability_stamp"
        for node in paths.plan_nodes(plan)
    )
    _assert_indexed(tenant, statements)


def test_reminder_sweep_and_annual_report_use_indexes(manager):
    tenant, _client = manager
    today = timezone.localdate()
    with tenant_context(tenant), CaptureQueriesContext(connection) as captured:
        assert reminders.candidates(today).exists(), "the sample holds certificates expiring around today"
        assert reminders.send_due_reminders(tenant=tenant, today=today).sent
        report_sections(year=today.year - 1)
    statements = _selects(captured)
    _assert_indexed(tenant, statements)
    # The report's scans are read for its two years only, not every scan the province ever had (the sample
    # scatters them over five years).
    scans = [sql for sql in statements if '"traceability_scanevent"' in sql]
    assert scans
    with tenant_context(tenant):
        for sql in scans:
            nodes = list(paths.plan_nodes(paths.explain_analyze(sql)))
            assert sum(n.get("Rows Removed by Filter", 0) for n in nodes) == 0, sql


def test_seq_scan_check_reports_big_tables_only():
    """The check itself can fail: a sequential scan of a big table anywhere in the plan is reported."""
    plan = {
        "Node Type": "Hash Join",
        "Plans": [
            {"Node Type": "Index Scan", "Relation Name": "metrology_instrument"},
            {
                "Node Type": "Hash",
                "Plans": [{"Node Type": "Seq Scan", "Relation Name": "traceability_stamp"}],
            },
            {"Node Type": "Seq Scan", "Relation Name": "metrology_instrumenttype"},
        ],
    }
    assert paths.seq_scans(plan) == ["traceability_stamp"]


def test_rows_sorted_counts_what_a_sort_is_fed():
    page = {"Node Type": "Index Scan", "Actual Rows": 25, "Actual Loops": 1}
    province = {"Node Type": "Hash Join", "Actual Rows": 59701, "Actual Loops": 1}
    assert paths.rows_sorted({"Node Type": "Limit", "Plans": [{"Node Type": "Sort", "Plans": [page]}]}) == 25
    assert paths.rows_sorted({"Node Type": "Sort", "Plans": [province]}) == 59701
    assert paths.rows_sorted({"Node Type": "Limit", "Plans": [province]}) == 0


# Big tables with a whole-table index leading with the column a bare index would cover (see tenant_key).
LEAN_TABLES = [
    "metrology_instrument",
    "inspections_inspection",
    "iso_qms_agencyprofile",
    "traceability_batch",
    "traceability_stamp",
    "traceability_scanevent",
]


@pytest.mark.django_db
def test_hot_tables_keep_no_single_column_index_another_index_starts_with():
    """Such an index is written on every insert (a scan's first update of a stamp is not HOT) and draws
    the planner into reading the table to count a province's rows, where the list's partial index
    answers alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND x.indnatts = 1 AND x.indpred IS NULL AND NOT x.indisunique
              AND EXISTS (
                SELECT 1 FROM pg_index y WHERE y.indrelid = x.indrelid AND y.indexrelid <> x.indexrelid
                  AND y.indkey[0] = x.indkey[0] AND y.indnatts > 1
              )
            """,
            [LEAN_TABLES],
        )
        redundant = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname = ANY(%s)", [LEAN_TABLES])
        assert cursor.fetchone()[0] == len(LEAN_TABLES)
    assert redundant == []
