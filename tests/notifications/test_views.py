"""The notification list, marking read, the header include and the dashboard card."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import reverse

from tcvn_portal.notifications.models import Notification
from tcvn_portal.notifications.services import notify
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_a(tenant_a, member_factory):
    return member_factory(tenant_a, Role.METROLOGY_OFFICER)


def _notify(user, tenant, key, subject="Nhắc kiểm định", url=""):
    return notify(recipient=user, tenant=tenant, subject=subject, body="Nội dung", key=key, url=url)


def test_list_shows_only_my_notifications_of_the_current_province(
    tenant_a, tenant_b, officer_a, member_factory, client_for
):
    with tenant_context(tenant_b):
        Membership.objects.create(user=officer_a, role=Role.METROLOGY_OFFICER)
    _notify(officer_a, tenant_a, "mine", subject="Của tôi ở Tuyên Quang")
    _notify(officer_a, tenant_b, "other-province", subject="Của tôi ở Lào Cai")
    _notify(member_factory(tenant_a, Role.INSPECTOR), tenant_a, "colleague", subject="Của đồng nghiệp")
    client = client_for(officer_a)
    client.post(reverse("core:switch_tenant"), {"tenant": tenant_a.pk})
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Của tôi ở Tuyên Quang" in page
    assert "Của tôi ở Lào Cai" not in page and "Của đồng nghiệp" not in page
    assert "Đánh dấu tất cả là đã đọc" in page


def test_list_runs_a_constant_number_of_queries(
    tenant_a, officer_a, client_for, django_assert_max_num_queries
):
    client = client_for(officer_a)
    client.get(reverse("notifications:list"))  # warm the session and content types
    _notify(officer_a, tenant_a, "k-first")
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("notifications:list"))
    for i in range(30):
        _notify(officer_a, tenant_a, f"k{i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("notifications:list"))
    assert response.content.decode().count('class="notification ') == 25


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_mark_read_and_open_follows_the_link(tenant_a, officer_a, client_for):
    n = _notify(officer_a, tenant_a, "k", url="/metrology/")
    response = client_for(officer_a).post(reverse("notifications:mark_read", args=[n.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/metrology/"
    with tenant_context(tenant_a):
        assert Notification.objects.get(pk=n.pk).read_at is not None


def test_open_never_redirects_off_site(tenant_a, officer_a, client_for):
    n = _notify(officer_a, tenant_a, "k", url="https://evil.example/")
    response = client_for(officer_a).post(reverse("notifications:mark_read", args=[n.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_another_users_notification_is_404(tenant_a, officer_a, member_factory, client_for):
    n = _notify(member_factory(tenant_a, Role.INSPECTOR), tenant_a, "k")
    assert client_for(officer_a).post(reverse("notifications:mark_read", args=[n.pk])).status_code == 404
    with tenant_context(tenant_a):
        assert Notification.objects.get(pk=n.pk).read_at is None


def test_another_provinces_notification_is_404(tenant_a, tenant_b, officer_a, member_factory, client_for):
    n = _notify(member_factory(tenant_b, Role.INSPECTOR), tenant_b, "k")
    assert client_for(officer_a).post(reverse("notifications:mark_read", args=[n.pk])).status_code == 404


def test_mark_all_read_clears_the_unread_count(tenant_a, officer_a, client_for, rf):
    for i in range(3):
        _notify(officer_a, tenant_a, f"k{i}")
    header = engines["django"].from_string('{% include "notifications/_header_link.html" %}')
    request = rf.get("/")
    request.user, request.tenant = officer_a, tenant_a
    with tenant_context(tenant_a):
        html = header.render({"request": request, "user": officer_a, "current_tenant": tenant_a})
    assert 'data-unread-count="3"' in html and "Thông báo" in html
    client_for(officer_a).post(reverse("notifications:mark_all_read"))
    with tenant_context(tenant_a):
        html = header.render({"request": request, "user": officer_a, "current_tenant": tenant_a})
    assert "data-unread-count" not in html


def test_dashboard_card_counts_unread_notifications(tenant_a, officer_a, client_for):
    for i in range(2):
        _notify(officer_a, tenant_a, f"k{i}")
    page = client_for(officer_a).get(reverse("core:dashboard")).content.decode()
    assert "Thông báo chưa đọc" in page
    label_at = page.index("Thông báo chưa đọc")
    assert ">2</span>" in page[max(0, label_at - 200) : label_at]
