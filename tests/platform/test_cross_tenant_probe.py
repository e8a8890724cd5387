"""Every URL pattern that takes an id, walked with another tenant's ids, as every role.

Patterns come from the URLconf itself, so a new page or API route is probed without editing this test.
Tenant B is filled by every app's demo seeding (`<app>.demo.seed(tenant)`) with its sequences set so
that the first row of every table has the same id; tenant A holds only the probing members. Each
request with B's id must answer exactly as the same request with an id nobody has (404, or 403/405
where the role or method is refused before any lookup) and show nothing of B.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings

from tcvn_portal import dbsetup
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Organization
from tcvn_portal.tenancy.roles import Role
from tests.fixtures import seed_every_app
from tests.urls import routes

pytestmark = pytest.mark.django_db

ID_BASE = 7_000_000
NOBODYS_ID = 6_999_000
SKIPPED_PREFIXES = ("admin/", "accounts/", "api/schema", "api/docs", "api/redoc", "i18n/", "jsi18n/")


def int_patterns():
    """(route, kwargs names) for every pattern whose captured arguments include an integer."""
    found = []
    for route, _pattern in routes():
        if route.startswith(SKIPPED_PREFIXES) or route.startswith(f"^{settings.ADMIN_URL}"):
            continue
        names = re.findall(r"<int:(\w+)>|\(\?P<(\w+)>\[0-9\]\+\)|\(\?P<(\w+)>\\d\+\)", route)
        if names:
            found.append((route, [next(n for n in group if n) for group in names]))
    # A format-suffix route (…\.json) is the same view as its plain twin: probe each route once.
    return sorted({(build(r, dict.fromkeys(k, 0)), tuple(k)): (r, tuple(k)) for r, k in found}.values())


def build(route: str, kwargs: dict[str, int]) -> str:
    path = re.sub(r"\\\.\(\?P<format>[^)]*\)", "", route)
    for name, value in kwargs.items():
        path = re.sub(rf"<int:{name}>|\(\?P<{name}>\[0-9\]\+\)|\(\?P<{name}>\\d\+\)", str(value), path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("/?", "/")
    return "/" + path


def restart_sequences(start: int):
    """Every tenant-owned table's next id is `start`: the first row of each model has the same id."""
    from tcvn_portal.tenancy.models import TenantOwnedModel

    owner = settings.DATABASES["owner"]
    url = f"postgres://{owner['USER']}:{owner['PASSWORD']}@{owner['HOST']}:{owner['PORT']}/{owner['NAME']}"
    tables = [m._meta.db_table for m in apps.get_models() if issubclass(m, TenantOwnedModel)]
    conn = dbsetup._connect(url, owner["NAME"])
    try:
        with conn.cursor() as cur:
            for table in tables:
                cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cur.fetchone()[0]
                if sequence:
                    cur.execute("SELECT setval(%s, %s, false)", [sequence, start])
    finally:
        conn.close()


def seed_tenant_b(tenant):
    with tenant_context(tenant):
        commune = Commune.objects.create(name="Xã Bắc Hà")
        Organization.objects.create(
            kind="business", name="Công ty Bí Mật Lào Cai", tax_code="0300588569", commune=commune
        )
        Organization.objects.create(
            kind="agency", name="UBND xã Bí Mật", agency_code="H11.22", commune=commune
        )
    seed_every_app(tenant)


def test_no_route_reveals_another_tenants_object(tenant_b, member_factory, organization_factory, client_for):
    restart_sequences(ID_BASE)
    seed_tenant_b(tenant_b)
    # Tenant A's own rows get ids far from B's, so a 200 can only mean B's row was shown.
    restart_sequences(ID_BASE + 1_000_000)
    from tcvn_portal.tenancy.models import Tenant

    tenant_a = Tenant.objects.create(code="tuyen-quang", name="Tuyên Quang")
    own_org = organization_factory(tenant_a, name="Công ty Của Tỉnh A")
    users = {
        role: member_factory(
            tenant_a, role, organization=own_org if role in ("business", "iso_focal") else None
        )
        for role in Role.values
    }
    patterns = int_patterns()
    assert patterns, "the URLconf has no route with an id: the probe would prove nothing"
    leaks = []
    for role, user in users.items():
        client = client_for(user)
        for route, names in patterns:
            # PUT and PATCH reach the API's update routes (and prove pages refuse them the same way).
            for method in ("get", "post", "put", "patch"):
                baseline = getattr(client, method)(build(route, dict.fromkeys(names, NOBODYS_ID)))
                for value in (ID_BASE, ID_BASE + 1):
                    response = getattr(client, method)(build(route, dict.fromkeys(names, value)))
                    body = response.content.decode(errors="replace")
                    if (
                        response.status_code != baseline.status_code
                        or response.status_code not in (403, 404, 405)
                        or "Bí Mật" in body
                        or "Lào Cai" in body
                    ):
                        leaks.append(
                            (
                                role,
                                method,
                                build(route, dict.fromkeys(names, value)),
                                response.status_code,
                                baseline.status_code,
                            )
                        )
    assert not leaks, "\n".join(map(str, leaks[:30]))
    assert len(patterns) >= 5


def test_anonymous_is_sent_to_login_or_refused_on_every_id_route(tenant_b, client):
    seed_tenant_b(tenant_b)
    for route, names in int_patterns():
        response = client.get(build(route, dict.fromkeys(names, ID_BASE)))
        assert response.status_code in (302, 401, 403, 404, 405), (route, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], route
