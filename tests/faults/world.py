"""A province with a business, its product, an approved stamp quota, an active series of stamps and a
manager: made through the services, committed (the portal under test runs in other processes)."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.fixtures import create_member, create_organization
from traceability import services
from traceability.models import Batch, Stamp
from traceability.tests.factories import make_product


@dataclass
class World:
    tenant: object
    business_user: object
    manager: object
    batch: Batch
    stamp: Stamp

    @property
    def scan_path(self) -> str:
        return f"/01/{self.batch.product.gtin}/10/{self.batch.lot}/21/{self.stamp.serial}"


def make_world(tenant) -> World:
    business = create_organization(tenant, name="Hợp tác xã Chè Shan Tuyết", address="xã Hồng Thái")
    business_user = create_member(tenant, Role.BUSINESS, organization=business)
    officer = create_member(tenant, Role.QUALITY_OFFICER)
    manager = create_member(tenant, Role.MANAGER)
    product = make_product(tenant, business, business_user)
    with tenant_context(tenant):
        application = services.create_application(
            applicant=business, items=[(product, services.MAX_SERIES)], actor=business_user
        )
        services.submit_application(application=application, actor=business_user)
        services.approve_application(application=application, actor=officer)
        batch = product.batches.select_related("product").get()
        series = services.request_series(
            batch=batch, quantity=3, resolver_base="https://tem.test", actor=officer
        )
        services.issue_stamps(series=series)
        series.refresh_from_db()
        services.activate_series(series=series, actor=business_user)
        stamp = Stamp.objects.filter(series=series).order_by("number").first()
    return World(tenant=tenant, business_user=business_user, manager=manager, batch=batch, stamp=stamp)


def session_cookie(user) -> str:
    """A session for `user` with MFA passed (as tests.fixtures.client_for records it), stored in the
    database where a portal in another process finds it."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": 0}, {"method": "mfa", "at": 0}]
    session.save()
    return session.session_key
