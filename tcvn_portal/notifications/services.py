"""Writes of notifications: create once per (recipient, occasion), email once, mark as read."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tcvn_portal.tenancy import context

from .models import Notification


def _scope(tenant, key: str):
    """The tenant the notifications of `key` are written under, after checking the key and that no other
    tenant is active."""
    if not key or len(key) > Notification._meta.get_field("key").max_length:
        # A cut key could merge two occasions into one, and one of them would never be sent.
        raise ValueError(f"A notification key must have 1 to 200 characters, not {len(key)}.")
    active = context.current_tenant_id()
    if active is not None and active != tenant.pk:
        raise context.CrossTenantWrite(f"notification for tenant {tenant.pk} while tenant {active} is active")
    return context.tenant_context(tenant) if active is None else contextlib.nullcontext()


def notify(*, recipient, tenant, subject: str, body: str, key: str, url: str = "") -> Notification:
    """Stores the notification of `recipient` for the occasion `key` in `tenant`, once.

    Calling it again with the same (recipient, key) — from a retried task, or from two workers at the
    same moment — returns the stored row and changes nothing. Only a newly stored notification queues
    its email, and only once the caller's transaction commits.
    """
    with _scope(tenant, key):
        # get_or_create retries the read after losing the race on the unique constraint.
        notification, created = Notification.objects.get_or_create(
            recipient=recipient,
            key=key,
            defaults={"subject": str(subject)[:255], "body": str(body), "url": url},
        )
        if created:
            from .tasks import send_notification_email

            send_notification_email.delay_for(tenant, notification_id=notification.pk)
    return notification


def notify_many(
    *, recipients, tenant, subject: str, body: str, key: str, url: str = ""
) -> list[Notification]:
    """notify() for several recipients of one occasion in a few statements: those already notified for
    `key` are left as they are; the others' notifications are stored together and their emails queued once
    the caller's transaction commits. Returns the newly stored ones.

    For a caller that has already claimed the occasion in the same transaction (a reminder's ledger row):
    two calls racing on one key would not wait for each other like notify() but fail on the unique key."""
    with _scope(tenant, key):
        wanted = {user.pk: user for user in recipients}
        if not wanted:
            return []
        already = set(
            Notification.objects.filter(key=key, recipient_id__in=wanted).values_list(
                "recipient_id", flat=True
            )
        )
        created = Notification.objects.bulk_create(
            Notification(
                tenant_id=tenant.pk,
                recipient=user,
                key=key,
                subject=str(subject)[:255],
                body=str(body),
                url=url,
            )
            for pk, user in wanted.items()
            if pk not in already
        )
        from .tasks import send_notification_email

        for notification in created:
            send_notification_email.delay_for(tenant, notification_id=notification.pk)
    return created


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.TCVN_SITE_URL.rstrip("/") + url


def email_notification(*, notification_id: int) -> bool:
    """Emails a notification of the active tenant unless it was emailed already; True if it sent now.

    The row stays locked from the check to the mark, so two runs of the task (a retry, a redelivered
    message) cannot both send. Only a worker dying between the send and the commit can repeat a mail.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "tenant")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None or not notification.recipient.email:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            link = _absolute(notification.url)
            lines = [notification.body] + (
                [_("Open it in the portal: %(url)s") % {"url": link}] if link else []
            )
            send_mail(
                subject=f"[{notification.tenant.name}] {notification.subject}",
                message="\n\n".join(line for line in lines if line),
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def mark_read(*, notification: Notification, actor) -> None:
    """Marks one of the actor's own notifications read (a second call keeps the first time)."""
    if notification.recipient_id != actor.pk:
        raise PermissionError("A notification is marked read only by its recipient.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(*, actor) -> int:
    """Marks every unread notification of the actor in the active tenant read; returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
