"""Realistic demo records of the inspections app for one province. Idempotent: once the demo decision
exists, a second call changes nothing. Dates are relative to today, so lists and reminders look alive."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Membership, Organization, Tenant
from tcvn_portal.tenancy.roles import Role
from tcvn_portal.tenancy.validators import tax_code_check_digit

from . import services
from .models import InspectionDecision, LegalBasis

DEMO_DECISION = "25/QĐ-TĐC"
ESTABLISHMENTS = [
    ("Cửa hàng Tạp hóa Hương Giang", "Ki-ốt 12, chợ Trung tâm"),
    ("Cửa hàng Xăng dầu Số 5 — Công ty CP Xăng dầu Miền Bắc", "Quốc lộ 2, km 15"),
    ("Tiệm Vàng Kim Thành", "Số 8 phố Chợ"),
    ("Cơ sở Sản xuất Nước mắm Bảo An", "Thôn Đông"),
]


def _tax_code(seed: int) -> str:
    while True:
        digit = tax_code_check_digit(f"{seed:09d}")
        if digit is not None and not Organization.objects.filter(tax_code=f"{seed:09d}{digit}").exists():
            return f"{seed:09d}{digit}"
        seed += 1


def _official(tenant: Tenant, role: str, label: str):
    """An existing active official of the province, or an inactive demo account holding the role."""
    membership = (
        Membership.objects.filter(role=role, status=Membership.Status.ACTIVE).select_related("user").first()
    )
    if membership:
        return membership.user
    user, _created = get_user_model().objects.get_or_create(
        email=f"{role}.{tenant.code}@demo.tcvn.local", defaults={"full_name": label, "is_active": False}
    )
    Membership.objects.get_or_create(user=user, defaults={"role": role})
    return user


def seed(tenant: Tenant) -> None:
    with tenant_context(tenant):
        services.seed_catalogs(tenant=tenant)
        if InspectionDecision.objects.filter(number=DEMO_DECISION).exists():
            return
        today = timezone.localdate()
        # Every demo date lies in the 45 days before today, in the year the decision was issued.
        issued = today - timedelta(days=45)
        lead = _official(tenant, Role.INSPECTOR, "Trần Văn Bình (dữ liệu mẫu)")
        manager = _official(tenant, Role.MANAGER, "Lê Thị Mai (dữ liệu mẫu)")
        commune = Commune.objects.first()
        orgs = []
        for i, (name, address) in enumerate(ESTABLISHMENTS):
            org = Organization.objects.filter(name=name).first() or Organization.objects.create(
                kind=Organization.Kind.BUSINESS,
                name=name,
                tax_code=_tax_code(470_000_000 + i * 97),
                address=address,
                commune=commune,
            )
            orgs.append(org)
        plan = services.save_plan(
            actor=lead,
            year=issued.year,
            title=f"Kế hoạch kiểm tra chất lượng, đo lường năm {issued.year}",
            topics="Nhãn hàng hóa; đo lường trong kinh doanh xăng dầu, vàng trang sức; hàng đóng gói sẵn",
            sectors="Bán lẻ, xăng dầu, vàng bạc",
            period_start=issued.replace(month=1, day=1),
            period_end=issued.replace(month=12, day=31),
            target_count=60,
        )
        services.submit_plan(plan=plan, actor=lead)
        services.approve_plan(plan=plan, actor=manager)
        decision = services.save_decision(
            actor=lead,
            plan=plan,
            number=DEMO_DECISION,
            issued_on=issued,
            issued_by="Chi cục trưởng Chi cục Tiêu chuẩn Đo lường Chất lượng",
            legal_basis="Luật Chất lượng sản phẩm, hàng hóa năm 2007; Luật Đo lường năm 2011; "
            "Thông tư 28/2020/TT-BKHCN",
            scope="Kiểm tra nhãn hàng hóa, đo lường và chất lượng hàng hóa lưu thông trên thị trường",
            team_lead=lead,
            establishments=orgs,
        )
        visit = decision.issued_on + timedelta(days=3)
        stall, station, gold, fish_sauce = orgs

        labelling = services.create_inspection(
            actor=lead,
            decision=decision,
            establishment=stall,
            inspection_type="labelling",
            visited_on=visit,
            place="Ki-ốt 12, chợ Trung tâm",
            representative_name="Nguyễn Thị Hương",
            representative_title="Chủ hộ kinh doanh",
            findings="Một số sản phẩm nhập khẩu không có nhãn phụ.",
            result="violation",
        )
        basis = LegalBasis.objects.filter(article="21").first()
        violation = services.add_violation(
            actor=lead,
            inspection=labelling,
            legal_basis=basis,
            description="Bày bán 24 hộp bánh nhập khẩu không có nhãn phụ tiếng Việt",
            fine_amount=basis.fine_min,
            remedial_measures="Bổ sung nhãn phụ",
        )
        services.add_followup(
            actor=lead,
            inspection=labelling,
            violation=violation,
            requirement="Bổ sung nhãn phụ tiếng Việt cho hàng nhập khẩu",
            deadline=max(today + timedelta(days=5), visit + timedelta(days=1)),
        )
        services.submit_inspection(actor=lead, inspection=labelling)
        services.approve_inspection(actor=lead, inspection=labelling)
        services.record_sanction(
            actor=lead,
            violation=violation,
            sanction_number="18/QĐ-XPVPHC",
            sanction_date=visit + timedelta(days=2),
            payment="paid",
            paid_on=visit + timedelta(days=9),
        )

        fuel = services.create_inspection(
            actor=lead,
            decision=decision,
            establishment=station,
            inspection_type="fuel",
            visited_on=visit + timedelta(days=1),
            place="Cột đo số 2",
            result="compliant",
            latitude=Decimal("21.823456"),
            longitude=Decimal("105.214567"),
        )
        for nozzle, shown, measured in [
            ("Cột 2, vòi 1 (RON 95)", "20.000", "19.960"),
            ("Cột 2, vòi 2 (DO 0,05S)", "20.000", "20.030"),
        ]:
            services.add_fuel_check(
                actor=lead,
                inspection=fuel,
                nozzle=nozzle,
                indicated_volume=Decimal(shown),
                standard_volume=Decimal(measured),
                max_permissible_error=Decimal("0.5"),
            )
        services.save_sample(
            actor=lead,
            inspection=fuel,
            code=f"XD-{today.year}-001",
            product="Xăng RON 95-III",
            laboratory="Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1",
            sent_on=visit + timedelta(days=2),
        )
        services.submit_inspection(actor=lead, inspection=fuel)

        services.create_inspection(
            actor=lead,
            decision=decision,
            establishment=gold,
            inspection_type="gold",
            visited_on=min(today, visit + timedelta(days=6)),
            place="Quầy vàng trang sức",
            notes="Đang cân kiểm tra hàm lượng.",
        )
        prepackaged = services.create_inspection(
            actor=lead,
            decision=decision,
            establishment=fish_sauce,
            inspection_type="prepackaged",
            visited_on=visit + timedelta(days=2),
            result="compliant",
        )
        services.add_quantity_check(
            actor=lead,
            inspection=prepackaged,
            product="Nước mắm 500 mL",
            unit="mL",
            nominal_quantity=Decimal(500),
            lot_size=300,
            actual_quantities=[Decimal(501) + Decimal(i % 5) for i in range(50)],
        )
