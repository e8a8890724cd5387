"""notify() and the email task: one row and one email per (recipient, occasion), whatever reruns."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from tcvn_portal.notifications.models import Notification
from tcvn_portal.notifications.services import email_notification, notify, notify_many
from tcvn_portal.notifications.tasks import send_notification_email
from tcvn_portal.tenancy.context import CrossTenantWrite, tenant_context
from tcvn_portal.tenancy.roles import Role


def _notify(user, tenant, key="verification:41:expiry-30", **extra):
    return notify(
        recipient=user,
        tenant=tenant,
        subject="Cân sắp hết hạn kiểm định",
        body="Giấy chứng nhận hết hạn sau 30 ngày.",
        key=key,
        url="/metrology/instruments/41/",
        **extra,
    )


@pytest.mark.django_db
def test_same_key_twice_keeps_one_notification_and_queues_one_email(
    tenant_a, member_factory, django_capture_on_commit_callbacks
):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    with django_capture_on_commit_callbacks() as callbacks:
        first = _notify(user, tenant_a)
        second = _notify(user, tenant_a)
    assert first.pk == second.pk
    assert len(callbacks) == 1
    with tenant_context(tenant_a):
        assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_is_a_new_occasion_in_another_province(tenant_a, tenant_b, member_factory):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    from tcvn_portal.tenancy.models import Membership

    with tenant_context(tenant_b):
        Membership.objects.create(user=user, role=Role.METROLOGY_OFFICER)
    assert _notify(user, tenant_a).tenant_id == tenant_a.pk
    assert _notify(user, tenant_b).tenant_id == tenant_b.pk


@pytest.mark.django_db
def test_notify_refuses_a_tenant_other_than_the_active_one(tenant_a, tenant_b, member_factory):
    user = member_factory(tenant_b, Role.METROLOGY_OFFICER)
    with tenant_context(tenant_a), pytest.raises(CrossTenantWrite):
        _notify(user, tenant_b)


@pytest.mark.django_db
def test_task_run_twice_sends_one_email_with_the_link(tenant_a, member_factory, mailoutbox, settings):
    settings.TCVN_SITE_URL = "https://tdc.example.gov.vn"
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER, email="can-bo@tuyen-quang.test")
    notification = _notify(user, tenant_a)
    for _ in range(2):
        send_notification_email.apply(kwargs={"notification_id": notification.pk, "tenant_id": tenant_a.pk})
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["can-bo@tuyen-quang.test"]
    assert mail.subject == "[Tuyên Quang] Cân sắp hết hạn kiểm định"
    assert "https://tdc.example.gov.vn/metrology/instruments/41/" in mail.body
    with tenant_context(tenant_a):
        assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db
def test_the_task_cannot_reach_a_notification_of_another_tenant(
    tenant_a, tenant_b, member_factory, mailoutbox
):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    notification = _notify(user, tenant_a)
    with tenant_context(tenant_b):
        assert email_notification(notification_id=notification.pk) is False
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_notify_with_the_same_key_stores_one_row(tenant_a, member_factory):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(_notify(user, tenant_a, key="race").pk)
        except Exception as exc:  # the assertion below reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    with tenant_context(tenant_a):
        assert Notification.objects.filter(key="race").count() == 1


@pytest.mark.django_db
def test_notify_many_stores_one_notification_each_skips_the_already_notified_and_queues_their_emails(
    tenant_a, member_factory, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    earlier, *others = [member_factory(tenant_a, Role.METROLOGY_OFFICER) for _ in range(4)]
    kept = _notify(earlier, tenant_a, key="verification:7:lapsed")
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(6):
        created = notify_many(
            recipients=[earlier, *others, others[0]],
            tenant=tenant_a,
            subject="Chứng chỉ kiểm định đã hết hiệu lực",
            body="Đồng hồ xăng dầu không được dùng trong mua bán.",
            key="verification:7:lapsed",
            url="/metrology/instruments/7/",
        )
    assert sorted(n.recipient_id for n in created) == sorted(user.pk for user in others)
    assert len(callbacks) == len(others)
    with tenant_context(tenant_a):
        rows = Notification.objects.filter(key="verification:7:lapsed")
        assert rows.count() == 4
        assert rows.get(recipient=earlier).pk == kept.pk
        assert set(rows.exclude(recipient=earlier).values_list("tenant_id", "subject").distinct()) == {
            (tenant_a.pk, "Chứng chỉ kiểm định đã hết hiệu lực")
        }


@pytest.mark.django_db
def test_notify_many_refuses_a_tenant_other_than_the_active_one(tenant_a, tenant_b, member_factory):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    with tenant_context(tenant_b), pytest.raises(CrossTenantWrite):
        notify_many(recipients=[user], tenant=tenant_a, subject="s", body="b", key="k")
    with tenant_context(tenant_a):
        assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_key_too_long_to_store_is_refused_not_cut(tenant_a, member_factory):
    user = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    with pytest.raises(ValueError):
        _notify(user, tenant_a, key="x" * 201)
    with tenant_context(tenant_a):
        assert Notification.objects.count() == 0
