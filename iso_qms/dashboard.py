"""Dashboard cards of the app: one aggregate query per card group."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tcvn_portal.core.dashboard import Card

from .award.models import AwardApplication, CouncilAssignment
from .qms import selectors as qms_selectors
from .qms.models import Nonconformity, QmsStatus


def cards(request) -> list[Card]:
    membership = request.membership
    result: list[Card] = []
    if membership.has_perm("qms.view_all") or membership.has_perm("qms.view_own"):
        agencies = qms_selectors.agencies_for(membership)
        counts = agencies.aggregate(
            announced=Count("pk", filter=Q(status__in=[QmsStatus.ANNOUNCED, QmsStatus.MAINTAINED])),
            total=Count("pk"),
        )
        overdue = Nonconformity.objects.filter(
            agency__in=agencies,
            due_on__lt=timezone.localdate(),
            status=Nonconformity.Status.ACTION_PLANNED,
        ).count()
        url = reverse("iso_qms:agency_list")
        result += [
            Card(_("Agencies with an announced QMS"), f"{counts['announced']}/{counts['total']}", url),
            Card(_("Overdue corrective actions"), overdue, reverse("iso_qms:nc_list") + "?overdue=on"),
        ]
    if membership.has_perm("award.manage"):
        waiting = AwardApplication.objects.filter(status=AwardApplication.Status.SUBMITTED).count()
        result.append(
            Card(
                _("Award applications to check"),
                waiting,
                reverse("iso_qms:application_list") + "?status=submitted",
            )
        )
    if membership.has_perm("award.score"):
        to_score = CouncilAssignment.objects.filter(
            member=request.user,
            submitted_at__isnull=True,
            has_conflict=False,
            application__status=AwardApplication.Status.ELIGIBLE,
        ).count()
        result.append(Card(_("Applications to score"), to_score, reverse("iso_qms:application_list")))
    return result
