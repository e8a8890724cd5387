"""Downloading, uploading and archiving files; every route checks the tenant and the record's rules."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from . import access, selectors, services
from .forms import AttachmentForm
from .models import Attachment


def _member_or_login(view):
    """Anonymous users go to the login page; a user with no province of their own gets a 404."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "tenant", None) is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:dashboard")


def _visible_attachment(request, pk: int) -> Attachment:
    try:
        attachment = selectors.live_attachment(pk)
    except Attachment.DoesNotExist:
        raise Http404 from None
    owner = attachment.owner
    # A file of a record the user may not see answers exactly like a file that does not exist.
    if owner is None or not access.may_view(request.membership, owner):
        raise Http404
    return attachment


@require_GET
@_member_or_login
def download(request, pk: int):
    """The file itself, always as a download, with the type we detected and no sniffing by the browser."""
    attachment = _visible_attachment(request, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@_member_or_login
def upload(request):
    owner = access.owner_from_token(request.POST.get("owner", ""))
    if not access.may_change(request.membership, owner):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "attachments/upload_failed.html",
            {"form": form, "owner": owner, "next": _next_url(request)},
            status=400,
        )
    for upload_file in form.cleaned_data["files"]:
        services.attach_file(owner=owner, upload=upload_file, actor=request.user)
    count = len(form.cleaned_data["files"])
    messages.success(
        request,
        ngettext("%(count)d file was attached.", "%(count)d files were attached.", count) % {"count": count},
    )
    return HttpResponseRedirect(_next_url(request))


@require_POST
@_member_or_login
def archive(request, pk: int):
    attachment = _visible_attachment(request, pk)
    if not access.may_change(request.membership, attachment.owner):
        raise PermissionDenied
    services.archive_attachment(attachment=attachment, actor=request.user)
    messages.success(
        request,
        _("“%(name)s” was removed from the list; it stays in the record's history.")
        % {"name": attachment.original_name},
    )
    return HttpResponseRedirect(_next_url(request))
