"""The audit trail: who changed which tenant-owned record, when, and what it was before and after."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from tcvn_portal.tenancy.models import TenantOwnedModel


class AuditEvent(TenantOwnedModel):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        TRANSITION = "transition", _("Status changed")
        ARCHIVE = "archive", _("Archived")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=255)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["tenant", "content_type", "object_id", "-at"], name="audit_record_idx")
        ]

    audited = False

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        return [
            (k, before.get(k), after.get(k))
            for k in sorted({*before, *after})
            if before.get(k) != after.get(k)
        ]
