"""Expiry reminders: 30 and 7 days before a certificate's last day and on the day it lapses, to the
instrument's owner and to the province's metrology officers — each exactly once.

Exactly once, even when a worker dies mid-sweep: each verification's reminder is one transaction that
writes the `Reminder` ledger row (unique per verification and stage) together with the notifications,
whose own key (recipient, "metrology:verification:<id>:<stage>") is idempotent too. A sweep that dies
leaves whole reminders or none; the next sweep skips the ledger's rows and sends the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Membership, Tenant
from tcvn_portal.tenancy.roles import Role

from .models import Reminder, Verification
from .selectors import standing_verifications

# A reminder missed for longer than this (a worker down for weeks, an imported register full of long-lapsed
# certificates) is not sent late: the dashboards already show those instruments as overdue.
LAPSED_GRACE_DAYS = 30
# Verifications read at once by the sweep; each reminder still commits on its own.
SWEEP_CHUNK = 500


@dataclass(frozen=True)
class SweepResult:
    sent: int
    skipped: int


def stage_for(valid_until: date, today: date) -> str | None:
    """The one stage due today: the latest that has begun, so a late sweep never sends a stale one."""
    lapses_on = valid_until + timedelta(days=1)
    if lapses_on <= today < lapses_on + timedelta(days=LAPSED_GRACE_DAYS):
        return Reminder.Stage.LAPSED
    if valid_until - timedelta(days=7) <= today <= valid_until:
        return Reminder.Stage.DAYS_7
    if valid_until - timedelta(days=30) <= today < valid_until - timedelta(days=7):
        return Reminder.Stage.DAYS_30
    return None


def stage_in_sql(today: date) -> Case:
    """stage_for() as a SQL expression over valid_until, so the database can match it to the ledger."""
    return Case(
        When(
            valid_until__lt=today,
            valid_until__gte=today - timedelta(days=LAPSED_GRACE_DAYS),
            then=Value(Reminder.Stage.LAPSED),
        ),
        When(
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=7),
            then=Value(Reminder.Stage.DAYS_7),
        ),
        When(
            valid_until__gt=today + timedelta(days=7),
            valid_until__lte=today + timedelta(days=30),
            then=Value(Reminder.Stage.DAYS_30),
        ),
        default=Value(None),
        output_field=CharField(),
    )


def candidates(today: date):
    """Standing verifications whose reminder window includes today and whose stage is not yet sent.

    The stage already in the ledger is excluded here, in SQL (an anti-join on the ledger's unique index),
    so a daily sweep reads only what it must send instead of re-checking a month of candidates one by one.
    """
    sent = Reminder.objects.filter(verification_id=OuterRef("pk"), stage=OuterRef("due_stage"))
    window = (
        standing_verifications()
        .filter(
            valid_until__gte=today - timedelta(days=LAPSED_GRACE_DAYS),
            valid_until__lte=today + timedelta(days=30),
        )
        .annotate(due_stage=stage_in_sql(today))
        .exclude(Exists(sent))
    )
    return window.order_by("valid_until", "pk").values_list("pk", "valid_until")


def officers() -> list[Membership]:
    """The province's metrology officers (active memberships of the active tenant), the same for every
    reminder of a sweep."""
    return list(
        Membership.objects.filter(status=Membership.Status.ACTIVE, role=Role.METROLOGY_OFFICER)
        .select_related("user")
        .order_by("pk")
    )


def owners_by_organization(organization_ids) -> dict[int, list[Membership]]:
    """The business users of these owners (active memberships), by organisation."""
    owners: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE, role=Role.BUSINESS, organization_id__in=set(organization_ids)
        )
        .select_related("user")
        .order_by("pk")
    ):
        owners.setdefault(membership.organization_id, []).append(membership)
    return owners


def _message(verification: Verification, stage: str) -> tuple[str, str]:
    instrument = verification.instrument
    values = {
        "instrument": str(instrument),
        "location": instrument.location or instrument.owner.name,
        "certificate": verification.certificate_number,
        "date": verification.valid_until.strftime("%d/%m/%Y"),
    }
    if stage == Reminder.Stage.LAPSED:
        subject = _("Verification lapsed: %(instrument)s") % values
        body = (
            _(
                "The verification certificate %(certificate)s of %(instrument)s (%(location)s) was valid "
                "until %(date)s and has lapsed. The instrument must not be used in trade until it is "
                "verified again."
            )
            % values
        )
    else:
        subject = _("Verification due: %(instrument)s") % values
        body = (
            _(
                "The verification certificate %(certificate)s of %(instrument)s (%(location)s) is valid "
                "until %(date)s. Please ask for its periodic verification in time."
            )
            % values
        )
    return subject, body


def _send(*, tenant: Tenant, verification: Verification, stage: str, people: list[Membership]) -> bool:
    """Writes the ledger row and the notifications of one reminder in one transaction. False when the
    ledger already holds it (another sweep sent it a moment ago): then nothing is written."""
    from tcvn_portal.notifications.services import notify_many

    with override("vi"):  # the province's people read Vietnamese first
        subject, body = _message(verification, stage)
    url = reverse("metrology:instrument_detail", args=[verification.instrument_id])
    with tenant_context(tenant):
        try:
            with transaction.atomic():
                Reminder.objects.create(verification=verification, stage=stage, recipients=len(people))
        except IntegrityError:
            return False
        notify_many(
            recipients=[membership.user for membership in people],
            tenant=tenant,
            subject=subject,
            body=body,
            key=f"metrology:verification:{verification.pk}:{stage}",
            url=url,
        )
    return True


def send_due_reminders(*, tenant: Tenant, today: date | None = None) -> SweepResult:
    """Sends every reminder due today in `tenant`, each in its own transaction.

    The verifications, their owners' users and the officers are read a chunk at a time, not once per
    reminder: the sweep over a million instruments took 12 ms a reminder, mostly in reading them again.
    A verification superseded or annulled since the chunk was read may still get its reminder; the ledger
    still lets each stage go once.
    """
    today = today or timezone.localdate()
    with tenant_context(tenant):
        due = [pk for pk, _valid_until in candidates(today)]
        officers_of_province = officers() if due else []
    sent = skipped = 0
    for start in range(0, len(due), SWEEP_CHUNK):
        chunk = due[start : start + SWEEP_CHUNK]
        with tenant_context(tenant):
            verifications = (
                standing_verifications()
                .select_related("instrument__owner", "instrument__instrument_type")
                .in_bulk(chunk)
            )
            owners = owners_by_organization(v.instrument.owner_id for v in verifications.values())
        for verification_id in chunk:
            verification = verifications.get(verification_id)
            stage = verification and stage_for(verification.valid_until, today)
            if not stage:
                skipped += 1
                continue
            people = sorted(
                owners.get(verification.instrument.owner_id, []) + officers_of_province, key=lambda m: m.pk
            )
            if _send(tenant=tenant, verification=verification, stage=stage, people=people):
                sent += 1
            else:
                skipped += 1
    return SweepResult(sent=sent, skipped=skipped)
