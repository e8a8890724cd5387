"""Sending a notification's email in the background; a rerun of the task sends nothing more."""

from tcvn_portal.tenancy.tasks import tenant_task

from . import services


@tenant_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(*, notification_id: int) -> bool:
    return services.email_notification(notification_id=notification_id)
