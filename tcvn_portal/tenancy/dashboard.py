from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from tcvn_portal.core.dashboard import Card, register_cards

from .models import Membership, Organization


@register_cards
def organization_cards(request) -> list[Card]:
    membership = request.membership
    cards: list[Card] = []
    if membership.has_perm("organization.view"):
        counts = Organization.objects.filter(archived_at__isnull=True).aggregate(
            businesses=Count("pk", filter=Q(kind=Organization.Kind.BUSINESS)),
            agencies=Count("pk", filter=Q(kind=Organization.Kind.AGENCY)),
        )
        url = reverse("tenancy:organization_list")
        cards += [
            Card(_("Businesses"), counts["businesses"], f"{url}?kind=business"),
            Card(_("State agencies"), counts["agencies"], f"{url}?kind=agency"),
        ]
    if membership.has_perm("membership.manage"):
        counts = Membership.objects.aggregate(
            active=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
            pending=Count("pk", filter=Q(status=Membership.Status.PENDING)),
        )
        cards += [
            Card(_("Active members"), counts["active"]),
            Card(_("Registrations waiting for approval"), counts["pending"]),
        ]
    return cards
