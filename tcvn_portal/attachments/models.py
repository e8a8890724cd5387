"""Files attached to any tenant-owned record, stored under their tenant and served only through a
permission-checked view."""

from __future__ import annotations

import posixpath
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tcvn_portal.core.text import fold
from tcvn_portal.tenancy.models import TenantOwnedModel

from .filetypes import kind_for_mime


def attachment_path(instance: Attachment, filename: str) -> str:
    """`tenants/<tenant>/attachments/<uuid4>/<safe name>`: the tenant is in the key, the uuid makes it
    unguessable and unique, and the name is ASCII so every storage backend (S3 included) accepts it."""
    stem, ext = posixpath.splitext(filename)
    safe = (slugify(fold(stem))[:80] or "file") + ext.lower()
    return f"tenants/{instance.tenant_id}/attachments/{uuid.uuid4()}/{safe}"


class Attachment(TenantOwnedModel):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")

    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("archived by"),
    )

    # The audit snapshot cannot serialise a FieldFile; the name, size and sha256 identify the file there.
    audit_exclude_fields = ("search_text", "file")

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["tenant", "content_type", "object_id"], name="attachment_owner_idx")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The name the browser saves: the uploader's name, with the extension of what the file really is
        (a PNG uploaded as "scan.pdf" downloads as "scan.png", so it opens in the right program)."""
        kind = kind_for_mime(self.mime_type)
        stem, _dot, ext = self.original_name.rpartition(".")
        if not _dot:
            stem, ext = self.original_name, ""
        if kind is None or ext.lower() in kind.extensions:
            return self.original_name
        return f"{stem or 'file'}.{kind.extensions[0]}"
