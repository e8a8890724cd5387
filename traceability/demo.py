"""Demo records for one province, made through the services; safe to run again (idempotent).

`seed_catalogs(tenant)` fills the editable product-category catalog; `seed(tenant)` adds a demo business's
product, an approved application, a batch with its stages and an active series of stamps.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.management.demo import demo_business

from . import services
from .gs1 import gtin_check_digit
from .models import Batch, Product, ProductCategory, StampSeries

CATEGORIES = [
    "Nông sản tươi",
    "Chè và cà phê",
    "Thực phẩm chế biến",
    "Thủy sản",
    "Rau, củ, quả",
    "Mật ong",
    "Đồ uống",
    "Dược liệu",
    "Mỹ phẩm",
    "Hàng thủ công mỹ nghệ",
    "Sản phẩm OCOP",
]
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def seed_catalogs(tenant) -> None:
    with tenant_context(tenant):
        for name in CATEGORIES:
            ProductCategory.objects.get_or_create(name=name)


def seed(tenant, *, actor=None) -> None:
    """One demo product with an active series of 20 stamps for the tenant's first business."""
    seed_catalogs(tenant)
    with tenant_context(tenant):
        business = demo_business()
        if business is None:
            return
        if not business.address:
            business.address = f"{tenant.name}"
            business.save(update_fields=["address"])
        body = f"893{tenant.pk % 10_000:04d}{1:05d}"
        gtin = (body + str(gtin_check_digit(body))).zfill(14)
        product = Product.objects.filter(gtin=gtin).first()
        if product is None:
            product = services.save_product(
                product=Product(
                    owner=business,
                    name="Chè Shan Tuyết đặc sản",
                    gtin=gtin,
                    brand="Shan Tuyết Cao Sơn",
                    shelf_life="24 tháng",
                    standards="TCVN 9740:2013",
                    category=ProductCategory.objects.filter(name="Chè và cà phê").first(),
                ),
                actor=actor,
            )
        batch = Batch.objects.filter(product=product, lot="DEMO-01").first()
        if batch is None:
            batch = services.save_batch(
                batch=Batch(
                    product=product,
                    lot="DEMO-01",
                    production_date=date.today() - timedelta(days=30),
                    expiry_date=date.today() + timedelta(days=700),
                    origin=tenant.name,
                    quantity=2000,
                ),
                actor=actor,
            )
            start = datetime.combine(batch.production_date, datetime.min.time(), tzinfo=HCM)
            for offset, (name, step, place) in enumerate(
                [
                    ("Thu hái búp chè", "harvesting", "Vùng chè Cao Sơn"),
                    ("Sao, vò chè", "commissioning", "Xưởng chế biến của hợp tác xã"),
                    ("Đóng gói", "packing", "Xưởng đóng gói"),
                ]
            ):
                services.add_stage(
                    batch=batch,
                    name=name,
                    bizstep=step,
                    place=place,
                    started_at=start + timedelta(days=offset, hours=7),
                    actor=actor,
                )
        if not StampSeries.objects.filter(batch=batch).exists():
            application = services.create_application(applicant=business, items=[(product, 20)], actor=actor)
            services.submit_application(application=application, actor=actor)
            application.status = application.Status.APPROVED  # demo data: no product images to check
            application.save(update_fields=["status"])
            base = getattr(settings, "TCVN_PUBLIC_BASE_URL", "http://localhost:8000")
            series = StampSeries.objects.create(batch=batch, quantity=20, resolver_base=base)
            services.issue_stamps(series=series)
            series.refresh_from_db()
            services.activate_series(series=series, actor=actor)
