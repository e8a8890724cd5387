"""Realistic demo records of the metrology app for one province. Idempotent: a second call changes nothing.

Dates are relative to today, so the dashboards always show instruments due soon, overdue and failed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Organization, Tenant
from tcvn_portal.tenancy.validators import tax_code_check_digit

from . import services
from .models import Campaign, Instrument, InstrumentType, Market, VerificationRequest

MARKER_MARKET = "Chợ Trung tâm"
BODY = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng"


def _tax_code(seed: int) -> str:
    n = seed
    while True:
        body = f"{n:09d}"
        digit = tax_code_check_digit(body)
        if digit is not None:
            return body + str(digit)
        n += 1


def _business(name: str, seed: int, commune) -> Organization:
    existing = Organization.objects.filter(name=name).first()
    if existing:
        return existing
    code = _tax_code(seed)
    while Organization.objects.filter(tax_code=code).exists():
        seed += 1
        code = _tax_code(seed)
    return Organization.objects.create(
        kind=Organization.Kind.BUSINESS, name=name, tax_code=code, commune=commune, address=f"{commune or ''}"
    )


def _months_ago(today: date, months: int, plus_days: int = 0) -> date:
    return services.add_months(today, -months) + timedelta(days=plus_days)


def seed(tenant: Tenant) -> None:
    """Catalog, businesses, a market with reference scales, instruments in every state, a campaign and a
    request. Does nothing if the tenant already has the demo market."""
    services.seed_catalog(tenant=tenant)
    user, _created = get_user_model().objects.get_or_create(
        email=f"do-luong.{tenant.code}@demo.tcvn.local",
        defaults={"full_name": "Cán bộ đo lường (dữ liệu mẫu)", "is_active": False},
    )
    today = timezone.localdate()
    with tenant_context(tenant):
        if Market.objects.filter(name=MARKER_MARKET).exists():
            return
        commune = Commune.objects.order_by("pk").first()
        types = {t.code: t for t in InstrumentType.objects.all()}
        fuel = _business("Công ty TNHH Xăng dầu Minh Phát", 310_000_001, commune)
        water = _business("Công ty Cổ phần Cấp nước Sông Lô", 310_000_101, commune)
        taxi = _business("Hợp tác xã Taxi Phố Núi", 310_000_201, commune)
        board = _business("Ban Quản lý Chợ Trung tâm", 310_000_301, commune)
        market = services.save_market(
            market=Market(name=MARKER_MARKET, commune=commune, address="Đường Trần Hưng Đạo", manager=board),
            actor=user,
        )

        def instrument(owner, code, serial, **fields) -> Instrument:
            return services.register_instrument(
                actor=user, owner=owner, instrument_type=types[code], serial=serial, commune=commune, **fields
            )

        def verify(item, verified_on, *, n, result="passed", **fields):
            extra = (
                {
                    "stamp_number": f"T-{verified_on.year}-{n:04d}",
                    "certificate_number": f"GCN-{verified_on.year}-{n:04d}",
                }
                if result == "passed"
                else {}
            )
            return services.record_verification(
                actor=user,
                instrument=item,
                kind="periodic",
                verified_on=verified_on,
                verifier="Nguyễn Văn Hùng",
                verifying_body=BODY,
                result=result,
                today=today,
                **extra,
                **fields,
            )

        nozzles = [
            instrument(
                fuel,
                "cot-do-xang-dau",
                f"TS-2021-00{k}",
                maker="Tatsuno",
                model="Sunny",
                accuracy_class="0,5",
                measuring_range="5–50 L/min",
                type_approval_number="PDM 071-2019",
                location=f"Cửa hàng xăng dầu số 5, vòi số {k}",
                seal_numbers=f"N-10{k}1, N-10{k}2",
            )
            for k in (1, 2, 3)
        ]
        verify(
            nozzles[0],
            _months_ago(today, 3),
            n=1,
            measurements=[
                {"point": "20 L", "error": "0.10", "mpe": "0.50"},
                {"point": "50 L", "error": "-0.08", "mpe": "0.50"},
            ],
        )
        verify(nozzles[1], _months_ago(today, 12, plus_days=20), n=2)  # due within 30 days
        verify(
            nozzles[2],
            _months_ago(today, 2),
            n=3,
            result="failed",
            measurements=[{"point": "20 L", "error": "0.92", "mpe": "0.50"}],
        )
        meter = instrument(
            water,
            "dong-ho-nuoc-lanh",
            "DHN-15-88231",
            maker="Itron",
            model="Multimag",
            accuracy_class="B",
            measuring_range="Q3 = 2,5 m³/h",
            location="Tổ dân phố 3",
        )
        verify(meter, _months_ago(today, 61), n=4)  # overdue
        taximeter = instrument(taxi, "taximet", "TX-55-0192", maker="Hitech", location="Xe 24A-123.45")
        verify(taximeter, _months_ago(today, 6), n=5)
        scales = [
            instrument(
                board,
                "can-doi-chung",
                f"CDC-0{k}",
                maker="Nhơn Hòa",
                model="CĐH-30",
                accuracy_class="IIII",
                measuring_range="30 kg",
                location=f"Quầy thông tin, chợ ({k})",
                market=market,
            )
            for k in (1, 2)
        ]
        campaign = services.save_campaign(
            campaign=Campaign(
                year=today.year,
                name=f"Kiểm định miễn phí cân đối chứng năm {today.year}",
                starts_on=date(today.year, 1, 1),
                ends_on=date(today.year, 12, 31),
            ),
            actor=user,
            markets=[market],
        )
        verify(scales[0], today, n=6, campaign=campaign)
        VerificationRequest.objects.create(
            instrument=taximeter,
            kind="periodic",
            preferred_date=today + timedelta(days=10),
            note="Xe hoạt động ban ngày, liên hệ anh Tuấn 0912 345 678.",
            requested_by=user,
        )
