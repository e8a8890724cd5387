"""Reads of attachments, always through the scoped manager (the active tenant only)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Attachment


def attachments_of(owner: models.Model):
    """The live (not archived) files of `owner`, oldest first, with their uploaders in the same query."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(owner), object_id=owner.pk, archived_at__isnull=True
    ).select_related("uploaded_by")


def live_attachment(pk: int) -> Attachment:
    """One live file of the active tenant; raises Attachment.DoesNotExist for anything else."""
    return Attachment.objects.select_related("content_type").get(pk=pk, archived_at__isnull=True)
