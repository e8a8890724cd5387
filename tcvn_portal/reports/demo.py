"""Demo outreach activities for one province (the annual report counts them). Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Tenant

from .models import OutreachActivity

ACTIVITIES = [
    (
        OutreachActivity.Kind.PROPAGANDA,
        "Tuyên truyền về cân đối chứng tại chợ",
        "Tiểu thương chợ trung tâm",
        120,
    ),
    (
        OutreachActivity.Kind.LEGAL,
        "Phổ biến Luật Đo lường và Nghị định xử phạt",
        "Doanh nghiệp kinh doanh xăng dầu",
        85,
    ),
    (OutreachActivity.Kind.TRAINING, "Tập huấn áp dụng TCVN ISO 9001:2015 cấp xã", "Cán bộ UBND các xã", 64),
    (OutreachActivity.Kind.TRAINING, "Tập huấn tem truy xuất nguồn gốc", "Hợp tác xã nông nghiệp", 42),
]


def seed(tenant: Tenant) -> None:
    """One activity of each kind this year and one last year; nothing if the tenant already has them."""
    today = timezone.localdate()
    with tenant_context(tenant):
        if OutreachActivity.objects.filter(topic=ACTIVITIES[0][1]).exists():
            return
        commune = Commune.objects.order_by("pk").first()
        for i, (kind, topic, audience, attendance) in enumerate(ACTIVITIES):
            # Spread over the months already past, so the current year's figures include them all.
            date = dt.date(today.year - (i == 3), max(1, today.month - i), 1)
            OutreachActivity.objects.create(
                date=date, kind=kind, topic=topic, audience=audience, attendance=attendance, commune=commune
            )
