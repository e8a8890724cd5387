"""Pages of the traceability domain. Thin: forms validate, services write, selectors read."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tcvn_portal.core.pagination import Paginator
from tcvn_portal.permissions import TenantPermissionRequiredMixin, require_perm
from tcvn_portal.reports.list_export import Column, export_requested, list_export
from tcvn_portal.tenancy.models import Organization

from . import cache as scan_cache
from . import epcis, printpack, selectors, services
from .forms import (
    ApplicationFilterForm,
    ApplicationForm,
    BatchFilterForm,
    BatchForm,
    ProductFilterForm,
    ProductForm,
    ReasonForm,
    RejectForm,
    SeriesForm,
    StageForm,
)
from .models import Batch, Product, Stamp

PAGE_SIZE = 25
VIEW = ("trace.view", "trace.view_own")


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _own_organization(request) -> Organization | None:
    # Loaded again under the tenant: the membership's organisation was joined before RLS showed it.
    return Organization.objects.filter(pk=request.membership.organization_id).first()


def _resolver_base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- Products -------------------------------------------------------------------------------------


class ProductListView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW
    exportable = True
    export_columns = (
        Column(gettext_lazy("Product"), lambda p: p.name),
        Column("GTIN", lambda p: p.gtin),
        Column(gettext_lazy("Brand or serial"), lambda p: p.brand),
        Column(gettext_lazy("Business"), lambda p: p.owner.name),
        Column(gettext_lazy("Tax code"), lambda p: p.owner.tax_code),
        Column(gettext_lazy("Category"), lambda p: p.category.name if p.category else ""),
    )

    def get(self, request):
        form = ProductFilterForm(request.GET or None)
        queryset = selectors.products_visible_to(request.membership)
        queryset = selectors.filter_products(queryset, **(form.cleaned_data if form.is_valid() else {}))
        if export_requested(request):
            return list_export(
                filename="san-pham-truy-xuat",
                title=gettext_lazy("Products"),
                columns=self.export_columns,
                rows=queryset,
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "traceability/product_list.html", {"form": form, "page": page})


class ProductDetailView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW

    def get(self, request, pk: int):
        product = get_object_or_404(
            selectors.products_visible_to(request.membership).select_related("owner", "category"), pk=pk
        )
        return render(
            request,
            "traceability/product_detail.html",
            {
                "product": product,
                "missing": selectors.missing_data_items(product),
                "batches": product.batches.filter(archived_at__isnull=True),
                "certifications": product.certifications.filter(archived_at__isnull=True),
                "remaining": selectors.remaining_quota(product),
            },
        )


class ProductEditView(TenantPermissionRequiredMixin, View):
    permission_required = "trace.change_own"

    def get_object(self, pk):
        if pk is None:
            return Product(owner=_own_organization(self.request))
        return get_object_or_404(selectors.products_visible_to(self.request.membership), pk=pk)

    def get(self, request, pk: int | None = None):
        return self.show(ProductForm(instance=self.get_object(pk)))

    def post(self, request, pk: int | None = None):
        form = ProductForm(request.POST, instance=self.get_object(pk))
        if form.is_valid():
            try:
                services.save_product(product=form.instance, actor=request.user)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The product was saved."))
                return redirect("traceability:product_detail", pk=form.instance.pk)
        return self.show(form, status=400)

    def show(self, form, status=200):
        return render(self.request, "traceability/product_form.html", {"form": form}, status=status)


# --- Applications ---------------------------------------------------------------------------------


class ApplicationListView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW
    exportable = True
    export_columns = (
        Column(gettext_lazy("Application"), lambda a: a.pk),
        Column(gettext_lazy("Created on"), lambda a: a.created_at),
        Column(gettext_lazy("Business"), lambda a: a.applicant.name),
        Column(gettext_lazy("Tax code"), lambda a: a.applicant.tax_code),
        Column(gettext_lazy("Number of stamps"), lambda a: a.stamps or 0),
        Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
    )

    def get(self, request):
        form = ApplicationFilterForm(request.GET or None)
        queryset = selectors.applications_visible_to(request.membership)
        queryset = selectors.filter_applications(queryset, **(form.cleaned_data if form.is_valid() else {}))
        # The model's ordering is dropped under the stamps' GROUP BY: say it again, for pages and file alike.
        queryset = queryset.order_by("-created_at", "-pk")
        if export_requested(request):
            return list_export(
                filename="don-de-nghi-cap-tem",
                title=gettext_lazy("Stamp applications"),
                columns=self.export_columns,
                rows=queryset,
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "traceability/application_list.html", {"form": form, "page": page})


class ApplicationCreateView(TenantPermissionRequiredMixin, View):
    permission_required = "trace.change_own"

    def form(self, data=None):
        return ApplicationForm(data, products=selectors.products_visible_to(self.request.membership))

    def get(self, request):
        return render(request, "traceability/application_form.html", {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                application = services.create_application(
                    applicant=_own_organization(request),
                    items=[(form.cleaned_data["product"], form.cleaned_data["quantity"])],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The application was saved as a draft."))
                return redirect("traceability:application_detail", pk=application.pk)
        return render(request, "traceability/application_form.html", {"form": form}, status=400)


class ApplicationDetailView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW

    def get_object(self, pk):
        return get_object_or_404(
            selectors.applications_visible_to(self.request.membership).select_related("applicant"), pk=pk
        )

    def get(self, request, pk: int):
        return self.show(self.get_object(pk), RejectForm())

    def show(self, application, reject_form, status=200, errors=()):
        items = application.items.select_related("product")
        return render(
            self.request,
            "traceability/application_detail.html",
            {
                "application": application,
                "items": [(item, selectors.missing_data_items(item.product)) for item in items],
                "reject_form": reject_form,
                "errors": errors,
            },
            status=status,
        )

    def post(self, request, pk: int):
        application = self.get_object(pk)
        action = request.POST.get("action")
        reject_form = RejectForm()
        try:
            if action == "submit":
                require_perm(request, "trace.change_own")
                services.submit_application(application=application, actor=request.user)
                messages.success(request, _("The application was submitted."))
            elif action == "approve":
                require_perm(request, "trace.decide")
                services.approve_application(application=application, actor=request.user)
                messages.success(request, _("The application was approved."))
            elif action == "reject":
                require_perm(request, "trace.decide")
                reject_form = RejectForm(request.POST)
                if not reject_form.is_valid():
                    return self.show(application, reject_form, status=400)
                services.reject_application(
                    application=application,
                    reason=reject_form.cleaned_data["rejection_reason"],
                    actor=request.user,
                )
                messages.success(request, _("The application was rejected."))
            else:
                raise Http404
        except ValidationError as error:
            application.refresh_from_db()
            return self.show(application, reject_form, status=400, errors=error.messages)
        return redirect("traceability:application_detail", pk=application.pk)


# --- Batches --------------------------------------------------------------------------------------


class BatchListView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW
    exportable = True
    export_columns = (
        Column(gettext_lazy("Lot number"), lambda b: b.lot),
        Column(gettext_lazy("Product"), lambda b: b.product.name),
        Column(gettext_lazy("Business"), lambda b: b.product.owner.name),
        Column(gettext_lazy("Production date"), lambda b: b.production_date),
        Column(gettext_lazy("Expiry date"), lambda b: b.expiry_date),
        Column(gettext_lazy("Recalled on"), lambda b: b.recalled_at),
    )

    def get(self, request):
        form = BatchFilterForm(request.GET or None)
        queryset = selectors.batches_visible_to(request.membership)
        queryset = selectors.filter_batches(queryset, **(form.cleaned_data if form.is_valid() else {}))
        if export_requested(request):
            return list_export(
                filename="lo-hang",
                title=gettext_lazy("Batches"),
                columns=self.export_columns,
                rows=queryset,
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "traceability/batch_list.html", {"form": form, "page": page})


class BatchCreateView(TenantPermissionRequiredMixin, View):
    permission_required = "trace.change_own"

    def product(self, pk):
        return get_object_or_404(selectors.products_visible_to(self.request.membership), pk=pk)

    def get(self, request, product_pk: int):
        return self.show(self.product(product_pk), BatchForm())

    def post(self, request, product_pk: int):
        product = self.product(product_pk)
        form = BatchForm(request.POST, instance=Batch(product=product))
        if form.is_valid():
            try:
                services.save_batch(batch=form.instance, actor=request.user)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The batch was saved."))
                return redirect("traceability:batch_detail", pk=form.instance.pk)
        return self.show(product, form, status=400)

    def show(self, product, form, status=200):
        context = {"form": form, "product": product}
        return render(self.request, "traceability/batch_form.html", context, status=status)


class BatchDetailView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW

    def get_object(self, pk):
        return get_object_or_404(
            selectors.batches_visible_to(self.request.membership).select_related("product__owner"), pk=pk
        )

    def get(self, request, pk: int):
        return self.show(self.get_object(pk))

    def show(self, batch, *, stage_form=None, series_form=None, recall_form=None, status=200):
        return render(
            self.request,
            "traceability/batch_detail.html",
            {
                "batch": batch,
                "stages": batch.stages.all(),
                "series_list": batch.series.all(),
                "stage_form": stage_form or StageForm(),
                "series_form": series_form or SeriesForm(),
                "recall_form": recall_form or ReasonForm(),
                "remaining": selectors.remaining_quota(batch.product),
            },
            status=status,
        )

    def post(self, request, pk: int):
        batch = self.get_object(pk)
        action = request.POST.get("action")
        if action == "stage":
            require_perm(request, "trace.change_own")
            form = StageForm(request.POST)
            if form.is_valid():
                try:
                    services.add_stage(batch=batch, actor=request.user, **form.cleaned_data)
                except ValidationError as error:
                    _apply_errors(form, error)
                else:
                    messages.success(request, _("The stage was added."))
                    return redirect("traceability:batch_detail", pk=batch.pk)
            return self.show(batch, stage_form=form, status=400)
        if action == "series":
            require_perm(request, "trace.change_own")
            form = SeriesForm(request.POST)
            if form.is_valid():
                try:
                    series = services.request_series(
                        batch=batch,
                        quantity=form.cleaned_data["quantity"],
                        resolver_base=_resolver_base(request),
                        actor=request.user,
                    )
                except ValidationError as error:
                    _apply_errors(form, error)
                else:
                    messages.success(request, _("The stamps are being issued."))
                    return redirect("traceability:series_detail", pk=series.pk)
            return self.show(batch, series_form=form, status=400)
        if action == "recall":
            require_perm(request, "trace.recall")
            form = ReasonForm(request.POST)
            if form.is_valid():
                try:
                    services.recall_batch(batch=batch, reason=form.cleaned_data["reason"], actor=request.user)
                except ValidationError as error:
                    _apply_errors(form, error)
                else:
                    messages.success(request, _("The batch was recalled: every scan now shows the warning."))
                    return redirect("traceability:batch_detail", pk=batch.pk)
            return self.show(batch, recall_form=form, status=400)
        raise Http404


class BatchEpcisView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW

    def get(self, request, pk: int):
        batch = get_object_or_404(
            selectors.batches_visible_to(request.membership).select_related("product"), pk=pk
        )
        document = epcis.batch_document(batch, resolver_base=_resolver_base(request))
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Type"] = "application/ld+json"
        response["Content-Disposition"] = f'attachment; filename="epcis-batch-{batch.pk}.jsonld"'
        return response


# --- Series ---------------------------------------------------------------------------------------


class SeriesDetailView(TenantPermissionRequiredMixin, View):
    permission_required = VIEW

    def get_object(self, pk):
        return get_object_or_404(
            selectors.series_visible_to(self.request.membership).select_related("batch__product__owner"),
            pk=pk,
        )

    def get(self, request, pk: int):
        series = self.get_object(pk)
        stamps = Stamp.objects.filter(series=series).order_by("number")[:10]
        return render(
            request,
            "traceability/series_detail.html",
            {
                "series": series,
                "progress": scan_cache.get_progress(series.pk),
                # Drawing a million labels takes most of an hour: show how far it has got.
                "label_progress": printpack.progress(series.pk) if series.print_csv else None,
                "labels_zipped": series.print_pdf.name.endswith(".zip"),
                "sample": stamps,
                "reason_form": ReasonForm(),
            },
        )

    def post(self, request, pk: int):
        series = self.get_object(pk)
        action = request.POST.get("action")
        try:
            if action == "activate":
                require_perm(request, "trace.change_own")
                services.activate_series(series=series, actor=request.user)
                messages.success(request, _("The stamps are active."))
            elif action == "withdraw":
                require_perm(request, "trace.withdraw")
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Say why the series is withdrawn."))
                services.withdraw_series(
                    series=series, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, _("The series was withdrawn."))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("traceability:series_detail", pk=series.pk)


class SeriesFileView(TenantPermissionRequiredMixin, View):
    """The print pack, served only to those who may see the series (the business and officials)."""

    permission_required = VIEW

    def get(self, request, pk: int, kind: str):
        series = get_object_or_404(selectors.series_visible_to(request.membership), pk=pk)
        field = {"csv": series.print_csv, "pdf": series.print_pdf}.get(kind)
        if not field:
            raise Http404
        # A large series' labels come as a zip of PDFs (printpack.CHUNK labels each): keep its extension.
        extension = field.name.rsplit(".", 1)[-1]
        return FileResponse(field.open("rb"), as_attachment=True, filename=f"series-{series.pk}.{extension}")


# --- Anomalies ------------------------------------------------------------------------------------


class AnomalyListView(TenantPermissionRequiredMixin, View):
    permission_required = "trace.anomalies"
    exportable = True
    export_columns = (
        Column(gettext_lazy("Stamp code"), lambda s: s.serial),
        Column(gettext_lazy("Product"), lambda s: s.series.batch.product.name),
        Column(gettext_lazy("Lot number"), lambda s: s.series.batch.lot),
        Column(gettext_lazy("Business"), lambda s: s.series.batch.product.owner.name),
        Column(gettext_lazy("Scans"), lambda s: s.scan_count),
        Column(gettext_lazy("Places"), lambda s: s.place_count),
        Column(gettext_lazy("Flagged on"), lambda s: s.flagged_at),
    )

    def get(self, request):
        if export_requested(request):
            return list_export(
                filename="tem-nghi-sao-chep",
                title=gettext_lazy("Likely copies"),
                columns=self.export_columns,
                rows=selectors.flagged_stamps(),
            )
        page = Paginator(selectors.flagged_stamps(), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "traceability/anomaly_list.html", {"page": page})


class StampScansView(TenantPermissionRequiredMixin, View):
    permission_required = "trace.anomalies"

    def get(self, request, pk: int):
        stamp = get_object_or_404(Stamp.objects.select_related("series__batch__product"), pk=pk)
        scans = Paginator(selectors.scans_of(stamp), 100).get_page(request.GET.get("page"))
        context = {"stamp": stamp, "page": scans, "places": selectors.scans_by_place(stamp)}
        return render(request, "traceability/stamp_scans.html", context)


def gs1resolver(request):
    """/.well-known/gs1resolver: the resolver description of GS1 Digital Link 1.2 / Resolver 1.1."""
    base = _resolver_base(request)
    body = {
        "name": "TCVN Portal — tem truy xuất nguồn gốc",
        "resolverRoot": base,
        "supportedPrimaryKeys": ["gtin"],
        "supportedContextValuedAttributes": [],
        "supportedLinkType": [{"namespace": "https://gs1.org/voc/", "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "validatesDigitalLinkURIs": True,
        "keyQualifiersOrder": [{"gtin": ["lot", "ser"]}],
        "resolverPattern": f"{base}/01/{{gtin}}/10/{{lot}}/21/{{serial}}",
        "defaultLinkType": "gs1:pip",
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json")
