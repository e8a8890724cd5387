"""The portal's paginator finds a page's keys first (a query of their own), then loads those rows with
their joins: the same pages as Django's paginator, in the same order."""

import pytest
from django.core import paginator as django_paginator
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tcvn_portal.core.pagination import Paginator
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizations(tenant_a, tenant_b, organization_factory):
    with tenant_context(tenant_a):
        communes = [Commune.objects.create(name=f"Xã {n}") for n in range(3)]
    for n in range(23):
        # Names repeat, so only the key in the ordering keeps pages apart.
        organization_factory(tenant_a, name=f"Công ty {n % 7}", commune=communes[n % 3])
    organization_factory(tenant_b, name="Công ty 0")
    return tenant_a


def _rows(page) -> list[tuple]:
    return [(o.pk, o.name, o.commune.name if o.commune else None) for o in page]


@pytest.mark.parametrize("per_page, orphans", [(5, 0), (10, 3), (50, 0)])
def test_pages_are_django_pages(organizations, per_page, orphans):
    with tenant_context(organizations):
        listing = Organization.objects.select_related("commune").order_by("-name", "pk")
        ours, django = (
            Paginator(listing, per_page, orphans),
            django_paginator.Paginator(listing, per_page, orphans),
        )
        assert ours.num_pages == django.num_pages and ours.count == django.count == 23
        for number in ours.page_range:
            assert _rows(ours.page(number)) == _rows(django.page(number))
        seen = [pk for number in ours.page_range for pk, _name, _commune in _rows(ours.page(number))]
        assert len(seen) == len(set(seen)) == 23


def test_a_page_reads_its_keys_first_then_joins_only_them(organizations):
    with tenant_context(organizations):
        listing = Organization.objects.select_related("commune").order_by("name", "pk")
        with CaptureQueriesContext(connection) as captured:
            rows = _rows(Paginator(listing, 10).page(2))
    assert len(rows) == 10 and all(commune for _pk, _name, commune in rows)
    count, keys, joined = [q["sql"] for q in captured]
    assert "COUNT(*)" in count
    assert "JOIN" not in keys and "LIMIT 10 OFFSET 10" in keys
    assert "JOIN" in joined and "LIMIT" not in joined and "SELECT" not in joined.split("IN (", 1)[1]
    assert [str(pk) for pk, _name, _commune in rows] == joined.split("IN (", 1)[1].split(")")[0].split(", ")


def test_lists_and_combined_querysets_are_sliced_as_before(organizations):
    assert list(Paginator(list(range(12)), 5).page(3)) == [10, 11]
    with tenant_context(organizations):
        names = Organization.objects.values_list("name", flat=True)
        combined = names.filter(name="Công ty 1").union(names.filter(name="Công ty 2")).order_by("name")
        assert list(Paginator(combined, 1).page(2)) == ["Công ty 2"]
        annotated = Organization.objects.annotate(mark=Value("x")).order_by("pk")
        assert [o.mark for o in Paginator(annotated, 4).page(6)] == ["x"] * 3


def test_counts_stop_at_the_limit_and_the_list_says_more_than(
    organizations, admin_a, client_for, monkeypatch
):
    monkeypatch.setattr(Paginator, "count_limit", 20)
    with tenant_context(organizations):
        listing = Organization.objects.order_by("name", "pk")
        bounded = Paginator(listing, 10)
        with CaptureQueriesContext(connection) as captured:
            assert bounded.count == 20 and bounded.count_is_capped and bounded.num_pages == 2
        assert "LIMIT 21" in captured[0]["sql"]
        exact = Paginator(listing.filter(name="Công ty 1"), 10)
        assert exact.count == 4 and not exact.count_is_capped
        assert Paginator(list(range(30)), 10).count == 30  # plain lists are not bounded
    client = client_for(admin_a)
    page = client.get(reverse("tenancy:organization_list")).content.decode()
    assert "Hơn 20 tổ chức: hãy dùng bộ lọc để thu hẹp danh sách." in page
    with tenant_context(organizations):
        commune = Commune.objects.get(name="Xã 0")
    narrowed = client.get(reverse("tenancy:organization_list"), {"commune": commune.pk}).content.decode()
    assert "Hơn" not in narrowed and "8 tổ chức" in narrowed
