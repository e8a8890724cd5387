"""Award services: criteria sets summing to 1 000, rounds, applications, conflicts, scoring, ranking."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from iso_qms.award import selectors, services
from iso_qms.award.models import AwardApplication, CouncilAssignment, CriteriaSet, Criterion, ItemScore
from tcvn_portal.audit.models import AuditEvent
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership

from .conftest import fill_and_submit, make_round, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    # The messages are matched in their English source; the pages test the Vietnamese.
    with translation.override("en"):
        yield


Status = AwardApplication.Status


def test_seeded_circular_27_set_has_seven_criteria_summing_to_1000_and_decree_37_is_a_draft(tenant_a):
    with tenant_context(tenant_a):
        services.seed_criteria_sets()
        services.seed_criteria_sets()  # idempotent
        circular = CriteriaSet.objects.get(legal_basis="Thông tư 27/2019/TT-BKHCN")
        decree = CriteriaSet.objects.get(legal_basis="Nghị định 37/2026/NĐ-CP")
        assert CriteriaSet.objects.count() == 2
        assert circular.status == "published" and services.set_total(circular) == 1000
        per_criterion = {c.number: sum(i.max_points for i in c.items.all()) for c in circular.criteria.all()}
        assert per_criterion == {1: 120, 2: 85, 3: 85, 4: 90, 5: 85, 6: 85, 7: 450}
        assert decree.status == "draft" and decree.criteria.count() == 2


def test_items_may_not_exceed_1000_and_publishing_needs_exactly_1000(tenant_a):
    with tenant_context(tenant_a):
        services.seed_criteria_sets()
        decree = CriteriaSet.objects.get(legal_basis="Nghị định 37/2026/NĐ-CP")
        governance, product = Criterion.objects.filter(criteria_set=decree).order_by("number")
        services.save_item(
            criterion=governance, code="1.1", name="Lãnh đạo", max_points=600, kind="process", actor=None
        )
        with pytest.raises(ValidationError, match="1001|1 001|1.001"):
            services.save_item(
                criterion=product, code="2.1", name="Chất lượng", max_points=401, kind="results", actor=None
            )
        services.save_item(
            criterion=product, code="2.1", name="Chất lượng", max_points=300, kind="results", actor=None
        )
        with pytest.raises(ValidationError, match="900"):
            services.publish_criteria_set(criteria_set=decree, actor=None)
        services.save_item(
            criterion=product, code="2.2", name="Độ tin cậy", max_points=100, kind="results", actor=None
        )
        services.publish_criteria_set(criteria_set=decree, actor=None)
        with pytest.raises(ValidationError, match="published"):
            services.save_item(
                criterion=product, code="2.3", name="x", max_points=1, kind="results", actor=None
            )


def test_new_version_copies_items_as_a_draft(tenant_a):
    with tenant_context(tenant_a):
        circular = services.seed_criteria_sets()[0]
        copy = services.new_version(criteria_set=circular, version="2027", actor=None)
        assert copy.status == "draft" and services.set_total(copy) == 1000
        with pytest.raises(ValidationError):
            services.new_version(criteria_set=circular, version="2027", actor=None)


def test_round_needs_a_published_set_ordered_dates_and_one_per_year(tenant_a, round_a):
    with tenant_context(tenant_a):
        decree = CriteriaSet.objects.get(legal_basis="Nghị định 37/2026/NĐ-CP")
        with pytest.raises(ValidationError) as exc:
            services.save_round(
                year=round_a.year,
                criteria_set=decree,
                opens_on=timezone.localdate(),
                submission_deadline=timezone.localdate() - timedelta(1),
                scoring_deadline=timezone.localdate(),
                actor=None,
            )
        assert {"criteria_set", "submission_deadline", "year"} <= set(exc.value.message_dict)


def _apply(tenant, award_round, business, user, applicant_type="sme_manufacturing"):
    with tenant_context(tenant):
        application = services.start_application(
            award_round=award_round, business=business, applicant_type=applicant_type, actor=user
        )
        return fill_and_submit(application, user)


def test_submission_after_the_deadline_is_refused_and_changes_nothing(
    tenant_a, round_a, business_a, business_user_a
):
    with tenant_context(tenant_a):
        application = services.start_application(
            award_round=round_a, business=business_a, applicant_type="sme_services", actor=business_user_a
        )
        late = round_a.submission_deadline + timedelta(days=1)
        with pytest.raises(ValidationError, match="deadline"):
            services.submit_application(application=application, actor=business_user_a, today=late)
        application.refresh_from_db()
        assert application.status == Status.DRAFT and application.submitted_at is None


def test_incomplete_self_assessment_cannot_be_submitted(tenant_a, round_a, business_a, business_user_a):
    with tenant_context(tenant_a):
        application = services.start_application(
            award_round=round_a, business=business_a, applicant_type="sme_services", actor=business_user_a
        )
        assert application.self_assessments.count() == 17
        with pytest.raises(ValidationError):
            services.submit_application(application=application, actor=business_user_a)


def test_eligibility_rules_come_from_the_round(tenant_a, round_a, business_a, business_user_a):
    application = _apply(tenant_a, round_a, business_a, business_user_a)
    with tenant_context(tenant_a):
        application.established_on = timezone.localdate() - timedelta(days=365)
        assert any("36" in p for p in services.eligibility_problems(application))
        with pytest.raises(ValidationError):
            services.check_eligibility(application=application, eligible=True, note="", actor=None)
        application.refresh_from_db()
        assert services.eligibility_problems(application) == []
        services.check_eligibility(application=application, eligible=True, note="Đủ điều kiện", actor=None)
        transitions = AuditEvent.objects.filter(object_id=str(application.pk), action="transition")
        assert [e.after["status"] for e in transitions.order_by("at", "pk")] == ["submitted", "eligible"]


@pytest.fixture
def eligible_application(tenant_a, round_a, business_a, business_user_a):
    application = _apply(tenant_a, round_a, business_a, business_user_a)
    with tenant_context(tenant_a):
        return services.check_eligibility(application=application, eligible=True, note="", actor=None)


def _assign(tenant, application, members):
    with tenant_context(tenant):
        return [services.assign_member(application=application, member=m, actor=None) for m in members]


def test_conflicted_member_cannot_score(tenant_a, eligible_application, council_a):
    member = council_a[0]
    (assignment,) = _assign(tenant_a, eligible_application, [member])
    with tenant_context(tenant_a):
        with pytest.raises(ValidationError, match="conflicts of interest"):
            score_all(assignment, member, 50)
        services.declare_conflict(
            assignment=assignment, has_conflict=True, note="Từng làm cố vấn", actor=member
        )
        with pytest.raises(ValidationError, match="conflict of interest"):
            score_all(assignment, member, 50)
        assert not ItemScore.objects.exists()


def test_scores_off_the_band_steps_or_above_the_maximum_are_refused_whole(
    tenant_a, eligible_application, council_a
):
    member = council_a[0]
    (assignment,) = _assign(tenant_a, eligible_application, [member])
    with tenant_context(tenant_a):
        services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
        items = list(selectors.items_of_set(eligible_application.round.criteria_set_id))
        with pytest.raises(ValidationError, match="maximum of 70"):
            services.save_scores(
                assignment=assignment,
                actor=member,
                scores={items[1].pk: (50, "", ""), items[0].pk: (110, "", "")},
            )
        with pytest.raises(ValidationError, match="steps of 5"):
            services.save_scores(assignment=assignment, actor=member, scores={items[0].pk: (33, "", "")})
        assert not ItemScore.objects.exists()


def test_members_do_not_see_each_others_scores_until_they_submit(tenant_a, eligible_application, council_a):
    first, second, _third = council_a
    a1, a2 = _assign(tenant_a, eligible_application, [first, second])
    with tenant_context(tenant_a):
        for assignment, member in ((a1, first), (a2, second)):
            services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
        score_all(a1, first, 50)
        services.submit_scores(assignment=a1, actor=first)
        score_all(a2, second, 70)
        m2 = Membership.objects.get(user=second)
        assert {s.assignment_id for s in selectors.visible_scores(eligible_application, m2)} == {a2.pk}
        m1 = Membership.objects.get(user=first)
        assert {s.assignment_id for s in selectors.visible_scores(eligible_application, m1)} == {a1.pk}
        services.submit_scores(assignment=a2, actor=second)
        assert {s.assignment_id for s in selectors.visible_scores(eligible_application, m2)} == {a1.pk, a2.pk}


def test_consolidated_score_is_the_mean_and_a_wide_spread_is_flagged(
    tenant_a, eligible_application, council_a
):
    first, second, third = council_a
    assignments = _assign(tenant_a, eligible_application, council_a)
    with tenant_context(tenant_a):
        services.declare_conflict(
            assignment=assignments[2], has_conflict=True, note="Người thân", actor=third
        )
        for assignment, member, percent in ((assignments[0], first, 50), (assignments[1], second, 80)):
            services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
            score_all(assignment, member, percent)
            services.submit_scores(assignment=assignment, actor=member)
        application = AwardApplication.objects.get(pk=eligible_application.pk)
        assert application.status == Status.SCORED
        assert CouncilAssignment.objects.get(pk=assignments[0].pk).total == Decimal("500.0")
        assert application.consolidated_score == Decimal("650.0")
        (row,) = selectors.ranking(application.round)["sme_manufacturing"]
        assert row.disagreement and row.level == "award" and (row.lowest, row.highest) == (500, 800)


def test_ranking_within_each_type_and_gold_needs_800_and_best_of_type(
    tenant_a, round_a, council_a, organization_factory, member_factory
):
    from tcvn_portal.tenancy.roles import Role

    member = council_a[0]
    results = {}
    for name, percent, kind in (
        ("Công ty A", 85, "large_services"),
        ("Công ty B", 90, "large_services"),
        ("Công ty C", 60, "sme_services"),
    ):
        business = organization_factory(tenant_a, name=name)
        user = member_factory(tenant_a, Role.BUSINESS, organization=business)
        application = _apply(tenant_a, round_a, business, user, kind)
        with tenant_context(tenant_a):
            services.check_eligibility(application=application, eligible=True, note="", actor=None)
            (assignment,) = _assign(tenant_a, application, [member])
            services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
            score_all(assignment, member, percent)
            services.submit_scores(assignment=assignment, actor=member)
        results[name] = application
    with tenant_context(tenant_a):
        assert services.rank_round(award_round=round_a, actor=None) == 3
        table = selectors.ranking(round_a)
        assert [
            (r.application.business.name, r.application.rank_in_type, r.level)
            for r in table["large_services"]
        ] == [("Công ty B", 1, "gold"), ("Công ty A", 2, "award")]
        assert [r.level for r in table["sme_services"]] == ["award"]
        for application in results.values():
            application.refresh_from_db()
        with pytest.raises(ValidationError, match="feedback"):
            services.decide_forwarding(
                application=results["Công ty C"], forward=False, feedback="", actor=None
            )
        services.decide_forwarding(
            application=results["Công ty B"], forward=True, feedback="Xuất sắc", actor=None
        )
        assert results["Công ty B"].status == Status.FORWARDED


def test_forwarding_below_the_award_threshold_is_refused(tenant_a, eligible_application, council_a):
    member = council_a[0]
    (assignment,) = _assign(tenant_a, eligible_application, [member])
    with tenant_context(tenant_a):
        services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
        score_all(assignment, member, 40)
        services.submit_scores(assignment=assignment, actor=member)
        services.rank_round(award_round=eligible_application.round, actor=None)
        application = AwardApplication.objects.get(pk=eligible_application.pk)
        with pytest.raises(ValidationError, match="600"):
            services.decide_forwarding(application=application, forward=True, feedback="Tốt", actor=None)
        application.refresh_from_db()
        assert application.status == Status.RANKED


def test_scoring_after_the_scoring_deadline_is_refused(tenant_a, eligible_application, council_a):
    member = council_a[0]
    (assignment,) = _assign(tenant_a, eligible_application, [member])
    with tenant_context(tenant_a):
        services.declare_conflict(assignment=assignment, has_conflict=False, actor=member)
        items = list(selectors.items_of_set(eligible_application.round.criteria_set_id))
        late = eligible_application.round.scoring_deadline + timedelta(days=1)
        with pytest.raises(ValidationError, match="deadline"):
            services.save_scores(
                assignment=assignment, actor=member, today=late, scores={items[0].pk: (50, "", "")}
            )


def test_only_council_members_can_be_assigned(tenant_a, eligible_application, business_user_a):
    with tenant_context(tenant_a), pytest.raises(ValidationError):
        services.assign_member(application=eligible_application, member=business_user_a, actor=None)


def test_repeat_applicant_trend_lists_its_years(tenant_a, business_a, business_user_a):
    last_year = make_round(tenant_a, year=timezone.localdate().year - 1)
    this_year = make_round(tenant_a, year=timezone.localdate().year)
    for award_round in (last_year, this_year):
        _apply(tenant_a, award_round, business_a, business_user_a)
    with tenant_context(tenant_a):
        assert [a.round.year for a in selectors.trend_of(business_a.pk)] == [
            timezone.localdate().year - 1,
            timezone.localdate().year,
        ]


def test_eligibility_months_are_counted_to_the_submission(tenant_a, round_a, business_a, business_user_a):
    with tenant_context(tenant_a):
        application = services.start_application(
            award_round=round_a, business=business_a, applicant_type="sme_services", actor=business_user_a
        )
        application.established_on = date(timezone.localdate().year - 3, timezone.localdate().month, 1)
        application.product_on_market_since = timezone.localdate() - timedelta(days=400)
        application.no_violations_declared = True
        assert (
            services.eligibility_problems(
                application, on=date(timezone.localdate().year, timezone.localdate().month, 1)
            )
            == []
        )
