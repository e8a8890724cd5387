"""Writes of attachments: storing a checked upload under its tenant, and archiving (never deleting)."""

from __future__ import annotations

import hashlib
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone

from tcvn_portal.tenancy import context
from tcvn_portal.tenancy.models import TenantOwnedModel

from .filetypes import DEFAULT_ALLOWED
from .forms import validate_upload
from .models import Attachment


def _clean_name(name: str) -> str:
    """The uploader's file name without any path and without control characters, for display."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    return base.strip()[:255] or "file"


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def attach_file(*, owner: models.Model, upload, actor, allowed=DEFAULT_ALLOWED) -> Attachment:
    """Checks `upload` by content and stores it for `owner`, a record of the active tenant.

    Raises ValidationError (translated) and stores nothing when the file is refused; the stored key is
    `tenants/<tenant>/attachments/<uuid4>/<safe name>` and its MIME type is the detected one. If the row
    cannot be written, the stored file is removed again.
    """
    if not isinstance(owner, TenantOwnedModel) or owner.pk is None:
        raise TypeError("Attachments belong to a saved tenant-owned record.")
    tenant_id = context.require_tenant_id()
    if owner.tenant_id != tenant_id:
        raise context.CrossTenantWrite(f"owner of tenant {owner.tenant_id} attached under tenant {tenant_id}")
    kind = validate_upload(upload, allowed=allowed)
    name = _clean_name(upload.name or "")
    attachment = Attachment(
        tenant_id=tenant_id,
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner.pk,
        original_name=name,
        mime_type=kind.mime,
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=actor,
    )
    # The stored name carries the detected extension, never the one the uploader chose.
    stem = name.rsplit(".", 1)[0] if "." in name else name
    attachment.file.save(f"{stem}.{kind.extensions[0]}", File(upload), save=False)
    try:
        with transaction.atomic():
            attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def archive_attachment(*, attachment: Attachment, actor) -> Attachment:
    """Takes the file out of its record's list; the row and the stored file stay for the record's history."""
    if attachment.archived_at is None:
        attachment.archived_at = timezone.now()
        attachment.archived_by = actor
        attachment.save(update_fields=["archived_at", "archived_by"])
    return attachment
