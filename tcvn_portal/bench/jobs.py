"""The benchmark's steps that run inside Django: `python -m tcvn_portal.bench.jobs <step> …` prints one JSON
object. Each measured step runs in its own process, so its peak memory (ru_maxrss) is its own."""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from urllib.parse import urlencode

import django


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def targets(tenant_id: int, *, samples: int = 2000) -> dict:
    """URLs for the load generator: list pages, API lists, a search, stamps to scan and certificates to
    check."""
    from django.urls import reverse

    from metrology.models import Instrument, Verification
    from tcvn_portal.tenancy.context import tenant_context
    from tcvn_portal.tenancy.models import Tenant
    from traceability.models import Stamp

    from . import paths

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_context(tenant):
        last = Stamp.objects.order_by("-pk").values_list("pk", flat=True).first()
        first = Stamp.objects.order_by("pk").values_list("pk", flat=True).first()
        # Random ids between the province's first and last stamp; other provinces' stamps (and, on a
        # reused database, earlier runs' series) lie between them, so draw until enough are the province's.
        rng, found, draw = random.Random(8), {}, samples
        while len(found) < samples and draw < 64 * samples:
            picks = rng.sample(range(first, last + 1), min(draw, last - first + 1))
            for pk, *path in Stamp.objects.filter(pk__in=picks).values_list(
                "pk", "serial", "series__batch__lot", "series__batch__product__gtin"
            ):
                found[pk] = path
            draw *= 4
        stamps = [found[pk] for pk in rng.sample(sorted(found), min(samples, len(found)))]
        scans = [f"/01/{gtin}/10/{lot}/21/{serial}" for serial, lot, gtin in stamps]
        codes = (
            Verification.objects.exclude(check_code="").order_by("-pk").values_list("check_code", flat=True)
        )
        checks = [f"/metrology/check/{code}/" for code in codes[:samples]]
        # An official looking an instrument up by the serial on its plate.
        serial = Instrument.objects.order_by("pk").values_list("serial", flat=True)[
            Instrument.objects.count() // 2
        ]
    instruments = reverse("metrology:instrument_list")
    return {
        "pages": {name: reverse(name) for name in paths.LIST_PAGES},
        "searches": {"metrology:instrument_list?q=<serial>": f"{instruments}?{urlencode({'q': serial})}"},
        "api": {path: path for path in paths.API_LISTS},
        "scans": scans,
        "checks": checks,
    }


def session(tenant_id: int) -> dict:
    """A logged-in session of a manager of the tenant alone, MFA passed (as allauth records it).

    The seed's bench manager belongs to every province (it acts in each while seeding); a provincial
    manager belongs to one, and every page they open carries one membership, not 34."""
    from django.test import Client

    from tcvn_portal.tenancy.context import tenant_context
    from tcvn_portal.tenancy.middleware import SESSION_KEY
    from tcvn_portal.tenancy.models import Membership, Tenant
    from tcvn_portal.tenancy.roles import Role

    from .seed import bench_user, province_manager_email

    user = bench_user(province_manager_email(tenant_id), full_name="Bench Province Manager")
    with tenant_context(Tenant.objects.get(pk=tenant_id)):
        Membership.objects.get_or_create(user=user, defaults={"role": Role.MANAGER})
    client = Client()
    client.force_login(user)
    store = client.session
    store["account_authentication_methods"] = [{"method": "password", "at": 0}, {"method": "mfa", "at": 0}]
    store[SESSION_KEY] = tenant_id
    store.save()
    return {"cookie": f"sessionid={store.session_key}"}


def request_series(tenant_id: int, quantity: int) -> dict:
    """A product with an approved quota and a batch, then a series of `quantity` stamps asked for through the
    service, which queues the issuing on the Celery worker."""
    from django.conf import settings
    from django.utils import timezone

    from tcvn_portal.tenancy.context import tenant_context
    from tcvn_portal.tenancy.models import Organization, Tenant
    from traceability import services
    from traceability.gs1 import gtin_check_digit
    from traceability.models import ApplicationItem, Batch, Product, StampApplication

    tenant = Tenant.objects.get(pk=tenant_id)
    stamp = int(time.time())
    with tenant_context(tenant):
        owner = Organization.objects.filter(kind=Organization.Kind.BUSINESS).order_by("pk").first()
        body = f"8939{stamp % 10**8:08d}"
        product = Product.objects.create(
            owner=owner, name=f"Bench million {stamp}", gtin=(body + str(gtin_check_digit(body))).zfill(14)
        )
        # The quota is the precondition, not what is measured: written directly, already approved.
        application = StampApplication.objects.create(
            applicant=owner, status=StampApplication.Status.APPROVED, decided_at=timezone.now()
        )
        ApplicationItem.objects.create(application=application, product=product, quantity=quantity)
        batch = Batch.objects.create(product=product, lot=f"M{stamp}", production_date=timezone.localdate())
        # Queued on the worker when tenant_context's transaction commits.
        series = services.request_series(
            batch=batch, quantity=quantity, resolver_base=settings.TCVN_SITE_URL, actor=None
        )
    return {"series_id": series.pk}


def series_state(tenant_id: int, series_id: int) -> dict:
    from tcvn_portal.tenancy.context import tenant_context
    from tcvn_portal.tenancy.models import Tenant
    from traceability import printpack
    from traceability.models import StampSeries

    with tenant_context(Tenant.objects.get(pk=tenant_id)):
        series = StampSeries.objects.get(pk=series_id)
        labels = printpack.progress(series_id)
        return {
            "labels_done": labels[0] if labels else (series.quantity if series.print_pdf else 0),
            "status": series.status,
            "created_at": series.created_at.timestamp(),
            "issued_at": series.issued_at.timestamp() if series.issued_at else None,
            "csv": bool(series.print_csv),
            "pdf": bool(series.print_pdf),
        }


def annual_report(tenant_id: int, year: int) -> dict:
    """Builds the tenant's annual report of `year` as the worker's task would, timed, in this process."""
    from tcvn_portal.reports.models import AnnualReport
    from tcvn_portal.reports.services import build_annual_report
    from tcvn_portal.tenancy.context import tenant_context
    from tcvn_portal.tenancy.models import Tenant

    with tenant_context(Tenant.objects.get(pk=tenant_id)):
        last = AnnualReport.objects.filter(year=year).order_by("-version").first()
        report = AnnualReport.objects.create(year=year, version=(last.version + 1) if last else 1)
    started = time.monotonic()
    with tenant_context(Tenant.objects.get(pk=tenant_id)):
        report = build_annual_report(report=report)
    return {
        "seconds": time.monotonic() - started,
        "peak_mib": _peak_mib(),
        "status": report.status,
        "bytes": report.size,
        "error": report.error,
    }


def reminder_sweep() -> dict:
    """The daily sweep over every province, the body of the beat task, timed in this process."""
    from metrology.tasks import sweep_reminders

    started = time.monotonic()
    result = sweep_reminders()
    return {"seconds": time.monotonic() - started, "peak_mib": _peak_mib(), **result}


STEPS = {
    "targets": targets,
    "session": session,
    "request_series": request_series,
    "series_state": series_state,
    "annual_report": annual_report,
    "reminder_sweep": reminder_sweep,
}

if __name__ == "__main__":
    django.setup()
    step, *args = sys.argv[1:]
    print(json.dumps(STEPS[step](*(int(a) for a in args))))  # noqa: T201
