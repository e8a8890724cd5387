"""Pages of the QMS part. Records are fetched only through the selectors' querysets: another tenant's
id, or another agency's for a focal person, is a 404. Writes go through the services."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from tcvn_portal.permissions import TenantPermissionRequiredMixin

from .. import exports
from ..web import page_of, run_service
from . import forms, selectors, services
from .models import AgencyProfile, Nonconformity

VIEW = ("qms.view_all", "qms.view_own")
CHANGE = ("qms.change_all", "qms.change_own")


class QmsView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW

    @property
    def membership(self):
        return self.request.membership

    def editable_agency(self, agency: AgencyProfile) -> AgencyProfile:
        if not selectors.membership_edits_agency(self.membership, agency):
            raise PermissionDenied
        return agency

    def agency(self, pk: int, *, edit: bool = False) -> AgencyProfile:
        agency = get_object_or_404(
            selectors.agencies_for(self.membership).select_related("organization", "parent"), pk=pk
        )
        return self.editable_agency(agency) if edit else agency


class AgencyListView(QmsView):
    exportable = True

    def get(self, request):
        form = forms.AgencyFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        queryset = selectors.filter_agencies(selectors.agencies_for(self.membership), **filters).order_by(
            "level", "name", "pk"
        )
        if request.GET.get("export") == "xlsx":
            return exports.agencies_xlsx(queryset)
        return render(request, "iso_qms/agency_list.html", {"form": form, "page": page_of(request, queryset)})


class AgencyFormView(QmsView):
    permission_required = "qms.agency.manage"

    def get(self, request, pk: int | None = None):
        agency = self.agency(pk) if pk else None
        initial = {"level": agency.level, "parent": agency.parent_id} if agency else {}
        return self.show(forms.AgencyProfileForm(agency=agency, initial=initial), agency)

    def post(self, request, pk: int | None = None):
        agency = self.agency(pk) if pk else None
        form = forms.AgencyProfileForm(request.POST, agency=agency)
        if form.is_valid():
            data = form.cleaned_data
            if agency is None:
                agency = run_service(
                    form,
                    lambda: services.create_agency_profile(
                        organization=data["organization"],
                        level=data["level"],
                        parent=data["parent"],
                        actor=request.user,
                    ),
                )
            else:
                agency = run_service(
                    form,
                    lambda: services.update_agency_profile(
                        agency=agency, level=data["level"], parent=data["parent"], actor=request.user
                    ),
                )
            if agency is not None:
                messages.success(request, _("The agency was saved."))
                return redirect("iso_qms:agency_detail", pk=agency.pk)
        return self.show(form, agency, status=400)

    def show(self, form, agency, status=200):
        return render(
            self.request, "iso_qms/agency_form.html", {"form": form, "agency": agency}, status=status
        )


class AgencyDetailView(QmsView):
    def get(self, request, pk: int, status_form=None, procedure_form=None, status=200):
        agency = self.agency(pk)
        can_edit = selectors.membership_edits_agency(self.membership, agency)
        context = {
            "agency": agency,
            "can_edit": can_edit,
            "history": agency.status_changes.select_related("actor"),
            "procedures": agency.procedures.filter(archived_at__isnull=True),
            "documents": agency.documents.filter(archived_at__isnull=True),
            "audits": agency.audits.filter(archived_at__isnull=True),
            "reviews": agency.reviews.filter(archived_at__isnull=True),
            "nonconformities": agency.nonconformities.all(),
            "checks": agency.yearly_checks.all(),
            "status_form": status_form or forms.StatusForm(allowed=services.allowed_next_statuses(agency)),
            "procedure_form": procedure_form or forms.ProcedureForm(),
        }
        return render(request, "iso_qms/agency_detail.html", context, status=status)


class AgencyStatusView(QmsView):
    permission_required = CHANGE

    def post(self, request, pk: int):
        agency = self.agency(pk, edit=True)
        form = forms.StatusForm(request.POST, allowed=services.allowed_next_statuses(agency))
        if form.is_valid() and run_service(
            form, lambda: services.change_qms_status(agency=agency, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("The QMS status was changed."))
            return redirect("iso_qms:agency_detail", pk=agency.pk)
        agency.refresh_from_db()
        return AgencyDetailView.get(self, request, pk, status_form=form, status=400)


class ProcedureAddView(QmsView):
    permission_required = CHANGE

    def post(self, request, pk: int):
        agency = self.agency(pk, edit=True)
        form = forms.ProcedureForm(request.POST)
        if form.is_valid() and run_service(
            form, lambda: services.add_procedure(agency=agency, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("The procedure was added to the scope."))
            return redirect("iso_qms:agency_detail", pk=agency.pk)
        return AgencyDetailView.get(self, request, pk, procedure_form=form, status=400)


class AgencyRecordCreateView(QmsView):
    """Creates one record of an agency from a form; subclasses name the form, the service and the page."""

    permission_required = CHANGE
    form_class = None
    title = ""
    success_message = ""

    def make_form(self, data=None):
        return self.form_class(data)

    def get(self, request, pk: int):
        return self.show(self.make_form(), self.agency(pk, edit=True))

    def post(self, request, pk: int):
        agency = self.agency(pk, edit=True)
        form = self.make_form(request.POST)
        if form.is_valid():
            record = run_service(form, lambda: self.create(agency, form.cleaned_data))
            if record is not None:
                messages.success(request, self.success_message)
                return redirect(self.success_url(record))
        return self.show(form, agency, status=400)

    def show(self, form, agency, status=200):
        return render(
            self.request,
            "iso_qms/record_form.html",
            {"form": form, "agency": agency, "title": self.title},
            status=status,
        )


class DocumentCreateView(AgencyRecordCreateView):
    form_class = forms.DocumentForm

    @property
    def title(self):
        return _("New documented information")

    @property
    def success_message(self):
        return _("The document was created as a draft.")

    def create(self, agency, data):
        return services.create_document(agency=agency, actor=self.request.user, **data)

    def success_url(self, record):
        return reverse("iso_qms:document_detail", args=[record.pk])


class AuditCreateView(AgencyRecordCreateView):
    form_class = forms.AuditForm

    @property
    def title(self):
        return _("Plan an internal audit")

    @property
    def success_message(self):
        return _("The internal audit was planned.")

    def create(self, agency, data):
        return services.plan_audit(agency=agency, actor=self.request.user, **data)

    def success_url(self, record):
        return reverse("iso_qms:audit_detail", args=[record.pk])


class ReviewCreateView(AgencyRecordCreateView):
    form_class = forms.ReviewForm

    @property
    def title(self):
        return _("Record a management review")

    @property
    def success_message(self):
        return _("The management review was recorded.")

    def create(self, agency, data):
        return services.record_review(agency=agency, actor=self.request.user, **data)

    def success_url(self, record):
        return reverse("iso_qms:review_detail", args=[record.pk])


class NonconformityCreateView(AgencyRecordCreateView):
    form_class = forms.NonconformityForm

    @property
    def title(self):
        return _("Record a nonconformity")

    @property
    def success_message(self):
        return _("The nonconformity was recorded.")

    def create(self, agency, data):
        return services.open_nonconformity(agency=agency, actor=self.request.user, **data)

    def success_url(self, record):
        return reverse("iso_qms:nc_detail", args=[record.pk])


class YearlyCheckCreateView(AgencyRecordCreateView):
    permission_required = "qms.check"
    form_class = forms.YearlyCheckForm

    def make_form(self, data=None):
        return self.form_class(data, initial={"year": timezone.localdate().year})

    def agency(self, pk: int, *, edit: bool = False) -> AgencyProfile:
        # The province's check is the authority's act, not the agency's: any agency of the tenant.
        return get_object_or_404(
            selectors.agencies_for(self.membership).select_related("organization"), pk=pk
        )

    @property
    def title(self):
        return _("Record the yearly check")

    @property
    def success_message(self):
        return _("The yearly check was recorded.")

    def create(self, agency, data):
        return services.record_yearly_check(agency=agency, actor=self.request.user, **data)

    def success_url(self, record):
        return reverse("iso_qms:check_detail", args=[record.pk])


class DocumentDetailView(QmsView):
    def get(self, request, pk: int, form=None, status=200):
        document = get_object_or_404(selectors.documents_for(self.membership), pk=pk)
        return render(
            request,
            "iso_qms/document_detail.html",
            {
                "document": document,
                "versions": document.versions.select_related("approved_by"),
                "can_edit": selectors.membership_edits_agency(self.membership, document.agency),
                "form": form or forms.VersionForm(),
            },
            status=status,
        )

    def post(self, request, pk: int):
        document = get_object_or_404(selectors.documents_for(self.membership), pk=pk)
        self.editable_agency(document.agency)
        form = forms.VersionForm(request.POST)
        if form.is_valid() and run_service(
            form, lambda: services.add_version(document=document, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("A new draft version was added."))
            return redirect("iso_qms:document_detail", pk=document.pk)
        return self.get(request, pk, form=form, status=400)


class VersionApproveView(QmsView):
    permission_required = CHANGE

    def post(self, request, pk: int):
        version = get_object_or_404(selectors.versions_for(self.membership), pk=pk)
        self.editable_agency(version.document.agency)
        form = django_forms.Form({})
        if run_service(form, lambda: services.approve_version(version=version, actor=request.user)):
            messages.success(request, _("The version was approved."))
        else:
            messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return redirect("iso_qms:document_detail", pk=version.document_id)


class AuditDetailView(QmsView):
    def get(self, request, pk: int, finding_form=None, complete_form=None, status=200):
        audit = get_object_or_404(selectors.audits_for(self.membership), pk=pk)
        return render(
            request,
            "iso_qms/audit_detail.html",
            {
                "audit": audit,
                "findings": audit.findings.prefetch_related("nonconformities"),
                "can_edit": selectors.membership_edits_agency(self.membership, audit.agency),
                "finding_form": finding_form or forms.FindingForm(),
                "complete_form": complete_form or forms.AuditCompleteForm(),
            },
            status=status,
        )


class AuditActionView(QmsView):
    permission_required = CHANGE

    def post(self, request, pk: int, action: str):
        audit = get_object_or_404(selectors.audits_for(self.membership), pk=pk)
        self.editable_agency(audit.agency)
        if action == "finding":
            form = forms.FindingForm(request.POST)
            done = form.is_valid() and run_service(
                form, lambda: services.record_finding(audit=audit, actor=request.user, **form.cleaned_data)
            )
            if done:
                messages.success(request, _("The finding was recorded."))
                return redirect("iso_qms:audit_detail", pk=audit.pk)
            return AuditDetailView.get(self, request, pk, finding_form=form, status=400)
        form = forms.AuditCompleteForm(request.POST)
        if form.is_valid() and run_service(
            form, lambda: services.complete_audit(audit=audit, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("The audit was marked as done."))
            return redirect("iso_qms:audit_detail", pk=audit.pk)
        return AuditDetailView.get(self, request, pk, complete_form=form, status=400)


class ReviewDetailView(QmsView):
    def get(self, request, pk: int):
        review = get_object_or_404(selectors.reviews_for(self.membership), pk=pk)
        return render(
            request,
            "iso_qms/review_detail.html",
            {"review": review, "form": forms.ReviewForm(instance=review)},
        )


class NonconformityListView(QmsView):
    exportable = True

    def get(self, request):
        form = forms.NcFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        queryset = selectors.filter_nonconformities(selectors.nonconformities_for(self.membership), **filters)
        if request.GET.get("export") == "xlsx":
            return exports.nonconformities_xlsx(queryset)
        return render(
            request,
            "iso_qms/nc_list.html",
            {"form": form, "page": page_of(request, queryset), "today": timezone.localdate()},
        )


NC_STEPS = {
    "root-cause": (
        forms.RootCauseForm,
        services.record_root_cause,
        lambda d: {"root_cause": d["root_cause"]},
    ),
    "action": (forms.ActionForm, services.plan_corrective_action, lambda d: d),
    "done": (forms.ActionDoneForm, services.complete_action, lambda d: {"done_on": d["action_done_on"]}),
    "check": (
        forms.EffectivenessForm,
        services.check_effectiveness,
        lambda d: {
            "effective": d["effective"],
            "note": d["effectiveness_note"],
            "checked_on": d["effectiveness_checked_on"],
        },
    ),
}

# Which step form the page offers for each status.
STEP_FOR_STATUS = {
    Nonconformity.Status.OPEN: "root-cause",
    Nonconformity.Status.ANALYSED: "action",
    Nonconformity.Status.ACTION_PLANNED: "done",
    Nonconformity.Status.ACTION_DONE: "check",
}


class NonconformityDetailView(QmsView):
    def get(self, request, pk: int, form=None, status=200):
        nc = get_object_or_404(selectors.nonconformities_for(self.membership), pk=pk)
        step = STEP_FOR_STATUS.get(nc.status)
        can_edit = selectors.membership_edits_agency(self.membership, nc.agency)
        if form is None and step and can_edit:
            form = NC_STEPS[step][0]()
        return render(
            request,
            "iso_qms/nc_detail.html",
            {
                "nc": nc,
                "step": step,
                "form": form,
                "can_edit": can_edit,
                "today": timezone.localdate(),
            },
            status=status,
        )

    def post(self, request, pk: int):
        nc = get_object_or_404(selectors.nonconformities_for(self.membership), pk=pk)
        self.editable_agency(nc.agency)
        step = request.POST.get("step", "")
        if step not in NC_STEPS:
            step = STEP_FOR_STATUS.get(nc.status, "root-cause")
        form_class, service, arguments = NC_STEPS[step]
        form = form_class(request.POST)
        if form.is_valid() and run_service(
            form, lambda: service(nc=nc, actor=request.user, **arguments(form.cleaned_data))
        ):
            messages.success(request, _("The nonconformity was updated."))
            return redirect("iso_qms:nc_detail", pk=nc.pk)
        nc.refresh_from_db()
        return self.get(request, pk, form=form, status=400)


class YearlyCheckDetailView(QmsView):
    def get(self, request, pk: int):
        check = get_object_or_404(selectors.checks_for(self.membership), pk=pk)
        return render(request, "iso_qms/check_detail.html", {"check": check})


class ComplianceView(QmsView):
    """The yearly compliance table of all agencies: as a page, an Excel file or a PDF (?format=)."""

    permission_required = "qms.view_all"

    def get(self, request):
        form = forms.YearForm(request.GET or None)
        year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
        rows = selectors.compliance_rows(year=year)
        # ?export=xlsx as on every list; ?format= as the page's own links have always said.
        export = request.GET.get("export") or request.GET.get("format")
        if export == "xlsx":
            response = HttpResponse(
                exports.compliance_workbook(rows, year=year, tenant=request.tenant),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="bang-tuan-thu-iso-{year}.xlsx"'
            return response
        if export == "pdf":
            from ..pdf import render_pdf

            pdf = render_pdf(
                "iso_qms/pdf/compliance.html", {"rows": rows, "year": year, "tenant": request.tenant}
            )
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="bang-tuan-thu-iso-{year}.pdf"'
            return response
        return render(request, "iso_qms/compliance.html", {"rows": rows, "year": year, "form": form})
