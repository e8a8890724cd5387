"""Award scoring in two stages (dossier, then site visit), the consensus meeting, and the separate band
guidance of process and results items — through the services and the pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from iso_qms.award import selectors, services
from iso_qms.award.catalog import BAND_GUIDANCE
from iso_qms.award.models import AwardApplication, BandGuidance, CriteriaItem, CriteriaSet, ItemScore
from tcvn_portal.audit.models import AuditEvent
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.fixtures import create_member, create_organization

from .conftest import fill_and_submit, score_all

pytestmark = pytest.mark.django_db
Status = AwardApplication.Status


def _scored(tenant, award_round, business, members, percents, applicant_type="sme_manufacturing"):
    """An application the given members scored at the dossier stage, each with one band for every item."""
    user = create_member(tenant, Role.BUSINESS, organization=business)
    with tenant_context(tenant):
        application = services.start_application(
            award_round=award_round, business=business, applicant_type=applicant_type, actor=user
        )
        fill_and_submit(application, user)
        services.check_eligibility(application=application, eligible=True, note="", actor=None)
        assignments = [
            services.assign_member(application=application, member=member, actor=None) for member in members
        ]
        for assignment, member, percent in zip(assignments, members, percents, strict=True):
            services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
            score_all(assignment, member, percent)
            services.submit_scores(assignment=assignment, actor=member)
        application.refresh_from_db()
    return application


@pytest.fixture
def dossier_scored(tenant_a, round_a, business_a, council_a):
    # Members score 60 % and 90 % of every item: totals 600 and 900, mean 750.
    return _scored(tenant_a, round_a, business_a, council_a[:2], (60, 90))


def _item(application, code) -> CriteriaItem:
    return CriteriaItem.objects.get(criterion__criteria_set=application.round.criteria_set, code=code)


def _adjust(application, member, changes, *, submit=True, today=None):
    assignment = application.assignments.get(member=member)
    services.save_scores(
        assignment=assignment,
        actor=member,
        scores={_item(application, code).pk: (p, "Đã xác minh tại cơ sở", "") for code, p in changes.items()},
    )
    if submit:
        services.submit_scores(assignment=assignment, actor=member, today=today)
    return assignment


# Two stages --------------------------------------------------------------------------------------------


def test_dossier_stage_is_in_force_until_a_site_visit_is_scored(tenant_a, dossier_scored):
    with tenant_context(tenant_a):
        application = AwardApplication.objects.get(pk=dossier_scored.pk)
        assert application.status == Status.SCORED and application.scoring_stage == "dossier"
        assert application.dossier_score == application.consolidated_score == Decimal("750.0")
        assert application.site_visit_score is None


def test_site_visit_carries_dossier_scores_over_and_its_adjusted_score_comes_into_force(
    tenant_a, dossier_scored, council_a
):
    first, second = council_a[:2]
    with tenant_context(tenant_a):
        services.schedule_site_visit(application=dossier_scored, visit_on=timezone.localdate(), actor=None)
        application = AwardApplication.objects.get(pk=dossier_scored.pk)
        assert application.status == Status.SITE_VISIT and application.site_visit_on == timezone.localdate()
        # Every member starts the visit from their own dossier bands.
        carried = ItemScore.objects.filter(assignment__application=application, stage="site_visit")
        assert (
            carried.count()
            == 2 * CriteriaItem.objects.filter(criterion__criteria_set=application.round.criteria_set).count()
        )
        assert set(carried.filter(assignment__member=first).values_list("percent", flat=True)) == {60}

        # Only item 7.1 (120 points) changes for the first member: 60 % → 80 %, total 600 → 624.
        assignment = _adjust(application, first, {"7.1": 80})
        assert assignment.site_visit_total == Decimal("624.0") and assignment.total == Decimal("600.0")
        application.refresh_from_db()
        assert application.status == Status.SITE_VISIT  # the second member has not submitted yet
        _adjust(application, second, {})
        application.refresh_from_db()
        assert application.status == Status.SCORED and application.scoring_stage == "site_visit"
        assert application.site_visit_score == application.consolidated_score == Decimal("762.0")
        assert application.dossier_score == Decimal("750.0")


def test_stage_transitions_are_audited(tenant_a, dossier_scored, council_a):
    with tenant_context(tenant_a):
        services.schedule_site_visit(application=dossier_scored, visit_on=timezone.localdate(), actor=None)
        application = AwardApplication.objects.get(pk=dossier_scored.pk)
        for member in council_a[:2]:
            _adjust(application, member, {})
        transitions = AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(AwardApplication),
            object_id=str(application.pk),
            action="transition",
        ).order_by("at", "pk")
        assert [e.after["status"] for e in transitions] == [
            "submitted",
            "eligible",
            "scored",
            "site_visit",
            "scored",
        ]
        stage_change = AuditEvent.objects.filter(
            object_id=str(application.pk), after__scoring_stage="site_visit"
        ).get()
        assert stage_change.before["scoring_stage"] == "dossier"


def test_site_visit_scores_wait_for_the_visit_and_the_visit_for_a_scored_dossier(
    tenant_a, round_a, dossier_scored, council_a
):
    with translation.override("en"), tenant_context(tenant_a):
        visit_on = timezone.localdate() + timedelta(days=7)
        services.schedule_site_visit(application=dossier_scored, visit_on=visit_on, actor=None)
        application = AwardApplication.objects.get(pk=dossier_scored.pk)
        with pytest.raises(ValidationError, match="dossier review of a scored application"):
            services.schedule_site_visit(application=application, visit_on=visit_on, actor=None)
        with pytest.raises(ValidationError, match="after the visit"):
            _adjust(application, council_a[0], {"1.1": 95})
        assignment = application.assignments.get(member=council_a[0])
        assert assignment.site_visit_submitted_at is None
        # The band was saved as a draft; once the visit is done it can be submitted.
        _adjust(application, council_a[0], {}, today=visit_on)
        assert application.assignments.get(member=council_a[0]).site_visit_submitted_at is not None
        with pytest.raises(ValidationError, match="site-visit scoring before ranking"):
            services.rank_round(award_round=round_a, actor=None)


def test_member_sees_others_site_visit_scores_only_after_submitting_their_own(
    tenant_a, dossier_scored, council_a
):
    first, second = council_a[:2]
    with tenant_context(tenant_a):
        services.schedule_site_visit(application=dossier_scored, visit_on=timezone.localdate(), actor=None)
        application = AwardApplication.objects.get(pk=dossier_scored.pk)
        _adjust(application, first, {"7.1": 80})
        membership = second.memberships.get()
        seen = selectors.visible_scores(application, membership)
        assert not seen.filter(stage="site_visit").exclude(assignment__member=second).exists()
        assert seen.filter(stage="dossier", assignment__member=first).exists()
        _adjust(application, second, {})
        assert (
            selectors.visible_scores(application, membership)
            .filter(stage="site_visit", assignment__member=first, percent=80)
            .exists()
        )


# Consensus meeting -------------------------------------------------------------------------------------


def test_consensus_band_replaces_the_members_mean_for_its_item(tenant_a, dossier_scored):
    item = None
    with tenant_context(tenant_a):
        item = _item(dossier_scored, "7.1")
        # Members gave 7.1 (120 points) 60 % and 90 %: mean 90 points. The meeting agrees 70 %: 84 points.
        meeting = services.record_consensus(
            application=dossier_scored,
            held_on=timezone.localdate(),
            note="Họp đồng thuận, đủ 2/2 thành viên",
            scores={item.pk: (70, "Thống nhất sau khi xem lại số liệu 2023–2025")},
            actor=None,
        )
        application = AwardApplication.objects.get(pk=dossier_scored.pk)
        assert meeting.stage == "dossier" and meeting.scores.get().note.startswith("Thống nhất")
        assert application.consolidated_score == Decimal("744.0")
        assert application.dossier_score == Decimal("750.0")  # the members' mean is kept beside it
        # Revised: an empty band lets the mean stand again.
        services.record_consensus(
            application=application,
            held_on=timezone.localdate(),
            note="",
            scores={item.pk: (None, "")},
            actor=None,
        )
        application.refresh_from_db()
        assert application.consolidated_score == Decimal("750.0")


def test_bad_consensus_input_is_refused_and_changes_nothing(tenant_a, dossier_scored, council_a):
    with translation.override("en"), tenant_context(tenant_a):
        item = _item(dossier_scored, "1.1")
        for held_on, band, message in (
            (timezone.localdate(), 33, "steps of 5"),
            (timezone.localdate(), 120, "maximum"),
            (timezone.localdate() + timedelta(days=1), 50, "future"),
        ):
            with pytest.raises(ValidationError, match=message):
                services.record_consensus(
                    application=dossier_scored,
                    held_on=held_on,
                    note="",
                    scores={item.pk: (band, "")},
                    actor=None,
                )
        application = AwardApplication.objects.get(pk=dossier_scored.pk)
        assert application.consolidated_score == Decimal("750.0")
        assert not application.consensus_meetings.exists()
        services.schedule_site_visit(application=application, visit_on=timezone.localdate(), actor=None)
        with pytest.raises(ValidationError, match="scored application"):
            services.record_consensus(
                application=application,
                held_on=timezone.localdate(),
                note="",
                scores={item.pk: (50, "")},
                actor=None,
            )


def test_ranking_uses_the_consensus_score_when_present(tenant_a, round_a, dossier_scored, council_a):
    rival = _scored(
        tenant_a,
        round_a,
        create_organization(tenant_a, name="Công ty TNHH Gốm Thanh Hà"),
        council_a[:2],
        (70, 85),  # totals 700 and 850: mean 775, ahead of 750
    )
    with tenant_context(tenant_a):
        ranked = selectors.ranking(round_a)["sme_manufacturing"]
        assert [r.application.pk for r in ranked] == [rival.pk, dossier_scored.pk]
        # Consensus on 7.1 at 100 %: 660 (mean of the other items) + 120 = 780, now first.
        services.record_consensus(
            application=dossier_scored,
            held_on=timezone.localdate(),
            note="",
            scores={_item(dossier_scored, "7.1").pk: (100, "Kết quả dẫn đầu ngành")},
            actor=None,
        )
        services.rank_round(award_round=round_a, actor=None)
        ranked = selectors.ranking(round_a)["sme_manufacturing"]
        assert [(r.application.pk, r.consensus) for r in ranked] == [
            (dossier_scored.pk, True),
            (rival.pk, False),
        ]
        assert AwardApplication.objects.get(pk=dossier_scored.pk).rank_in_type == 1
        assert ranked[0].application.consolidated_score == Decimal("780.0")


# Band guidance -----------------------------------------------------------------------------------------


def test_two_guidance_tables_are_seeded_per_set_and_copied_to_a_new_version(tenant_a, round_a):
    with tenant_context(tenant_a):
        criteria_set = round_a.criteria_set
        tables = selectors.guidance_for(criteria_set.pk)
        assert set(tables) == {"process", "results"}
        for kind, rows in tables.items():
            assert [(g.low, g.high) for g in rows] == [
                (0, 5),
                (10, 25),
                (30, 45),
                (50, 65),
                (70, 85),
                (90, 100),
            ]
            assert [g.text for g in rows] == [text for _low, _high, text in BAND_GUIDANCE[kind]]
        assert tables["process"][5].text != tables["results"][5].text
        copy = services.new_version(criteria_set=criteria_set, version="2027", actor=None)
        assert BandGuidance.objects.filter(criteria_set=copy).count() == 12
        services.seed_criteria_sets()  # idempotent: no second table
        assert BandGuidance.objects.filter(criteria_set=criteria_set).count() == 12
        assert CriteriaSet.objects.get(pk=criteria_set.pk).guidance.filter(kind="results").count() == 6


# Pages -------------------------------------------------------------------------------------------------


def _fieldsets(html: str) -> dict[str, list[str]]:
    chunks = html.split('<fieldset class="form-group" data-item-kind="')[1:]
    kinds: dict[str, list[str]] = {"process": [], "results": []}
    for chunk in chunks:
        kind, body = chunk.split('"', 1)
        kinds[kind].append(body.split("</fieldset>")[0])
    return kinds


def test_scoring_form_shows_the_guidance_of_each_items_kind(
    client_for, tenant_a, round_a, business_a, business_user_a, council_a
):
    member = council_a[0]
    with tenant_context(tenant_a):
        application = services.start_application(
            award_round=round_a, business=business_a, applicant_type="sme_services", actor=business_user_a
        )
        fill_and_submit(application, business_user_a)
        services.check_eligibility(application=application, eligible=True, note="", actor=None)
        assignment = services.assign_member(application=application, member=member, actor=None)
        services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
    html = (
        client_for(member).get(reverse("iso_qms:application_score", args=[application.pk])).content.decode()
    )
    process_text, results_text = BAND_GUIDANCE["process"][5][2], BAND_GUIDANCE["results"][5][2]
    kinds = _fieldsets(html)
    assert len(kinds["process"]) == 12 and len(kinds["results"]) == 5
    assert all(process_text in f and results_text not in f for f in kinds["process"])
    assert all(results_text in f and process_text not in f for f in kinds["results"])
    assert "Hướng dẫn cho điểm hạng mục kết quả" in kinds["results"][0]
    assert "Hướng dẫn cho điểm hạng mục quá trình" in kinds["process"][0]


def test_secretary_schedules_the_site_visit_and_a_member_adjusts_on_the_page(
    client_for, quality_officer_a, tenant_a, dossier_scored, council_a
):
    office = client_for(quality_officer_a)
    url = reverse("iso_qms:application_site_visit", args=[dossier_scored.pk])
    office.post(url, {"site_visit_on": ""})
    with tenant_context(tenant_a):
        assert AwardApplication.objects.get(pk=dossier_scored.pk).status == Status.SCORED
    assert office.post(url, {"site_visit_on": timezone.localdate().isoformat()}).status_code == 302
    detail = office.get(reverse("iso_qms:application_detail", args=[dossier_scored.pk])).content.decode()
    assert "Đánh giá tại cơ sở" in detail and timezone.localdate().strftime("%d/%m/%Y") in detail

    member = council_a[0]
    client = client_for(member)
    page = client.get(reverse("iso_qms:application_detail", args=[dossier_scored.pk])).content.decode()
    assert "Chấm điểm đánh giá tại cơ sở" in page
    score_url = reverse("iso_qms:application_score", args=[dossier_scored.pk])
    form_page = client.get(score_url)
    assert "Mức điểm khi đánh giá hồ sơ: 60 %" in form_page.content.decode()
    form = form_page.context["form"]
    data = {f"percent_{item.pk}": str(field.value()) for item, field, *_ in form.items}
    seven_one = next(item for item, *_ in form.items if item.code == "7.1")
    data[f"percent_{seven_one.pk}"] = "80"
    data["submit"] = "1"
    assert client.post(score_url, data).status_code == 302
    with tenant_context(tenant_a):
        assignment = AwardApplication.objects.get(pk=dossier_scored.pk).assignments.get(member=member)
        assert assignment.site_visit_total == Decimal("624.0")


def test_secretary_records_the_consensus_on_the_page_and_the_ranking_shows_it(
    client_for, quality_officer_a, tenant_a, dossier_scored
):
    office = client_for(quality_officer_a)
    url = reverse("iso_qms:application_consensus", args=[dossier_scored.pk])
    page = office.get(url)
    assert page.status_code == 200 and "Điểm trung bình: 90,0 điểm" in page.content.decode()
    with tenant_context(tenant_a):
        item = _item(dossier_scored, "7.1")
    bad = office.post(url, {"held_on": "", f"agreed_{item.pk}": "70"})
    assert bad.status_code == 400
    with tenant_context(tenant_a):
        assert not AwardApplication.objects.get(pk=dossier_scored.pk).consensus_meetings.exists()
    response = office.post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "note": "Hội đồng thống nhất",
            f"agreed_{item.pk}": "70",
            f"note_{item.pk}": "Số liệu 3 năm",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert AwardApplication.objects.get(pk=dossier_scored.pk).consolidated_score == Decimal("744.0")
        services.rank_round(award_round=dossier_scored.round, actor=None)
    ranking = office.get(reverse("iso_qms:round_detail", args=[dossier_scored.round_id])).content.decode()
    assert "744,0" in ranking and "Đồng thuận" in ranking


def test_consensus_and_site_visit_pages_answer_404_to_another_province(
    client_for, quality_officer_b, tenant_a, dossier_scored
):
    client = client_for(quality_officer_b)
    consensus = reverse("iso_qms:application_consensus", args=[dossier_scored.pk])
    assert client.get(consensus).status_code == 404
    assert client.post(consensus, {"held_on": timezone.localdate().isoformat()}).status_code == 404
    visit = reverse("iso_qms:application_site_visit", args=[dossier_scored.pk])
    assert client.post(visit, {"site_visit_on": timezone.localdate().isoformat()}).status_code == 404
    with tenant_context(tenant_a):
        application = AwardApplication.objects.get(pk=dossier_scored.pk)
        assert application.status == Status.SCORED and not application.consensus_meetings.exists()


def test_council_member_cannot_open_the_consensus_page(client_for, dossier_scored, council_a):
    url = reverse("iso_qms:application_consensus", args=[dossier_scored.pk])
    assert client_for(council_a[0]).get(url).status_code == 403
