"""Reads of the QMS part. Every page and endpoint reaches agency records through these querysets, so an
ISO focal person sees only their own agency and another tenant's rows are never in reach."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from tcvn_portal.core.queries import CountOf
from tcvn_portal.tenancy.models import Membership

from .models import (
    AgencyProfile,
    AuditFinding,
    DocumentedInfo,
    DocumentVersion,
    InternalAudit,
    ManagementReview,
    Nonconformity,
    ScopeProcedure,
    YearlyCheck,
)


def sees_all(membership: Membership) -> bool:
    return membership.has_perm("qms.view_all")


def membership_sees_agency(membership: Membership, agency: AgencyProfile) -> bool:
    if membership is None or membership.tenant_id != agency.tenant_id:
        return False
    if sees_all(membership):
        return True
    return membership.has_perm("qms.view_own") and membership.organization_id == agency.organization_id


def membership_edits_agency(membership: Membership, agency: AgencyProfile) -> bool:
    if membership.has_perm("qms.change_all"):
        return True
    return membership.has_perm("qms.change_own") and membership.organization_id == agency.organization_id


def agencies_for(membership: Membership) -> QuerySet[AgencyProfile]:
    """The agencies a member may see: all of the tenant for officials, only its own for a focal person."""
    queryset = AgencyProfile.objects.filter(archived_at__isnull=True)
    if not sees_all(membership):
        queryset = (
            queryset.filter(organization_id=membership.organization_id)
            if membership.organization_id
            else queryset.none()
        )
    return queryset


def editable_agencies_for(membership: Membership) -> QuerySet[AgencyProfile]:
    if membership.has_perm("qms.change_all"):
        return AgencyProfile.objects.filter(archived_at__isnull=True)
    if membership.has_perm("qms.change_own") and membership.organization_id:
        return AgencyProfile.objects.filter(
            archived_at__isnull=True, organization_id=membership.organization_id
        )
    return AgencyProfile.objects.none()


def _under(model, membership: Membership, path: str = "agency") -> QuerySet:
    return model.objects.filter(**{f"{path}__in": agencies_for(membership)})


def documents_for(membership: Membership) -> QuerySet[DocumentedInfo]:
    return _under(DocumentedInfo, membership).filter(archived_at__isnull=True).select_related("agency")


def versions_for(membership: Membership) -> QuerySet[DocumentVersion]:
    return _under(DocumentVersion, membership, "document__agency").select_related("document__agency")


def audits_for(membership: Membership) -> QuerySet[InternalAudit]:
    return _under(InternalAudit, membership).filter(archived_at__isnull=True).select_related("agency")


def findings_for(membership: Membership) -> QuerySet[AuditFinding]:
    return _under(AuditFinding, membership, "audit__agency").select_related("audit__agency")


def reviews_for(membership: Membership) -> QuerySet[ManagementReview]:
    return _under(ManagementReview, membership).filter(archived_at__isnull=True).select_related("agency")


def nonconformities_for(membership: Membership) -> QuerySet[Nonconformity]:
    return _under(Nonconformity, membership).select_related("agency", "finding")


def checks_for(membership: Membership) -> QuerySet[YearlyCheck]:
    return _under(YearlyCheck, membership).select_related("agency")


def filter_agencies(
    queryset: QuerySet[AgencyProfile],
    *,
    q: str = "",
    level: str = "",
    status: str = "",
    parent: AgencyProfile | None = None,
) -> QuerySet[AgencyProfile]:
    if level:
        queryset = queryset.filter(level=level)
    if status:
        queryset = queryset.filter(status=status)
    if parent is not None:
        queryset = queryset.filter(parent=parent)
    if q:
        queryset = queryset.search(q)
    # Counted per row (CountOf), not grouped over two joins: grouped, counting the list and finding a
    # page's keys joined every agency of the province with its procedures times its nonconformities.
    return queryset.select_related("organization", "parent").annotate(
        procedure_count=CountOf(
            ScopeProcedure.objects.filter(agency=OuterRef("pk"), archived_at__isnull=True)
        ),
        open_nc_count=CountOf(
            Nonconformity.objects.filter(agency=OuterRef("pk")).exclude(status=Nonconformity.Status.CLOSED)
        ),
    )


def filter_nonconformities(
    queryset: QuerySet[Nonconformity], *, status: str = "", overdue: bool = False, today: date | None = None
) -> QuerySet[Nonconformity]:
    if status:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(due_on__lt=today or date.today()).exclude(
            status__in=[Nonconformity.Status.CLOSED, Nonconformity.Status.ACTION_DONE]
        )
    return queryset


def compliance_table(*, year: int) -> QuerySet[AgencyProfile]:
    """The yearly compliance table the province reports to the ministry: one row per agency, all in one
    query — status, scope, whether the year's internal audit and management review took place, the
    nonconformities still open, and the result of the province's yearly check."""
    check = YearlyCheck.objects.filter(agency=OuterRef("pk"), year=year)
    return (
        AgencyProfile.objects.filter(archived_at__isnull=True)
        .select_related("organization", "parent")
        .annotate(
            procedure_count=Count(
                "procedures", filter=Q(procedures__archived_at__isnull=True), distinct=True
            ),
            audit_done=Exists(
                InternalAudit.objects.filter(
                    agency=OuterRef("pk"),
                    status=InternalAudit.Status.DONE,
                    performed_on__year=year,
                    archived_at__isnull=True,
                )
            ),
            review_done=Exists(
                ManagementReview.objects.filter(
                    agency=OuterRef("pk"), held_on__year=year, archived_at__isnull=True
                )
            ),
            open_nc_count=Count(
                "nonconformities",
                filter=~Q(nonconformities__status=Nonconformity.Status.CLOSED),
                distinct=True,
            ),
            check_result=Subquery(check.values("result")[:1]),
            check_date=Subquery(check.values("checked_on")[:1]),
            check_recommendations=Subquery(check.values("recommendations")[:1]),
        )
        .order_by("level", "parent__name", "name", "pk")
    )


def compliance_rows(*, year: int) -> list[AgencyProfile]:
    """The compliance table evaluated, each row with the label of its yearly check result."""
    rows = list(compliance_table(year=year))
    for row in rows:
        row.check_result_label = YearlyCheck.Result(row.check_result).label if row.check_result else ""
    return rows
