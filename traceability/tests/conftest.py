"""The project's database setup and shared fixtures (tests/ holds them), plus a business with a product
that carries every data item, made through the services."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tcvn_portal.attachments.services import attach_file
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.roles import Role
from tests.conftest import django_db_setup  # noqa: F401
from tests.fixtures import *  # noqa: F403
from traceability import services
from traceability.models import Batch, Product

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
GTIN13 = "8934567000017"  # a valid GTIN-13 (check digit 7)


def png_upload(name="anh.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def business_a(tenant_a, organization_factory):
    return organization_factory(
        tenant_a, name="Hợp tác xã Chè Shan Tuyết", address="Thôn Khuổi Bốc, xã Hồng Thái"
    )


@pytest.fixture
def business_user_a(tenant_a, member_factory, business_a):
    return member_factory(tenant_a, Role.BUSINESS, organization=business_a)


@pytest.fixture
def officer_a(tenant_a, member_factory):
    return member_factory(tenant_a, Role.QUALITY_OFFICER)


def make_product(tenant, owner, actor, *, gtin=GTIN13, name="Chè Shan Tuyết Hồng Thái", complete=True):
    with tenant_context(tenant):
        product = services.save_product(
            product=Product(
                owner=owner,
                name=name,
                gtin=gtin,
                brand="Hồng Thái" if complete else "",
                shelf_life="24 tháng" if complete else "",
                standards="TCVN 9740:2013" if complete else "",
            ),
            actor=actor,
        )
        if complete:
            attach_file(owner=product, upload=png_upload(), actor=actor)
            batch = services.save_batch(
                batch=Batch(
                    product=product,
                    lot="L2025-01",
                    production_date=date(2025, 5, 2),
                    expiry_date=date(2027, 5, 2),
                    origin="Xã Hồng Thái, Tuyên Quang",
                    quantity=1000,
                ),
                actor=actor,
            )
            services.add_stage(
                batch=batch,
                name="Thu hái chè",
                place="Đồi chè Khuổi Bốc",
                started_at=datetime(2025, 4, 20, 6, 0, tzinfo=HCM),
                actor=actor,
                bizstep="harvesting",
            )
        return product


@pytest.fixture
def product_a(tenant_a, business_a, business_user_a):
    return make_product(tenant_a, business_a, business_user_a)


@pytest.fixture
def approved_product_a(tenant_a, product_a, business_a, business_user_a, officer_a):
    with tenant_context(tenant_a):
        application = services.create_application(
            applicant=business_a, items=[(product_a, 1000)], actor=business_user_a
        )
        services.submit_application(application=application, actor=business_user_a)
        services.approve_application(application=application, actor=officer_a)
    return product_a


@pytest.fixture
def batch_a(tenant_a, approved_product_a):
    with tenant_context(tenant_a):
        return approved_product_a.batches.get()
