"""A real Celery worker on the real Redis broker delivers notification emails, once."""

from __future__ import annotations

import pytest
from celery.signals import task_postrun

from tcvn_portal.notifications.models import Notification
from tcvn_portal.notifications.services import notify
from tcvn_portal.notifications.tasks import send_notification_email
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.celery_fixtures import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def finished_runs():
    """Names of the tasks the worker finished, so a test knows when reruns are done."""
    runs: list[str] = []

    def record(sender=None, **_kwargs):
        runs.append(sender.name)

    task_postrun.connect(record, weak=False)
    yield runs
    task_postrun.disconnect(record)


def test_worker_emails_a_new_notification_once_even_when_notified_twice(
    celery_worker, tenant_a, member_factory, mailoutbox, finished_runs
):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER, email="do-luong@tuyen-quang.test")
    for _ in range(2):
        notify(
            recipient=user,
            tenant=tenant_a,
            subject="Đồng hồ nước quá hạn",
            body="Hết hạn hôm nay.",
            key="verification:7:expired",
        )
    wait_until(lambda: len(mailoutbox) >= 1)
    wait_until(lambda: len(finished_runs) >= 1)
    assert [m.to for m in mailoutbox] == [["do-luong@tuyen-quang.test"]]
    assert finished_runs == [send_notification_email.name]
    with tenant_context(tenant_a):
        assert Notification.objects.get().emailed_at is not None


def test_worker_running_the_task_twice_sends_one_email(
    celery_worker, tenant_a, member_factory, mailoutbox, finished_runs
):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    notification = notify(recipient=user, tenant=tenant_a, subject="Nhắc việc", body="", key="k")
    # A redelivered message (worker lost after sending, acks_late) is the same task queued again.
    send_notification_email.apply_async(kwargs={"notification_id": notification.pk, "tenant_id": tenant_a.pk})
    wait_until(lambda: len(finished_runs) >= 2)
    assert len(mailoutbox) == 1


def test_a_separate_worker_process_delivers_the_email(celery_worker_process, tenant_a, member_factory):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER, email="tram-xang@tuyen-quang.test")
    notify(
        recipient=user,
        tenant=tenant_a,
        subject="Cột đo xăng dầu sắp hết hạn",
        body="Còn 7 ngày.",
        key="verification:9:expiry-7",
        url="/metrology/",
    )
    wait_until(lambda: celery_worker_process.sent_emails(), timeout=20)
    sent = celery_worker_process.sent_emails()
    assert [m["To"] for m in sent] == ["tram-xang@tuyen-quang.test"]
    with tenant_context(tenant_a):
        assert Notification.objects.get().emailed_at is not None
