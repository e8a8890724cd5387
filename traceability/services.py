"""Writes of the traceability domain. Every service validates first and changes nothing on bad input."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tcvn_portal.core.public_codes import make_codes
from tcvn_portal.tenancy.models import Organization

from . import cache as scan_cache
from . import selectors
from .gs1 import normalize_gtin
from .models import (
    ApplicationItem,
    Batch,
    BatchEvent,
    Certification,
    Product,
    ProductionStage,
    Stamp,
    StampApplication,
    StampSeries,
)

MAX_SERIES = 1_000_000
ISSUE_CHUNK = 50_000


def _require_business(organization: Organization | None) -> None:
    if organization is None or organization.kind != Organization.Kind.BUSINESS:
        raise ValidationError(_("Only a business can hold products and stamps."))


def save_product(*, product: Product, actor) -> Product:
    """Validates (GTIN check digit, a business owner) and saves; stores the GTIN as 14 digits."""
    _require_business(product.owner if product.owner_id else None)
    try:
        product.gtin = normalize_gtin(product.gtin)
    except ValidationError as error:
        raise ValidationError({"gtin": error.messages}) from error
    product.full_clean(exclude=["tenant"])
    product.save()
    scan_cache.product_pages_changed(product)
    return product


def add_certification(*, product: Product, actor, **fields) -> Certification:
    certification = Certification(product=product, **fields)
    certification.full_clean(exclude=["tenant"])
    certification.save()
    scan_cache.product_pages_changed(product)
    return certification


# --- Applications ---------------------------------------------------------------------------------


def create_application(
    *, applicant: Organization, items: Iterable[tuple[Product, int]], note: str = "", actor
) -> StampApplication:
    """A draft application for the business's own products, each with a positive number of stamps."""
    _require_business(applicant)
    items = list(items)
    _check_items(applicant, items)
    application = StampApplication.objects.create(applicant=applicant, note=note)
    ApplicationItem.objects.bulk_create(
        [
            ApplicationItem(tenant_id=application.tenant_id, application=application, product=p, quantity=q)
            for p, q in items
        ]
    )
    return application


def _check_items(applicant: Organization, items: list[tuple[Product, int]]) -> None:
    if not items:
        raise ValidationError(_("Add at least one product to the application."))
    seen = set()
    for product, quantity in items:
        if product.owner_id != applicant.pk:
            raise ValidationError(_("A business can apply for stamps for its own products only."))
        if product.pk in seen:
            raise ValidationError(_("Each product may appear once on an application."))
        seen.add(product.pk)
        if not quantity or quantity < 1 or quantity > MAX_SERIES:
            raise ValidationError(_("The number of stamps must be between 1 and 1,000,000."))


def submit_application(*, application: StampApplication, actor) -> StampApplication:
    """Draft → submitted, once it lists at least one product."""
    if application.status != StampApplication.Status.DRAFT:
        raise ValidationError(_("Only a draft application can be submitted."))
    if not application.items.exists():
        raise ValidationError(_("Add at least one product to the application."))
    application.status = StampApplication.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save()
    return application


def approve_application(*, application: StampApplication, actor) -> StampApplication:
    """Submitted → approved, only when every product carries the ten data items of Circular 02/2024."""
    if application.status != StampApplication.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be approved."))
    problems = []
    for item in application.items.select_related("product__owner"):
        missing = selectors.missing_data_items(item.product)
        if missing:
            problems.append(
                _("%(product)s lacks: %(items)s.")
                % {"product": item.product.name, "items": ", ".join(missing)}
            )
    if problems:
        raise ValidationError(problems)
    application.status = StampApplication.Status.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save()
    return application


def reject_application(*, application: StampApplication, reason: str, actor) -> StampApplication:
    """Submitted → rejected; the business is told why."""
    if application.status != StampApplication.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be rejected."))
    if not (reason or "").strip():
        raise ValidationError({"rejection_reason": _("Say why the application is rejected.")})
    application.status = StampApplication.Status.REJECTED
    application.rejection_reason = reason.strip()
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save()
    return application


# --- Batches --------------------------------------------------------------------------------------


def save_batch(*, batch: Batch, actor) -> Batch:
    """Validates the lot (GS1 characters) and the dates, and saves."""
    batch.full_clean(exclude=["tenant"])
    if batch.expiry_date and batch.expiry_date < batch.production_date:
        raise ValidationError({"expiry_date": _("The expiry date cannot be before the production date.")})
    if batch.recalled_at is not None:
        raise ValidationError(_("A recalled batch cannot be changed."))
    batch.save()
    scan_cache.batch_page_changed(batch.pk)
    return batch


def add_stage(
    *,
    batch: Batch,
    name: str,
    place: str,
    started_at: datetime,
    actor,
    bizstep: str = ProductionStage.BizStep.COMMISSIONING,
    ended_at: datetime | None = None,
) -> ProductionStage:
    stage = ProductionStage(
        batch=batch, name=name, place=place, started_at=started_at, ended_at=ended_at, bizstep=bizstep
    )
    stage.full_clean(exclude=["tenant"])
    if ended_at and ended_at < started_at:
        raise ValidationError({"ended_at": _("A stage cannot end before it starts.")})
    stage.save()
    scan_cache.batch_page_changed(batch.pk)
    return stage


def recall_batch(*, batch: Batch, reason: str, actor) -> Batch:
    """Marks the batch recalled, records the EPCIS recall event, and drops its cached scan pages at once."""
    if batch.recalled_at is not None:
        raise ValidationError(_("This batch is already recalled."))
    if not (reason or "").strip():
        raise ValidationError({"recall_reason": _("Say why the batch is recalled.")})
    now = timezone.now()
    batch.recalled_at = now
    batch.recall_reason = reason.strip()
    batch.save(update_fields=["recalled_at", "recall_reason"])
    BatchEvent.objects.create(
        batch=batch, bizstep="recalling", disposition="recalled", event_time=now, note=batch.recall_reason
    )
    # In this transaction: from its commit on, every scan asks for the page of the new version.
    scan_cache.batch_page_changed(batch.pk)
    return batch


# --- Stamp series ---------------------------------------------------------------------------------


def request_series(*, batch: Batch, quantity: int, resolver_base: str, actor) -> StampSeries:
    """A series of `quantity` stamps for the batch, within the product's approved quota; issued in the
    background (`issue_series` task)."""
    if batch.recalled_at is not None:
        raise ValidationError(_("No stamps can be issued for a recalled batch."))
    if not quantity or quantity < 1 or quantity > MAX_SERIES:
        raise ValidationError({"quantity": _("The number of stamps must be between 1 and 1,000,000.")})
    remaining = selectors.remaining_quota(batch.product)
    if quantity > remaining:
        raise ValidationError(
            {
                "quantity": _("Only %(n)s stamps remain of the approved applications for this product.")
                % {"n": f"{remaining:,}".replace(",", ".")}
            }
        )
    series = StampSeries.objects.create(
        batch=batch, quantity=quantity, resolver_base=resolver_base.rstrip("/")
    )
    from .tasks import issue_series

    issue_series.delay_for(series.tenant_id, series_id=series.pk)
    return series


def issue_stamps(*, series: StampSeries) -> int:
    """Creates the series' stamps in chunks of INSERT … SELECT unnest(…), each serial a fresh public code.

    Idempotent: a series no longer being issued is left alone, and the whole run is one transaction, so a
    worker that dies mid-run leaves no partial series for the retry to trip over. A serial that collides
    with an existing one (a 2^-64 event) is skipped by ON CONFLICT and replaced by a fresh one.
    """
    series = StampSeries.objects.select_for_update().get(pk=series.pk)
    if series.status != StampSeries.Status.ISSUING:
        return 0
    created = series.stamps.count()
    number = created
    while created < series.quantity:
        want = min(ISSUE_CHUNK, series.quantity - created)
        codes = make_codes(kind="stamp", tenant_id=series.tenant_id, count=want)
        created += _insert_stamps(series=series, first_number=number, codes=codes)
        number += want
        scan_cache.set_progress(series.pk, created, series.quantity)
    series.status = StampSeries.Status.INACTIVE
    series.issued_at = timezone.now()
    series.save(update_fields=["status", "issued_at"])
    from .tasks import build_print_pack

    build_print_pack.delay_for(series.tenant_id, series_id=series.pk)
    return created


def _insert_stamps(*, series: StampSeries, first_number: int, codes: list[str]) -> int:
    """Inserts one chunk; returns how many went in (a colliding serial is skipped, never reused)."""
    if connection.vendor == "postgresql":
        # One statement a chunk: unnest() turns the list into rows without 50 000 bound parameters.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO traceability_stamp "
                "(tenant_id, series_id, number, serial, scan_count, place_count) "
                "SELECT %s, %s, %s + t.ord, t.serial, 0, 0 "
                "FROM unnest(%s::varchar[]) WITH ORDINALITY AS t(serial, ord) "
                "ON CONFLICT (tenant_id, serial) DO NOTHING",
                [series.tenant_id, series.pk, first_number, codes],
            )
            return cursor.rowcount
    before = Stamp.objects.filter(series=series).count()
    Stamp.objects.bulk_create(
        [
            Stamp(tenant_id=series.tenant_id, series=series, number=first_number + i, serial=code)
            for i, code in enumerate(codes, start=1)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return Stamp.objects.filter(series=series).count() - before


def activate_series(*, series: StampSeries, actor) -> StampSeries:
    """Issued → active: its stamps now answer "genuine" on the scan page."""
    if series.status != StampSeries.Status.INACTIVE:
        raise ValidationError(_("Only an issued series that is not yet active can be activated."))
    now = timezone.now()
    series.status = StampSeries.Status.ACTIVE
    series.activated_at = now
    series.save(update_fields=["status", "activated_at"])
    BatchEvent.objects.create(
        batch_id=series.batch_id,
        bizstep="commissioning",
        disposition="active",
        event_time=now,
        note=f"series {series.pk}",
    )
    return series


def withdraw_series(*, series: StampSeries, reason: str, actor) -> StampSeries:
    """Takes every stamp of the series out of use: the scan page answers 410 Gone."""
    if series.status == StampSeries.Status.WITHDRAWN:
        raise ValidationError(_("This series is already withdrawn."))
    if not (reason or "").strip():
        raise ValidationError({"withdrawal_reason": _("Say why the series is withdrawn.")})
    now = timezone.now()
    series.status = StampSeries.Status.WITHDRAWN
    series.withdrawn_at = now
    series.withdrawal_reason = reason.strip()
    series.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
    BatchEvent.objects.create(
        batch_id=series.batch_id,
        bizstep="decommissioning",
        disposition="inactive",
        event_time=now,
        note=series.withdrawal_reason,
    )
    return series
