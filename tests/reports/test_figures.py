"""The report's figures are aggregates of what the database holds, per year, commune and period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from inspections.models import InspectionType
from tcvn_portal.reports.figures import all_figures, inspections, iso_qms, metrology, outreach, traceability
from tcvn_portal.tenancy.context import tenant_context
from tests.reports.conftest import LAST_YEAR, THIS_YEAR, Province, early

pytestmark = pytest.mark.django_db


def metrics(section: dict) -> dict[str, tuple]:
    return {m["key"]: (m["value"], m["previous"]) for m in section["metrics"]}


def rows(section: dict, key: str) -> dict[str, tuple]:
    part = next(b for b in section["breakdowns"] if b["key"] == key)
    return {r["label"]: (r["value"], r["previous"]) for r in part["rows"]}


def test_inspection_figures_count_types_results_fines_and_samples_of_each_year(province_a, tenant_a):
    p = province_a
    p.inspection(
        early(THIS_YEAR),
        kind="fuel",
        result="violation",
        fines=[(5_000_000, True), (2_500_000, False)],
        samples=["conforming", "nonconforming"],
    )
    p.inspection(early(THIS_YEAR), kind="labelling", result="compliant", samples=["conforming"])
    p.inspection(early(THIS_YEAR), kind="fuel", status="draft")  # work in progress: not counted
    p.inspection(early(LAST_YEAR, 5), kind="gold", result="violation", fines=[(10_000_000, True)])
    p.inspection(early(LAST_YEAR - 1), kind="gold")  # two years ago: in neither column

    with tenant_context(tenant_a):
        section = inspections.figures(year=THIS_YEAR)
    got = metrics(section)
    assert got["inspections"] == (2, 1)
    assert got["inspections_with_violation"] == (1, 1)
    assert got["violations"] == (2, 1)
    assert got["fines"] == (Decimal(7_500_000), Decimal(10_000_000))
    assert got["fines_paid"] == (Decimal(5_000_000), Decimal(10_000_000))
    assert got["samples"] == (3, 0)
    assert got["samples_conforming"] == (2, 0)
    assert got["samples_nonconforming"] == (1, 0)
    by_type = rows(section, "by_type")
    assert by_type[str(InspectionType.FUEL.label)] == (1, 0)
    assert by_type[str(InspectionType.GOLD.label)] == (0, 1)
    assert sum(v for v, _p in by_type.values()) == 2


def test_metrology_figures_count_verifications_pass_rate_and_overdue(province_a, tenant_a):
    p = province_a
    p.verification(early(THIS_YEAR), result="passed")
    p.verification(early(THIS_YEAR), result="passed")
    p.verification(early(THIS_YEAR), result="failed", kind="initial")
    p.verification(early(LAST_YEAR), result="passed")
    overdue = p.verification(dt.date(LAST_YEAR - 2, 1, 1), result="passed")
    with tenant_context(tenant_a):
        from metrology.models import Instrument

        Instrument.objects.filter(pk=overdue.instrument_id).update(valid_until=dt.date(LAST_YEAR - 1, 1, 1))
        section = metrology.figures(year=THIS_YEAR)
    got = metrics(section)
    assert got["verifications"] == (3, 1)
    assert got["verifications_passed"] == (2, 1)
    assert got["verifications_failed"] == (1, 0)
    assert got["pass_rate"] == (Decimal("66.7"), Decimal("100.0"))
    # The one verified in January last year lapsed a year later, like the one set back above.
    assert got["instruments_overdue"] == (2, None)
    assert got["instruments"][0] == 5
    assert rows(section, "by_type") == {"Cột đo xăng dầu": (3, 1)}


def test_iso_and_award_figures_follow_yearly_checks_and_statuses(province_a, tenant_a):
    p = province_a
    p.agency_check(THIS_YEAR, result="compliant", status="announced")
    p.agency_check(THIS_YEAR, result="partly", status="building")
    p.agency_check(LAST_YEAR, result="compliant", status="maintained")
    with tenant_context(tenant_a):
        got = metrics(iso_qms.figures(year=THIS_YEAR))
    assert got["agencies"][0] == 3
    assert got["agencies_announced"][0] == 2
    assert got["agencies_checked"] == (2, 1)
    assert got["agencies_compliant"] == (1, 1)


def test_traceability_figures_count_stamps_scans_and_recalls(province_a, tenant_a):
    p = province_a
    p.stamps(early(THIS_YEAR), quantity=1000, scans=3)
    p.stamps(early(THIS_YEAR), quantity=500, recalled=True)
    p.stamps(early(LAST_YEAR), quantity=200, scans=1)
    with tenant_context(tenant_a):
        got = metrics(traceability.figures(year=THIS_YEAR))
    assert got["stamp_applications"] == (2, 1)
    assert got["stamps_issued"] == (1500, 200)
    assert got["stamp_series"] == (2, 1)
    assert got["scans"] == (3, 1)
    assert got["recalls"] == (1, 0)


def test_outreach_figures_filter_by_commune_and_period(province_a, tenant_a):
    p = province_a
    p.outreach(dt.date(THIS_YEAR, 1, 1), kind="training", attendance=40, commune=p.commune)
    p.outreach(dt.date(THIS_YEAR, 1, 1), kind="legal", attendance=25, commune=p.other_commune)
    p.outreach(dt.date(LAST_YEAR, 8, 1), kind="propaganda", attendance=100, commune=p.commune)
    with tenant_context(tenant_a):
        whole = metrics(outreach.figures(year=THIS_YEAR))
        one_commune = metrics(outreach.figures(year=THIS_YEAR, commune=p.commune))
        first_quarter = metrics(outreach.figures(year=THIS_YEAR, period="q1"))
        second_half = metrics(outreach.figures(year=THIS_YEAR, period="h2"))
    assert whole["outreach_activities"] == (2, 1)
    assert whole["outreach_attendance"] == (65, 100)
    assert one_commune["outreach_attendance"] == (40, 100)
    assert first_quarter["outreach_activities"] == (2, 0)
    assert second_half["outreach_activities"] == (0, 1)


def test_figures_never_count_another_provinces_rows(province_a, tenant_a, tenant_b, member_factory):
    from tcvn_portal.tenancy.roles import Role

    other = Province(tenant_b, member_factory(tenant_b, Role.INSPECTOR))
    other.inspection(early(THIS_YEAR), fines=[(9_000_000, True)])
    other.verification(early(THIS_YEAR))
    other.outreach(early(THIS_YEAR), attendance=999)
    province_a.outreach(early(THIS_YEAR), attendance=10)
    with tenant_context(tenant_a):
        sections = {s["key"]: metrics(s) for s in all_figures(year=THIS_YEAR)}
    assert sections["inspections"]["inspections"] == (0, 0)
    assert sections["inspections"]["fines"] == (0, 0)
    assert sections["metrology"]["verifications"] == (0, 0)
    assert sections["outreach"]["outreach_attendance"] == (10, 0)


def test_all_figures_take_a_constant_number_of_queries(province_a, tenant_a, django_assert_max_num_queries):
    def count_queries():
        with tenant_context(tenant_a), django_assert_max_num_queries(20) as captured:
            all_figures(year=THIS_YEAR)
        return len(captured)

    few = count_queries()
    for _ in range(5):
        province_a.inspection(early(THIS_YEAR), fines=[(1_000_000, False)], samples=["conforming"])
        province_a.verification(early(THIS_YEAR))
        province_a.stamps(early(THIS_YEAR), quantity=10, scans=2)
        province_a.outreach(early(THIS_YEAR))
    assert count_queries() == few
