"""The member's notifications in the current province, and marking them read."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from tcvn_portal.core.pagination import Paginator
from tcvn_portal.permissions import TenantPermissionRequiredMixin
from tcvn_portal.reports.list_export import Column, export_requested, list_export

from . import selectors, services

PAGE_SIZE = 25


class NotificationListView(TenantPermissionRequiredMixin, View):
    permission_required = "notification.view"
    exportable = True
    export_columns = (
        Column(_("Received at"), lambda n: n.created_at),
        Column(_("Subject"), lambda n: n.subject),
        Column(_("Content"), lambda n: n.body),
        Column(_("Read at"), lambda n: n.read_at),
        Column(_("Link"), lambda n: n.url),
    )

    def get(self, request):
        if export_requested(request):
            return list_export(
                filename="thong-bao",
                title=_("Notifications"),
                columns=self.export_columns,
                rows=selectors.notifications_for(request.user),
            )
        page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "notifications/notification_list.html", {"page": page})


class MarkReadView(TenantPermissionRequiredMixin, View):
    """Marks one notification read, then follows its link if asked to (the "open" button)."""

    permission_required = "notification.view"

    def post(self, request, pk: int):
        # Another user's or another province's notification is not found, not forbidden.
        notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
        services.mark_read(notification=notification, actor=request.user)
        if "open" in request.POST and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(notification.url)
        return redirect("notifications:list")


class MarkAllReadView(TenantPermissionRequiredMixin, View):
    permission_required = "notification.view"

    def post(self, request):
        services.mark_all_read(actor=request.user)
        return redirect("notifications:list")
