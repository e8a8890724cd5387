"""Reads of the reports app: the stored reports, the outreach register, the national roll-up."""

from __future__ import annotations

from django.db.models import QuerySet

from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Tenant

from .figures import DOMAINS
from .models import AnnualReport, JobRun, OutreachActivity


def annual_reports() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.select_related("requested_by").order_by("-year", "-version")


def outreach_activities(
    *, year: int | None = None, kind: str = "", query: str = ""
) -> QuerySet[OutreachActivity]:
    activities = OutreachActivity.objects.filter(archived_at__isnull=True).select_related("commune")
    if year:
        activities = activities.filter(date__year=year)
    if kind:
        activities = activities.filter(kind=kind)
    if query:
        activities = activities.search(query)
    return activities.order_by("-date", "-pk")


def national_rollup(*, year: int, period: str | None = None) -> dict:
    """The same figures of every active province side by side: only aggregates leave each province.

    Each province is read inside its own tenant context, so RLS shows the figures of that province and
    no other while its aggregates are computed.
    """
    tenants = list(Tenant.objects.filter(is_active=True).order_by("name"))
    per_tenant = []
    for tenant in tenants:
        with tenant_context(tenant):
            per_tenant.append([domain.figures(year=year, period=period) for domain in DOMAINS])
    sections = []
    for i in range(len(DOMAINS) if per_tenant else 0):
        first = per_tenant[0][i]
        sections.append(
            {
                "key": first["key"],
                "title": first["title"],
                "metrics": [
                    {
                        "key": metric["key"],
                        "label": metric["label"],
                        "unit": metric["unit"],
                        "values": [figures[i]["metrics"][m]["value"] for figures in per_tenant],
                    }
                    for m, metric in enumerate(first["metrics"])
                ],
            }
        )
    return {"year": year, "tenants": [t.name for t in tenants], "sections": sections}


def last_runs() -> dict[str, JobRun]:
    """The latest run of every job, in one query."""
    runs = JobRun.objects.order_by("job", "-started_at").distinct("job")
    return {run.job: run for run in runs}
