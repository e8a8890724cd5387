"""API: both parts, scoped to the tenant (404 otherwise) and to the focal person's agency; bad input
answers 400 in the platform's error format and changes nothing; lists in constant queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from iso_qms.award import services as award_services
from iso_qms.award.models import AwardApplication, ItemScore
from iso_qms.award.selectors import items_of_set
from iso_qms.qms import services as qms_services
from iso_qms.qms.models import Nonconformity, ScopeProcedure
from tcvn_portal.tenancy.context import tenant_context
from tests.fixtures import create_organization

from .conftest import fill_and_submit, make_agency

pytestmark = pytest.mark.django_db
API = "/api/v1/iso"


def test_another_tenants_objects_answer_404(
    client_for, quality_officer_b, commune_agency_a, tenant_a, round_a
):
    with tenant_context(tenant_a):
        nc = qms_services.open_nonconformity(
            agency=commune_agency_a, description="x", detected_on=timezone.localdate(), actor=None
        )
    client = client_for(quality_officer_b)
    for url in (
        f"{API}/agencies/{commune_agency_a.pk}/",
        f"{API}/nonconformities/{nc.pk}/",
        f"{API}/rounds/{round_a.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"{API}/nonconformities/{nc.pk}/step/root-cause/", {"root_cause": "x"})
    assert response.status_code == 404
    assert client.get(f"{API}/agencies/").json()["count"] == 0


def test_focal_person_cannot_write_to_another_agency(client_for, focal_a, other_commune_a, commune_agency_a):
    client = client_for(focal_a)
    response = client.post(
        f"{API}/nonconformities/",
        {"agency": other_commune_a.pk, "description": "Sai", "detected_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400 and "agency" in response.json()["error"]["fields"]
    assert client.get(f"{API}/agencies/{other_commune_a.pk}/").status_code == 404
    ok = client.post(
        f"{API}/nonconformities/",
        {
            "agency": commune_agency_a.pk,
            "description": "Hồ sơ thiếu",
            "detected_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert ok.status_code == 201


def test_nonconformity_cycle_through_the_api_refuses_a_due_date_before_detection(
    client_for, focal_a, commune_agency_a, tenant_a
):
    with tenant_context(tenant_a):
        nc = qms_services.open_nonconformity(
            agency=commune_agency_a, description="x", detected_on=timezone.localdate(), actor=None
        )
        qms_services.record_root_cause(nc=nc, root_cause="Nguyên nhân", actor=None)
    client = client_for(focal_a)
    bad = client.post(
        f"{API}/nonconformities/{nc.pk}/step/action/",
        {
            "corrective_action": "Sửa",
            "action_owner": "An",
            "due_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "due_on" in bad.json()["error"]["fields"]
    with tenant_context(tenant_a):
        assert Nonconformity.objects.get(pk=nc.pk).status == "analysed"
    good = client.post(
        f"{API}/nonconformities/{nc.pk}/step/action/",
        {
            "corrective_action": "Sửa",
            "action_owner": "An",
            "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["status"] == "action_planned"


def test_agency_answer_names_its_organisation_and_the_procedures_still_in_scope(
    client_for, quality_officer_a, commune_agency_a, tenant_a
):
    with tenant_context(tenant_a):
        kept, dropped = (
            qms_services.add_procedure(agency=commune_agency_a, code=code, name=name, actor=None)
            for code, name in (("1.001", "Đăng ký khai sinh"), ("1.002", "Chứng thực bản sao"))
        )
        ScopeProcedure.objects.filter(pk=dropped.pk).update(archived_at=timezone.now())
    client = client_for(quality_officer_a)
    (row,) = [a for a in client.get(f"{API}/agencies/").json()["results"] if a["id"] == commune_agency_a.pk]
    assert row["organization"] == commune_agency_a.organization_id
    assert row["name"] == commune_agency_a.name
    assert [p["name"] for p in row["procedures"]] == ["Đăng ký khai sinh"]
    detail = client.get(f"{API}/agencies/{commune_agency_a.pk}/").json()
    assert [p["id"] for p in detail["procedures"]] == [kept.pk]


def test_agency_list_runs_in_constant_queries(
    client_for, quality_officer_a, tenant_a, django_assert_max_num_queries
):
    client = client_for(quality_officer_a)
    for n in range(2):
        make_agency(tenant_a, f"UBND xã A{n}")
    with django_assert_max_num_queries(20):
        assert client.get(f"{API}/agencies/").json()["count"] == 2
    for n in range(10):
        make_agency(tenant_a, f"UBND xã B{n}")
    with django_assert_max_num_queries(20):
        assert client.get(f"{API}/agencies/").json()["count"] == 12


def test_application_list_runs_in_constant_queries_and_names_round_and_business_by_id(
    client_for, quality_officer_a, tenant_a, round_a, django_assert_max_num_queries
):
    def apply(n):
        for _ in range(n):
            business = create_organization(tenant_a)
            with tenant_context(tenant_a):
                award_services.start_application(
                    award_round=round_a, business=business, applicant_type="large_services", actor=None
                )

    client = client_for(quality_officer_a)
    apply(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(f"{API}/applications/").json()["count"] == 2
    apply(6)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        results = client.get(f"{API}/applications/").json()["results"]
    assert len(results) == 8 and {row["round"] for row in results} == {round_a.pk}
    (rows,) = [q["sql"] for q in many.captured_queries if '"iso_qms_awardapplication"."feedback"' in q["sql"]]
    # The round is joined only for the list's order (its year), the business not at all.
    assert '"iso_qms_awardround"."submission_deadline"' not in rows and "tenancy_organization" not in rows


def test_business_creates_and_submits_an_application_and_a_late_submission_is_refused(
    client_for, business_user_a, tenant_a, round_a
):
    client = client_for(business_user_a)
    with tenant_context(tenant_a):
        items = list(items_of_set(round_a.criteria_set_id))
    payload = {
        "round": round_a.pk,
        "applicant_type": "large_services",
        "established_on": "2005-03-01",
        "product_on_market_since": "2008-01-01",
        "no_violations_declared": True,
        "assessments": [{"item": i.pk, "text": f"Tự đánh giá {i.code}", "percent": 50} for i in items],
    }
    created = client.post(f"{API}/applications/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    with tenant_context(tenant_a):
        round_a.submission_deadline = timezone.localdate() - timedelta(days=1)
        round_a.save()
    late = client.post(f"{API}/applications/{pk}/submit/")
    assert late.status_code == 400 and "Đã quá hạn nộp hồ sơ" in str(late.json()["error"]["fields"])
    with tenant_context(tenant_a):
        assert AwardApplication.objects.get(pk=pk).status == "draft"
        round_a.submission_deadline = timezone.localdate() + timedelta(days=10)
        round_a.save()
    assert client.post(f"{API}/applications/{pk}/submit/").json()["status"] == "submitted"


@pytest.fixture
def eligible(tenant_a, round_a, business_a, business_user_a, council_a):
    with tenant_context(tenant_a):
        application = award_services.start_application(
            award_round=round_a, business=business_a, applicant_type="sme_services", actor=business_user_a
        )
        fill_and_submit(application, business_user_a)
        award_services.check_eligibility(application=application, eligible=True, note="", actor=None)
        for member in council_a[:2]:
            award_services.assign_member(application=application, member=member, actor=None)
        return application, list(items_of_set(round_a.criteria_set_id))


def test_scores_above_the_maximum_or_off_the_steps_are_refused_and_change_nothing(
    client_for, council_a, eligible
):
    application, items = eligible
    client = client_for(council_a[0])
    url = f"{API}/applications/{application.pk}/"
    assert (
        client.post(url + "conflict/", {"has_conflict": False}, content_type="application/json").status_code
        == 200
    )
    for percent, words in ((120, "điểm tối đa 70"), (42, "theo bước 5")):
        response = client.post(
            url + "scores/",
            {"scores": [{"item": items[1].pk, "percent": 50}, {"item": items[0].pk, "percent": percent}]},
            content_type="application/json",
        )
        assert response.status_code == 400 and words in str(response.json()["error"]), response.content
    assert not ItemScore.unscoped.exists()


def test_member_sees_others_scores_only_after_submitting(client_for, council_a, eligible):
    application, items = eligible
    url = f"{API}/applications/{application.pk}/"
    first = client_for(council_a[0])
    scores = {"scores": [{"item": i.pk, "percent": 60, "strengths": "Tốt"} for i in items], "submit": True}
    first.post(url + "conflict/", {"has_conflict": False}, content_type="application/json")
    assert first.post(url + "scores/", scores, content_type="application/json").status_code == 200
    second = client_for(council_a[1])
    second.post(url + "conflict/", {"has_conflict": False}, content_type="application/json")
    draft = {"scores": [{"item": items[0].pk, "percent": 80}]}
    seen = second.post(url + "scores/", draft, content_type="application/json").json()
    assert {row["member"] for row in seen} == {council_a[1].pk}
    done = second.post(url + "scores/", {**scores, "submit": True}, content_type="application/json").json()
    assert {row["member"] for row in done} == {council_a[0].pk, council_a[1].pk}


def test_schema_generates_without_warnings_for_the_iso_endpoints(client_for, quality_officer_a):
    response = client_for(quality_officer_a).get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "/api/v1/iso/nonconformities/{id}/step/" in body and "/api/v1/iso/applications/{id}/scores/" in body
    )
