"""What the people of a verification request are told as it moves: the officers when a business asks, the
business when the visit is dated, carried out or cancelled. Called by the services inside their transaction,
so a notice exists exactly when the change it announces does; each occasion has its own key, so a retried
call never tells anyone twice."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from tcvn_portal.notifications.services import notify
from tcvn_portal.tenancy.models import Membership
from tcvn_portal.tenancy.roles import Role

from .models import VerificationRequest


def _officers():
    return Membership.objects.filter(status=Membership.Status.ACTIVE, role=Role.METROLOGY_OFFICER)


def _owners(request: VerificationRequest):
    return Membership.objects.filter(
        status=Membership.Status.ACTIVE, role=Role.BUSINESS, organization_id=request.instrument.owner_id
    )


def _send(request: VerificationRequest, people, *, occasion: str, subject: str, body: str) -> None:
    url = reverse("metrology:request_detail", args=[request.pk])
    key = f"metrology:request:{request.pk}:{occasion}"
    for membership in people.select_related("user").order_by("pk"):
        notify(
            recipient=membership.user,
            tenant=request.instrument.tenant,
            subject=subject,
            body=body,
            key=key,
            url=url,
        )


def _values(request: VerificationRequest) -> dict[str, str]:
    instrument = request.instrument
    return {
        "instrument": str(instrument),
        "owner": instrument.owner.name,
        "location": instrument.location or instrument.owner.name,
        "kind": request.get_kind_display(),
        "date": request.scheduled_for.strftime("%d/%m/%Y") if request.scheduled_for else "",
        "note": request.officer_note,
    }


# The stored text is read later by someone else than the actor: it is written in the province's language.


def request_submitted(request: VerificationRequest) -> None:
    with override(settings.LANGUAGE_CODE):
        values = _values(request)
        _send(
            request,
            _officers(),
            occasion="submitted",
            subject=_("New verification request: %(instrument)s") % values,
            body=_("%(owner)s asks for the verification of %(instrument)s (%(location)s): %(kind)s.")
            % values,
        )


def request_scheduled(request: VerificationRequest) -> None:
    with override(settings.LANGUAGE_CODE):
        values = _values(request)
        body = _("The verification of %(instrument)s (%(location)s) is scheduled for %(date)s.") % values
        _send(
            request,
            _owners(request),
            # A new date is a new occasion: the business hears of every change of date.
            occasion=f"scheduled:{request.scheduled_for:%Y%m%d}",
            subject=_("Verification scheduled: %(instrument)s") % values,
            body="\n\n".join(part for part in (body, request.officer_note) if part),
        )


def request_done(request: VerificationRequest) -> None:
    with override(settings.LANGUAGE_CODE):
        values = _values(request)
        _send(
            request,
            _owners(request),
            occasion="done",
            subject=_("Verification result recorded: %(instrument)s") % values,
            body=_("The result of the verification of %(instrument)s (%(location)s) is recorded.") % values,
        )


def request_cancelled(request: VerificationRequest) -> None:
    with override(settings.LANGUAGE_CODE):
        values = _values(request)
        _send(
            request,
            _owners(request),
            occasion="cancelled",
            subject=_("Verification request cancelled: %(instrument)s") % values,
            body=_("Your request for %(instrument)s was cancelled: %(note)s") % values,
        )
