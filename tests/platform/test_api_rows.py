"""API list pages drawn by tcvn_portal.api_rows: the same JSON as DRF's own serializers, on every list."""

import pytest
from rest_framework.serializers import ListSerializer

from metrology.api.serializers import InstrumentSerializer
from metrology.models import Instrument
from tcvn_portal import api_base, api_rows
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.fixtures import seed_every_app
from tests.urls import route_path, routes

pytestmark = pytest.mark.django_db


def api_list_paths() -> list[str]:
    """The path of every API list endpoint (router names ending in "-list", no format suffix)."""
    return sorted(
        {
            route_path(route)
            for route, pattern in routes()
            if (pattern.name or "").endswith("-list") and route.startswith("api/v1/") and "(?P<" not in route
        }
    )


def test_every_api_list_gives_the_json_drf_gives(
    tenant_a, member_factory, organization_factory, client_for, monkeypatch
):
    seed_every_app(tenant_a)
    with tenant_context(tenant_a):
        own = organization_factory(tenant_a, name="Công ty Đối Chiếu")
    users = [
        member_factory(tenant_a, Role.MANAGER),
        member_factory(tenant_a, Role.INSPECTOR),
        member_factory(tenant_a, Role.BUSINESS, organization=own),
    ]
    paths = api_list_paths()
    assert len(paths) >= 20, paths
    compared = rows = 0
    for user in users:
        client = client_for(user)
        for path in paths:
            drawn = client.get(path, {"page_size": 200})
            with monkeypatch.context() as patched:
                patched.setattr(api_base, "rows_of", lambda serializer: serializer.data)
                by_drf = client.get(path, {"page_size": 200})
            assert drawn.status_code == by_drf.status_code, path
            assert drawn.content == by_drf.content, path
            if drawn.status_code == 200:
                compared += 1
                rows += len(drawn.json()["results"])
    # Not a comparison of empty pages: the demo data fills most lists.
    assert compared >= len(paths) and rows >= 100, (compared, rows)


def test_plain_columns_and_keys_are_read_directly_and_the_rest_through_drf():
    serializer = InstrumentSerializer(many=True, instance=[])
    child = serializer.child
    fields = list(child._readable_fields)
    direct = {field.field_name for field in fields if api_rows._model_column(child, field) is not None}
    # Every field of the instrument is a column or a key shown as its id.
    assert {"serial", "owner", "instrument_type", "valid_until", "created_at", "status"} <= direct
    assert "id" in direct and len(direct) == len(fields)


def test_a_serializer_whose_list_draws_its_own_rows_keeps_them():
    class Reversed(ListSerializer):
        def to_representation(self, data):
            return list(reversed(super().to_representation(data)))

    class Instruments(InstrumentSerializer):
        class Meta(InstrumentSerializer.Meta):
            list_serializer_class = Reversed

    instances = [Instrument(pk=1, serial="A"), Instrument(pk=2, serial="B")]
    drawn = api_rows.rows_of(Instruments(instances, many=True))
    assert [row["serial"] for row in drawn] == ["B", "A"]
