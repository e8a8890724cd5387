"""Writes of the metrology app. Each service validates fully before writing, so bad input changes nothing,
and receives the acting user explicitly (the audit trail records the change itself)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tcvn_portal.core.public_codes import make_code
from tcvn_portal.tenancy import context
from tcvn_portal.tenancy.models import Tenant

from . import notices
from .catalog import LEGAL_BASIS, SEED_TYPES, SEED_VALID_FROM
from .models import (
    Campaign,
    CampaignMarket,
    Instrument,
    InstrumentType,
    InstrumentTypeRule,
    Market,
    Verification,
    VerificationKind,
    VerificationRequest,
)

CERTIFICATE_CODE_KIND = "certificate"

INSTRUMENT_FIELDS = (
    "owner",
    "instrument_type",
    "maker",
    "model",
    "serial",
    "accuracy_class",
    "measuring_range",
    "type_approval_number",
    "location",
    "seal_numbers",
    "commune",
    "market",
    "status",
)


# --- Dates --------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31/01 + 1 month → 28 or 29/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until_for(verified_on: date, cycle_months: int) -> date:
    """A certificate holds up to the day before the same date `cycle_months` later (15/03 → 14/03)."""
    return add_months(verified_on, cycle_months) - timedelta(days=1)


# --- Catalog ------------------------------------------------------------------------------------


def seed_catalog(*, tenant: Tenant) -> int:
    """Creates the seeded instrument types and their first rule for `tenant`; existing codes are left as
    the administrator edited them. Returns how many types were created. Safe to run again."""
    created = 0
    with context.tenant_context(tenant):
        existing = set(InstrumentType.objects.values_list("code", flat=True))
        for seed in SEED_TYPES:
            if seed.code in existing:
                continue
            instrument_type = InstrumentType.objects.create(
                code=seed.code, name=seed.name, is_reference_scale=seed.is_reference_scale
            )
            InstrumentTypeRule.objects.create(
                instrument_type=instrument_type,
                valid_from=SEED_VALID_FROM,
                must_verify=True,
                initial=True,
                periodic=seed.periodic,
                after_repair=seed.periodic,
                cycle_months=seed.cycle_months,
                mpe_notes=seed.mpe_notes,
                legal_basis=LEGAL_BASIS,
                needs_checking=True,
            )
            created += 1
    return created


def save_instrument_type(*, instrument_type: InstrumentType, actor) -> InstrumentType:
    """Validates and saves a catalog entry (its code is unique in the tenant)."""
    instrument_type.full_clean(exclude=["tenant"])
    instrument_type.save()
    return instrument_type


def save_rule(*, rule: InstrumentTypeRule, actor) -> InstrumentTypeRule:
    """Validates and saves a dated rule. A periodic type needs its cycle; one date holds one rule per type."""
    if rule.periodic and not rule.cycle_months:
        raise ValidationError({"cycle_months": _("A type verified periodically needs its cycle in months.")})
    if not rule.periodic and rule.cycle_months:
        raise ValidationError({"cycle_months": _("Only a type verified periodically has a cycle.")})
    if not (rule.initial or rule.periodic or rule.after_repair) and rule.must_verify:
        raise ValidationError(_("Choose at least one kind of verification."))
    clash = InstrumentTypeRule.objects.filter(
        instrument_type=rule.instrument_type, valid_from=rule.valid_from
    ).exclude(pk=rule.pk)
    if clash.exists():
        raise ValidationError({"valid_from": _("This type already has a rule in force from that date.")})
    rule.full_clean(exclude=["tenant"], validate_constraints=False)
    rule.save()
    return rule


def rule_in_force(instrument_type: InstrumentType, on: date) -> InstrumentTypeRule | None:
    """The rule of the type that held on `on`: the latest one dated on or before it."""
    return (
        InstrumentTypeRule.objects.filter(instrument_type=instrument_type, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


# --- Instruments --------------------------------------------------------------------------------


def _check_instrument(instrument: Instrument) -> None:
    if instrument.owner_id and instrument.owner.archived_at is not None:
        raise ValidationError({"owner": _("This organisation is archived.")})
    if instrument.instrument_type_id and instrument.instrument_type.archived_at is not None:
        raise ValidationError({"instrument_type": _("This instrument type is archived.")})
    if instrument.market_id and instrument.market.archived_at is not None:
        raise ValidationError({"market": _("This market is archived.")})
    duplicate = Instrument.objects.filter(
        instrument_type_id=instrument.instrument_type_id, maker=instrument.maker, serial=instrument.serial
    ).exclude(pk=instrument.pk)
    if instrument.serial and duplicate.exists():
        raise ValidationError(
            {
                "serial": _(
                    "An instrument of this type and maker with this serial number is already registered."
                )
            }
        )
    instrument.full_clean(exclude=["tenant"], validate_constraints=False)


def register_instrument(*, actor, **fields: Any) -> Instrument:
    """Adds an instrument to the register after checking it is complete and not already registered."""
    unknown = set(fields) - set(INSTRUMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown instrument fields: {sorted(unknown)}")
    instrument = Instrument(**fields)
    _check_instrument(instrument)
    instrument.save()
    return instrument


def update_instrument(*, actor, instrument: Instrument, **changes: Any) -> Instrument:
    """Changes the register entry; a retired instrument cannot be put back into use."""
    unknown = set(changes) - set(INSTRUMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown instrument fields: {sorted(unknown)}")
    was_retired = Instrument.objects.filter(pk=instrument.pk, status=Instrument.Status.RETIRED).exists()
    if was_retired and changes.get("status", Instrument.Status.RETIRED) != Instrument.Status.RETIRED:
        raise ValidationError({"status": _("A retired instrument stays retired.")})
    for name, value in changes.items():
        setattr(instrument, name, value)
    _check_instrument(instrument)
    instrument.save()
    return instrument


def retire_instrument(*, actor, instrument: Instrument) -> Instrument:
    """Takes the instrument out of use for good: it gets no more reminders and leaves the due lists."""
    instrument.status = Instrument.Status.RETIRED
    instrument.save(update_fields=["status"])
    return instrument


# --- Verifications ------------------------------------------------------------------------------


def _decimal(raw: Any) -> Decimal:
    """A number as Vietnamese officers write it: decimal comma, and the typographic minus sign too."""
    return Decimal(str(raw).strip().replace("\u2212", "-").replace(",", "."))


def clean_measurements(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Test points with their measured error and permissible error, as exact decimal strings."""
    cleaned = []
    for number, row in enumerate(rows, start=1):
        point = str(row.get("point") or "").strip()
        raw_error, raw_mpe = row.get("error"), row.get("mpe")
        if not point and raw_error in (None, "") and raw_mpe in (None, ""):
            continue
        try:
            error = _decimal(raw_error)
            # A permissible error is a bound either side and is written so: "±0,5".
            mpe = _decimal(str(raw_mpe).strip().removeprefix("±")) if raw_mpe not in (None, "") else None
        except (InvalidOperation, ValueError):
            raise ValidationError(
                {
                    "measurements": _(
                        "Row %(n)s: write the errors as numbers, such as 0,06 or -0,12; "
                        "the unit goes with the test point."
                    )
                    % {"n": number}
                }
            ) from None
        if not error.is_finite() or (mpe is not None and (not mpe.is_finite() or mpe < 0)):
            raise ValidationError(
                {
                    "measurements": _("Row %(n)s: the errors must be finite, the permissible error positive.")
                    % {"n": number}
                }
            )
        if not point:
            raise ValidationError({"measurements": _("Row %(n)s: name the test point.") % {"n": number}})
        cleaned.append({"point": point[:60], "error": str(error), "mpe": "" if mpe is None else str(mpe)})
    return cleaned


def _refresh_instrument_status(instrument: Instrument) -> None:
    """Copies the latest standing verification onto the instrument (what the dashboards read)."""
    latest = (
        Verification.objects.filter(instrument=instrument, archived_at__isnull=True)
        .order_by("-verified_on", "-pk")
        .first()
    )
    instrument.last_verified_on = latest.verified_on if latest else None
    instrument.last_result = latest.result if latest else Instrument.Result.NONE
    instrument.valid_until = latest.valid_until if latest else None
    instrument.save(update_fields=["last_verified_on", "last_result", "valid_until"])


@transaction.atomic
def record_verification(
    *,
    actor,
    instrument: Instrument,
    kind: str,
    verified_on: date,
    verifier: str,
    verifying_body: str,
    result: str,
    measurements: list[dict[str, Any]] | None = None,
    stamp_number: str = "",
    certificate_number: str = "",
    planned_on: date | None = None,
    notes: str = "",
    request: VerificationRequest | None = None,
    campaign: Campaign | None = None,
    today: date | None = None,
) -> Verification:
    """Records a verification made on `verified_on`.

    Guarantees: the kind is one the type's rule in force ON THAT DATE allows; valid-until comes from that
    rule's cycle and the actual date (never the planned one); a passing result carries a stamp and a
    certificate number unique in the tenant and gets a public check code; a failing one gets neither and
    stays flagged for follow-up; the instrument's dashboard fields follow the latest verification.
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if instrument.status == Instrument.Status.RETIRED or instrument.archived_at is not None:
        raise ValidationError(_("This instrument is retired: it cannot be verified."))
    if kind not in VerificationKind.values:
        errors["kind"] = _("Choose the kind of verification.")
    if result not in Verification.Result.values:
        errors["result"] = _("Choose the result.")
    if verified_on > today:
        errors["verified_on"] = _("The verification date cannot be in the future.")
    if not verifier.strip():
        errors["verifier"] = _("Enter the verifier's name.")
    if not verifying_body.strip():
        errors["verifying_body"] = _("Enter the verifying body.")
    rule = rule_in_force(instrument.instrument_type, verified_on)
    if rule is None:
        errors["verified_on"] = _("The catalog has no rule for this instrument type on that date.")
    elif kind in VerificationKind.values and not rule.allows(kind):
        errors["kind"] = _("This kind of verification does not apply to this instrument type.")
    certificate_number = certificate_number.strip()
    stamp_number = stamp_number.strip()
    if result == Verification.Result.PASSED:
        if not stamp_number:
            errors["stamp_number"] = _("A passing instrument gets a stamp: enter its number.")
        if not certificate_number:
            errors["certificate_number"] = _("Enter the certificate number.")
        elif Verification.objects.filter(certificate_number=certificate_number).exists():
            errors["certificate_number"] = _("This certificate number is already used in the province.")
    elif result == Verification.Result.FAILED and (stamp_number or certificate_number):
        errors["certificate_number"] = _("A failing instrument gets neither a stamp nor a certificate.")
    if request is not None and (
        request.instrument_id != instrument.pk
        or request.status not in (VerificationRequest.Status.SUBMITTED, VerificationRequest.Status.SCHEDULED)
    ):
        errors["request"] = _("This request is not open for this instrument.")
    if errors:
        raise ValidationError(errors)
    cleaned_measurements = clean_measurements(measurements or [])

    passed = result == Verification.Result.PASSED
    cycle = rule.cycle_months if (passed and rule.periodic) else None
    verification = Verification.objects.create(
        instrument=instrument,
        kind=kind,
        planned_on=planned_on,
        verified_on=verified_on,
        verifier=verifier.strip(),
        verifying_body=verifying_body.strip(),
        result=result,
        measurements=cleaned_measurements,
        stamp_number=stamp_number,
        certificate_number=certificate_number,
        check_code=make_code(kind=CERTIFICATE_CODE_KIND, tenant_id=instrument.tenant_id) if passed else "",
        rule=rule,
        cycle_months=cycle,
        valid_until=valid_until_for(verified_on, cycle) if cycle else None,
        notes=notes,
        request=request,
        campaign=campaign,
        recorded_by=actor,
    )
    if request is not None:
        request.status = VerificationRequest.Status.DONE
        request.save(update_fields=["status"])
        notices.request_done(request)
    _refresh_instrument_status(instrument)
    return verification


@transaction.atomic
def annul_verification(*, actor, verification: Verification, reason: str) -> Verification:
    """Annuls a record made in error: it stays in the history, its certificate checks as not genuine."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is annulled.")})
    if verification.archived_at is not None:
        raise ValidationError(_("This record is already annulled."))
    verification.archived_at = timezone.now()
    verification.notes = (verification.notes + "\n" if verification.notes else "") + _("Annulled: %(r)s") % {
        "r": reason.strip()
    }
    verification.save(update_fields=["archived_at", "notes"])
    _refresh_instrument_status(verification.instrument)
    return verification


def close_follow_up(*, actor, verification: Verification, note: str) -> Verification:
    """Closes the follow-up of a failed verification with what was done (repair, removal, re-verification)."""
    if verification.result != Verification.Result.FAILED:
        raise ValidationError(_("Only a failed verification has a follow-up."))
    if verification.follow_up_closed_at is not None:
        raise ValidationError(_("The follow-up is already closed."))
    if not note.strip():
        raise ValidationError({"follow_up_note": _("Say how the failure was dealt with.")})
    verification.follow_up_note = note.strip()
    verification.follow_up_closed_at = timezone.now()
    verification.save(update_fields=["follow_up_note", "follow_up_closed_at"])
    return verification


def certificate_state(verification: Verification, *, today: date | None = None) -> str:
    """in_force, expired, annulled or failed: what the public check page says about a certificate."""
    today = today or timezone.localdate()
    if verification.archived_at is not None:
        return "annulled"
    if verification.result != Verification.Result.PASSED:
        return "failed"
    if verification.valid_until is not None and verification.valid_until < today:
        return "expired"
    if verification.instrument.status == Instrument.Status.RETIRED:
        return "expired"
    return "in_force"


# --- Requests -----------------------------------------------------------------------------------


def request_verification(
    *,
    actor,
    instrument: Instrument,
    kind: str,
    preferred_date: date | None = None,
    note: str = "",
    today: date | None = None,
) -> VerificationRequest:
    """A business asks for its instrument to be verified. One open request per instrument at a time; the
    province's metrology officers are notified with the request."""
    today = today or timezone.localdate()
    errors = {}
    if instrument.status == Instrument.Status.RETIRED:
        raise ValidationError(_("This instrument is retired: it cannot be verified."))
    if kind not in VerificationKind.values:
        errors["kind"] = _("Choose the kind of verification.")
    if preferred_date is not None and preferred_date < today:
        errors["preferred_date"] = _("The preferred date cannot be in the past.")
    open_requests = VerificationRequest.objects.filter(
        instrument=instrument,
        status__in=[VerificationRequest.Status.SUBMITTED, VerificationRequest.Status.SCHEDULED],
    )
    if open_requests.exists():
        errors["instrument"] = _("This instrument already has an open verification request.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = VerificationRequest.objects.create(
            instrument=instrument,
            kind=kind,
            preferred_date=preferred_date,
            note=note.strip(),
            requested_by=actor,
        )
        notices.request_submitted(request)
    return request


def schedule_request(
    *,
    actor,
    request: VerificationRequest,
    scheduled_for: date,
    officer_note: str = "",
    today: date | None = None,
) -> VerificationRequest:
    """The officer fixes the date of the verification visit; the owner's business users are told the date."""
    today = today or timezone.localdate()
    if request.status not in (VerificationRequest.Status.SUBMITTED, VerificationRequest.Status.SCHEDULED):
        raise ValidationError(_("This request is already closed."))
    if scheduled_for < today:
        raise ValidationError({"scheduled_for": _("The date cannot be in the past.")})
    request.status = VerificationRequest.Status.SCHEDULED
    request.scheduled_for = scheduled_for
    request.officer_note = officer_note.strip()
    with transaction.atomic():
        request.save(update_fields=["status", "scheduled_for", "officer_note"])
        notices.request_scheduled(request)
    return request


def cancel_request(*, actor, request: VerificationRequest, reason: str) -> VerificationRequest:
    """Closes a request that will not be carried out, saying why."""
    if request.status not in (VerificationRequest.Status.SUBMITTED, VerificationRequest.Status.SCHEDULED):
        raise ValidationError(_("This request is already closed."))
    if not reason.strip():
        raise ValidationError({"officer_note": _("Say why the request is cancelled.")})
    request.status = VerificationRequest.Status.CANCELLED
    request.officer_note = reason.strip()
    with transaction.atomic():
        request.save(update_fields=["status", "officer_note"])
        notices.request_cancelled(request)
    return request


# --- Markets and campaigns ----------------------------------------------------------------------


def save_market(*, market: Market, actor) -> Market:
    """Validates and saves a market (its name is unique in the tenant)."""
    if Market.objects.filter(name=market.name).exclude(pk=market.pk).exists():
        raise ValidationError({"name": _("A market with this name already exists.")})
    market.full_clean(exclude=["tenant"], validate_constraints=False)
    market.save()
    return market


def save_campaign(*, campaign: Campaign, actor, markets=None) -> Campaign:
    """Validates and saves a campaign: its dates lie in its year and in order."""
    errors = {}
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = _("The campaign cannot end before it starts.")
    if campaign.starts_on and campaign.year and campaign.starts_on.year != campaign.year:
        errors["starts_on"] = _("The campaign starts in its own year.")
    if Campaign.objects.filter(year=campaign.year, name=campaign.name).exclude(pk=campaign.pk).exists():
        errors["name"] = _("A campaign with this name already exists for that year.")
    if errors:
        raise ValidationError(errors)
    campaign.full_clean(exclude=["tenant"], validate_constraints=False)
    with transaction.atomic():
        campaign.save()
        if markets is not None:
            wanted = {market.pk for market in markets}
            current = set(
                CampaignMarket.objects.filter(campaign=campaign).values_list("market_id", flat=True)
            )
            for market_id in wanted - current:
                CampaignMarket.objects.create(campaign=campaign, market_id=market_id)
            # Only links go; markets and the verifications made there stay.
            CampaignMarket.objects.filter(campaign=campaign, market_id__in=current - wanted).delete()
    return campaign
