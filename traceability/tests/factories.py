"""Records made through the services, shared by the app's tests and the browser journey."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tcvn_portal.attachments.services import attach_file
from tcvn_portal.tenancy.context import tenant_context
from traceability import services
from traceability.models import Batch, Product

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
GTIN13 = "8934567000017"  # a valid GTIN-13 (check digit 7)


def png_upload(name="anh.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


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
