"""In-app notifications, each also sent once by email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tcvn_portal.tenancy.models import TenantOwnedModel


class Notification(TenantOwnedModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The occasion, e.g. "verification:41:expiry-30": with the recipient it makes the notification unique,
    # so a reminder is stored (and emailed) once however often its task runs.
    key = models.CharField(_("key"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    # Not a regulated record: an audit event per read or email would only bury the real history.
    audited = False

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "recipient", "key"], name="notification_unique_key"),
        ]
        indexes = [models.Index(fields=["tenant", "recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.subject
