"""`manage.py seed_bench --scale N`: the national volume of SPEC's four domains in every province.

At scale 1: 34 tenants, 1 000 000 instruments, 2 000 000 verifications, 200 000 inspections, 50 000
agencies' QMS records, 10 000 award applications, 100 000 batches, 20 000 000 stamps and 5 000 000 scans,
spread over the provinces by size (a province formed from three old ones holds about three times the rows).

Catalogs and people go through the domains' own services (a handful of rows per tenant); the volume goes
through `bulk.insert` as the owner role, which reserves ids so that rows can point at each other without
reading them back. Stamp serials are real public codes (`make_codes`): every seeded stamp scans.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.utils import timezone

from inspections.models import Inspection, InspectionDecision, InspectionPlan, InspectionType
from iso_qms.award.models import ApplicantType, AwardApplication, AwardRound, CriteriaSet
from iso_qms.qms.models import AgencyLevel, AgencyProfile, QmsStatus
from metrology import services as metrology_services
from metrology.models import Instrument, InstrumentTypeRule, Reminder, Verification
from metrology.reminders import stage_for
from tcvn_portal.core.public_codes import make_codes
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.management.demo import seed_tenants
from tcvn_portal.tenancy.models import Commune, Membership, Organization, Tenant
from tcvn_portal.tenancy.roles import Role
from tcvn_portal.tenancy.validators import tax_code_check_digit
from traceability.gs1 import gtin_check_digit
from traceability.models import Batch, Product, ScanEvent, Stamp, StampSeries

from . import bulk

# Rows at scale 1, nationally (issue #8).
VOLUME = {
    "instruments": 1_000_000,
    "verifications": 2_000_000,
    "inspections": 200_000,
    "agencies": 50_000,
    "award_applications": 10_000,
    "batches": 100_000,
    "stamps": 20_000_000,
    "scans": 5_000_000,
    # Not named by the issue; what the rows above need to point at.
    "businesses": 60_000,
    "products": 20_000,
}
COMMUNE_PREFIX = "Xã Bench"
COMMUNES_PER_TENANT = 100  # about 3 300 communes nationally since 1 July 2025
YEARS = 5  # history kept: verifications, inspections and batches of the last five years
BENCH_EMAIL = "bench-manager@bench.tcvn.local"
BENCH_PASSWORD = "bench-password-not-for-production"
# A scanned stamp is scanned 1 to 4 times: 10 % of stamps × 2.5 ≈ the scans asked for.
SCANNED_SHARE = 0.1


@dataclass
class SeedReport:
    counts: dict[str, int]
    seconds: float
    largest_tenant_id: int


def tenant_weights(tenants: list[Tenant]) -> dict[int, float]:
    """Share of the national volume: the number of old provinces a unit was formed from, the two
    special cities counting one more."""
    raw = {}
    for tenant in tenants:
        parts = [p for p in tenant.formed_from.replace(";", ",").split(",") if p.strip()]
        raw[tenant.pk] = max(1, len(parts)) + (1 if tenant.kind == "thành phố" and len(parts) >= 2 else 0)
    total = sum(raw.values())
    return {pk: weight / total for pk, weight in raw.items()}


def _share(total: int, scale: float, weight: float) -> int:
    return max(1, round(total * scale * weight))


def seed(
    *,
    scale: float,
    provinces: int | None = None,
    log: Callable[[str], None] = lambda _m: None,
    rng_seed: int = 8,
) -> SeedReport:
    """Seeds every tenant (or the first `provinces`) with its share of the volume at `scale`, once."""
    started = time.monotonic()
    tenants = sorted(seed_tenants().values(), key=lambda t: t.pk)[:provinces]
    weights = tenant_weights(tenants)
    if already_seeded(tenants[0]):
        raise AlreadySeeded("This database already holds the bench volume: seed a fresh database.")
    user = bench_user()
    counts: dict[str, int] = {}
    owner = connections["owner"]
    today = timezone.localdate()
    try:
        for tenant in tenants:
            want = {key: _share(total, scale, weights[tenant.pk]) for key, total in VOLUME.items()}
            catalog = _catalogs(tenant, user)
            rng = random.Random(f"{rng_seed}:{tenant.pk}")
            # One transaction a tenant: app.tenant_id and the staging tables live as long as it does.
            with transaction.atomic(using="owner"), owner.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                seeded = TenantSeed(cursor, tenant, catalog, want, rng, today).run()
            for key, n in seeded.items():
                counts[key] = counts.get(key, 0) + n
            log(f"  {tenant.name}: " + ", ".join(f"{k} {v:,}" for k, v in seeded.items()))
    finally:
        owner.close()
    largest = max(tenants, key=lambda t: weights[t.pk])
    return SeedReport(counts=counts, seconds=time.monotonic() - started, largest_tenant_id=largest.pk)


class AlreadySeeded(RuntimeError):
    pass


def already_seeded(tenant: Tenant) -> bool:
    with tenant_context(tenant):
        return Commune.objects.filter(name__startswith=COMMUNE_PREFIX).exists()


def analyze(tables: list[str] | None = None) -> None:
    """Fresh planner statistics (as the owner: only a table's owner may ANALYZE it before PostgreSQL 17).
    After the whole seed, VACUUM too, as autovacuum would have by the time a real table grew this big: until
    the visibility map is set, an index-only count still visits every row (measured: 44 → 8 ms)."""
    owner = connections["owner"]
    with owner.cursor() as cursor:
        if tables is None:
            cursor.execute("VACUUM (ANALYZE)")
        for table in tables or []:
            cursor.execute(f'ANALYZE "{table}"')
    owner.close()


def bench_user(email: str = BENCH_EMAIL, full_name: str = "Bench Manager"):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=BENCH_PASSWORD, full_name=full_name)
    return user


def province_manager_email(tenant_id: int) -> str:
    """The manager of one province whose pages the benchmark opens (jobs.session)."""
    return f"bench-manager-{tenant_id}@bench.tcvn.local"


@dataclass
class Catalog:
    user_id: int
    types: list[tuple[int, int, int]]  # (type id, rule id, cycle months)
    criteria_set_id: int


def _catalogs(tenant: Tenant, user) -> Catalog:
    """The tenant's catalogs and the bench manager's membership, through the domains' own services."""
    from iso_qms.award.services import seed_criteria_sets
    from traceability.demo import seed_catalogs

    metrology_services.seed_catalog(tenant=tenant)
    seed_catalogs(tenant)
    with tenant_context(tenant):
        seed_criteria_sets()
        Membership.objects.get_or_create(user=user, defaults={"role": Role.MANAGER})
        # The latest rule of each type (the one in force now).
        rules = {}
        for rule in InstrumentTypeRule.objects.order_by("instrument_type_id", "valid_from"):
            rules[rule.instrument_type_id] = (rule.instrument_type_id, rule.pk, rule.cycle_months or 12)
        criteria_set = CriteriaSet.objects.order_by("pk").first()
    return Catalog(user_id=user.pk, types=list(rules.values()), criteria_set_id=criteria_set.pk)


def _add_months(day: dt.date, months: int) -> dt.date:
    return metrology_services.add_months(day, months)


class TenantSeed:
    """The volume of one tenant, written in one transaction of the owner's connection."""

    def __init__(self, cursor, tenant: Tenant, catalog: Catalog, want: dict[str, int], rng, today) -> None:
        self.cursor, self.tenant, self.catalog, self.want, self.rng, self.today = (
            cursor,
            tenant,
            catalog,
            want,
            rng,
            today,
        )
        self.now = timezone.now()
        self.first_day = dt.date(today.year - YEARS + 1, 1, 1)

    def insert(self, model, rows) -> int:
        return bulk.insert(self.cursor, model, rows, tenant_id=self.tenant.pk)

    def ids(self, model, count: int) -> range:
        first = bulk.reserve_ids(self.cursor, model._meta.db_table, count)
        return range(first, first + count)

    def day(self, start: dt.date | None = None, end: dt.date | None = None) -> dt.date:
        start, end = start or self.first_day, end or self.today
        return start + dt.timedelta(days=self.rng.randrange(max(1, (end - start).days + 1)))

    def at(self, day: dt.date) -> dt.datetime:
        tz = timezone.get_current_timezone()
        return dt.datetime.combine(
            day, dt.time(8 + self.rng.randrange(10), self.rng.randrange(60)), tzinfo=tz
        )

    def run(self) -> dict[str, int]:
        counts = {}
        self.communes = self.ids(Commune, COMMUNES_PER_TENANT)
        counts["communes"] = self.insert(
            Commune,
            ({"id": pk, "name": f"{COMMUNE_PREFIX} {pk}", "former_district": ""} for pk in self.communes),
        )
        counts["organizations"] = self.organizations()
        counts["instruments"], counts["verifications"], counts["reminders"] = self.metrology()
        counts["inspections"] = self.inspections()
        counts["agencies"] = self.agencies()
        counts["award_applications"] = self.awards()
        counts.update(self.traceability())
        return counts

    # --- Organisations ---------------------------------------------------------------------------

    def organizations(self) -> int:
        self.businesses = self.ids(Organization, self.want["businesses"])
        self.agency_orgs = self.ids(Organization, self.want["agencies"])
        rng, t = self.rng, self.tenant.pk

        def rows() -> Iterator[dict]:
            for i, pk in enumerate(self.businesses):
                body = f"{t:03d}{i:06d}"
                digit = tax_code_check_digit(body)
                yield {
                    "id": pk,
                    "kind": Organization.Kind.BUSINESS,
                    "name": f"Công ty TNHH Đo lường Bench {t}-{i}",
                    # Bodies without a valid check digit get a branch-free 12-digit personal number instead.
                    "tax_code": f"{body}{digit}" if digit is not None else f"{t:03d}{i:09d}",
                    "address": f"Số {i % 300 + 1} đường Bench, {self.tenant.name}",
                    "commune_id": rng.choice(self.communes),
                    "created_at": self.now,
                }
            for i, pk in enumerate(self.agency_orgs):
                yield {
                    "id": pk,
                    "kind": Organization.Kind.AGENCY,
                    "name": f"Ủy ban nhân dân xã Bench {t}-{i}",
                    "agency_code": f"H{t % 100:02d}.{i // 10_000:02d}.{i // 100 % 100:02d}.{i % 100:02d}",
                    "commune_id": rng.choice(self.communes),
                    "created_at": self.now,
                }

        return self.insert(Organization, rows())

    # --- Metrology --------------------------------------------------------------------------------

    def metrology(self) -> tuple[int, int, int]:
        n_instruments = self.want["instruments"]
        per_instrument = max(1, round(self.want["verifications"] / n_instruments))
        instruments = self.ids(Instrument, n_instruments)
        verifications = self.ids(Verification, n_instruments * per_instrument)
        codes = iter(
            make_codes(
                kind=metrology_services.CERTIFICATE_CODE_KIND,
                tenant_id=self.tenant.pk,
                count=len(verifications),
            )
        )
        rng, yesterday = self.rng, self.today - dt.timedelta(days=1)
        instrument_rows, verification_rows, reminder_rows = [], [], []
        v_ids = iter(verifications)
        for i, pk in enumerate(instruments):
            type_id, rule_id, cycle = rng.choice(self.catalog.types)
            status = rng.choices(
                [Instrument.Status.IN_USE, Instrument.Status.OUT_OF_SERVICE, Instrument.Status.RETIRED],
                [95, 3, 2],
            )[0]
            # The latest verification falls within the last cycle; earlier ones one cycle apart before it.
            latest = self.day(self.today - dt.timedelta(days=cycle * 30), self.today)
            passed = rng.random() < 0.95
            for k in range(per_instrument):
                on = _add_months(latest, -cycle * (per_instrument - 1 - k))
                ok = passed or k < per_instrument - 1
                valid_until = metrology_services.valid_until_for(on, cycle) if ok else None
                vid = next(v_ids)
                verification_rows.append(
                    {
                        "id": vid,
                        "instrument_id": pk,
                        "kind": "initial" if k == 0 else "periodic",
                        "verified_on": on,
                        "verifier": "Nguyễn Văn Kiểm",
                        "verifying_body": "Trung tâm Kỹ thuật TĐC",
                        "result": Verification.Result.PASSED if ok else Verification.Result.FAILED,
                        "stamp_number": f"T{vid}",
                        "certificate_number": f"GCN-{vid}" if ok else "",
                        "check_code": next(codes) if ok else "",
                        "rule_id": rule_id,
                        "cycle_months": cycle,
                        "valid_until": valid_until,
                        "created_at": self.at(on),
                    }
                )
                if k == per_instrument - 1:
                    last = (on, valid_until, ok)
                    stage = stage_for(valid_until, yesterday) if ok else None
                    if stage and status != Instrument.Status.RETIRED:
                        # Steady state: yesterday's sweep sent what was due yesterday.
                        reminder_rows.append(
                            {
                                "verification_id": vid,
                                "stage": stage,
                                "recipients": 1,
                                "sent_at": self.at(yesterday),
                            }
                        )
            instrument_rows.append(
                {
                    "id": pk,
                    "owner_id": rng.choice(self.businesses),
                    "instrument_type_id": type_id,
                    "maker": rng.choice(["Mettler Toledo", "Tatsuno", "Vinacân", "Itron", "Omron"]),
                    "model": f"M-{i % 97}",
                    "serial": f"SN{self.tenant.pk:03d}{i:08d}",
                    "location": f"Quầy {i % 50 + 1}",
                    "commune_id": rng.choice(self.communes),
                    "status": status,
                    "last_verified_on": last[0],
                    "last_result": Verification.Result.PASSED if last[2] else Verification.Result.FAILED,
                    "valid_until": last[1],
                    "created_at": self.at(self.first_day),
                }
            )
        return (
            self.insert(Instrument, instrument_rows),
            self.insert(Verification, verification_rows),
            self.insert(Reminder, reminder_rows),
        )

    # --- Inspections --------------------------------------------------------------------------------

    def inspections(self) -> int:
        n = self.want["inspections"]
        rng, user = self.rng, self.catalog.user_id
        years = list(range(self.today.year - YEARS + 1, self.today.year + 1))
        plans = self.ids(InspectionPlan, len(years))
        self.insert(
            InspectionPlan,
            (
                {
                    "id": pk,
                    "year": year,
                    "title": f"Kế hoạch kiểm tra năm {year}",
                    "topics": "Chất lượng hàng hóa, đo lường trong kinh doanh xăng dầu",
                    "period_start": dt.date(year, 1, 1),
                    "period_end": dt.date(year, 12, 31),
                    "target_count": n // len(years),
                    "status": InspectionPlan.Status.APPROVED,
                    "created_by_id": user,
                    "created_at": self.now,
                }
                for pk, year in zip(plans, years, strict=True)
            ),
        )
        decisions = self.ids(InspectionDecision, max(1, n // 20))
        decision_day = {}
        rows = []
        for i, pk in enumerate(decisions):
            day = self.day()
            decision_day[pk] = day
            rows.append(
                {
                    "id": pk,
                    "plan_id": plans[years.index(day.year)],
                    "number": f"{i + 1}/QĐ-TĐC-{day.year}-{pk}",
                    "issued_on": day,
                    "legal_basis": "Luật Chất lượng sản phẩm, hàng hóa 2007",
                    "scope": "Kiểm tra nhà nước về chất lượng, đo lường",
                    "team_lead_id": user,
                    "created_at": self.at(day),
                }
            )
        self.insert(InspectionDecision, rows)

        def inspection_rows() -> Iterator[dict]:
            types = [c for c, _label in InspectionType.choices]
            for i in range(n):
                decision = decisions[i % len(decisions)]
                visited = min(self.today, decision_day[decision] + dt.timedelta(days=rng.randrange(30)))
                establishment = rng.choice(self.businesses)
                place = f"Cửa hàng số {i % 200 + 1}"
                yield {
                    "decision_id": decision,
                    "establishment_id": establishment,
                    "inspection_type": rng.choice(types),
                    "visited_on": visited,
                    "place": place,
                    "commune_id": rng.choice(self.communes),
                    "result": rng.choice([Inspection.Result.COMPLIANT] * 4 + [Inspection.Result.VIOLATION]),
                    "status": Inspection.Status.APPROVED,
                    "inspector_id": user,
                    "approved_by_id": user,
                    "approved_at": self.at(visited),
                    "search_text": f"cong ty tnhh do luong bench {establishment} {place}".lower(),
                    "created_at": self.at(visited),
                    "updated_at": self.at(visited),
                }

        return self.insert(Inspection, inspection_rows())

    # --- ISO 9001 in agencies and the quality award -----------------------------------------------

    def agencies(self) -> int:
        profiles = self.ids(AgencyProfile, len(self.agency_orgs))
        provincial = max(1, len(profiles) // 20)
        rng, t = self.rng, self.tenant.pk

        def rows() -> Iterator[dict]:
            for i, (pk, org) in enumerate(zip(profiles, self.agency_orgs, strict=True)):
                status = rng.choice([s for s, _label in QmsStatus.choices])
                yield {
                    "id": pk,
                    "organization_id": org,
                    "level": AgencyLevel.PROVINCE if i < provincial else AgencyLevel.COMMUNE,
                    "parent_id": None if i < provincial else profiles[rng.randrange(provincial)],
                    "status": status,
                    "announced_on": self.day()
                    if status in (QmsStatus.ANNOUNCED, QmsStatus.MAINTAINED)
                    else None,
                    "name": f"Ủy ban nhân dân xã Bench {t}-{i}",
                }

        return self.insert(AgencyProfile, rows())

    def awards(self) -> int:
        years = list(range(self.today.year - YEARS + 1, self.today.year + 1))
        rounds = self.ids(AwardRound, len(years))
        self.insert(
            AwardRound,
            (
                {
                    "id": pk,
                    "year": year,
                    "criteria_set_id": self.catalog.criteria_set_id,
                    "opens_on": dt.date(year, 3, 1),
                    "submission_deadline": dt.date(year, 6, 30),
                    "scoring_deadline": dt.date(year, 9, 30),
                }
                for pk, year in zip(rounds, years, strict=True)
            ),
        )
        rng = self.rng
        n = min(self.want["award_applications"], len(rounds) * len(self.businesses))
        types = [c for c, _label in ApplicantType.choices]

        def rows() -> Iterator[dict]:
            for i in range(n):
                year = years[i % len(years)]
                yield {
                    "round_id": rounds[i % len(rounds)],
                    "business_id": self.businesses[i // len(rounds)],
                    "applicant_type": rng.choice(types),
                    "established_on": dt.date(year - 10, 1, 1),
                    "status": AwardApplication.Status.SUBMITTED,
                    "submitted_at": self.at(dt.date(year, 5, 15)),
                    "no_violations_declared": True,
                }

        return self.insert(AwardApplication, rows())

    # --- Traceability -------------------------------------------------------------------------------

    def traceability(self) -> dict[str, int]:
        rng, t = self.rng, self.tenant.pk
        n_batches, n_stamps, n_scans = self.want["batches"], self.want["stamps"], self.want["scans"]
        products = self.ids(Product, min(self.want["products"], n_batches))
        product_rows, gtins = [], {}
        for i, pk in enumerate(products):
            body = f"893{t:04d}{i:05d}"
            gtins[pk] = (body + str(gtin_check_digit(body))).zfill(14)
            product_rows.append(
                {
                    "id": pk,
                    "owner_id": self.businesses[i % len(self.businesses)],
                    "name": f"Sản phẩm Bench {t}-{i}",
                    "gtin": gtins[pk],
                    "shelf_life": "12 tháng",
                    "created_at": self.now,
                }
            )
        counts = {"products": self.insert(Product, product_rows)}
        batches = self.ids(Batch, n_batches)
        series = self.ids(StampSeries, n_batches)
        batch_rows, series_rows, per_series = [], [], []
        resolver = settings.TCVN_SITE_URL.rstrip("/")
        base, extra = divmod(n_stamps, n_batches)
        for i, (batch_id, series_id) in enumerate(zip(batches, series, strict=True)):
            made = self.day()
            quantity = base + (1 if i < extra else 0)
            per_series.append((series_id, quantity))
            batch_rows.append(
                {
                    "id": batch_id,
                    "product_id": products[i % len(products)],
                    "lot": f"L{made:%y%m%d}-{i}",
                    "production_date": made,
                    "expiry_date": made + dt.timedelta(days=365),
                    "origin": self.tenant.name,
                    "quantity": quantity,
                    "created_at": self.at(made),
                }
            )
            series_rows.append(
                {
                    "id": series_id,
                    "batch_id": batch_id,
                    "quantity": quantity,
                    "status": StampSeries.Status.ACTIVE,
                    "resolver_base": resolver,
                    "issued_at": self.at(made),
                    "activated_at": self.at(made),
                    "created_at": self.at(made),
                }
            )
        counts["batches"] = self.insert(Batch, batch_rows)
        self.insert(StampSeries, series_rows)
        series_day = {row["id"]: row["issued_at"] for row in series_rows}
        stamp_ids = self.ids(Stamp, sum(q for _s, q in per_series))
        scans_per_scanned = max(1, round(n_scans / max(1, n_stamps * SCANNED_SHARE)))
        scan_rows: list[dict] = []

        def stamp_rows() -> Iterator[dict]:
            ids = iter(stamp_ids)
            for series_id, quantity in per_series:
                serials = make_codes(kind="stamp", tenant_id=t, count=quantity)
                issued = series_day[series_id]
                for number, serial in enumerate(serials, start=1):
                    pk = next(ids)
                    row = {"id": pk, "series_id": series_id, "number": number, "serial": serial}
                    if len(scan_rows) < n_scans and rng.random() < SCANNED_SHARE:
                        times = sorted(
                            issued + dt.timedelta(minutes=rng.randrange(60 * 24 * 365))
                            for _ in range(1 + rng.randrange(2 * scans_per_scanned))
                        )
                        times = [min(at, self.now) for at in times]
                        places = [f"113.161.{rng.randrange(3)}.0/24" for _ in times]
                        scan_rows.extend(
                            {"stamp_id": pk, "scanned_at": at, "place": place, "user_agent": "Mozilla/5.0"}
                            for at, place in zip(times, places, strict=True)
                        )
                        row.update(
                            scan_count=len(times),
                            first_scanned_at=times[0],
                            last_scanned_at=times[-1],
                            place_count=len(set(places)),
                        )
                    yield row

        counts["stamps"] = self.insert(Stamp, stamp_rows())
        counts["scans"] = self.insert(ScanEvent, scan_rows)
        return counts
