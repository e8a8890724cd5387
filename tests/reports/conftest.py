"""Known figures in every domain of a province, and a worker that consumes the "reports" queue."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Organization
from tcvn_portal.tenancy.roles import Role
from tests.fixtures import create_member, create_organization

_seq = itertools.count(1)

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


class Province:
    """Builds records of one tenant through the ORM; the figures are what the tests expect back."""

    def __init__(self, tenant, inspector) -> None:
        self.tenant = tenant
        self.inspector = inspector
        with tenant_context(tenant):
            self.commune = Commune.objects.create(name=f"Xã Kim Bình {next(_seq)}")
            self.other_commune = Commune.objects.create(name=f"Phường Minh Xuân {next(_seq)}")
        self.business = create_organization(tenant, name="Công ty Chè Tân Trào", commune=self.commune)
        self.agency = create_organization(
            tenant, kind=Organization.Kind.AGENCY, name="UBND xã Kim Bình", commune=self.commune
        )
        self._decision = None
        self._legal = None
        self._instrument_type = None
        self._batch = None

    def inspection(
        self,
        day: dt.date,
        *,
        kind="fuel",
        result="compliant",
        commune=None,
        status="approved",
        fines=(),
        samples=(),
    ):
        from inspections.models import Inspection, InspectionDecision, LegalBasis, Sample, Violation

        with tenant_context(self.tenant):
            if self._decision is None:
                self._decision = InspectionDecision.objects.create(
                    number=f"{next(_seq)}/QĐ-TĐC",
                    issued_on=dt.date(LAST_YEAR, 1, 2),
                    legal_basis="Luật Đo lường",
                    scope="Xăng dầu",
                    team_lead=self.inspector,
                )
                self._legal = LegalBasis.objects.create(
                    decree="87/2024/NĐ-CP",
                    article="20",
                    clause="1",
                    description="Vi phạm đo lường",
                    fine_min=Decimal(1_000_000),
                    fine_max=Decimal(50_000_000),
                    valid_from=dt.date(2024, 1, 1),
                )
            inspection = Inspection.objects.create(
                decision=self._decision,
                establishment=self.business,
                inspection_type=kind,
                visited_on=day,
                commune=commune or self.commune,
                result=result,
                status=status,
                inspector=self.inspector,
            )
            for amount, paid in fines:
                Violation.objects.create(
                    inspection=inspection,
                    legal_basis=self._legal,
                    description="Sai số vượt mức",
                    fine_amount=Decimal(amount),
                    payment="paid" if paid else "unpaid",
                )
            for conformity in samples:
                Sample.objects.create(
                    inspection=inspection,
                    code=f"M-{next(_seq)}",
                    product="Xăng RON 95",
                    laboratory="Trung tâm Kỹ thuật 1",
                    conformity=conformity,
                )
            return inspection

    def verification(self, day: dt.date, *, result="passed", kind="periodic", commune=None):
        from metrology.models import Instrument, InstrumentType, Verification

        with tenant_context(self.tenant):
            if self._instrument_type is None:
                self._instrument_type = InstrumentType.objects.create(
                    code=f"cot-xang-{next(_seq)}", name="Cột đo xăng dầu"
                )
            instrument = Instrument.objects.create(
                owner=self.business,
                instrument_type=self._instrument_type,
                serial=f"SN{next(_seq)}",
                commune=commune or self.commune,
                last_result=result,
                last_verified_on=day,
                valid_until=day + dt.timedelta(days=365),
            )
            return Verification.objects.create(
                instrument=instrument,
                kind=kind,
                verified_on=day,
                verifier="Nguyễn Văn Đức",
                verifying_body="Trung tâm Kỹ thuật TĐC",
                result=result,
            )

    def agency_check(self, year: int, *, result="compliant", status="announced"):
        from iso_qms.qms.models import AgencyProfile, YearlyCheck

        with tenant_context(self.tenant):
            agency = create_organization(self.tenant, kind=Organization.Kind.AGENCY, commune=self.commune)
            with tenant_context(self.tenant):
                profile = AgencyProfile.objects.create(
                    organization=agency, level="commune", status=status, name=agency.name
                )
                YearlyCheck.objects.create(
                    agency=profile,
                    year=year,
                    checked_on=dt.date(year, 6, 1),
                    team_leader="Trần Thị Hà",
                    result=result,
                    conclusions="Đạt yêu cầu",
                )
            return profile

    def stamps(self, day: dt.date, *, quantity: int, scans: int = 0, recalled: bool = False):
        from traceability.models import Batch, Product, ScanEvent, Stamp, StampApplication, StampSeries

        with tenant_context(self.tenant):
            StampApplication.objects.create(
                applicant=self.business, status="approved", submitted_at=aware(day)
            )
            product = Product.objects.create(
                owner=self.business, name="Chè xanh Tân Trào", gtin=f"{next(_seq):014d}"
            )
            batch = Batch.objects.create(
                product=product,
                lot=f"L{next(_seq)}",
                production_date=day,
                recalled_at=aware(day) if recalled else None,
            )
            series = StampSeries.objects.create(
                batch=batch,
                quantity=quantity,
                status="active",
                issued_at=aware(day),
                resolver_base="https://tcvn.test",
            )
            stamp = Stamp.objects.create(series=series, number=1, serial=f"S{next(_seq)}")
            for _ in range(scans):
                ScanEvent.objects.create(stamp=stamp, scanned_at=aware(day))

    def outreach(self, day: dt.date, *, kind="training", attendance=50, commune=None):
        from tcvn_portal.reports.models import OutreachActivity

        with tenant_context(self.tenant):
            return OutreachActivity.objects.create(
                date=day,
                kind=kind,
                topic="Tập huấn đo lường cho tiểu thương",
                audience="Tiểu thương",
                attendance=attendance,
                commune=commune,
            )


def early(year: int, month: int = 1) -> dt.date:
    """A day of `year` already past this year too, so year-to-date figures include it."""
    return dt.date(year, month, 1)


@pytest.fixture
def manager_a(tenant_a):
    return create_member(tenant_a, Role.MANAGER)


@pytest.fixture
def province_a(tenant_a, inspector_a):
    return Province(tenant_a, inspector_a)


@pytest.fixture
def reports_worker(transactional_db):
    """A real worker, in a thread, consuming the queues the deployment's worker consumes."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from tcvn_portal.celery import app
    from tests.celery_fixtures import _close_worker_connections

    app.control.purge()
    task_postrun.connect(_close_worker_connections, weak=False, dispatch_uid="tcvn-reports-worker-close-db")
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
            queues=["reports", "celery"],
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(dispatch_uid="tcvn-reports-worker-close-db")
