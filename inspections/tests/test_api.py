"""The inspections API: every entity, the same rules as the pages, 404 for another province, schema."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Inspection, Violation
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
API = "/api/v1/inspections"


@pytest.fixture
def records(world, make_inspection, labelling_basis):
    """One of each record, for the cross-tenant and listing tests."""
    inspection = make_inspection()
    with tenant_context(world.tenant, user_id=world.inspector.pk):
        plan = services.save_plan(
            actor=world.lead,
            year=TODAY().year,
            title="Kế hoạch",
            topics="Nhãn",
            period_start=TODAY().replace(month=1, day=1),
            period_end=TODAY().replace(month=12, day=31),
            target_count=5,
        )
        sample = services.save_sample(
            actor=world.inspector, inspection=inspection, code="M-1", product="Muối", laboratory="Quatest 1"
        )
        violation = services.add_violation(
            actor=world.inspector,
            inspection=inspection,
            legal_basis=labelling_basis,
            description="Nhãn thiếu",
            fine_amount=D(3_000_000),
        )
        followup = services.add_followup(
            actor=world.inspector,
            inspection=inspection,
            requirement="Dán nhãn phụ",
            deadline=TODAY() + timedelta(days=10),
        )
        fuel = services.add_fuel_check(
            actor=world.inspector,
            inspection=inspection,
            nozzle="Vòi 1",
            indicated_volume=D("20"),
            standard_volume=D("20"),
            max_permissible_error=D("0.5"),
        )
        quantity = services.add_quantity_check(
            actor=world.inspector,
            inspection=inspection,
            product="Đường",
            unit="g",
            nominal_quantity=D(500),
            lot_size=200,
            actual_quantities=["500"] * 50,
        )
        band = services.selectors.ToleranceBand.objects.first()
        plan_row = services.selectors.SamplingPlan.objects.first()
        item = services.selectors.ChecklistItem.objects.first()
    return {
        "plans": plan.pk,
        "decisions": world.decision.pk,
        "inspections": inspection.pk,
        "samples": sample.pk,
        "violations": violation.pk,
        "followups": followup.pk,
        "fuel-checks": fuel.pk,
        "quantity-checks": quantity.pk,
        "legal-bases": labelling_basis.pk,
        "tolerance-bands": band.pk,
        "sampling-plans": plan_row.pk,
        "checklist-items": item.pk,
    }


def test_every_entity_is_listed_and_read(world, records, client_for):
    client = client_for(world.inspector)
    for resource, pk in records.items():
        listing = client.get(f"{API}/{resource}/")
        assert listing.status_code == 200, resource
        assert pk in [row["id"] for row in listing.json()["results"]], resource
        assert client.get(f"{API}/{resource}/{pk}/").status_code == 200, resource


def test_another_provinces_objects_answer_404_on_every_route(
    world, records, tenant_b, member_factory, client_for
):
    outsider = client_for(member_factory(tenant_b, Role.MANAGER))
    for resource, pk in records.items():
        assert outsider.get(f"{API}/{resource}/{pk}/").status_code == 404, resource
        assert outsider.patch(f"{API}/{resource}/{pk}/", {}, content_type="application/json").status_code in (
            404,
            405,
        ), resource
        assert pk not in [row["id"] for row in outsider.get(f"{API}/{resource}/").json()["results"]]
    for path in [
        f"inspections/{records['inspections']}/submit",
        f"inspections/{records['inspections']}/approve",
        f"plans/{records['plans']}/approve",
        f"violations/{records['violations']}/sanction",
        f"followups/{records['followups']}/close",
    ]:
        assert outsider.post(f"{API}/{path}/", {}, content_type="application/json").status_code == 404, path


def test_child_record_pointing_at_another_provinces_inspection_is_refused(
    world, records, tenant_b, member_factory, client_for
):
    from tcvn_portal.tenancy.models import Commune

    outsider = client_for(member_factory(tenant_b, Role.INSPECTOR))
    response = outsider.post(
        f"{API}/samples/",
        {"inspection": records["inspections"], "code": "X", "product": "P", "laboratory": "L"},
        content_type="application/json",
    )
    assert response.status_code == 400
    with tenant_context(tenant_b):
        assert not Commune.objects.exists()


def test_inspection_is_created_and_submitted_through_the_api(world, client_for):
    client = client_for(world.inspector)
    with tenant_context(world.tenant):
        item = services.selectors.checklist_for("labelling").first()
    response = client.post(
        f"{API}/inspections/",
        {
            "decision": world.decision.pk,
            "establishment": world.stall.pk,
            "inspection_type": "labelling",
            "visited_on": TODAY().isoformat(),
            "result": "compliant",
            "answers": [{"item": item.pk, "answer": "yes", "note": ""}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["answers"] == [{"item": item.pk, "answer": "yes", "note": ""}]
    assert client.post(f"{API}/inspections/{body['id']}/submit/").json()["status"] == "submitted"
    approved = client_for(world.lead).post(f"{API}/inspections/{body['id']}/approve/")
    assert approved.json()["status"] == "approved"


def test_fine_out_of_range_is_a_400_in_vietnamese_and_saves_nothing(
    world, make_inspection, labelling_basis, client_for
):
    inspection = make_inspection()
    response = client_for(world.inspector).post(
        f"{API}/violations/",
        {
            "inspection": inspection.pk,
            "legal_basis": labelling_basis.pk,
            "description": "x",
            "fine_amount": "100",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Mức phạt phải nằm trong khoảng" in response.content.decode()
    with tenant_context(world.tenant):
        assert not Violation.objects.exists()


def test_inspector_outside_the_team_cannot_write(world, make_inspection, member_factory, client_for):
    inspection = make_inspection()
    stranger = member_factory(world.tenant, Role.INSPECTOR)
    response = client_for(stranger).patch(
        f"{API}/inspections/{inspection.pk}/", {"notes": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    with tenant_context(world.tenant):
        assert Inspection.objects.get().notes == ""


def test_business_user_cannot_read_inspections(world, records, member_factory, client_for):
    business = client_for(member_factory(world.tenant, Role.BUSINESS, organization=world.stall))
    assert business.get(f"{API}/inspections/").status_code == 403


def test_inspection_list_costs_the_same_queries_for_few_or_many(
    world, make_inspection, client_for, django_assert_max_num_queries
):
    client = client_for(world.inspector)
    make_inspection()
    client.get(f"{API}/inspections/")
    with django_assert_max_num_queries(30) as few:
        client.get(f"{API}/inspections/")
    for _ in range(12):
        make_inspection()
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        answer = client.get(f"{API}/inspections/").json()
    assert answer["count"] == 13
    assert {row["establishment_name"] for row in answer["results"]} == {world.stall.name}
    # Only the establishment is joined (for its name); decision, commune and inspector go out as ids.
    row_query = 'FROM "inspections_inspection" INNER JOIN'
    (rows,) = [q["sql"] for q in many.captured_queries if row_query in q["sql"]]
    assert '"tenancy_organization"."name"' in rows
    assert "inspections_inspectiondecision" not in rows and "accounts_user" not in rows
    assert "inspections_violation" not in rows


def test_openapi_schema_describes_the_inspections_api_without_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    # Only our routes: another app's half-built serializer must not decide this test.
    patterns = [path("api/v1/inspections/", include("inspections.api.urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    ours = [p for p in schema["paths"] if p.startswith("/api/v1/inspections/")]
    for resource in [
        "plans",
        "decisions",
        "inspections",
        "samples",
        "violations",
        "followups",
        "quantity-checks",
        "fuel-checks",
        "legal-bases",
        "checklist-items",
        "tolerance-bands",
        "sampling-plans",
    ]:
        assert f"/api/v1/inspections/{resource}/" in ours
    assert "/api/v1/inspections/inspections/{id}/approve/" in ours
    messages = [str(m) for m in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache)]
    # ENUM_NAME_OVERRIDES lives in the shared settings (metrology's entries); everything else is ours.
    assert [m for m in messages if "ENUM_NAME_OVERRIDES" not in m] == []
