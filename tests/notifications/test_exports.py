"""`?export=xlsx` on the notification list: the member's own notifications of this province, all pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tcvn_portal.notifications.services import mark_read, notify
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership
from tcvn_portal.tenancy.roles import Role
from tests.xlsx import column, export_rows

pytestmark = pytest.mark.django_db


def _notify(user, tenant, key, subject, url=""):
    return notify(recipient=user, tenant=tenant, subject=subject, body="Nội dung", key=key, url=url)


def test_export_holds_only_my_notifications_of_this_province_with_vietnamese_headers(
    tenant_a, tenant_b, member_factory, client_for
):
    officer = member_factory(tenant_a, Role.METROLOGY_OFFICER)
    with tenant_context(tenant_b):
        Membership.objects.create(user=officer, role=Role.METROLOGY_OFFICER)
    read = _notify(officer, tenant_a, "read", "Đã đọc ở Tuyên Quang", url="/metrology/")
    with tenant_context(tenant_a, user_id=officer.pk):
        mark_read(notification=read, actor=officer)
    _notify(officer, tenant_a, "unread", "Chưa đọc ở Tuyên Quang")
    _notify(officer, tenant_b, "other-province", "Của tôi ở Lào Cai")
    _notify(member_factory(tenant_a, Role.INSPECTOR), tenant_a, "colleague", "Của đồng nghiệp")
    client = client_for(officer)
    client.post(reverse("core:switch_tenant"), {"tenant": tenant_a.pk})
    rows = export_rows(client.get(reverse("notifications:list"), {"export": "xlsx"}))
    assert rows[0] == ("Thời điểm nhận", "Tiêu đề", "Nội dung", "Thời điểm đọc", "Đường dẫn")
    assert sorted(column(rows, "Tiêu đề")) == ["Chưa đọc ở Tuyên Quang", "Đã đọc ở Tuyên Quang"]
    by_subject = {row[1]: row for row in rows[1:]}
    assert by_subject["Đã đọc ở Tuyên Quang"][3] is not None
    assert by_subject["Đã đọc ở Tuyên Quang"][4] == "/metrology/"
    assert by_subject["Chưa đọc ở Tuyên Quang"][3] is None


def test_export_holds_every_page_in_a_constant_number_of_queries(
    tenant_a, member_factory, client_for, django_assert_max_num_queries
):
    officer = member_factory(tenant_a, Role.INSPECTOR)
    client = client_for(officer)
    client.get(reverse("notifications:list"))  # warm the session
    _notify(officer, tenant_a, "k-first", "Thông báo 0")
    with django_assert_max_num_queries(20) as one:
        export_rows(client.get(reverse("notifications:list"), {"export": "xlsx"}))
    for i in range(1, 30):
        _notify(officer, tenant_a, f"k{i}", f"Thông báo {i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = export_rows(client.get(reverse("notifications:list"), {"export": "xlsx", "page": "2"}))
    assert len(rows) - 1 == 30  # the page size is 25; the export ignores paging


def test_the_list_links_to_its_export(tenant_a, member_factory, client_for):
    officer = member_factory(tenant_a, Role.INSPECTOR)
    _notify(officer, tenant_a, "k", "Nhắc kiểm định")
    page = client_for(officer).get(reverse("notifications:list")).content.decode()
    assert "Xuất Excel" in page and "?export=xlsx" in page
