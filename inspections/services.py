"""Writes of the inspections domain. Each service validates its input in full before it writes, so bad
input raises a translated ValidationError and changes nothing; the actor is passed explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tcvn_portal.tenancy.models import Membership, Organization, Tenant
from tcvn_portal.tenancy.roles import Role

from . import calculators, catalog_data, selectors
from .models import (
    ChecklistAnswer,
    ChecklistItem,
    DecisionEstablishment,
    FollowUp,
    FuelDispenserCheck,
    Inspection,
    InspectionDecision,
    InspectionPlan,
    LegalBasis,
    QuantityCheck,
    Sample,
    SamplingPlan,
    TeamMember,
    ToleranceBand,
    Violation,
)

INSPECTING_ROLES = (Role.INSPECTOR, Role.MANAGER, Role.METROLOGY_OFFICER, Role.QUALITY_OFFICER)


def _today() -> date:
    return timezone.localdate()


def _not_in_future(errors: dict, field: str, value: date | None) -> None:
    if value is not None and value > _today():
        errors[field] = _("The date cannot be in the future.")


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _set_fields(instance, fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _full_clean(instance, exclude: Sequence[str] = ()) -> None:
    # Uniqueness is left to the database (a savepoint turns it into a message); the rest is checked here.
    instance.full_clean(exclude=["tenant", *exclude], validate_unique=False, validate_constraints=False)


def _is_inspecting_member(user) -> bool:
    return Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, role__in=INSPECTING_ROLES
    ).exists()


# --- Catalogs -----------------------------------------------------------------------------------


@transaction.atomic
def seed_catalogs(*, tenant: Tenant) -> None:
    """Give the active tenant the legal tables in force; a table it already has is left as it is."""
    from tcvn_portal.tenancy.context import require_tenant_id

    if require_tenant_id() != tenant.pk:
        raise ValueError("seed_catalogs must run inside the tenant's own context")
    if not ToleranceBand.objects.exists():
        ToleranceBand.objects.bulk_create(
            ToleranceBand(
                tenant=tenant,
                qn_above=lo,
                qn_upto=hi,
                percent=pct,
                absolute=ab,
                valid_from=catalog_data.OIML_R87_IN_FORCE,
            )
            for lo, hi, pct, ab in catalog_data.TOLERANCE_BANDS
        )
    if not SamplingPlan.objects.exists():
        SamplingPlan.objects.bulk_create(
            SamplingPlan(
                tenant=tenant,
                lot_min=lo,
                lot_max=hi,
                sample_size=n,
                max_short_beyond_t=c,
                k=k,
                valid_from=catalog_data.OIML_R87_IN_FORCE,
            )
            for lo, hi, n, c, k in catalog_data.SAMPLING_PLANS
        )
    if not LegalBasis.objects.exists():
        for decree, article, clause, point, act, lo, hi in catalog_data.LEGAL_BASES:
            LegalBasis.objects.create(
                decree=decree,
                article=article,
                clause=clause,
                point=point,
                description=act,
                fine_min=lo,
                fine_max=hi,
                valid_from=catalog_data.DECREE_126_IN_FORCE,
            )
    if not ChecklistItem.objects.exists():
        ChecklistItem.objects.bulk_create(
            ChecklistItem(tenant=tenant, inspection_type=kind, text=text, position=i)
            for kind, texts in catalog_data.CHECKLISTS.items()
            for i, text in enumerate(texts, start=1)
        )


def save_legal_basis(*, actor, instance: LegalBasis | None = None, **fields) -> LegalBasis:
    """Create or change a catalog row; the fine range must be ordered and positive."""
    basis = instance or LegalBasis()
    _set_fields(
        basis,
        fields,
        [
            "decree",
            "article",
            "clause",
            "point",
            "description",
            "fine_min",
            "fine_max",
            "valid_from",
            "valid_until",
        ],
    )
    _full_clean(basis)
    errors: dict = {}
    if basis.fine_min is not None and basis.fine_max is not None and basis.fine_min > basis.fine_max:
        errors["fine_max"] = _("The maximum fine must not be below the minimum fine.")
    if basis.valid_until and basis.valid_from and basis.valid_until < basis.valid_from:
        errors["valid_until"] = _("The end of validity must not be before its start.")
    _raise(errors)
    basis.save()
    return basis


def save_checklist_item(*, actor, instance: ChecklistItem | None = None, **fields) -> ChecklistItem:
    item = instance or ChecklistItem()
    _set_fields(item, fields, ["inspection_type", "text", "legal_reference", "position", "is_active"])
    _full_clean(item)
    item.save()
    return item


def save_tolerance_band(*, actor, instance: ToleranceBand | None = None, **fields) -> ToleranceBand:
    """A row of the OIML R 87 table: an ordered Qn range and exactly one of a percentage or a quantity."""
    band = instance or ToleranceBand()
    _set_fields(band, fields, ["qn_above", "qn_upto", "percent", "absolute", "valid_from", "valid_until"])
    _full_clean(band)
    errors: dict = {}
    if band.qn_upto <= band.qn_above:
        errors["qn_upto"] = _("The upper bound must be above the lower bound.")
    if (band.percent is None) == (band.absolute is None):
        errors["percent"] = _("Give T either as a percentage or as a quantity, not both.")
    _raise(errors)
    band.save()
    return band


def save_sampling_plan(*, actor, instance: SamplingPlan | None = None, **fields) -> SamplingPlan:
    plan = instance or SamplingPlan()
    _set_fields(
        plan,
        fields,
        ["lot_min", "lot_max", "sample_size", "max_short_beyond_t", "k", "valid_from", "valid_until"],
    )
    _full_clean(plan)
    errors: dict = {}
    if plan.lot_max is not None and plan.lot_max < plan.lot_min:
        errors["lot_max"] = _("The upper bound must be above the lower bound.")
    if plan.sample_size < 1 or (plan.lot_max is not None and plan.sample_size > plan.lot_max):
        errors["sample_size"] = _("The sample must have at least one package and fit in the lot.")
    _raise(errors)
    plan.save()
    return plan


# --- Plans --------------------------------------------------------------------------------------


def save_plan(*, actor, instance: InspectionPlan | None = None, **fields) -> InspectionPlan:
    """Create or change a plan while it is not approved; the period must be ordered and lie in the year."""
    plan = instance or InspectionPlan(created_by=actor)
    if plan.pk and plan.status == InspectionPlan.Status.APPROVED:
        raise ValidationError(_("An approved plan can no longer be changed."))
    _set_fields(
        plan, fields, ["year", "title", "topics", "sectors", "period_start", "period_end", "target_count"]
    )
    _full_clean(plan, exclude=["created_by", "approved_by"])
    errors: dict = {}
    if plan.period_end < plan.period_start:
        errors["period_end"] = _("The end of the period must not be before its start.")
    if plan.period_start.year != plan.year:
        errors["period_start"] = _("The period must start in the plan's year.")
    if plan.target_count < 1:
        errors["target_count"] = _("The plan needs at least one establishment to inspect.")
    _raise(errors)
    plan.save()
    return plan


def submit_plan(*, plan: InspectionPlan, actor) -> InspectionPlan:
    if plan.status != InspectionPlan.Status.DRAFT:
        raise ValidationError(_("Only a draft plan can be sent for approval."))
    plan.status = InspectionPlan.Status.SUBMITTED
    plan.save(update_fields=["status"])
    return plan


def approve_plan(*, plan: InspectionPlan, actor) -> InspectionPlan:
    """A manager approves a plan that was sent for approval."""
    if plan.status != InspectionPlan.Status.SUBMITTED:
        raise ValidationError(_("Only a plan waiting for approval can be approved."))
    plan.status = InspectionPlan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    return plan


# --- Decisions ----------------------------------------------------------------------------------


@transaction.atomic
def save_decision(
    *,
    actor,
    instance: InspectionDecision | None = None,
    members: Iterable = (),
    establishments: Iterable[Organization] = (),
    **fields,
) -> InspectionDecision:
    """Create or change a decision with its team and establishments.

    The team are active inspecting members of the tenant; an establishment already inspected under the
    decision stays on it.
    """
    decision = instance or InspectionDecision()
    _set_fields(
        decision, fields, ["plan", "number", "issued_on", "issued_by", "legal_basis", "scope", "team_lead"]
    )
    _full_clean(decision)
    members = list(members)
    establishments = list(establishments)
    errors: dict = {}
    _not_in_future(errors, "issued_on", decision.issued_on)
    if decision.plan_id and decision.plan.status != InspectionPlan.Status.APPROVED:
        errors["plan"] = _("A decision can only follow an approved plan.")
    if not _is_inspecting_member(decision.team_lead):
        errors["team_lead"] = _("The team lead must be an active inspector of this province.")
    if any(not _is_inspecting_member(m) for m in members):
        errors["members"] = _("Every team member must be an active official of this province.")
    if not establishments:
        errors["establishments"] = _("Choose at least one establishment to inspect.")
    if decision.pk:
        visited = set(decision.inspections.values_list("establishment_id", flat=True))
        if visited - {e.pk for e in establishments}:
            errors["establishments"] = _(
                "An establishment already inspected under this decision cannot be removed."
            )
    _raise(errors)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise ValidationError({"number": _("Another decision already has this number.")}) from None
    _replace_links(decision, TeamMember, "user", {m.pk for m in members if m.pk != decision.team_lead_id})
    _replace_links(decision, DecisionEstablishment, "organization", {e.pk for e in establishments})
    return decision


def _replace_links(decision: InspectionDecision, model, field: str, wanted: set[int]) -> None:
    current = set(model.objects.filter(decision=decision).values_list(f"{field}_id", flat=True))
    model.objects.filter(decision=decision, **{f"{field}_id__in": current - wanted}).delete()
    model.objects.bulk_create(
        model(tenant_id=decision.tenant_id, decision=decision, **{f"{field}_id": pk})
        for pk in wanted - current
    )


# --- Inspections --------------------------------------------------------------------------------

INSPECTION_FIELDS = [
    "inspection_type",
    "visited_on",
    "place",
    "commune",
    "latitude",
    "longitude",
    "representative_name",
    "representative_title",
    "findings",
    "notes",
    "result",
]


def _check_inspection(inspection: Inspection) -> None:
    errors: dict = {}
    _not_in_future(errors, "visited_on", inspection.visited_on)
    if inspection.visited_on and inspection.visited_on < inspection.decision.issued_on:
        errors["visited_on"] = _("The visit cannot be before the decision was issued.")
    if (inspection.latitude is None) != (inspection.longitude is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    if inspection.latitude is not None and not -90 <= inspection.latitude <= 90:
        errors["latitude"] = _("Latitude lies between -90 and 90.")
    if inspection.longitude is not None and not -180 <= inspection.longitude <= 180:
        errors["longitude"] = _("Longitude lies between -180 and 180.")
    _raise(errors)


@transaction.atomic
def create_inspection(
    *, actor, decision: InspectionDecision, establishment: Organization, **fields
) -> Inspection:
    """A draft inspection of one establishment of the decision, by the actor."""
    if not DecisionEstablishment.objects.filter(decision=decision, organization=establishment).exists():
        raise ValidationError({"establishment": _("This establishment is not named in the decision.")})
    inspection = Inspection(
        decision=decision, establishment=establishment, inspector=actor, commune_id=establishment.commune_id
    )
    _set_fields(inspection, fields, INSPECTION_FIELDS)
    _full_clean(inspection)
    _check_inspection(inspection)
    inspection.save()
    return inspection


def _require_editable(inspection: Inspection) -> None:
    if not inspection.is_editable:
        raise ValidationError(_("A submitted inspection can no longer be changed."))


@transaction.atomic
def update_inspection(
    *, actor, inspection: Inspection, answers: Mapping[int, tuple[str, str]] | None = None, **fields
) -> Inspection:
    """Change a draft inspection and, if given, its checklist answers ({item id: (answer, note)})."""
    _require_editable(inspection)
    _set_fields(inspection, fields, INSPECTION_FIELDS)
    _full_clean(inspection)
    _check_inspection(inspection)
    inspection.save()
    if answers is not None:
        _save_answers(inspection, answers)
    return inspection


def _save_answers(inspection: Inspection, answers: Mapping[int, tuple[str, str]]) -> None:
    items = {item.pk: item for item in selectors.checklist_for(inspection.inspection_type)}
    valid = set(ChecklistAnswer.Answer.values) | {""}
    for item_id, (answer, _note) in answers.items():
        if item_id not in items or answer not in valid:
            raise ValidationError(_("The checklist answer is not valid."))
    existing = {a.item_id: a for a in ChecklistAnswer.objects.filter(inspection=inspection)}
    for item_id, (answer, note) in answers.items():
        row = existing.get(item_id)
        if row is None:
            ChecklistAnswer.objects.create(inspection=inspection, item_id=item_id, answer=answer, note=note)
        elif (row.answer, row.note) != (answer, note):
            row.answer, row.note = answer, note
            row.save(update_fields=["answer", "note"])


def submit_inspection(*, actor, inspection: Inspection) -> Inspection:
    """Send a draft to the team lead; the conclusion must agree with the violations recorded."""
    _require_editable(inspection)
    has_violations = inspection.violations.filter(archived_at__isnull=True).exists()
    if inspection.result == Inspection.Result.PENDING:
        raise ValidationError({"result": _("Record the result of the inspection before submitting it.")})
    if inspection.result == Inspection.Result.VIOLATION and not has_violations:
        raise ValidationError({"result": _("Record the violations found before submitting.")})
    if inspection.result == Inspection.Result.COMPLIANT and has_violations:
        raise ValidationError(
            {"result": _("The inspection has violations recorded; it cannot be compliant.")}
        )
    inspection.status = Inspection.Status.SUBMITTED
    inspection.submitted_at = timezone.now()
    inspection.return_reason = ""
    inspection.save(update_fields=["status", "submitted_at", "return_reason", "updated_at"])
    return inspection


def _require_team_lead(actor, inspection: Inspection) -> None:
    if inspection.decision.team_lead_id != actor.pk:
        raise ValidationError(_("Only the team lead of the decision can approve or return this inspection."))


def approve_inspection(*, actor, inspection: Inspection) -> Inspection:
    _require_team_lead(actor, inspection)
    if inspection.status != Inspection.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted inspection can be approved."))
    inspection.status = Inspection.Status.APPROVED
    inspection.approved_by = actor
    inspection.approved_at = timezone.now()
    inspection.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return inspection


def return_inspection(*, actor, inspection: Inspection, reason: str) -> Inspection:
    """The team lead sends a submitted inspection back to draft, saying why."""
    _require_team_lead(actor, inspection)
    if inspection.status != Inspection.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted inspection can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the inspection is returned.")})
    inspection.status = Inspection.Status.DRAFT
    inspection.return_reason = reason.strip()
    inspection.save(update_fields=["status", "return_reason", "updated_at"])
    return inspection


# --- Calculators on an inspection ---------------------------------------------------------------


def _decimal_list(values: Sequence) -> list[Decimal]:
    try:
        return [Decimal(str(v).replace(",", ".")) for v in values]
    except (InvalidOperation, ValueError):
        raise ValidationError({"actual_quantities": _("Each measured quantity must be a number.")}) from None


def parse_quantities(text: str) -> list[Decimal]:
    """Measured quantities typed one per line or separated by spaces or semicolons."""
    return _decimal_list([v for v in text.replace(";", " ").split() if v])


def add_quantity_check(
    *,
    actor,
    inspection: Inspection,
    product: str,
    unit: str,
    nominal_quantity: Decimal,
    lot_size: int,
    actual_quantities: Sequence,
) -> QuantityCheck:
    """Judge a lot with the tables in force on the day of the visit and keep the verdict with the data."""
    _require_editable(inspection)
    values = _decimal_list(actual_quantities)
    try:
        result = calculators.evaluate_prepackaged(
            qn=nominal_quantity,
            lot_size=lot_size,
            actual_quantities=values,
            bands=selectors.tolerance_bands_on(inspection.visited_on),
            plans=selectors.sampling_plans_on(inspection.visited_on),
        )
    except calculators.CalculatorError as exc:
        raise ValidationError({"actual_quantities": str(exc)}) from None
    check = QuantityCheck(
        inspection=inspection,
        product=product,
        unit=unit,
        nominal_quantity=nominal_quantity,
        lot_size=lot_size,
        actual_quantities=[str(v) for v in values],
        tolerable_deficiency=result.tolerable_deficiency,
        short_beyond_t=result.short_beyond_t,
        short_beyond_2t=result.short_beyond_2t,
        mean=result.mean,
        mean_limit=result.mean_limit,
        conforms=result.conforms,
    )
    _full_clean(check)
    check.save()
    return check


def add_fuel_check(
    *,
    actor,
    inspection: Inspection,
    nozzle: str,
    indicated_volume: Decimal,
    standard_volume: Decimal,
    max_permissible_error: Decimal,
) -> FuelDispenserCheck:
    _require_editable(inspection)
    try:
        result = calculators.evaluate_fuel_dispenser(
            indicated_volume=indicated_volume,
            standard_volume=standard_volume,
            max_permissible_error=max_permissible_error,
        )
    except calculators.CalculatorError as exc:
        raise ValidationError({"standard_volume": str(exc)}) from None
    check = FuelDispenserCheck(
        inspection=inspection,
        nozzle=nozzle,
        indicated_volume=indicated_volume,
        standard_volume=standard_volume,
        max_permissible_error=max_permissible_error,
        error_percent=result.error_percent,
        conforms=result.conforms,
    )
    _full_clean(check)
    check.save()
    return check


# --- Samples ------------------------------------------------------------------------------------

SAMPLE_FIELDS = ["code", "product", "laboratory", "sent_on", "returned_on", "result", "conformity"]


def save_sample(
    *, actor, inspection: Inspection | None = None, instance: Sample | None = None, **fields
) -> Sample:
    """A sample and its laboratory result: the result comes back after the sample was sent, never later
    than today."""
    sample = instance or Sample(inspection=inspection)
    _set_fields(sample, fields, SAMPLE_FIELDS)
    _full_clean(sample)
    errors: dict = {}
    _not_in_future(errors, "sent_on", sample.sent_on)
    _not_in_future(errors, "returned_on", sample.returned_on)
    if sample.sent_on and sample.sent_on < sample.inspection.visited_on:
        errors["sent_on"] = _("A sample cannot be sent before it was taken at the visit.")
    if sample.returned_on and not sample.sent_on:
        errors["returned_on"] = _("A result cannot come back from a sample that was not sent.")
    elif sample.returned_on and sample.returned_on < sample.sent_on:
        errors["returned_on"] = _("The result cannot come back before the sample was sent.")
    if sample.conformity != Sample.Conformity.PENDING and not (sample.returned_on and sample.result.strip()):
        errors["conformity"] = _("Conformity is decided from a returned result: give its date and content.")
    _raise(errors)
    try:
        with transaction.atomic():
            sample.save()
    except IntegrityError:
        raise ValidationError({"code": _("Another sample already has this code.")}) from None
    return sample


# --- Violations and sanctions -------------------------------------------------------------------


def add_violation(
    *,
    actor,
    inspection: Inspection,
    legal_basis: LegalBasis,
    description: str,
    fine_amount: Decimal,
    remedial_measures: str = "",
) -> Violation:
    """A violation under a catalog entry in force on the visit day, its fine within the entry's range."""
    _require_editable(inspection)
    violation = Violation(
        inspection=inspection,
        legal_basis=legal_basis,
        description=description,
        fine_amount=fine_amount,
        remedial_measures=remedial_measures,
    )
    _full_clean(violation)
    errors: dict = {}
    day = inspection.visited_on
    if legal_basis.valid_from > day or (legal_basis.valid_until and legal_basis.valid_until < day):
        errors["legal_basis"] = _("This legal basis was not in force on the day of the visit.")
    elif not legal_basis.fine_min <= fine_amount <= legal_basis.fine_max:
        errors["fine_amount"] = _("The fine must lie between %(min)s and %(max)s VND for this act.") % {
            "min": f"{legal_basis.fine_min:,.0f}".replace(",", "."),
            "max": f"{legal_basis.fine_max:,.0f}".replace(",", "."),
        }
    _raise(errors)
    violation.save()
    return violation


def record_sanction(
    *,
    actor,
    violation: Violation,
    sanction_number: str,
    sanction_date: date,
    payment: str = Violation.Payment.UNPAID,
    paid_on: date | None = None,
) -> Violation:
    """The sanction decision for a violation and its payment."""
    errors: dict = {}
    if not sanction_number.strip():
        errors["sanction_number"] = _("Give the number of the sanction decision.")
    _not_in_future(errors, "sanction_date", sanction_date)
    if sanction_date and sanction_date < violation.inspection.visited_on:
        errors["sanction_date"] = _("The sanction cannot be decided before the inspection.")
    _not_in_future(errors, "paid_on", paid_on)
    if payment == Violation.Payment.PAID and not paid_on:
        errors["paid_on"] = _("Give the date the fine was paid.")
    if paid_on and sanction_date and paid_on < sanction_date:
        errors["paid_on"] = _("The fine cannot be paid before the sanction decision.")
    if payment not in Violation.Payment.values:
        errors["payment"] = _("Choose a valid payment status.")
    _raise(errors)
    violation.sanction_number = sanction_number.strip()
    violation.sanction_date = sanction_date
    violation.payment = payment
    violation.paid_on = paid_on if payment == Violation.Payment.PAID else None
    violation.save(update_fields=["sanction_number", "sanction_date", "payment", "paid_on"])
    return violation


# --- Follow-ups ---------------------------------------------------------------------------------


def add_followup(
    *, actor, inspection: Inspection, requirement: str, deadline: date, violation: Violation | None = None
) -> FollowUp:
    errors: dict = {}
    if not requirement.strip():
        errors["requirement"] = _("Say what the establishment must correct.")
    if deadline <= inspection.visited_on:
        errors["deadline"] = _("The deadline must come after the visit.")
    if violation is not None and violation.inspection_id != inspection.pk:
        errors["violation"] = _("The violation belongs to another inspection.")
    _raise(errors)
    return FollowUp.objects.create(
        inspection=inspection, requirement=requirement.strip(), deadline=deadline, violation=violation
    )


def close_followup(*, actor, followup: FollowUp, evidence: str, closed_on: date) -> FollowUp:
    """Close a follow-up with the evidence that the correction was made."""
    errors: dict = {}
    if followup.status == FollowUp.Status.CLOSED:
        raise ValidationError(_("This follow-up is already closed."))
    if not evidence.strip():
        errors["evidence"] = _("Describe the evidence that the correction was made.")
    _not_in_future(errors, "closed_on", closed_on)
    if closed_on and closed_on < followup.inspection.visited_on:
        errors["closed_on"] = _("A follow-up cannot close before the inspection.")
    _raise(errors)
    followup.status = FollowUp.Status.CLOSED
    followup.evidence = evidence.strip()
    followup.closed_on = closed_on
    followup.closed_by = actor
    followup.save(update_fields=["status", "evidence", "closed_on", "closed_by"])
    return followup


REMINDER_DAYS_BEFORE = 7


def send_followup_reminders(*, tenant: Tenant, today: date) -> int:
    """Remind the inspector and the team lead of each open follow-up: once when its deadline is a week
    away or closer, once when it has passed. Notification keys make a rerun (or a retried task) send
    nothing twice. Returns how many notifications were asked for."""
    from django.urls import reverse

    from tcvn_portal.notifications.services import notify

    sent = 0
    due = selectors.open_followups().filter(deadline__lte=today + timedelta(days=REMINDER_DAYS_BEFORE))
    due = due.select_related(
        "inspection__establishment", "inspection__decision__team_lead", "inspection__inspector"
    )
    for followup in due:
        inspection = followup.inspection
        overdue = followup.deadline < today
        occasion = "overdue" if overdue else "due-soon"
        subject = (
            _("Follow-up overdue: %(name)s") if overdue else _("Follow-up due on %(date)s: %(name)s")
        ) % {
            "name": inspection.establishment.name,
            "date": followup.deadline.strftime("%d/%m/%Y"),
        }
        body = _("%(requirement)s — deadline %(date)s.") % {
            "requirement": followup.requirement,
            "date": followup.deadline.strftime("%d/%m/%Y"),
        }
        recipients = {inspection.inspector, inspection.decision.team_lead}
        for user in sorted(recipients, key=lambda u: u.pk):
            notify(
                recipient=user,
                tenant=tenant,
                subject=subject,
                body=body,
                key=f"inspections:followup:{followup.pk}:{occasion}",
                url=reverse("inspections:inspection_detail", args=[inspection.pk]),
            )
            sent += 1
    return sent
