"""Demo data for `manage.py seed_demo`: provinces, communes, organisations and one login per role.

Every step looks its rows up before creating them, so running the seed again creates nothing new.
A domain app adds its own demo data in `<app>/demo.py` with a function `seed(tenant)`, which must be
idempotent too; `seed_demo()` calls it for each province in DEMO_TENANTS, after the platform's own data
exists, in INSTALLED_APPS order.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django.utils.text import slugify

from tcvn_portal.core.text import fold
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Membership, Organization, Tenant
from tcvn_portal.tenancy.roles import Role
from tcvn_portal.tenancy.validators import tax_code_check_digit

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_PASSWORD = "ChatLuong-2025"
EMAIL_DOMAIN = "demo.tcvn.local"
# The provinces whose demo members log in: the domains' demo records go there.
DEMO_TENANTS = ("tuyen-quang", "lao-cai")

# (tenant code, kind, name, first nine digits of the tax code or the agency code, commune, address)
# Tax-code prefixes follow each province's tax office (01 Hà Nội, 50 Tuyên Quang, 53 Lào Cai); the tenth
# digit is computed, so every code passes the check-digit validator.
ORGANIZATIONS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "tuyen-quang",
        "business",
        "Công ty TNHH Chè Shan Tuyết Na Hang",
        "500045781",
        "Xã Na Hang",
        "Thôn Nà Khá, xã Na Hang, tỉnh Tuyên Quang",
    ),
    (
        "tuyen-quang",
        "business",
        "Hợp tác xã Cam sành Hàm Yên",
        "500062143",
        "Xã Hàm Yên",
        "Thôn Tân Yên, xã Hàm Yên, tỉnh Tuyên Quang",
    ),
    (
        "tuyen-quang",
        "business",
        "Công ty Cổ phần Xăng dầu Minh Xuân",
        "500018826",
        "Phường Minh Xuân",
        "Số 212 đường Bình Thuận, phường Minh Xuân, tỉnh Tuyên Quang",
    ),
    (
        "tuyen-quang",
        "business",
        "Công ty TNHH Mật ong Bạc hà Đồng Văn",
        "510033472",
        "Xã Đồng Văn",
        "Thôn Phố Cáo, xã Đồng Văn, tỉnh Tuyên Quang",
    ),
    (
        "tuyen-quang",
        "agency",
        "Sở Khoa học và Công nghệ tỉnh Tuyên Quang",
        "H50.01",
        "Phường Minh Xuân",
        "Số 5 đường 17/8, phường Minh Xuân, tỉnh Tuyên Quang",
    ),
    (
        "tuyen-quang",
        "agency",
        "Ủy ban nhân dân phường Minh Xuân",
        "H50.10.01",
        "Phường Minh Xuân",
        "Phường Minh Xuân, tỉnh Tuyên Quang",
    ),
    (
        "tuyen-quang",
        "agency",
        "Ủy ban nhân dân xã Hàm Yên",
        "H50.10.02",
        "Xã Hàm Yên",
        "Xã Hàm Yên, tỉnh Tuyên Quang",
    ),
    (
        "lao-cai",
        "business",
        "Công ty Cổ phần Nông sản Bắc Hà",
        "530071265",
        "Xã Bắc Hà",
        "Thôn Na Hối, xã Bắc Hà, tỉnh Lào Cai",
    ),
    (
        "lao-cai",
        "business",
        "Công ty TNHH Cá hồi Sa Pa",
        "530094417",
        "Phường Sa Pa",
        "Tổ 3, phường Sa Pa, tỉnh Lào Cai",
    ),
    (
        "lao-cai",
        "business",
        "Công ty Cổ phần Đo lường Yên Bái",
        "520012358",
        "Phường Yên Bái",
        "Số 18 đường Yên Ninh, phường Yên Bái, tỉnh Lào Cai",
    ),
    (
        "lao-cai",
        "agency",
        "Sở Khoa học và Công nghệ tỉnh Lào Cai",
        "H53.01",
        "Phường Yên Bái",
        "Phường Yên Bái, tỉnh Lào Cai",
    ),
    (
        "lao-cai",
        "agency",
        "Ủy ban nhân dân phường Cam Đường",
        "H53.10.01",
        "Phường Cam Đường",
        "Phường Cam Đường, tỉnh Lào Cai",
    ),
    (
        "ha-noi",
        "business",
        "Công ty Cổ phần Cân điện tử Thăng Long",
        "010238476",
        "Phường Cầu Giấy",
        "Số 36 phố Trần Thái Tông, phường Cầu Giấy, thành phố Hà Nội",
    ),
    (
        "ha-noi",
        "agency",
        "Ủy ban nhân dân phường Hoàn Kiếm",
        "H01.10.01",
        "Phường Hoàn Kiếm",
        "Phường Hoàn Kiếm, thành phố Hà Nội",
    ),
)

# (email local part, full name, [(tenant code, role, organisation name or "")])
USERS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("thanhtra.tq", "Nguyễn Văn Thành", (("tuyen-quang", Role.INSPECTOR, ""),)),
    ("doluong.tq", "Trần Thị Lan", (("tuyen-quang", Role.METROLOGY_OFFICER, ""),)),
    ("chatluong.tq", "Hoàng Minh Đức", (("tuyen-quang", Role.QUALITY_OFFICER, ""),)),
    ("lanhdao.tq", "Lê Thị Hồng", (("tuyen-quang", Role.MANAGER, ""),)),
    ("quantri.tq", "Phạm Quốc Huy", (("tuyen-quang", Role.TENANT_ADMIN, ""),)),
    ("iso.tq", "Vũ Thị Mai", (("tuyen-quang", Role.ISO_FOCAL, "Ủy ban nhân dân phường Minh Xuân"),)),
    (
        "doanhnghiep.tq",
        "Ma Văn Tùng",
        (("tuyen-quang", Role.BUSINESS, "Công ty TNHH Chè Shan Tuyết Na Hang"),),
    ),
    ("hoidong.tq", "Đỗ Văn Bình", (("tuyen-quang", Role.COUNCIL_MEMBER, ""),)),
    ("trunguong", "Bùi Thanh Tâm", (("ha-noi", Role.NATIONAL_VIEWER, ""),)),
    ("quantri.lc", "Giàng A Sùng", (("lao-cai", Role.TENANT_ADMIN, ""),)),
    ("doluong.lc", "Nông Thị Hoa", (("lao-cai", Role.METROLOGY_OFFICER, ""),)),
    ("doanhnghiep.lc", "Lù Văn Phong", (("lao-cai", Role.BUSINESS, "Công ty Cổ phần Nông sản Bắc Hà"),)),
    # Two provinces: shows the province switcher.
    ("hai.tinh", "Nguyễn Thị Hải", (("tuyen-quang", Role.INSPECTOR, ""), ("lao-cai", Role.MANAGER, ""))),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    province: str
    organization: str


@dataclass
class DemoData:
    """What the platform seeded."""

    tenants: dict[str, Tenant] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD


def domain_demo_modules() -> list[ModuleType]:
    """Every installed app's `demo` module that offers `seed(tenant)`."""
    modules = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if callable(getattr(module, "seed", None)):
                modules.append(module)
    return modules


def demo_business() -> Organization | None:
    """The active tenant's business that a demo login belongs to, else its first business.

    What the domains seed for "a business" (a product with stamps, an award application) must be what the
    printed business login sees, not whichever business sorts first by name.
    """
    businesses = Organization.objects.filter(kind=Organization.Kind.BUSINESS, archived_at__isnull=True)
    with_login = businesses.filter(
        memberships__role=Role.BUSINESS, memberships__status=Membership.Status.ACTIVE
    )
    return with_login.order_by("pk").first() or businesses.order_by("pk").first()


def tenant_code(name: str) -> str:
    return slugify(fold(name))


def complete_tax_code(first_nine: str) -> str:
    """The first valid tax code at or after `first_nine` (some bodies have no valid check digit)."""
    body = int(first_nine)
    while (digit := tax_code_check_digit(f"{body:09d}")) is None:
        body += 1
    return f"{body:09d}{digit}"


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seed_tenants() -> dict[str, Tenant]:
    """All 34 provincial-level units of 1 July 2025, from data/provinces-2025.csv."""
    tenants = {}
    for row in _read_csv("provinces-2025.csv"):
        name, kind = row["name"], row["kind"]
        # "Thành phố Hồ Chí Minh" already names its kind.
        place = name if fold(name).startswith(fold(kind)) else f"{kind} {name}"
        tenant, _ = Tenant.objects.get_or_create(
            code=tenant_code(name),
            defaults={
                "name": name,
                "kind": kind,
                "formed_from": row["formed_from"],
                "authority_name": f"Sở Khoa học và Công nghệ {place}",
            },
        )
        tenants[tenant.code] = tenant
    return tenants


def seed_communes(tenants: dict[str, Tenant]) -> None:
    for row in _read_csv("communes-demo.csv"):
        with tenant_context(tenants[tenant_code(row["province"])]):
            Commune.objects.get_or_create(
                name=row["name"], defaults={"former_district": row["former_district"]}
            )


def seed_organizations(tenants: dict[str, Tenant]) -> dict[str, Organization]:
    organizations = {}
    for code, kind, name, identifier, commune_name, address in ORGANIZATIONS:
        with tenant_context(tenants[code]):
            if kind == Organization.Kind.BUSINESS:
                lookup = {"tax_code": complete_tax_code(identifier)}
            else:
                lookup = {"agency_code": identifier}
            organization = Organization.objects.filter(**lookup).first()
            if organization is None:
                organization = Organization(
                    kind=kind,
                    name=name,
                    address=address,
                    commune=Commune.objects.get(name=commune_name),
                    **lookup,
                )
                # The tax-code check digit, agency code format and constraints hold for demo data too.
                organization.full_clean()
                organization.save()
        organizations[name] = organization
    return organizations


def seed_users(
    tenants: dict[str, Tenant], organizations: dict[str, Organization]
) -> tuple[dict, list[DemoLogin]]:
    User = get_user_model()
    users, logins = {}, []
    for local_part, full_name, memberships in USERS:
        email = f"{local_part}@{EMAIL_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        elif not user.check_password(DEMO_PASSWORD):
            # The printed password must work even after someone changed it while trying the demo.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[local_part] = user
        for code, role, organization_name in memberships:
            organization = organizations[organization_name] if organization_name else None
            with tenant_context(tenants[code]):
                Membership.objects.get_or_create(
                    user=user, defaults={"role": role, "organization": organization}
                )
            logins.append(DemoLogin(email, str(Role(role).label), tenants[code].name, organization_name))
    return users, logins


def seed_demo() -> DemoData:
    """Seed the platform's demo data, then every domain's; all of it or nothing."""
    with transaction.atomic():
        data = DemoData(tenants=seed_tenants())
        seed_communes(data.tenants)
        data.organizations = seed_organizations(data.tenants)
        data.users, data.logins = seed_users(data.tenants, data.organizations)
        for module in domain_demo_modules():
            for code in DEMO_TENANTS:
                module.seed(data.tenants[code])
    return data
