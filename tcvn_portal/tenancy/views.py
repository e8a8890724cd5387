from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from tcvn_portal.core.pagination import Paginator
from tcvn_portal.permissions import TenantPermissionRequiredMixin
from tcvn_portal.reports.excel import xlsx_response

from . import selectors, services
from .forms import ApiTokenForm, OrganizationFilterForm, OrganizationForm
from .models import ApiToken, Organization

PAGE_SIZE = 25


class OrganizationListView(TenantPermissionRequiredMixin, View):
    permission_required = ("organization.view", "organization.view_own")
    exportable = True

    def get(self, request):
        form = OrganizationFilterForm(request.GET or None)
        queryset = selectors.organizations_visible_to(request.membership)
        if form.is_valid():
            queryset = selectors.filter_organizations(queryset, **form.cleaned_data)
        else:
            queryset = queryset.select_related("commune")
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                filename="to-chuc",
                title=_("Organisations"),
                headers=[
                    _("Name"),
                    _("Kind"),
                    _("Tax code"),
                    _("Agency code"),
                    _("Address"),
                    _("Commune"),
                    _("Legal representative"),
                    _("Phone"),
                    _("Email"),
                ],
                rows=(
                    (
                        o.name,
                        o.get_kind_display(),
                        o.tax_code,
                        o.agency_code,
                        o.address,
                        o.commune.name if o.commune else "",
                        o.representative,
                        o.phone,
                        o.email,
                    )
                    for o in queryset.iterator(chunk_size=2000)
                ),
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "tenancy/organization_list.html", {"form": form, "page": page})


class OrganizationDetailView(TenantPermissionRequiredMixin, View):
    permission_required = ("organization.view", "organization.view_own")

    def get(self, request, pk: int):
        organization = get_object_or_404(
            selectors.organizations_visible_to(request.membership).select_related("commune"), pk=pk
        )
        return render(request, "tenancy/organization_detail.html", {"organization": organization})


class OrganizationEditView(TenantPermissionRequiredMixin, View):
    permission_required = "organization.change"

    def get_object(self, pk):
        return get_object_or_404(Organization.objects, pk=pk, archived_at__isnull=True) if pk else None

    def get(self, request, pk: int | None = None):
        return self.render(OrganizationForm(instance=self.get_object(pk)))

    def post(self, request, pk: int | None = None):
        form = OrganizationForm(request.POST, instance=self.get_object(pk))
        if form.is_valid():
            services.save_organization(organization=form.instance, actor=request.user)
            messages.success(request, _("The organisation was saved."))
            return redirect("tenancy:organization_detail", pk=form.instance.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        return render(self.request, "tenancy/organization_form.html", {"form": form}, status=status)


class OrganizationArchiveView(TenantPermissionRequiredMixin, View):
    permission_required = "organization.change"

    def post(self, request, pk: int):
        organization = get_object_or_404(Organization.objects, pk=pk, archived_at__isnull=True)
        services.archive_organization(organization=organization, actor=request.user)
        messages.success(request, _("The organisation was archived."))
        return redirect("tenancy:organization_list")


class ApiTokenListView(TenantPermissionRequiredMixin, View):
    """A member's own API tokens: create one (shown once), list, revoke."""

    permission_required = "apitoken.manage"
    exportable = False
    not_exportable_because = (
        "API tokens are credentials: the page lets a member revoke their own. A spreadsheet of them "
        "(names, prefixes, last use) would outlive a revocation and travel outside the portal's checks, "
        "and no report needs it."
    )

    def tokens(self):
        return ApiToken.objects.filter(membership=self.request.membership, revoked_at__isnull=True)

    def get(self, request, new_token: str = "", form=None):
        return render(
            request,
            "tenancy/apitoken_list.html",
            {"tokens": self.tokens(), "form": form or ApiTokenForm(), "new_token": new_token},
        )

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form)
        raw = services.issue_api_token(membership=request.membership, name=form.cleaned_data["name"])
        return self.get(request, new_token=raw)


class ApiTokenRevokeView(TenantPermissionRequiredMixin, View):
    permission_required = "apitoken.manage"

    def post(self, request, pk: int):
        token = get_object_or_404(
            ApiToken.objects, pk=pk, membership=request.membership, revoked_at__isnull=True
        )
        services.revoke_api_token(token=token, actor=request.user)
        messages.success(request, _("The token was revoked."))
        return redirect("tenancy:apitoken_list")
