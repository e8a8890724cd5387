"""Dashboard cards of the reports app: one aggregate query each."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tcvn_portal.core.dashboard import Card, register_cards

from .models import AnnualReport, OutreachActivity


@register_cards
def report_cards(request) -> list[Card]:
    membership = request.membership
    cards: list[Card] = []
    year = timezone.localdate().year
    if membership.has_perm("outreach.view"):
        counts = OutreachActivity.objects.filter(archived_at__isnull=True, date__year=year).aggregate(
            n=Count("pk"), people=Sum("attendance")
        )
        url = f"{reverse('reports:outreach_list')}?year={year}"
        cards += [
            Card(_("Outreach and training activities this year"), counts["n"], url),
            Card(_("People reached this year"), counts["people"] or 0, url),
        ]
    if membership.has_perm("report.view"):
        ready = AnnualReport.objects.aggregate(n=Count("pk", filter=Q(status=AnnualReport.Status.DONE)))["n"]
        cards.append(Card(_("Annual reports ready"), ready, reverse("reports:annual_list")))
    return cards
