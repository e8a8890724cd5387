"""Pages of the metrology app. Thin: forms check the input, services write, selectors read; every object
is fetched through a scoped, role-filtered queryset, so another tenant's id is a 404."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from tcvn_portal.core.pagination import Paginator
from tcvn_portal.core.public_codes import read_code
from tcvn_portal.permissions import TenantPermissionRequiredMixin, require_perm
from tcvn_portal.reports.excel import XLSX
from tcvn_portal.reports.list_export import export_requested, list_export
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Tenant

from . import exports, imports, pdf, selectors, services
from .forms import (
    CampaignForm,
    FollowUpForm,
    ImportForm,
    InstrumentFilterForm,
    InstrumentForm,
    InstrumentTypeForm,
    MarketForm,
    MeasurementFormSet,
    ReasonForm,
    RequestForm,
    RuleForm,
    ScheduleForm,
    VerificationForm,
    apply_errors,
)
from .models import (
    Campaign,
    ImportJob,
    Instrument,
    InstrumentType,
    InstrumentTypeRule,
    Market,
    Verification,
    VerificationRequest,
)

PAGE_SIZE = 25
VIEW_PERMS = ("metrology.view", "metrology.view_own")


def _dates() -> dict:
    today = timezone.localdate()
    return {"today": today, "soon": today + timedelta(days=selectors.DUE_WINDOW_DAYS)}


def _filtered_instruments(request):
    form = InstrumentFilterForm(request.GET or None)
    queryset = selectors.instruments_visible_to(request.membership)
    if form.is_valid():
        queryset = selectors.filter_instruments(queryset, **form.cleaned_data)
    else:
        queryset = selectors.filter_instruments(queryset)
    return form, queryset


# The columns the list pages show, and only those: the rest of a row and of its joined rows (notes,
# search text, addresses, contact details…) was fetched, converted and built into objects for nothing.
INSTRUMENT_ROW_FIELDS = (
    "serial",
    "maker",
    "model",
    "location",
    "valid_until",
    "status",
    "last_result",
    "instrument_type__name",
    "owner__name",
    "commune__name",
)
VERIFICATION_ROW_FIELDS = (
    "verified_on",
    "result",
    "archived_at",
    "follow_up_closed_at",
    "certificate_number",
    "valid_until",
    "instrument__serial",
    "instrument__instrument_type__name",
    "instrument__owner__name",
)

# --- Instruments --------------------------------------------------------------------------------


class InstrumentListView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS
    exportable = True

    def get(self, request):
        form, queryset = _filtered_instruments(request)
        if export_requested(request):
            return list_export(
                filename="so-dang-ky-phuong-tien-do",
                title=gettext_lazy("Measuring instruments"),
                columns=exports.instrument_columns(**_dates()),
                rows=queryset.select_related("instrument_type", "owner", "commune", "market"),
            )
        rows = queryset.select_related("instrument_type", "owner", "commune").only(*INSTRUMENT_ROW_FIELDS)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "metrology/instrument_list.html", {"form": form, "page": page, **_dates()})


class InstrumentDetailView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS

    def get(self, request, pk: int):
        instrument = get_object_or_404(
            selectors.instruments_visible_to(request.membership).select_related(
                "instrument_type", "owner", "commune", "market"
            ),
            pk=pk,
        )
        return render(
            request,
            "metrology/instrument_detail.html",
            {
                **_dates(),
                "instrument": instrument,
                "verifications": instrument.verifications.select_related("recorded_by").order_by(
                    "-verified_on", "-pk"
                ),
                "requests": instrument.requests.order_by("-created_at"),
                "can_edit": instrument.changeable_by(request.membership),
                "can_retire": request.membership.has_perm("metrology.instrument.change")
                and instrument.status != Instrument.Status.RETIRED,
                "can_request": request.membership.has_perm("metrology.request")
                and instrument.status != Instrument.Status.RETIRED,
                "can_verify": request.membership.has_perm("metrology.verify")
                and instrument.status != Instrument.Status.RETIRED,
            },
        )


class InstrumentEditView(TenantPermissionRequiredMixin, View):
    permission_required = ("metrology.instrument.change", "metrology.instrument.change_own")

    def get_object(self, pk):
        if pk is None:
            return Instrument()
        instrument = get_object_or_404(selectors.instruments_visible_to(self.request.membership), pk=pk)
        if not instrument.changeable_by(self.request.membership):
            raise PermissionDenied
        return instrument

    def get(self, request, pk: int | None = None):
        return self.render(InstrumentForm(instance=self.get_object(pk), membership=request.membership))

    def post(self, request, pk: int | None = None):
        instrument = self.get_object(pk)
        form = InstrumentForm(request.POST, instance=instrument, membership=request.membership)
        if form.is_valid():
            try:
                if pk is None:
                    instrument = services.register_instrument(actor=request.user, **form.changes())
                else:
                    instrument = services.update_instrument(
                        actor=request.user, instrument=Instrument.objects.get(pk=pk), **form.changes()
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The instrument was saved."))
                return redirect("metrology:instrument_detail", pk=instrument.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        instance = form.instance
        return render(
            self.request,
            "metrology/form_page.html",
            {
                "form": form,
                "title": _("Edit instrument") if instance.pk else _("Register an instrument"),
                "cancel_url": reverse("metrology:instrument_detail", args=[instance.pk])
                if instance.pk
                else reverse("metrology:instrument_list"),
            },
            status=status,
        )


class InstrumentRetireView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.instrument.change"

    def post(self, request, pk: int):
        instrument = get_object_or_404(Instrument.objects.filter(archived_at__isnull=True), pk=pk)
        services.retire_instrument(actor=request.user, instrument=instrument)
        messages.success(request, _("The instrument was retired: it gets no more reminders."))
        return redirect("metrology:instrument_detail", pk=pk)


class RequestVerificationView(TenantPermissionRequiredMixin, View):
    """A business asks online for its instrument to be verified."""

    permission_required = "metrology.request"

    def get_instrument(self, pk):
        return get_object_or_404(selectors.instruments_visible_to(self.request.membership), pk=pk)

    def get(self, request, pk: int):
        return self.render(self.get_instrument(pk), RequestForm())

    def post(self, request, pk: int):
        instrument = self.get_instrument(pk)
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                services.request_verification(actor=request.user, instrument=instrument, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your request was sent. The officer will tell you the date."))
                return redirect("metrology:instrument_detail", pk=pk)
        return self.render(instrument, form, status=400)

    def render(self, instrument, form, status=200):
        return render(
            self.request,
            "metrology/request_form.html",
            {"instrument": instrument, "form": form},
            status=status,
        )


class RecordVerificationView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.verify"

    def get_objects(self, pk):
        instrument = get_object_or_404(
            Instrument.objects.filter(archived_at__isnull=True).select_related("instrument_type", "owner"),
            pk=pk,
        )
        request_id = self.request.GET.get("request") or self.request.POST.get("request")
        open_request = None
        if request_id:
            if not str(request_id).isdigit():
                raise Http404
            open_request = get_object_or_404(
                VerificationRequest.objects, pk=int(request_id), instrument=instrument
            )
        return instrument, open_request

    def get(self, request, pk: int):
        instrument, open_request = self.get_objects(pk)
        initial = {"kind": open_request.kind} if open_request else {}
        if open_request and open_request.scheduled_for:
            initial["planned_on"] = open_request.scheduled_for
        return self.render(
            instrument, open_request, VerificationForm(initial=initial), MeasurementFormSet(prefix="m")
        )

    def post(self, request, pk: int):
        instrument, open_request = self.get_objects(pk)
        form = VerificationForm(request.POST)
        formset = MeasurementFormSet(request.POST, prefix="m")
        if form.is_valid() and formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms if f.cleaned_data]
            try:
                verification = services.record_verification(
                    actor=request.user,
                    instrument=instrument,
                    measurements=rows,
                    request=open_request,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The verification was recorded."))
                return redirect("metrology:verification_detail", pk=verification.pk)
        return self.render(instrument, open_request, form, formset, status=400)

    def render(self, instrument, open_request, form, formset, status=200):
        return render(
            self.request,
            "metrology/verification_form.html",
            {
                "instrument": instrument,
                "open_request": open_request,
                "form": form,
                "formset": formset,
            },
            status=status,
        )


# --- Verifications ------------------------------------------------------------------------------


class VerificationListView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS
    exportable = True

    def get(self, request):
        queryset = selectors.verifications_visible_to(request.membership).select_related(
            "instrument__instrument_type", "instrument__owner"
        )
        result = request.GET.get("result", "")
        if result in Verification.Result.values:
            queryset = queryset.filter(result=result)
        if request.GET.get("follow_up") == "open":
            queryset = queryset.filter(
                result=Verification.Result.FAILED, follow_up_closed_at__isnull=True, archived_at__isnull=True
            )
        if number := request.GET.get("q", "").strip()[:60]:
            queryset = queryset.filter(certificate_number__icontains=number) | queryset.filter(
                stamp_number__icontains=number
            )
        if export_requested(request):
            return list_export(
                filename="kiem-dinh",
                title=pgettext_lazy("metrology", "Verifications"),
                columns=exports.VERIFICATION_COLUMNS,
                rows=queryset,
            )
        page = Paginator(queryset.only(*VERIFICATION_ROW_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "metrology/verification_list.html",
            {
                "page": page,
                "result": result,
                "q": request.GET.get("q", ""),
                "follow_up": request.GET.get("follow_up", ""),
                "results": Verification.Result.choices,
            },
        )


def _visible_verification(request, pk):
    return get_object_or_404(
        selectors.verifications_visible_to(request.membership).select_related(
            "instrument__instrument_type",
            "instrument__owner",
            "instrument__commune",
            "recorded_by",
            "campaign",
            "rule",
        ),
        pk=pk,
    )


class VerificationDetailView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS

    def get(self, request, pk: int, annul_form=None, follow_up_form=None, status=200):
        verification = _visible_verification(request, pk)
        return render(
            request,
            "metrology/verification_detail.html",
            {
                "verification": verification,
                "state": services.certificate_state(verification),
                "can_verify": request.membership.has_perm("metrology.verify"),
                "annul_form": annul_form or ReasonForm(),
                "follow_up_form": follow_up_form or FollowUpForm(),
            },
            status=status,
        )


class VerificationAnnulView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.verify"

    def post(self, request, pk: int):
        verification = get_object_or_404(Verification.objects.select_related("instrument"), pk=pk)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.annul_verification(
                    actor=request.user, verification=verification, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The record was annulled."))
                return redirect("metrology:verification_detail", pk=pk)
        return VerificationDetailView.as_view()(request, pk=pk, annul_form=form, status=400)


class FollowUpCloseView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.verify"

    def post(self, request, pk: int):
        verification = get_object_or_404(Verification.objects, pk=pk)
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.close_follow_up(
                    actor=request.user, verification=verification, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The follow-up was closed."))
                return redirect("metrology:verification_detail", pk=pk)
        return VerificationDetailView.as_view()(request, pk=pk, follow_up_form=form, status=400)


class CertificatePdfView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS

    def get(self, request, pk: int):
        verification = _visible_verification(request, pk)
        if verification.result != Verification.Result.PASSED or verification.archived_at is not None:
            raise Http404
        check_url = request.build_absolute_uri(
            reverse("metrology:public_check", args=[verification.check_code])
        )
        content = pdf.certificate_pdf(verification, check_url=check_url, tenant=request.tenant)
        response = HttpResponse(content, content_type="application/pdf")
        name = "".join(c if c.isalnum() or c in "-_" else "-" for c in verification.certificate_number)
        response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{name}.pdf"'
        return response


# --- Requests -----------------------------------------------------------------------------------


class RequestListView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS
    exportable = True

    def get(self, request):
        queryset = selectors.requests_visible_to(request.membership).select_related(
            "instrument__instrument_type", "instrument__owner", "requested_by"
        )
        status = request.GET.get("status", "")
        if status in VerificationRequest.Status.values:
            queryset = queryset.filter(status=status)
        if export_requested(request):
            return list_export(
                filename="yeu-cau-kiem-dinh",
                title=gettext_lazy("Verification requests"),
                columns=exports.REQUEST_COLUMNS,
                rows=queryset,
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "metrology/request_list.html",
            {
                "page": page,
                "status": status,
                "statuses": VerificationRequest.Status.choices,
            },
        )


class RequestDetailView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS

    def get_object(self, pk):
        return get_object_or_404(
            selectors.requests_visible_to(self.request.membership).select_related(
                "instrument__instrument_type", "instrument__owner", "requested_by"
            ),
            pk=pk,
        )

    def get(self, request, pk: int, schedule_form=None, cancel_form=None, status=200):
        obj = self.get_object(pk)
        return render(
            request,
            "metrology/request_detail.html",
            {
                "req": obj,
                "is_open": obj.is_open,
                "can_manage": request.membership.has_perm("metrology.request.manage"),
                "can_verify": request.membership.has_perm("metrology.verify"),
                "schedule_form": schedule_form or ScheduleForm(initial={"scheduled_for": obj.preferred_date}),
                "cancel_form": cancel_form or ReasonForm(),
            },
            status=status,
        )

    def post(self, request, pk: int):
        require_perm(request, "metrology.request.manage")
        obj = self.get_object(pk)
        action = request.POST.get("action")
        if action == "schedule":
            form = ScheduleForm(request.POST)
            if form.is_valid():
                try:
                    services.schedule_request(actor=request.user, request=obj, **form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("The verification was scheduled."))
                    return redirect("metrology:request_detail", pk=pk)
            return self.get(request, pk, schedule_form=form, status=400)
        if action == "cancel":
            form = ReasonForm(request.POST)
            if form.is_valid():
                try:
                    services.cancel_request(
                        actor=request.user, request=obj, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("The request was cancelled."))
                    return redirect("metrology:request_detail", pk=pk)
            return self.get(request, pk, cancel_form=form, status=400)
        raise Http404


# --- Dashboard ----------------------------------------------------------------------------------


class DashboardView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS

    def get(self, request):
        queryset = selectors.instruments_visible_to(request.membership)
        return render(
            request,
            "metrology/dashboard.html",
            {
                "counts": selectors.dashboard_counts(queryset),
                "by_type": selectors.dashboard_breakdown(queryset, by="type"),
                "by_commune": selectors.dashboard_breakdown(queryset, by="commune"),
                "follow_ups": selectors.open_follow_ups(request.membership).count(),
            },
        )


# --- Catalog ------------------------------------------------------------------------------------


class TypeListView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS
    exportable = True

    def get(self, request):
        types = selectors.active_types().prefetch_related("rules")
        if export_requested(request):
            return list_export(
                filename="danh-muc-phuong-tien-do",
                title=gettext_lazy("Instrument types"),
                columns=exports.TYPE_COLUMNS,
                rows=types,
            )
        return render(request, "metrology/type_list.html", {"types": types})


class TypeDetailView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW_PERMS

    def get(self, request, pk: int, form=None, status=200):
        instrument_type = get_object_or_404(InstrumentType.objects, pk=pk)
        return render(
            request,
            "metrology/type_detail.html",
            {
                "instrument_type": instrument_type,
                "rules": instrument_type.rules.order_by("-valid_from"),
                "rule_form": form or RuleForm(),
            },
            status=status,
        )

    def post(self, request, pk: int):
        require_perm(request, "metrology.catalog.change")
        instrument_type = get_object_or_404(InstrumentType.objects, pk=pk)
        form = RuleForm(request.POST, instance=InstrumentTypeRule(instrument_type=instrument_type))
        if form.is_valid():
            try:
                services.save_rule(rule=form.instance, actor=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The rule was added."))
                return redirect("metrology:type_detail", pk=pk)
        return self.get(request, pk, form=form, status=400)


class _EditView(TenantPermissionRequiredMixin, View):
    """Create or edit one catalog record through its service: the form page, errors from the service
    shown on the form, a success message and the record's page after saving. A subclass defines
    get_object(pk) over its scoped queryset and save(form), which calls its service."""

    form_class: type
    title: str
    list_url_name: str
    detail_url_name: str
    success_message: str

    def get(self, request, pk: int | None = None):
        return self.render(self.form_class(instance=self.get_object(pk)))

    def post(self, request, pk: int | None = None):
        form = self.form_class(request.POST, instance=self.get_object(pk))
        if form.is_valid():
            try:
                self.save(form)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(self.detail_url_name, pk=form.instance.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        context = {"form": form, "title": self.title, "cancel_url": reverse(self.list_url_name)}
        return render(self.request, "metrology/form_page.html", context, status=status)


class TypeEditView(_EditView):
    permission_required = "metrology.catalog.change"
    form_class = InstrumentTypeForm
    title = gettext_lazy("Instrument type")
    list_url_name = "metrology:type_list"
    detail_url_name = "metrology:type_detail"
    success_message = gettext_lazy("The instrument type was saved.")

    def get_object(self, pk):
        return get_object_or_404(InstrumentType.objects, pk=pk) if pk else InstrumentType()

    def save(self, form) -> None:
        services.save_instrument_type(instrument_type=form.instance, actor=self.request.user)


# --- Markets and campaigns ----------------------------------------------------------------------


class MarketListView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.view"
    exportable = True

    def get(self, request):
        queryset = selectors.active_markets().select_related("commune")
        if q := request.GET.get("q", "").strip()[:100]:
            queryset = queryset.search(q)
        if export_requested(request):
            return list_export(
                filename="cho", title=gettext_lazy("Markets"), columns=exports.MARKET_COLUMNS, rows=queryset
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "metrology/market_list.html", {"page": page, "q": q})


class MarketDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.view"

    def get(self, request, pk: int):
        market = get_object_or_404(Market.objects.select_related("commune", "manager"), pk=pk)
        scales = market.instruments.filter(archived_at__isnull=True).select_related(
            "instrument_type", "owner"
        )
        return render(request, "metrology/market_detail.html", {"market": market, "scales": scales})


class MarketEditView(_EditView):
    permission_required = "metrology.market.change"
    form_class = MarketForm
    title = gettext_lazy("Market")
    list_url_name = "metrology:market_list"
    detail_url_name = "metrology:market_detail"
    success_message = gettext_lazy("The market was saved.")

    def get_object(self, pk):
        return get_object_or_404(Market.objects, pk=pk, archived_at__isnull=True) if pk else Market()

    def save(self, form) -> None:
        services.save_market(market=form.instance, actor=self.request.user)


class CampaignListView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.view"
    exportable = True

    def get(self, request):
        campaigns = Campaign.objects.filter(archived_at__isnull=True)
        if export_requested(request):
            return list_export(
                filename="dot-kiem-dinh-mien-phi",
                title=gettext_lazy("Free verification campaigns"),
                columns=exports.CAMPAIGN_COLUMNS,
                rows=campaigns,
            )
        return render(request, "metrology/campaign_list.html", {"campaigns": campaigns})


class CampaignDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.view"

    def get(self, request, pk: int):
        campaign = get_object_or_404(Campaign.objects, pk=pk)
        markets = [cm.market for cm in campaign.campaign_markets.select_related("market__commune")]
        scales = Instrument.objects.filter(
            market__in=markets, archived_at__isnull=True, instrument_type__is_reference_scale=True
        ).select_related("market", "instrument_type")
        results = {v.instrument_id: v for v in selectors.campaign_results(campaign)}
        rows = [(scale, results.get(scale.pk)) for scale in scales]
        summary = {
            "scales": len(rows),
            "verified": sum(1 for _s, v in rows if v),
            "passed": sum(1 for _s, v in rows if v and v.result == Verification.Result.PASSED),
            "failed": sum(1 for _s, v in rows if v and v.result == Verification.Result.FAILED),
        }
        return render(
            request,
            "metrology/campaign_detail.html",
            {
                "campaign": campaign,
                "markets": markets,
                "rows": rows,
                "summary": summary,
            },
        )


class CampaignEditView(_EditView):
    permission_required = "metrology.market.change"
    form_class = CampaignForm
    title = gettext_lazy("Verification campaign")
    list_url_name = "metrology:campaign_list"
    detail_url_name = "metrology:campaign_detail"
    success_message = gettext_lazy("The campaign was saved.")

    def get_object(self, pk):
        return get_object_or_404(Campaign.objects, pk=pk, archived_at__isnull=True) if pk else Campaign()

    def save(self, form) -> None:
        services.save_campaign(
            campaign=form.instance, actor=self.request.user, markets=form.cleaned_data["markets"]
        )


# --- Import -------------------------------------------------------------------------------------


class ImportListView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.import"
    exportable = True

    def get(self, request, form=None, status=200):
        if export_requested(request):
            return list_export(
                filename="nhap-so-dang-ky",
                title=gettext_lazy("Recent imports"),
                columns=exports.IMPORT_COLUMNS,
                rows=selectors.recent_imports(),
            )
        return render(
            request,
            "metrology/import_list.html",
            {
                "form": form or ImportForm(),
                "jobs": selectors.recent_imports(),
                "columns": imports.COLUMNS,
            },
            status=status,
        )

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = imports.start(actor=request.user, file_name=upload.name, content=upload.read())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("metrology:import_detail", pk=job.pk)
        return self.get(request, form=form, status=400)


class ImportTemplateView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.import"

    def get(self, request):
        response = HttpResponse(imports.template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="mau-so-dang-ky-phuong-tien-do.xlsx"'
        return response


class ImportDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "metrology.import"

    def get(self, request, pk: int):
        job = get_object_or_404(ImportJob.objects.defer("content"), pk=pk)
        if request.GET.get("format") == "json":
            return JsonResponse(
                {
                    "status": job.status,
                    "total": job.total_rows,
                    "processed": imports.current_progress(job),
                }
            )
        return render(
            request,
            "metrology/import_detail.html",
            {
                "job": job,
                "processed": imports.current_progress(job),
                "running": job.status in (ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING),
            },
        )

    def post(self, request, pk: int):
        job = get_object_or_404(ImportJob.objects, pk=pk)
        try:
            imports.confirm(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if job.status == ImportJob.Status.DONE:
                messages.success(request, _("%(n)s instruments were imported.") % {"n": job.created_count})
        return redirect("metrology:import_detail", pk=pk)


# --- Public certificate check -------------------------------------------------------------------


def public_check(request, code: str):
    """Anyone may check a certificate by its QR code. The code names its tenant and carries a MAC: a forged
    or altered code is turned away before any query, and the lookup runs under that tenant's RLS only."""
    parsed = read_code(code, kind=services.CERTIFICATE_CODE_KIND)
    verification = None
    if parsed is not None:
        tenant = Tenant.objects.filter(pk=parsed.tenant_id, is_active=True).first()
        if tenant is not None:
            with tenant_context(tenant):
                verification = (
                    Verification.objects.select_related("instrument__instrument_type", "instrument__owner")
                    .filter(check_code=parsed.code)
                    .first()
                )
                if verification is not None:
                    context = {
                        "verification": verification,
                        "tenant": tenant,
                        "state": services.certificate_state(verification),
                    }
                    return render(request, "metrology/public_check.html", context)
    return render(request, "metrology/public_check_not_found.html", status=404)
