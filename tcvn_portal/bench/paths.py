"""The hot paths the benchmark measures and the EXPLAIN test checks: one list, used by both."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.db import connection

# Main list pages (url names) and API list endpoints (paths), as a provincial manager opens them.
LIST_PAGES = [
    "metrology:instrument_list",
    "metrology:verification_list",
    "inspections:inspection_list",
    "iso_qms:agency_list",
    "iso_qms:application_list",
    "traceability:product_list",
    "traceability:batch_list",
    "traceability:anomaly_list",
]
API_LISTS = [
    "/api/v1/metrology/instruments/",
    "/api/v1/metrology/verifications/",
    "/api/v1/inspections/inspections/",
    "/api/v1/iso/agencies/",
    "/api/v1/iso/applications/",
    "/api/v1/traceability/batches/",
    "/api/v1/organizations/",
]

# Tables that grow with the years and the provinces: a sequential scan of one of them is a bug.
BIG_TABLES = {
    "tenancy_organization",
    "metrology_instrument",
    "metrology_verification",
    "metrology_reminder",
    "inspections_inspection",
    "iso_qms_agencyprofile",
    "iso_qms_awardapplication",
    "traceability_batch",
    "traceability_stampseries",
    "traceability_stamp",
    "traceability_scanevent",
    "notifications_notification",
    "audit_auditevent",
}


def big_tables(min_rows: int) -> set[str]:
    """The BIG_TABLES holding at least `min_rows` rows (planner statistics): on a nearly empty table a
    sequential scan is the right plan, and says nothing about the national volume."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s) AND reltuples >= %s",
            [sorted(BIG_TABLES), min_rows],
        )
        return {row[0] for row in cursor.fetchall()}


def explain(sql: str) -> dict:
    """The planner's plan (not executed) of one statement, on the current connection and tenant."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def plan_nodes(plan: dict) -> Iterator[dict]:
    """Every node of a plan, the root first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def seq_scans(plan: dict, tables: set[str] = BIG_TABLES) -> list[str]:
    """The big tables the plan reads from end to end."""
    return sorted(
        {
            n["Relation Name"]
            for n in plan_nodes(plan)
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in tables
        }
    )


def explain_analyze(sql: str) -> dict:
    """The plan of one read statement as it ran, with the rows each node really produced."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def rows_sorted(plan: dict) -> int:
    """The most rows any Sort node of an analysed plan was fed: a list page that sorts more than a page
    sorts the province's whole table, which an index in the list's order would have spared."""
    return max(
        (
            sum(child["Actual Rows"] * child["Actual Loops"] for child in node.get("Plans", []))
            for node in plan_nodes(plan)
            if node["Node Type"] in ("Sort", "Incremental Sort")
        ),
        default=0,
    )
