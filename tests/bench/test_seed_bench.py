"""seed_bench at a tiny scale: the volume lands in every province, under RLS, with stamps that scan."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from metrology.models import Instrument, Verification
from tcvn_portal.bench import seed
from tcvn_portal.core.public_codes import read_code
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Tenant
from traceability import public
from traceability.models import ScanEvent, Stamp

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "owner"])


def test_seed_bench_fills_each_province_with_its_share_and_refuses_a_second_run(capsys):
    call_command("seed_bench", "--scale", "0.001", "--provinces", "3", "--no-analyze")
    out = capsys.readouterr().out
    assert "instruments" in out and "Seeded in" in out

    tenants = list(Tenant.objects.order_by("pk")[:3])
    weights = seed.tenant_weights(tenants)
    for tenant in tenants:
        with tenant_context(tenant):
            instruments = Instrument.objects.count()
            assert instruments == round(seed.VOLUME["instruments"] * 0.001 * weights[tenant.pk])
            assert Verification.objects.count() == 2 * instruments
            # Every row read here passed RLS under this tenant: none belongs to another.
            assert not Instrument.unscoped.exclude(tenant=tenant).exists()
            assert Stamp.objects.count() == max(1, round(seed.VOLUME["stamps"] * 0.001 * weights[tenant.pk]))
            assert ScanEvent.objects.exists()

    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_bench", "--scale", "0.001", "--provinces", "3", "--no-analyze")


def test_seeded_stamps_are_real_public_codes_that_resolve_on_the_scan_page(client):
    seed.seed(scale=0.001, provinces=2)
    tenant = Tenant.objects.order_by("pk").first()
    with tenant_context(tenant):
        stamp = Stamp.objects.select_related("series__batch__product").order_by("pk").first()
        series_stamps = Stamp.objects.filter(series=stamp.series).count()
    assert read_code(stamp.serial, kind="stamp").tenant_id == tenant.pk
    batch = stamp.series.batch
    scanned = public.scan(
        gtin=batch.product.gtin, lot=batch.lot, serial=stamp.serial, place="", user_agent=""
    )
    assert scanned is not None and scanned.stamp_id == stamp.pk and scanned.count == 1
    assert series_stamps == stamp.series.quantity

    response = client.get(f"/01/{batch.product.gtin}/10/{batch.lot}/21/{stamp.serial}")
    assert response.status_code == 200
    forged = stamp.serial[:-1] + ("A" if stamp.serial[-1] != "A" else "B")
    assert client.get(f"/01/{batch.product.gtin}/10/{batch.lot}/21/{forged}").status_code == 404


def test_seeded_certificates_answer_the_public_check_page(client):
    seed.seed(scale=0.001, provinces=1)
    tenant = Tenant.objects.order_by("pk").first()
    with tenant_context(tenant):
        verification = Verification.objects.exclude(check_code="").order_by("pk").first()
    response = client.get(f"/metrology/check/{verification.check_code}/")
    assert response.status_code == 200
    assert verification.certificate_number in response.content.decode()


def test_bench_session_is_a_manager_of_the_measured_province_alone(client):
    """The benchmark opens pages as a provincial manager: one membership, so no province switcher."""
    from tcvn_portal.bench import jobs
    from tcvn_portal.tenancy import context
    from tcvn_portal.tenancy.roles import Role
    from tcvn_portal.tenancy.selectors import active_memberships_for

    call_command("seed_bench", "--scale", "0.001", "--provinces", "2", "--no-analyze")
    tenant = Tenant.objects.order_by("pk").first()
    first, second = jobs.session(tenant.pk), jobs.session(tenant.pk)
    assert first != second  # two sessions of the same manager
    user = get_user_model().objects.get(email=seed.province_manager_email(tenant.pk))
    # What the tenant middleware sees: the user's own memberships in every province (RLS lets them through).
    with transaction.atomic():
        token = context.activate(context.TenantState(tenant=None, user_id=user.pk))
        try:
            memberships = [(m.tenant_id, m.role) for m in active_memberships_for(user)]
        finally:
            context.deactivate(token, push=True)
    assert memberships == [(tenant.pk, Role.MANAGER)]

    client.cookies["sessionid"] = first["cookie"].split("=", 1)[1]
    page = client.get(reverse("metrology:instrument_list"))
    assert page.status_code == 200 and tenant.name in page.content.decode()
    assert 'id="tenant-switcher"' not in page.content.decode()


def test_bench_targets_draw_enough_stamps_of_the_province_and_each_scans(client):
    from tcvn_portal.bench import jobs

    call_command("seed_bench", "--scale", "0.001", "--provinces", "3", "--no-analyze")
    # The middle province: its stamps' ids have the others' on both sides.
    tenant = list(Tenant.objects.order_by("pk")[:3])[1]
    targets = jobs.targets(tenant.pk, samples=50)
    assert len(set(targets["scans"])) == 50
    assert all(client.get(path).status_code == 200 for path in targets["scans"][:10])


def test_bench_serial_search_finds_one_instrument_of_the_province(client):
    from tcvn_portal.bench import jobs

    call_command("seed_bench", "--scale", "0.001", "--provinces", "2", "--no-analyze")
    tenant = Tenant.objects.order_by("pk").first()
    search = jobs.targets(tenant.pk, samples=5)["searches"]["metrology:instrument_list?q=<serial>"]
    client.cookies["sessionid"] = jobs.session(tenant.pk)["cookie"].split("=", 1)[1]
    page = client.get(search)
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 1
