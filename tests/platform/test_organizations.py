"""Organisations: pages, search, validation, audit — and the tenant boundary around them."""

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tcvn_portal.audit.models import AuditEvent
from tcvn_portal.audit.selectors import history_of
from tcvn_portal.core import search
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Organization
from tcvn_portal.tenancy.roles import Role
from tcvn_portal.tenancy.validators import tax_code_check_digit

pytestmark = pytest.mark.django_db


def test_known_real_tax_codes_pass_the_check_digit():
    # Vinamilk and Viettel: real, published tax codes.
    assert tax_code_check_digit("030058856") == 9
    assert tax_code_check_digit("010010910") == 6


def test_list_is_vietnamese_by_default_and_shows_only_own_tenant(
    tenant_a, tenant_b, inspector_a, organization_factory, client_for
):
    organization_factory(tenant_a, name="Công ty Cổ phần Chè Tân Trào")
    organization_factory(tenant_b, name="Công ty TNHH Nông sản Bắc Hà")
    response = client_for(inspector_a).get(reverse("tenancy:organization_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tổ chức" in html
    assert "Chè Tân Trào" in html
    assert "Bắc Hà" not in html


@pytest.mark.parametrize("query", ["che tan trao", "CHÈ TÂN", "Tan Trao", "tân trào", "0300588569"])
def test_search_ignores_diacritics_and_case(tenant_a, inspector_a, organization_factory, client_for, query):
    organization_factory(tenant_a, name="Công ty Cổ phần Chè Tân Trào", tax_code="0300588569")
    organization_factory(tenant_a, name="Hợp tác xã Miến Dong")
    html = client_for(inspector_a).get(reverse("tenancy:organization_list"), {"q": query}).content.decode()
    assert "Chè Tân Trào" in html
    assert "Miến Dong" not in html


def test_search_folds_d_with_stroke(tenant_a, organization_factory):
    organization_factory(tenant_a, name="Trung tâm Đo lường Đồng Văn")
    with tenant_context(tenant_a):
        assert Organization.objects.search("do luong dong van").count() == 1
        assert Organization.objects.search("ĐO LƯỜNG").count() == 1


def test_search_forgives_a_typo_down_to_the_portal_word_similarity(tenant_a, organization_factory):
    organization_factory(tenant_a, name="Cửa hàng Nguyễn Văn An")
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("SELECT word_similarity('nguyn vam an', 'cua hang nguyen van an')")
        similarity = cursor.fetchone()[0]
        # Below pg_trgm's default threshold (0.6): found only because each connection sets the portal's.
        assert settings.WORD_SIMILARITY <= similarity < 0.6
        assert Organization.objects.search("nguyn vam an").count() == 1
        assert Organization.objects.search("nguyn vam binh").count() == 0


def test_search_conditions_are_ones_the_trigram_index_answers(tenant_a, organization_factory, monkeypatch):
    """LIKE and `%>` are answered by the search_text trigram index. A comparison with word_similarity()
    is not: PostgreSQL computed it for every row of the province (224 ms for a search of Cần Thơ's
    instruments that matched nothing, 0.4 ms now). A few rows containing the text are read by key."""
    organization_factory(tenant_a, name="Cửa hàng Nguyễn Văn An")
    organization_factory(tenant_a, name="Đại lý Nguyễn Văn An")
    with tenant_context(tenant_a):
        few = str(Organization.objects.search("nguyen van an").query)
        forgiving = str(Organization.objects.search("nguyn vam an").query)
        monkeypatch.setattr(search, "FEW_MATCHES", 1)
        many = str(Organization.objects.search("nguyen van an").query)
    wheres = {sql: sql.split(" WHERE ", 1)[1].split(" ORDER BY ", 1)[0] for sql in (few, forgiving, many)}
    assert not [where for where in wheres.values() if "word_similarity" in where.lower()]
    assert '"id" IN (' in wheres[few] and "LIKE" not in wheres[few]
    assert "%>" in wheres[forgiving] and "LIKE" not in wheres[forgiving]
    assert "LIKE" in wheres[many] and "%>" not in wheres[many]


def test_search_forgives_typos_only_when_nothing_contains_what_was_typed(tenant_a, organization_factory):
    """A serial or a tax code typed in full finds that row alone, not every row with a like one."""
    for serial in ("SN00600030000", "SN00600030001", "SN00600030010"):
        organization_factory(tenant_a, name=f"Cân bàn {serial}")
    with tenant_context(tenant_a):
        assert list(Organization.objects.search("sn00600030001").values_list("name", flat=True)) == [
            "Cân bàn SN00600030001"
        ]
        # Nothing contains the mistyped serial: the similar ones are offered, most similar first.
        forgiven = list(Organization.objects.search("sn0060003001x").values_list("name", flat=True))
    assert len(forgiven) == 3 and forgiven[0] == "Cân bàn SN00600030001"


def test_list_runs_a_constant_number_of_queries(
    tenant_a, inspector_a, organization_factory, client_for, django_assert_max_num_queries
):
    client = client_for(inspector_a)
    with tenant_context(tenant_a):
        commune = Commune.objects.create(name="Phường Minh Xuân")
    for _ in range(3):
        organization_factory(tenant_a, commune=commune)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("tenancy:organization_list"))
    for _ in range(30):
        organization_factory(tenant_a, commune=commune)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("tenancy:organization_list"))


def test_invalid_tax_code_gets_a_vietnamese_message_and_saves_nothing(tenant_a, admin_a, client_for):
    response = client_for(admin_a).post(
        reverse("tenancy:organization_create"),
        {"kind": "business", "name": "Công ty Sai Mã", "tax_code": "0300588560"},
    )
    assert response.status_code == 400
    assert "Chữ số kiểm tra của mã số thuế không đúng" in response.content.decode()
    with tenant_context(tenant_a):
        assert not Organization.objects.exists()


def test_create_and_edit_are_audited_with_before_and_after(tenant_a, admin_a, client_for):
    client = client_for(admin_a)
    client.post(
        reverse("tenancy:organization_create"),
        {"kind": "business", "name": "Công ty Chè Mỹ Bằng", "tax_code": "0300588569"},
    )
    with tenant_context(tenant_a):
        org = Organization.objects.get()
    client.post(
        reverse("tenancy:organization_edit", args=[org.pk]),
        {
            "kind": "business",
            "name": "Công ty Chè Mỹ Bằng",
            "tax_code": "0300588569",
            "phone": "0207 3822 111",
        },
    )
    with tenant_context(tenant_a):
        events = list(history_of(org).order_by("at", "pk"))
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].actor == admin_a
    assert events[1].before == {"phone": ""} and events[1].after == {"phone": "0207 3822 111"}
    page = client.get(reverse("tenancy:organization_detail", args=[org.pk])).content.decode()
    assert "Lịch sử thay đổi" in page and "0207 3822 111" in page


def test_archive_keeps_the_row_and_hides_it(tenant_a, admin_a, organization_factory, client_for):
    org = organization_factory(tenant_a)
    client = client_for(admin_a)
    client.post(reverse("tenancy:organization_archive", args=[org.pk]))
    with tenant_context(tenant_a):
        assert Organization.objects.get(pk=org.pk).archived_at is not None
        assert AuditEvent.objects.filter(action="archive", object_id=str(org.pk)).exists()
    assert client.get(reverse("tenancy:organization_detail", args=[org.pk])).status_code == 404


@pytest.mark.parametrize("name", ["organization_detail", "organization_edit"])
def test_other_tenants_organization_is_404(
    tenant_a, tenant_b, admin_a, organization_factory, client_for, name
):
    theirs = organization_factory(tenant_b)
    assert client_for(admin_a).get(reverse(f"tenancy:{name}", args=[theirs.pk])).status_code == 404
    response = client_for(admin_a).post(reverse("tenancy:organization_archive", args=[theirs.pk]))
    assert response.status_code == 404


def test_business_user_sees_only_its_own_organization(
    tenant_a, organization_factory, member_factory, client_for
):
    mine = organization_factory(tenant_a, name="Công ty Của Tôi")
    other = organization_factory(tenant_a, name="Công ty Khác")
    user = member_factory(tenant_a, Role.BUSINESS, organization=mine)
    client = client_for(user)
    html = client.get(reverse("tenancy:organization_list")).content.decode()
    assert "Công ty Của Tôi" in html and "Công ty Khác" not in html
    assert client.get(reverse("tenancy:organization_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("tenancy:organization_create")).status_code == 403


def test_anonymous_is_sent_to_login(tenant_a, client):
    response = client.get(reverse("tenancy:organization_list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
