"""Dashboard cards of the metrology app: one aggregate query for the three counts, and for the officers who
handle requests one count of those waiting for a date, so a new request is seen without searching for it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from tcvn_portal.core.dashboard import Card

from . import selectors
from .models import VerificationRequest


def cards(request) -> list[Card]:
    membership = getattr(request, "membership", None)
    if membership is None or not (
        membership.has_perm("metrology.view") or membership.has_perm("metrology.view_own")
    ):
        return []
    counts = selectors.dashboard_counts(selectors.instruments_visible_to(membership))
    url = reverse("metrology:instrument_list")
    cards = [
        Card(_("Instruments due within 30 days"), counts["due"], f"{url}?state=due"),
        Card(_("Instruments overdue for verification"), counts["overdue"], f"{url}?state=overdue"),
        Card(_("Instruments that failed verification"), counts["failed"], f"{url}?state=failed"),
    ]
    if membership.has_perm("metrology.request.manage"):
        cards.append(
            Card(
                _("Verification requests waiting for a date"),
                selectors.requests_visible_to(membership)
                .filter(status=VerificationRequest.Status.SUBMITTED)
                .count(),
                reverse("metrology:request_list") + f"?status={VerificationRequest.Status.SUBMITTED}",
            )
        )
    return cards
