from django.urls import reverse
from django.utils.translation import gettext as _

from tcvn_portal.core.dashboard import Card, register_cards

from . import selectors


@register_cards
def notification_cards(request) -> list[Card]:
    if request.membership is None or not request.membership.has_perm("notification.view"):
        return []
    return [
        Card(_("Unread notifications"), selectors.unread_count(request.user), reverse("notifications:list"))
    ]
