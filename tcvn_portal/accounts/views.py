from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tcvn_portal.core.pagination import Paginator
from tcvn_portal.permissions import TenantPermissionRequiredMixin
from tcvn_portal.reports.list_export import Column, export_requested, list_export
from tcvn_portal.tenancy.models import Membership

from . import selectors, services
from .forms import ChangeRoleForm, InviteMemberForm, MemberFilterForm, RejectRegistrationForm

PAGE_SIZE = 50


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class RegistrationStatusView(LoginRequiredMixin, View):
    """What a business user sees while their registration waits, or why it was refused."""

    def get(self, request):
        return render(
            request,
            "accounts/registration_status.html",
            {"registrations": selectors.registrations_of(request.user)},
        )


class RegistrationListView(TenantPermissionRequiredMixin, View):
    permission_required = "registration.approve"
    exportable = True
    export_columns = (
        Column(gettext_lazy("Applicant"), lambda m: m.user.full_name),
        Column(gettext_lazy("Email address"), lambda m: m.user.email),
        Column(gettext_lazy("Phone"), lambda m: m.user.phone),
        Column(gettext_lazy("Business"), lambda m: m.organization.name if m.organization else ""),
        Column(gettext_lazy("Address"), lambda m: m.organization.address if m.organization else ""),
        Column(gettext_lazy("Tax code"), lambda m: m.organization.tax_code if m.organization else ""),
        Column(gettext_lazy("Registered on"), lambda m: m.created_at),
    )

    def get(self, request):
        if export_requested(request):
            return list_export(
                filename="dang-ky-cho-duyet",
                title=gettext_lazy("Registrations waiting for approval"),
                columns=self.export_columns,
                rows=selectors.pending_registrations(),
            )
        page = Paginator(selectors.pending_registrations(), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "accounts/registration_list.html", {"page": page})


class RegistrationApproveView(TenantPermissionRequiredMixin, View):
    permission_required = "registration.approve"

    def post(self, request, pk: int):
        membership = get_object_or_404(Membership.objects.select_related("user", "tenant"), pk=pk)
        try:
            services.approve_registration(membership=membership, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("%(name)s can now use the portal.") % {"name": membership.user})
        return redirect("accounts:registration_list")


class RegistrationRejectView(TenantPermissionRequiredMixin, View):
    permission_required = "registration.approve"

    def get_membership(self, pk: int) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user", "tenant", "organization"),
            pk=pk,
            status=Membership.Status.PENDING,
        )

    def get(self, request, pk: int):
        return self.render(self.get_membership(pk), RejectRegistrationForm())

    def post(self, request, pk: int):
        membership = self.get_membership(pk)
        form = RejectRegistrationForm(request.POST)
        if form.is_valid():
            try:
                services.reject_registration(
                    membership=membership, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The registration was refused and the applicant told why."))
                return redirect("accounts:registration_list")
        return self.render(membership, form, status=400)

    def render(self, membership, form, status=200):
        return render(
            self.request,
            "accounts/registration_reject.html",
            {"membership": membership, "form": form},
            status=status,
        )


class MemberListView(TenantPermissionRequiredMixin, View):
    permission_required = "membership.manage"
    exportable = True
    export_columns = (
        Column(gettext_lazy("Name"), lambda m: m.user.full_name),
        Column(gettext_lazy("Email address"), lambda m: m.user.email),
        Column(gettext_lazy("Role"), lambda m: m.get_role_display()),
        Column(gettext_lazy("Organisation"), lambda m: m.organization.name if m.organization else ""),
        Column(gettext_lazy("Status"), lambda m: m.get_status_display()),
    )

    def get(self, request):
        form = MemberFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        queryset = selectors.members(status=filters.get("status", ""), role=filters.get("role", ""))
        if export_requested(request):
            return list_export(
                filename="thanh-vien",
                title=gettext_lazy("Members"),
                columns=self.export_columns,
                rows=queryset,
            )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "accounts/member_list.html", {"form": form, "page": page})


class MemberInviteView(TenantPermissionRequiredMixin, View):
    permission_required = "membership.manage"

    def get(self, request):
        return self.render(InviteMemberForm())

    def post(self, request):
        form = InviteMemberForm(request.POST)
        if form.is_valid():
            try:
                # A refused invitation must leave no half-made account behind.
                with transaction.atomic():
                    membership = services.invite_member(
                        tenant=request.tenant,
                        actor=request.user,
                        base_url=request.build_absolute_uri("/").rstrip("/"),
                        **form.cleaned_data,
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                text = _("%(email)s was added and sent an email to sign in.")
                messages.success(request, text % {"email": membership.user.email})
                return redirect("accounts:member_detail", pk=membership.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        return render(self.request, "accounts/member_invite.html", {"form": form}, status=status)


def _member(pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "organization"), pk=pk)


class MemberDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "membership.manage"

    def get(self, request, pk: int):
        membership = _member(pk)
        return render(
            request,
            "accounts/member_detail.html",
            {"membership": membership, "role_form": ChangeRoleForm(initial={"role": membership.role})},
        )


class MemberRoleView(TenantPermissionRequiredMixin, View):
    permission_required = "membership.manage"

    def post(self, request, pk: int):
        membership = _member(pk)
        form = ChangeRoleForm(request.POST)
        if form.is_valid():
            try:
                services.change_role(
                    membership=membership, role=form.cleaned_data["role"], actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The role was changed."))
                return redirect("accounts:member_detail", pk=membership.pk)
        membership.refresh_from_db()
        return render(
            request, "accounts/member_detail.html", {"membership": membership, "role_form": form}, status=400
        )


class MemberStatusView(TenantPermissionRequiredMixin, View):
    """Suspends or reactivates a member (`action` comes from the URL)."""

    permission_required = "membership.manage"
    action = ""

    def post(self, request, pk: int):
        membership = _member(pk)
        service = services.suspend_member if self.action == "suspend" else services.reactivate_member
        try:
            service(membership=membership, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if self.action == "suspend":
                messages.success(request, _("The member was suspended."))
            else:
                messages.success(request, _("The member was reactivated."))
        return redirect("accounts:member_detail", pk=membership.pk)
