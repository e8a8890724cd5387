"""`?export=xlsx` on the registration and member lists: Vietnamese headers, this province's rows only,
the filters kept, and nothing for anyone the pages refuse."""

import pytest
from django.urls import reverse

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership
from tcvn_portal.tenancy.roles import Role
from tests.xlsx import column, export_rows

pytestmark = pytest.mark.django_db


def _pending(tenant, member_factory, organization_factory, name):
    organization = organization_factory(tenant, name=name, address="12 Lê Lợi, phường Minh Xuân")
    user = member_factory(tenant, Role.BUSINESS, organization=organization)
    with tenant_context(tenant):
        Membership.objects.filter(user=user).update(status=Membership.Status.PENDING)
    return user, organization


def test_registration_export_holds_the_pending_businesses_of_this_province(
    client_for, admin_a, tenant_a, tenant_b, member_factory, organization_factory
):
    user, organization = _pending(tenant_a, member_factory, organization_factory, "Công ty TNHH Cân Việt")
    _pending(tenant_b, member_factory, organization_factory, "Công ty Cân Lào Cai")
    member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a, name="Đã duyệt"))
    rows = export_rows(client_for(admin_a).get(reverse("accounts:registration_list"), {"export": "xlsx"}))
    assert rows[0] == (
        "Người đăng ký",
        "Địa chỉ email",
        "Điện thoại",
        "Doanh nghiệp",
        "Địa chỉ",
        "Mã số thuế",
        "Ngày đăng ký",
    )
    assert len(rows) == 2
    assert rows[1][:6] == (
        user.full_name,
        user.email,
        None,
        "Công ty TNHH Cân Việt",
        "12 Lê Lợi, phường Minh Xuân",
        organization.tax_code,
    )
    assert rows[1][6] is not None


def test_member_export_holds_the_filtered_members_of_this_province(
    client_for, admin_a, inspector_a, tenant_a, tenant_b, member_factory
):
    manager = member_factory(tenant_a, Role.MANAGER)
    outsider = member_factory(tenant_b, Role.MANAGER)
    client = client_for(admin_a)
    rows = export_rows(client.get(reverse("accounts:member_list"), {"role": Role.MANAGER, "export": "xlsx"}))
    assert rows[0] == ("Tên", "Địa chỉ email", "Vai trò", "Tổ chức", "Trạng thái")
    assert rows[1:] == [(manager.full_name, manager.email, "Lãnh đạo", None, "Đang hoạt động")]
    everyone = column(
        export_rows(client.get(reverse("accounts:member_list"), {"export": "xlsx"})), "Địa chỉ email"
    )
    assert sorted(everyone) == sorted([admin_a.email, inspector_a.email, manager.email])
    assert outsider.email not in everyone


@pytest.mark.parametrize("url_name", ["accounts:registration_list", "accounts:member_list"])
def test_business_and_inspector_get_no_member_export(
    client_for, inspector_a, tenant_a, member_factory, organization_factory, url_name
):
    business = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
    for user in (business, inspector_a):
        assert client_for(user).get(reverse(url_name), {"export": "xlsx"}).status_code == 403


def test_member_list_links_to_its_export_keeping_the_filter(client_for, admin_a):
    page = client_for(admin_a).get(reverse("accounts:member_list"), {"role": Role.MANAGER}).content.decode()
    assert "Xuất Excel" in page and "?role=manager&amp;export=xlsx" in page


def test_registration_list_links_to_its_export_when_someone_waits(
    client_for, admin_a, tenant_a, member_factory, organization_factory
):
    _pending(tenant_a, member_factory, organization_factory, "Công ty TNHH Cân Việt")
    page = client_for(admin_a).get(reverse("accounts:registration_list")).content.decode()
    assert "Xuất Excel" in page and "?export=xlsx" in page
