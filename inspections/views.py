"""Pages of the inspections domain. Thin: parse with a form, call a service, show a selector's rows.
Every object is fetched through a scoped manager, so another province's id is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from tcvn_portal.core.pagination import Paginator
from tcvn_portal.permissions import TenantPermissionRequiredMixin, has_perm, require_perm
from tcvn_portal.reports.list_export import Column, export_requested, list_export
from tcvn_portal.tenancy.models import Organization
from tcvn_portal.tenancy.roles import Role

from . import exports, forms, pdf, selectors, services
from .models import (
    ChecklistAnswer,
    ChecklistItem,
    FollowUp,
    Inspection,
    InspectionDecision,
    InspectionPlan,
    LegalBasis,
    Sample,
    Violation,
)


def _tenant_page(request, permission: str) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if getattr(request, "tenant", None) is None:
        raise Http404
    require_perm(request, permission)


def _on_team(request, decision: InspectionDecision) -> bool:
    return request.membership.role == Role.MANAGER or selectors.is_on_team(request.user, decision)


def _require_team(request, inspection: Inspection) -> None:
    if not selectors.may_change_inspection(request.membership, request.user, inspection):
        raise PermissionDenied


def _form_page(request, form, *, title: str, back: str, submit_label: str | None = None, intro: str = ""):
    return render(
        request,
        "inspections/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "submit_label": submit_label or _("Save"),
            "intro": intro,
        },
    )


def _run(form, call) -> bool:
    """Run a service with the form's data; its refusals land on the form. True when it succeeded."""
    try:
        call()
    except ValidationError as error:
        forms.apply_errors(form, error)
        return False
    return True


# --- Inspections --------------------------------------------------------------------------------


class InspectionList(TenantPermissionRequiredMixin, ListView):
    permission_required = "inspection.view"
    template_name = "inspections/inspection_list.html"
    context_object_name = "inspections"
    paginate_by = 25
    paginator_class = Paginator
    exportable = True  # ?format=xlsx, see exports.py
    # The columns the rows show. The rest (findings, notes, search text, the decision's scope, the
    # inspector's password hash…) was most of what a page fetched, converted and built into objects.
    row_fields = (
        "visited_on",
        "inspection_type",
        "result",
        "status",
        "establishment__name",
        "decision__number",
        "commune__name",
        "inspector__full_name",
        "inspector__email",
    )

    def get_queryset(self):
        self.filter_form = forms.InspectionFilterForm(self.request.GET or None)
        return selectors.inspections(self.filter_form.filters())

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(queryset.only(*self.row_fields), page_size)

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return exports.inspections_workbook_response(self.get_queryset())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        ctx["my_decisions"] = selectors.decisions_for_user(self.request.user)[:5]
        return ctx


def inspection_detail(request, pk: int):
    _tenant_page(request, "inspection.view")
    inspection = selectors.inspection_detail(pk)
    user = request.user
    on_team = selectors.may_change_inspection(request.membership, user, inspection)
    is_lead = inspection.decision.team_lead_id == user.pk and has_perm(request, "inspection.approve")
    ctx = {
        "inspection": inspection,
        "answers": ChecklistAnswer.objects.filter(inspection=inspection).select_related("item"),
        "samples": Sample.objects.filter(inspection=inspection, archived_at__isnull=True),
        "violations": Violation.objects.filter(
            inspection=inspection, archived_at__isnull=True
        ).select_related("legal_basis"),
        "followups": FollowUp.objects.filter(inspection=inspection, archived_at__isnull=True),
        "quantity_checks": inspection.quantity_checks.filter(archived_at__isnull=True),
        "fuel_checks": inspection.fuel_checks.filter(archived_at__isnull=True),
        "can_edit": on_team and inspection.is_editable,
        "on_team": on_team,
        "can_approve": is_lead and inspection.status == Inspection.Status.SUBMITTED,
        "return_form": forms.ReturnForm(),
        "photo_token": _photo_token(request, inspection),
    }
    return render(request, "inspections/inspection_detail.html", ctx)


def _photo_token(request, inspection: Inspection) -> str:
    from tcvn_portal.attachments import access

    return access.owner_token(inspection) if access.may_change(request.membership, inspection) else ""


def inspection_create(request):
    """A new draft for an establishment of a decision (?decision=…&establishment=…)."""
    _tenant_page(request, "inspection.change")
    try:
        decision = get_object_or_404(InspectionDecision.objects, pk=int(request.GET.get("decision", "")))
        establishment = get_object_or_404(
            Organization.objects.filter(pk__in=decision.targets.values("organization_id")),
            pk=int(request.GET.get("establishment", "")),
        )
    except ValueError:
        raise Http404 from None
    if not _on_team(request, decision):
        raise PermissionDenied
    form = forms.InspectionForm(request.POST or None, initial={"commune": establishment.commune_id})
    if request.method == "POST" and form.is_valid():
        box: dict = {}

        def call():
            box["inspection"] = services.create_inspection(
                actor=request.user, decision=decision, establishment=establishment, **form.service_fields()
            )

        if _run(form, call):
            messages.success(request, _("Draft saved. Now answer the checklist."))
            return redirect("inspections:inspection_edit", pk=box["inspection"].pk)
    return _form_page(
        request,
        form,
        title=_("New inspection of %(name)s") % {"name": establishment.name},
        back=reverse("inspections:decision_detail", args=[decision.pk]),
        intro=_("Decision %(number)s") % {"number": decision.number},
    )


def inspection_edit(request, pk: int):
    _tenant_page(request, "inspection.change")
    inspection = selectors.inspection_detail(pk)
    _require_team(request, inspection)
    if not inspection.is_editable:
        messages.warning(request, _("A submitted inspection can no longer be changed."))
        return redirect(inspection)
    checklist = list(selectors.checklist_for(inspection.inspection_type))
    answers = {a.item_id: a for a in ChecklistAnswer.objects.filter(inspection=inspection)}
    form = forms.InspectionForm(
        request.POST or None, instance=inspection, checklist=checklist, answers=answers
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if _run(
            form,
            lambda: services.update_inspection(
                actor=request.user, inspection=inspection, answers=form.answers(), **fields
            ),
        ):
            messages.success(request, _("The inspection was saved."))
            return redirect(inspection)
    return render(request, "inspections/inspection_edit.html", {"form": form, "inspection": inspection})


@require_POST
def inspection_autosave(request, pk: int):
    """Saves a draft while the inspector types; answers JSON so the page can say whether it was kept."""
    _tenant_page(request, "inspection.change")
    inspection = selectors.inspection_detail(pk)
    _require_team(request, inspection)
    if not inspection.is_editable:
        return JsonResponse(
            {"saved": False, "errors": [_("A submitted inspection can no longer be changed.")]}, status=409
        )
    checklist = list(selectors.checklist_for(inspection.inspection_type))
    form = forms.InspectionForm(request.POST, instance=inspection, checklist=checklist)
    if form.is_valid() and _run(
        form,
        lambda: services.update_inspection(
            actor=request.user, inspection=inspection, answers=form.answers(), **form.service_fields()
        ),
    ):
        return JsonResponse({"saved": True, "at": inspection.updated_at.isoformat()})
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return JsonResponse({"saved": False, "errors": errors}, status=400)


@require_POST
def inspection_transition(request, pk: int, action: str):
    _tenant_page(request, "inspection.view")
    inspection = selectors.inspection_detail(pk)
    try:
        if action == "submit":
            _require_team(request, inspection)
            services.submit_inspection(actor=request.user, inspection=inspection)
            messages.success(request, _("The inspection was sent to the team lead."))
        elif action == "approve":
            require_perm(request, "inspection.approve")
            services.approve_inspection(actor=request.user, inspection=inspection)
            messages.success(request, _("The inspection was approved."))
        elif action == "return":
            require_perm(request, "inspection.approve")
            form = forms.ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.return_inspection(actor=request.user, inspection=inspection, reason=reason)
            messages.success(request, _("The inspection was returned to the inspector."))
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(inspection)


def inspection_minutes(request, pk: int):
    _tenant_page(request, "inspection.view")
    inspection = selectors.inspection_detail(pk)
    content = pdf.render_minutes(inspection)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-kiem-tra-{inspection.pk}.pdf"'
    return response


# --- Records on an inspection -------------------------------------------------------------------


def _inspection_for_change(request, pk: int) -> Inspection:
    _tenant_page(request, "inspection.change")
    inspection = selectors.inspection_detail(pk)
    _require_team(request, inspection)
    return inspection


def sample_form(request, pk: int | None = None, sample_pk: int | None = None):
    if sample_pk is not None:
        _tenant_page(request, "inspection.change")
        sample = get_object_or_404(Sample.objects.select_related("inspection"), pk=sample_pk)
        inspection = _inspection_for_change(request, sample.inspection_id)
    else:
        sample = None
        inspection = _inspection_for_change(request, pk)
    form = forms.SampleForm(request.POST or None, instance=sample)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        if _run(
            form,
            lambda: services.save_sample(actor=request.user, inspection=inspection, instance=sample, **data),
        ):
            messages.success(request, _("The sample was saved."))
            return redirect(inspection)
    title = _("Sample %(code)s") % {"code": sample.code} if sample else _("New sample")
    return _form_page(request, form, title=title, back=inspection.get_absolute_url())


def violation_create(request, pk: int):
    inspection = _inspection_for_change(request, pk)
    form = forms.ViolationForm(request.POST or None, visited_on=inspection.visited_on)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            lambda: services.add_violation(actor=request.user, inspection=inspection, **form.cleaned_data),
        ):
            messages.success(request, _("The violation was recorded."))
            return redirect(inspection)
    return _form_page(request, form, title=_("New violation"), back=inspection.get_absolute_url())


def violation_sanction(request, violation_pk: int):
    _tenant_page(request, "inspection.change")
    violation = get_object_or_404(Violation.objects.select_related("inspection"), pk=violation_pk)
    inspection = _inspection_for_change(request, violation.inspection_id)
    initial = {
        "sanction_number": violation.sanction_number,
        "sanction_date": violation.sanction_date,
        "payment": violation.payment,
        "paid_on": violation.paid_on,
    }
    form = forms.SanctionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            lambda: services.record_sanction(actor=request.user, violation=violation, **form.cleaned_data),
        ):
            messages.success(request, _("The sanction was recorded."))
            return redirect(inspection)
    return _form_page(
        request,
        form,
        title=_("Sanction and payment"),
        back=inspection.get_absolute_url(),
        intro=str(violation.legal_basis),
    )


def followup_create(request, pk: int):
    inspection = _inspection_for_change(request, pk)
    form = forms.FollowUpForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            lambda: services.add_followup(actor=request.user, inspection=inspection, **form.cleaned_data),
        ):
            messages.success(request, _("The follow-up was recorded."))
            return redirect(inspection)
    return _form_page(request, form, title=_("New follow-up"), back=inspection.get_absolute_url())


def followup_close(request, followup_pk: int):
    _tenant_page(request, "inspection.change")
    followup = get_object_or_404(FollowUp.objects.select_related("inspection"), pk=followup_pk)
    inspection = _inspection_for_change(request, followup.inspection_id)
    form = forms.CloseFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            form, lambda: services.close_followup(actor=request.user, followup=followup, **form.cleaned_data)
        ):
            messages.success(request, _("The follow-up was closed."))
            return redirect(inspection)
    return render(
        request,
        "inspections/followup_close.html",
        {"form": form, "followup": followup, "inspection": inspection},
    )


def quantity_check_create(request, pk: int):
    inspection = _inspection_for_change(request, pk)
    form = forms.QuantityCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def call():
            data["actual_quantities"] = services.parse_quantities(data["actual_quantities"])
            services.add_quantity_check(actor=request.user, inspection=inspection, **data)

        if _run(form, call):
            messages.success(request, _("The quantity check was recorded."))
            return redirect(inspection)
    return render(
        request,
        "inspections/quantity_check.html",
        {
            "form": form,
            "inspection": inspection,
            "bands": selectors.tolerance_bands_on(inspection.visited_on),
            "plans": selectors.sampling_plans_on(inspection.visited_on),
        },
    )


def fuel_check_create(request, pk: int):
    inspection = _inspection_for_change(request, pk)
    form = forms.FuelCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            lambda: services.add_fuel_check(actor=request.user, inspection=inspection, **form.cleaned_data),
        ):
            messages.success(request, _("The dispenser check was recorded."))
            return redirect(inspection)
    return _form_page(
        request,
        form,
        title=_("Fuel dispenser check"),
        back=inspection.get_absolute_url(),
        intro=_(
            "Error = (volume shown − volume in the standard measure) ÷ volume in the standard "
            "measure × 100 %."
        ),
    )


# --- Plans and decisions ------------------------------------------------------------------------


class PlanList(TenantPermissionRequiredMixin, ListView):
    permission_required = "inspection.view"
    template_name = "inspections/plan_list.html"
    context_object_name = "plans"
    paginate_by = 25
    paginator_class = Paginator
    exportable = True
    export_columns = (
        Column(gettext_lazy("Year"), lambda p: p.year),
        Column(gettext_lazy("Title"), lambda p: p.title),
        Column(gettext_lazy("Target"), lambda p: p.target_count),
        Column(gettext_lazy("Decisions"), lambda p: p.decision_count),
        Column(gettext_lazy("Status"), lambda p: p.get_status_display()),
    )

    def get_queryset(self):
        queryset = selectors.plans()
        if q := self.request.GET.get("q", "").strip():
            queryset = queryset.search(q)
        return queryset

    def get(self, request, *args, **kwargs):
        if export_requested(request):
            return list_export(
                filename="ke-hoach-kiem-tra",
                title=gettext_lazy("Annual inspection plans"),
                columns=self.export_columns,
                rows=self.get_queryset(),
            )
        return super().get(request, *args, **kwargs)


def plan_detail(request, pk: int):
    _tenant_page(request, "inspection.view")
    plan = get_object_or_404(selectors.plans(), pk=pk)
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "decisions": selectors.decisions().filter(plan=plan),
        },
    )


def plan_form(request, pk: int | None = None):
    _tenant_page(request, "inspection.plan")
    plan = get_object_or_404(InspectionPlan.objects, pk=pk) if pk else None
    form = forms.PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        box: dict = {}

        def call():
            box["plan"] = services.save_plan(actor=request.user, instance=plan, **form.cleaned_data)

        if _run(form, call):
            messages.success(request, _("The plan was saved."))
            return redirect("inspections:plan_detail", pk=box["plan"].pk)
    return _form_page(
        request,
        form,
        title=_("Edit plan") if plan else _("New inspection plan"),
        back=reverse("inspections:plan_list"),
    )


@require_POST
def plan_transition(request, pk: int, action: str):
    _tenant_page(request, "inspection.view")
    plan = get_object_or_404(InspectionPlan.objects, pk=pk)
    try:
        if action == "submit":
            require_perm(request, "inspection.plan")
            services.submit_plan(plan=plan, actor=request.user)
            messages.success(request, _("The plan was sent for approval."))
        elif action == "approve":
            require_perm(request, "inspection.plan_approve")
            services.approve_plan(plan=plan, actor=request.user)
            messages.success(request, _("The plan was approved."))
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("inspections:plan_detail", pk=plan.pk)


class DecisionList(TenantPermissionRequiredMixin, ListView):
    permission_required = "inspection.view"
    template_name = "inspections/decision_list.html"
    context_object_name = "decisions"
    paginate_by = 25
    paginator_class = Paginator
    exportable = True
    export_columns = (
        Column(gettext_lazy("Number"), lambda d: d.number),
        Column(gettext_lazy("Date issued"), lambda d: d.issued_on),
        Column(gettext_lazy("Scope"), lambda d: d.scope),
        Column(gettext_lazy("Team lead"), lambda d: d.team_lead.full_name or d.team_lead.email),
        Column(gettext_lazy("Establishments inspected"), lambda d: d.inspection_count),
        Column(gettext_lazy("Establishments to visit"), lambda d: d.establishment_count),
    )

    def get_queryset(self):
        queryset = selectors.decisions()
        if q := self.request.GET.get("q", "").strip():
            queryset = queryset.search(q)
        return queryset

    def get(self, request, *args, **kwargs):
        if export_requested(request):
            return list_export(
                filename="quyet-dinh-kiem-tra",
                title=gettext_lazy("Inspection decisions"),
                columns=self.export_columns,
                rows=self.get_queryset(),
            )
        return super().get(request, *args, **kwargs)


def decision_detail(request, pk: int):
    _tenant_page(request, "inspection.view")
    decision = get_object_or_404(selectors.decisions(), pk=pk)
    inspections_by_org: dict[int, list[Inspection]] = {}
    for inspection in selectors.inspections().filter(decision=decision):
        inspections_by_org.setdefault(inspection.establishment_id, []).append(inspection)
    targets = [
        (target.organization, inspections_by_org.get(target.organization_id, []))
        for target in decision.targets.select_related("organization", "organization__commune")
    ]
    return render(
        request,
        "inspections/decision_detail.html",
        {
            "decision": decision,
            "targets": targets,
            "team": decision.team.select_related("user"),
            "can_inspect": has_perm(request, "inspection.change") and _on_team(request, decision),
        },
    )


def decision_form(request, pk: int | None = None):
    _tenant_page(request, "inspection.plan")
    decision = get_object_or_404(InspectionDecision.objects, pk=pk) if pk else None
    form = forms.DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        box: dict = {}

        def call():
            box["decision"] = services.save_decision(
                actor=request.user,
                instance=decision,
                members=data.pop("members"),
                establishments=data.pop("establishments"),
                **data,
            )

        if _run(form, call):
            messages.success(request, _("The decision was saved."))
            return redirect("inspections:decision_detail", pk=box["decision"].pk)
    return _form_page(
        request,
        form,
        title=_("Edit decision") if decision else _("New inspection decision"),
        back=reverse("inspections:decision_list"),
    )


def establishment_history(request, pk: int):
    """Everything this portal knows about one establishment's inspections, across the years."""
    _tenant_page(request, "inspection.view")
    organization = get_object_or_404(Organization.objects.select_related("commune"), pk=pk)
    history = selectors.inspections_of_establishment(organization.pk)
    return render(
        request,
        "inspections/establishment.html",
        {
            "organization": organization,
            "history": history,
            "open_followups": selectors.open_followups()
            .filter(inspection__establishment=organization)
            .select_related("inspection"),
        },
    )


# --- Catalogs -----------------------------------------------------------------------------------


CATALOGS = {
    "legal-bases": (LegalBasis, forms.LegalBasisForm, services.save_legal_basis),
    "checklist": (ChecklistItem, forms.ChecklistItemForm, services.save_checklist_item),
}


def _article(basis: LegalBasis) -> str:
    return ".".join(part for part in (basis.article, basis.clause, basis.point) if part)


CATALOG_COLUMNS = {
    "legal-bases": (
        Column(gettext_lazy("Decree"), lambda r: r.decree),
        Column(gettext_lazy("Article, clause, point"), _article),
        Column(gettext_lazy("Act"), lambda r: r.description),
        Column(gettext_lazy("Minimum fine (VND)"), lambda r: r.fine_min),
        Column(gettext_lazy("Maximum fine (VND)"), lambda r: r.fine_max),
        Column(gettext_lazy("In force from"), lambda r: r.valid_from),
        Column(gettext_lazy("In force until"), lambda r: r.valid_until),
    ),
    "checklist": (
        Column(gettext_lazy("Type"), lambda r: r.get_inspection_type_display()),
        Column(gettext_lazy("Position"), lambda r: r.position),
        Column(gettext_lazy("Question"), lambda r: r.text),
        Column(gettext_lazy("Legal reference"), lambda r: r.legal_reference),
        Column(gettext_lazy("In use"), lambda r: r.is_active),
    ),
}


def catalog_list(request, catalog: str):
    _tenant_page(request, "inspection.view")
    if catalog not in CATALOGS:
        raise Http404
    model = CATALOGS[catalog][0]
    if export_requested(request):
        return list_export(
            filename=f"danh-muc-{catalog}",
            title=capfirst(model._meta.verbose_name_plural),
            columns=CATALOG_COLUMNS[catalog],
            rows=model.objects.all(),
        )
    return render(
        request,
        "inspections/catalog_list.html",
        {
            "catalog": catalog,
            "rows": model.objects.all(),
            "model_name": model._meta.verbose_name_plural,
            "can_change": has_perm(request, "inspection.catalog"),
        },
    )


catalog_list.exportable = True


def catalog_form(request, catalog: str, pk: int | None = None):
    _tenant_page(request, "inspection.catalog")
    if catalog not in CATALOGS:
        raise Http404
    model, form_class, save = CATALOGS[catalog]
    instance = get_object_or_404(model.objects, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda: save(actor=request.user, instance=instance, **form.cleaned_data)):
            messages.success(request, _("The catalog entry was saved."))
            return redirect("inspections:catalog_list", catalog=catalog)
    return _form_page(
        request,
        form,
        title=str(model._meta.verbose_name).capitalize(),
        back=reverse("inspections:catalog_list", args=[catalog]),
    )


def my_results(request):
    """A business's own inspection history: approved inspections only, never a draft in progress."""
    _tenant_page(request, "inspection.view_own")
    organization = request.membership.organization
    if organization is None:
        raise Http404
    history = selectors.inspections_of_establishment(organization.pk).filter(
        status=Inspection.Status.APPROVED
    )
    return render(
        request,
        "inspections/establishment.html",
        {
            "organization": organization,
            "history": history,
            "own_view": True,
            "open_followups": selectors.open_followups()
            .filter(inspection__establishment=organization, inspection__status=Inspection.Status.APPROVED)
            .select_related("inspection"),
        },
    )
