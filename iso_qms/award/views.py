"""Pages of the award part. Applications are fetched through `applications_for(membership)`: a business
reaches only its own, a council member only those assigned, another tenant's nothing (404)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from tcvn_portal.permissions import TenantPermissionRequiredMixin

from .. import exports
from ..web import page_of, run_service
from . import forms, selectors, services
from .models import ApplicantType, AwardApplication, ItemScore, ScoringStage

Status = AwardApplication.Status


class AwardView(TenantPermissionRequiredMixin, View):
    permission_required = "award.view"

    @property
    def membership(self):
        return self.request.membership

    def application(self, pk: int) -> AwardApplication:
        return get_object_or_404(
            selectors.application_detail(selectors.applications_for(self.membership)), pk=pk
        )

    def done(self, form, call, message, to):
        if form.is_valid() and run_service(form, call) is not None:
            messages.success(self.request, message)
        else:
            errors = [str(e) for e in form.non_field_errors()] + [
                f"{form.fields[f].label}: {e}"
                for f, errs in form.errors.items()
                if f != "__all__"
                for e in errs
            ]
            messages.error(self.request, " ".join(errors))
        return redirect(*to)


class RoundListView(AwardView):
    exportable = True

    def get(self, request):
        today = timezone.localdate()
        if request.GET.get("export") == "xlsx":
            return exports.rounds_xlsx(selectors.rounds())
        return render(
            request,
            "iso_qms/award/round_list.html",
            {
                "rounds": selectors.rounds(),
                "today": today,
                "apply_form": forms.ApplyForm(),
            },
        )


class RoundFormView(AwardView):
    permission_required = "award.manage"

    def get(self, request, pk: int | None = None):
        award_round = get_object_or_404(selectors.rounds(), pk=pk) if pk else None
        return self.show(forms.RoundForm(instance=award_round), award_round)

    def post(self, request, pk: int | None = None):
        award_round = get_object_or_404(selectors.rounds(), pk=pk) if pk else None
        form = forms.RoundForm(request.POST, instance=award_round)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in forms.RoundForm.Meta.fields}
            saved = run_service(
                form, lambda: services.save_round(award_round=award_round, actor=request.user, **data)
            )
            if saved is not None:
                messages.success(request, _("The round was saved."))
                return redirect("iso_qms:round_detail", pk=saved.pk)
        return self.show(form, award_round, status=400)

    def show(self, form, award_round, status=200):
        return render(
            self.request, "iso_qms/award/round_form.html", {"form": form, "round": award_round}, status=status
        )


class RoundDetailView(AwardView):
    permission_required = "award.manage"

    def get(self, request, pk: int):
        award_round = get_object_or_404(selectors.rounds(), pk=pk)
        table = selectors.ranking(award_round)
        return render(
            request,
            "iso_qms/award/round_detail.html",
            {
                "round": award_round,
                "applications": award_round.applications.select_related("business").order_by("status", "pk"),
                "ranking": [(ApplicantType(t).label, rows) for t, rows in table.items()],
            },
        )

    def post(self, request, pk: int):
        award_round = get_object_or_404(selectors.rounds(), pk=pk)
        form = django_forms.Form({})
        return self.done(
            form,
            lambda: services.rank_round(award_round=award_round, actor=request.user),
            _("The applications were ranked within each type."),
            ("iso_qms:round_detail", pk),
        )


class CriteriaSetListView(AwardView):
    permission_required = "award.manage"
    exportable = True

    def get(self, request):
        if request.GET.get("export") == "xlsx":
            return exports.criteria_sets_xlsx(selectors.criteria_sets())
        return render(request, "iso_qms/award/criteria_list.html", {"sets": selectors.criteria_sets()})

    def post(self, request):
        if not request.membership.has_perm("award.criteria.change"):
            raise PermissionDenied
        services.seed_criteria_sets()
        messages.success(request, _("The legal criteria sets are loaded."))
        return redirect("iso_qms:criteria_list")


class CriteriaSetDetailView(AwardView):
    permission_required = "award.manage"

    def get(self, request, pk: int, item_form=None, version_form=None, status=200):
        criteria_set = get_object_or_404(selectors.criteria_sets(), pk=pk)
        return render(
            request,
            "iso_qms/award/criteria_detail.html",
            {
                "set": criteria_set,
                "criteria": criteria_set.criteria.prefetch_related("items"),
                "total": services.set_total(criteria_set),
                "can_change": request.membership.has_perm("award.criteria.change"),
                "item_form": item_form or forms.ItemForm(criteria_set=criteria_set),
                "version_form": version_form or forms.VersionLabelForm(),
            },
            status=status,
        )

    def post(self, request, pk: int):
        criteria_set = get_object_or_404(selectors.criteria_sets(), pk=pk)
        if not request.membership.has_perm("award.criteria.change"):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "publish":
            form = django_forms.Form({})
            return self.done(
                form,
                lambda: services.publish_criteria_set(criteria_set=criteria_set, actor=request.user),
                _("The criteria set was published."),
                ("iso_qms:criteria_detail", pk),
            )
        if action == "version":
            form = forms.VersionLabelForm(request.POST)
            copy = form.is_valid() and run_service(
                form,
                lambda: services.new_version(
                    criteria_set=criteria_set, version=form.cleaned_data["version"], actor=request.user
                ),
            )
            if copy:
                return redirect("iso_qms:criteria_detail", pk=copy.pk)
            return self.get(request, pk, version_form=form, status=400)
        form = forms.ItemForm(request.POST, criteria_set=criteria_set)
        if form.is_valid() and run_service(
            form, lambda: services.save_item(actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("The item was saved."))
            return redirect("iso_qms:criteria_detail", pk=pk)
        return self.get(request, pk, item_form=form, status=400)


class ApplyView(AwardView):
    permission_required = "award.apply"

    def post(self, request, pk: int):
        award_round = get_object_or_404(selectors.rounds(), pk=pk)
        form = forms.ApplyForm(request.POST)
        application = form.is_valid() and run_service(
            form,
            lambda: services.start_application(
                award_round=award_round,
                business=selectors.business_of(request.membership),
                applicant_type=form.cleaned_data["applicant_type"],
                actor=request.user,
            ),
        )
        if application:
            return redirect("iso_qms:application_edit", pk=application.pk)
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or _("Choose the type."))
        return redirect("iso_qms:round_list")


class ApplicationListView(AwardView):
    exportable = True

    def get(self, request):
        form = forms.ApplicationFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        queryset = selectors.filter_applications(
            selectors.applications_for(self.membership), **filters
        ).order_by("-round__year", "applicant_type", "pk")
        if request.GET.get("export") == "xlsx":
            return exports.applications_xlsx(queryset)
        return render(
            request,
            "iso_qms/award/application_list.html",
            {"form": form, "page": page_of(request, queryset)},
        )


class ApplicationDetailView(AwardView):
    def get(self, request, pk: int):
        application = self.application(pk)
        manage = self.membership.has_perm("award.manage")
        own_assignment = (
            selectors.assignment_of(application, request.user)
            if self.membership.has_perm("award.score")
            else None
        )
        scores = list(
            selectors.visible_scores(application, self.membership).order_by(
                "stage", "assignment_id", "item__criterion__number", "item__code"
            )
        )
        stage = services.open_stage(application)
        can_score = bool(
            own_assignment
            and own_assignment.conflict_declared_at
            and not own_assignment.has_conflict
            and stage
            and own_assignment.submitted_in(stage) is None
        )
        return render(
            request,
            "iso_qms/award/application_detail.html",
            {
                "application": application,
                "manage": manage,
                "is_owner": self.membership.has_perm("award.apply"),
                "self_assessments": application.self_assessments.select_related("item"),
                "problems": services.eligibility_problems(application) if manage else [],
                "own_assignment": own_assignment,
                "can_score": can_score,
                "open_stage": ScoringStage(stage) if stage else None,
                "consensus": selectors.consensus_meeting(application) if manage else None,
                "scores": scores,
                "trend": selectors.trend_of(application.business_id) if manage else [],
                "eligibility_form": forms.EligibilityForm(),
                "assign_form": forms.AssignForm() if manage else None,
                "conflict_form": forms.ConflictForm(),
                "decision_form": forms.DecisionForm(),
                "site_visit_form": forms.SiteVisitForm(),
            },
        )


class ApplicationEditView(AwardView):
    permission_required = "award.apply"

    def form(self, application, data=None):
        rows = application.self_assessments.select_related("item__criterion")
        return forms.ApplicationForm(data, instance=application, self_assessments=rows)

    def get(self, request, pk: int):
        application = self.application(pk)
        return render(
            request,
            "iso_qms/award/application_form.html",
            {"application": application, "form": self.form(application)},
        )

    def post(self, request, pk: int):
        application = self.application(pk)
        form = self.form(application, request.POST)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.update_application(
                    application=AwardApplication.objects.get(pk=application.pk),
                    actor=request.user,
                    answers=form.answers(),
                    assessments=form.assessments(),
                ),
            )
            if saved is not None and "submit" in request.POST:
                saved = run_service(
                    form, lambda: services.submit_application(application=saved, actor=request.user)
                )
                if saved is not None:
                    messages.success(request, _("The application was submitted."))
                    return redirect("iso_qms:application_detail", pk=pk)
            elif saved is not None:
                messages.success(request, _("The draft was saved."))
                return redirect("iso_qms:application_edit", pk=pk)
        return render(
            request,
            "iso_qms/award/application_form.html",
            {"application": application, "form": form},
            status=400,
        )


class ApplicationActionView(AwardView):
    """The secretariat's and the council's steps on one application, one small form each."""

    ACTIONS = {
        "eligibility": "award.manage",
        "assign": "award.manage",
        "decision": "award.manage",
        "site_visit": "award.manage",
        "conflict": "award.score",
    }

    def post(self, request, pk: int, action: str):
        permission = self.ACTIONS.get(action)
        if permission is None or not self.membership.has_perm(permission):
            raise PermissionDenied
        application = self.application(pk)
        to = ("iso_qms:application_detail", pk)
        user = request.user
        if action == "eligibility":
            form = forms.EligibilityForm(request.POST)
            return self.done(
                form,
                lambda: services.check_eligibility(
                    application=application,
                    eligible=form.cleaned_data["eligible"],
                    note=form.cleaned_data["eligibility_note"],
                    actor=user,
                ),
                _("Eligibility was recorded."),
                to,
            )
        if action == "assign":
            form = forms.AssignForm(request.POST)
            return self.done(
                form,
                lambda: services.assign_member(
                    application=application, member=form.cleaned_data["member"], actor=user
                ),
                _("The council member was assigned."),
                to,
            )
        if action == "site_visit":
            form = forms.SiteVisitForm(request.POST)
            return self.done(
                form,
                lambda: services.schedule_site_visit(
                    application=application, visit_on=form.cleaned_data["site_visit_on"], actor=user
                ),
                _("The site visit was scheduled; the members now adjust their scores."),
                to,
            )
        if action == "decision":
            form = forms.DecisionForm(request.POST)
            return self.done(
                form,
                lambda: services.decide_forwarding(
                    application=application,
                    forward=form.cleaned_data["forward"],
                    feedback=form.cleaned_data["feedback"],
                    actor=user,
                ),
                _("The decision was recorded."),
                to,
            )
        assignment = selectors.assignment_of(application, user)
        if assignment is None:
            raise PermissionDenied
        form = forms.ConflictForm(request.POST)
        return self.done(
            form,
            lambda: services.declare_conflict(
                assignment=assignment,
                has_conflict=form.cleaned_data["has_conflict"],
                note=form.cleaned_data["conflict_note"],
                actor=user,
            ),
            _("Your declaration was recorded."),
            to,
        )


class ScoreView(AwardView):
    """The member's scoring form of the open stage, each item with the band guidance of its kind; at the
    site visit, the member's dossier bands are shown beside the ones being adjusted."""

    permission_required = "award.score"

    def context(self, pk):
        application = self.application(pk)
        assignment = selectors.assignment_of(application, self.request.user)
        if assignment is None:
            raise PermissionDenied
        stage = services.open_stage(application) or ScoringStage.DOSSIER
        items = list(selectors.items_of_set(application.round.criteria_set_id))
        own = {(s.stage, s.item_id): s for s in ItemScore.objects.filter(assignment=assignment)}
        existing = {item_id: s for (s_stage, item_id), s in own.items() if s_stage == stage}
        reference = (
            {item_id: s for (s_stage, item_id), s in own.items() if s_stage == ScoringStage.DOSSIER}
            if stage == ScoringStage.SITE_VISIT
            else {}
        )
        form_args = {
            "items": items,
            "existing": existing,
            "guidance": selectors.guidance_for(application.round.criteria_set_id),
            "reference": reference,
        }
        return application, assignment, stage, form_args

    def get(self, request, pk: int):
        application, assignment, stage, form_args = self.context(pk)
        return self.show(application, assignment, stage, forms.ScoreForm(**form_args))

    def post(self, request, pk: int):
        application, assignment, stage, form_args = self.context(pk)
        form = forms.ScoreForm(request.POST, **form_args)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.save_scores(assignment=assignment, actor=request.user, scores=form.scores()),
            )
            if saved is not None and "submit" in request.POST:
                if run_service(
                    form, lambda: services.submit_scores(assignment=assignment, actor=request.user)
                ):
                    messages.success(request, _("Your scores were submitted."))
                    return redirect("iso_qms:application_detail", pk=pk)
            elif saved is not None:
                messages.success(request, _("Your scores were saved; submit them when complete."))
                return redirect("iso_qms:application_score", pk=pk)
        return self.show(application, assignment, stage, form, status=400)

    def show(self, application, assignment, stage, form, status=200):
        return render(
            self.request,
            "iso_qms/award/score_form.html",
            {
                "application": application,
                "assignment": assignment,
                "stage": ScoringStage(stage),
                "form": form,
            },
            status=status,
        )


class ConsensusView(AwardView):
    """The secretary records the consensus meeting on the stage in force: per item, the members' bands and
    mean beside the band the meeting agreed."""

    permission_required = "award.manage"

    def get(self, request, pk: int, form=None, status=200):
        application = self.application(pk)
        rows = selectors.consensus_rows(application)
        if form is None:
            form = forms.ConsensusForm(rows=rows, meeting=selectors.consensus_meeting(application))
        return render(
            request,
            "iso_qms/award/consensus_form.html",
            {
                "application": application,
                "stage": ScoringStage(application.scoring_stage),
                "form": form,
                "members": [a for a in application.assignments.all() if not a.has_conflict],
            },
            status=status,
        )

    def post(self, request, pk: int):
        application = self.application(pk)
        form = forms.ConsensusForm(request.POST, rows=selectors.consensus_rows(application))
        if form.is_valid() and run_service(
            form,
            lambda: services.record_consensus(
                application=AwardApplication.objects.get(pk=application.pk),
                held_on=form.cleaned_data["held_on"],
                note=form.cleaned_data["note"],
                scores=form.scores(),
                actor=request.user,
            ),
        ):
            messages.success(request, _("The consensus was recorded."))
            return redirect("iso_qms:application_detail", pk=pk)
        return self.get(request, pk, form=form, status=400)


class FeedbackLetterView(AwardView):
    """The feedback letter of one application as a PDF, once the province has decided on it."""

    def get(self, request, pk: int):
        application = self.application(pk)
        if application.status not in (Status.FORWARDED, Status.NOT_FORWARDED, Status.INELIGIBLE):
            messages.error(request, _("The feedback letter is ready once the application is decided."))
            return redirect("iso_qms:application_detail", pk=pk)
        if not (self.membership.has_perm("award.manage") or self.membership.has_perm("award.apply")):
            raise PermissionDenied
        from ..pdf import render_pdf

        pdf = render_pdf(
            "iso_qms/pdf/feedback_letter.html",
            {
                "application": application,
                "items": selectors.feedback_items(application),
                "tenant": request.tenant,
                "today": timezone.localdate(),
            },
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="thu-phan-hoi-{application.pk}.pdf"'
        return response
