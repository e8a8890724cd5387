"""Writes of the QMS part. Each service validates first and raises a translated ValidationError that
changes nothing; the audit trail records who changed what (the actor is the active user)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tcvn_portal.tenancy.models import Organization

from .models import (
    AgencyLevel,
    AgencyProfile,
    AuditFinding,
    DocumentedInfo,
    DocumentVersion,
    FindingGrade,
    InternalAudit,
    ManagementReview,
    Nonconformity,
    QmsStatus,
    QmsStatusChange,
    ScopeProcedure,
    YearlyCheck,
)

# The path of SPEC §3.3; each status may move to the next one. An agency may also fall back to
# "building" (e.g. after a merger of communes) and start over.
_STATUS_ORDER = [
    QmsStatus.NOT_STARTED,
    QmsStatus.BUILDING,
    QmsStatus.APPLIED,
    QmsStatus.ANNOUNCED,
    QmsStatus.MAINTAINED,
]


def _validate_parent(*, level: str, parent: AgencyProfile | None, agency: AgencyProfile | None) -> None:
    if parent is None:
        return
    if agency is not None and parent.pk == agency.pk:
        raise ValidationError({"parent": _("An agency cannot be its own parent.")})
    if parent.level != AgencyLevel.PROVINCE:
        raise ValidationError({"parent": _("The parent must be a provincial-level agency.")})
    if level == AgencyLevel.PROVINCE and agency is not None and parent.parent_id == agency.pk:
        raise ValidationError({"parent": _("Two agencies cannot be each other's parent.")})


def create_agency_profile(
    *, organization: Organization, level: str, parent: AgencyProfile | None = None, actor
) -> AgencyProfile:
    """Starts following an agency's QMS: one profile per agency, with its first history row."""
    if organization.kind != Organization.Kind.AGENCY:
        raise ValidationError({"organization": _("Only a state agency has a QMS profile.")})
    if AgencyProfile.objects.filter(organization=organization).exists():
        raise ValidationError({"organization": _("This agency already has a QMS profile.")})
    if level not in AgencyLevel.values:
        raise ValidationError({"level": _("Choose the level of the agency.")})
    _validate_parent(level=level, parent=parent, agency=None)
    with transaction.atomic():
        agency = AgencyProfile.objects.create(
            organization=organization, level=level, parent=parent, name=organization.name
        )
        QmsStatusChange.objects.create(
            agency=agency, status=agency.status, changed_on=timezone.localdate(), actor=actor
        )
    return agency


def update_agency_profile(
    *, agency: AgencyProfile, level: str, parent: AgencyProfile | None, actor
) -> AgencyProfile:
    if level not in AgencyLevel.values:
        raise ValidationError({"level": _("Choose the level of the agency.")})
    _validate_parent(level=level, parent=parent, agency=agency)
    agency.level, agency.parent = level, parent
    agency.name = agency.organization.name
    agency.save()
    return agency


def allowed_next_statuses(agency: AgencyProfile) -> list[str]:
    index = _STATUS_ORDER.index(QmsStatus(agency.status))
    allowed = _STATUS_ORDER[index + 1 : index + 2]
    if index > 1:
        allowed.append(QmsStatus.BUILDING)
    return allowed


def change_qms_status(
    *,
    agency: AgencyProfile,
    status: str,
    changed_on: date,
    note: str = "",
    announced_on: date | None = None,
    announcement_number: str = "",
    actor,
) -> AgencyProfile:
    """Moves the agency one step along its QMS path and keeps the step in its history.

    Announcing (công bố) needs the date and the number of the announcement document.
    """
    if status not in allowed_next_statuses(agency):
        raise ValidationError(
            {
                "status": _("The QMS cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": QmsStatus(agency.status).label,
                    "new": QmsStatus(status).label if status in QmsStatus.values else status,
                }
            }
        )
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("The date cannot be in the future.")})
    if status == QmsStatus.ANNOUNCED:
        errors = {}
        if announced_on is None:
            errors["announced_on"] = _("Give the date of the announcement.")
        elif announced_on > timezone.localdate():
            errors["announced_on"] = _("The date cannot be in the future.")
        if not announcement_number.strip():
            errors["announcement_number"] = _("Give the number of the announcement document.")
        if errors:
            raise ValidationError(errors)
        agency.announced_on, agency.announcement_number = announced_on, announcement_number.strip()
    with transaction.atomic():
        agency.status = status
        agency.save()
        QmsStatusChange.objects.create(
            agency=agency, status=status, changed_on=changed_on, note=note, actor=actor
        )
    return agency


def add_procedure(
    *, agency: AgencyProfile, name: str, code: str = "", field: str = "", actor
) -> ScopeProcedure:
    if not name.strip():
        raise ValidationError({"name": _("Give the name of the procedure.")})
    if code and ScopeProcedure.objects.filter(agency=agency, code=code, archived_at__isnull=True).exists():
        raise ValidationError({"code": _("This procedure is already in the scope.")})
    return ScopeProcedure.objects.create(
        agency=agency, name=name.strip(), code=code.strip(), field=field.strip()
    )


def create_document(
    *,
    agency: AgencyProfile,
    kind: str,
    title: str,
    code: str = "",
    summary: str,
    effective_on: date | None = None,
    actor,
) -> DocumentedInfo:
    """A new document with its first (draft) version."""
    if kind not in DocumentedInfo.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    with transaction.atomic():
        document = DocumentedInfo.objects.create(agency=agency, kind=kind, title=title, code=code)
        add_version(document=document, summary=summary, effective_on=effective_on, actor=actor)
    return document


def add_version(
    *, document: DocumentedInfo, summary: str, effective_on: date | None = None, actor
) -> DocumentVersion:
    """The next version number of the document, as a draft until approved."""
    if not summary.strip():
        raise ValidationError({"summary": _("Describe the content or the change.")})
    with transaction.atomic():
        # Lock the document so two editors cannot take the same number.
        DocumentedInfo.objects.select_for_update().filter(pk=document.pk).first()
        last = document.versions.aggregate(n=Max("number"))["n"] or 0
        return DocumentVersion.objects.create(
            document=document, number=last + 1, summary=summary, effective_on=effective_on
        )


def approve_version(*, version: DocumentVersion, actor) -> DocumentVersion:
    """Approves a draft; the version approved before it becomes superseded."""
    if version.status != DocumentVersion.Status.DRAFT:
        raise ValidationError(_("Only a draft version can be approved."))
    with transaction.atomic():
        for old in version.document.versions.filter(status=DocumentVersion.Status.APPROVED):
            old.status = DocumentVersion.Status.SUPERSEDED
            old.save(update_fields=["status"])
        version.status = DocumentVersion.Status.APPROVED
        version.approved_by = actor
        version.approved_at = timezone.now()
        version.effective_on = version.effective_on or timezone.localdate()
        version.save()
    return version


def plan_audit(
    *, agency: AgencyProfile, planned_on: date, scope: str, lead_auditor: str, auditors: str = "", actor
) -> InternalAudit:
    if not scope.strip():
        raise ValidationError({"scope": _("Describe the plan and scope of the audit.")})
    if not lead_auditor.strip():
        raise ValidationError({"lead_auditor": _("Name the lead auditor.")})
    return InternalAudit.objects.create(
        agency=agency, planned_on=planned_on, scope=scope, lead_auditor=lead_auditor, auditors=auditors
    )


def complete_audit(*, audit: InternalAudit, performed_on: date, actor) -> InternalAudit:
    if performed_on > timezone.localdate():
        raise ValidationError({"performed_on": _("The date cannot be in the future.")})
    audit.performed_on, audit.status = performed_on, InternalAudit.Status.DONE
    audit.save()
    return audit


def record_finding(
    *, audit: InternalAudit, grade: str, description: str, clause: str = "", evidence: str = "", actor
) -> AuditFinding:
    """Records a graded finding. A major or minor nonconformity opens a nonconformity to be corrected."""
    if grade not in FindingGrade.values:
        raise ValidationError({"grade": _("Choose the grade of the finding.")})
    if not description.strip():
        raise ValidationError({"description": _("Describe the finding.")})
    with transaction.atomic():
        finding = AuditFinding.objects.create(
            audit=audit, grade=grade, clause=clause, description=description, evidence=evidence
        )
        if finding.is_nonconformity:
            Nonconformity.objects.create(
                agency=audit.agency,
                finding=finding,
                description=description,
                detected_on=audit.performed_on or timezone.localdate(),
            )
    return finding


_REVIEW_REQUIRED = (
    "previous_actions",
    "context_changes",
    "performance",
    "resources",
    "risk_actions",
    "improvement_inputs",
    "improvement_decisions",
)


def record_review(
    *, agency: AgencyProfile, held_on: date, chaired_by: str, actor, **fields: str
) -> ManagementReview:
    """A management review is complete only with every input §9.3.2 names and its decisions (§9.3.3)."""
    missing = {
        f: _("ISO 9001 §9.3 asks for this.") for f in _REVIEW_REQUIRED if not fields.get(f, "").strip()
    }
    if not chaired_by.strip():
        missing["chaired_by"] = _("Name who chaired the review.")
    if held_on > timezone.localdate():
        missing["held_on"] = _("The date cannot be in the future.")
    if missing:
        raise ValidationError(missing)
    unknown = set(fields) - {*_REVIEW_REQUIRED, "qms_changes", "resource_needs"}
    if unknown:
        raise TypeError(f"unknown review fields: {sorted(unknown)}")
    return ManagementReview.objects.create(agency=agency, held_on=held_on, chaired_by=chaired_by, **fields)


def open_nonconformity(
    *, agency: AgencyProfile, description: str, detected_on: date, finding: AuditFinding | None = None, actor
) -> Nonconformity:
    if not description.strip():
        raise ValidationError({"description": _("Describe the nonconformity.")})
    if finding is not None and finding.audit.agency_id != agency.pk:
        raise ValidationError({"finding": _("The finding belongs to another agency.")})
    return Nonconformity.objects.create(
        agency=agency, description=description, detected_on=detected_on, finding=finding
    )


def _require_status(nc: Nonconformity, *allowed: str) -> None:
    if nc.status not in allowed:
        raise ValidationError(
            _("This step does not fit a nonconformity that is “%(status)s”.")
            % {"status": nc.get_status_display()}
        )


def record_root_cause(*, nc: Nonconformity, root_cause: str, actor) -> Nonconformity:
    _require_status(nc, Nonconformity.Status.OPEN, Nonconformity.Status.ANALYSED)
    if not root_cause.strip():
        raise ValidationError({"root_cause": _("Describe the root cause.")})
    nc.root_cause, nc.status = root_cause, Nonconformity.Status.ANALYSED
    nc.save()
    return nc


def plan_corrective_action(
    *, nc: Nonconformity, corrective_action: str, action_owner: str, due_on: date, actor
) -> Nonconformity:
    """The action that removes the root cause, who owns it and by when (reminders follow the due date)."""
    _require_status(nc, Nonconformity.Status.ANALYSED, Nonconformity.Status.ACTION_PLANNED)
    errors = {}
    if not corrective_action.strip():
        errors["corrective_action"] = _("Describe the corrective action.")
    if not action_owner.strip():
        errors["action_owner"] = _("Name who owns the action.")
    if due_on is None:
        errors["due_on"] = _("Give the due date.")
    elif due_on < nc.detected_on:
        errors["due_on"] = _("The due date cannot be before the nonconformity was detected.")
    if errors:
        raise ValidationError(errors)
    nc.corrective_action, nc.action_owner, nc.due_on = corrective_action, action_owner, due_on
    nc.status = Nonconformity.Status.ACTION_PLANNED
    nc.save()
    return nc


def complete_action(*, nc: Nonconformity, done_on: date, actor) -> Nonconformity:
    _require_status(nc, Nonconformity.Status.ACTION_PLANNED)
    if done_on > timezone.localdate():
        raise ValidationError({"action_done_on": _("The date cannot be in the future.")})
    nc.action_done_on, nc.status = done_on, Nonconformity.Status.ACTION_DONE
    nc.save()
    return nc


def check_effectiveness(
    *, nc: Nonconformity, effective: bool, note: str, checked_on: date, actor
) -> Nonconformity:
    """Closes the nonconformity when the action proved effective; otherwise it goes back to root-cause
    analysis, since an ineffective action means the cause was not the real one."""
    _require_status(nc, Nonconformity.Status.ACTION_DONE)
    if not note.strip():
        raise ValidationError({"effectiveness_note": _("Record how the effectiveness was checked.")})
    if nc.action_done_on and checked_on < nc.action_done_on:
        raise ValidationError(
            {"effectiveness_checked_on": _("The check cannot come before the action was done.")}
        )
    nc.effectiveness_note, nc.effectiveness_checked_on = note, checked_on
    if effective:
        nc.status, nc.closed_on = Nonconformity.Status.CLOSED, checked_on
    else:
        nc.status = Nonconformity.Status.ANALYSED
    nc.save()
    return nc


def record_yearly_check(
    *,
    agency: AgencyProfile,
    year: int,
    checked_on: date,
    team_leader: str,
    result: str,
    conclusions: str,
    team_members: str = "",
    recommendations: str = "",
    actor,
) -> YearlyCheck:
    """The province's check of one agency in one year; a second check of the same year is refused."""
    errors = {}
    if checked_on.year != year:
        errors["checked_on"] = _("The date must fall in the year checked.")
    if result not in YearlyCheck.Result.values:
        errors["result"] = _("Choose the result.")
    if not conclusions.strip():
        errors["conclusions"] = _("Write the conclusions.")
    if not team_leader.strip():
        errors["team_leader"] = _("Name the team leader.")
    if YearlyCheck.objects.filter(agency=agency, year=year).exists():
        errors["year"] = _("This agency was already checked in %(year)s.") % {"year": year}
    if errors:
        raise ValidationError(errors)
    return YearlyCheck.objects.create(
        agency=agency,
        year=year,
        checked_on=checked_on,
        team_leader=team_leader,
        team_members=team_members,
        result=result,
        conclusions=conclusions,
        recommendations=recommendations,
    )


def _reminder_occasion(days_left: int) -> str | None:
    # A window rather than an exact day: a sweep missed while the worker was down still reminds once.
    if days_left < 0:
        return "overdue"
    if days_left == 0:
        return "due-0"
    if days_left <= 7:
        return "due-7"
    return None


def send_due_reminders(*, today: date | None = None) -> int:
    """Reminds the agency's focal persons of corrective actions due within 7 days, on the due day and once
    overdue. Each (person, occasion) is notified once, however often the sweep runs (the notification key
    is unique). Returns the number of reminders handed to `notify`."""
    from tcvn_portal.notifications.services import notify
    from tcvn_portal.tenancy.context import current_tenant
    from tcvn_portal.tenancy.models import Membership
    from tcvn_portal.tenancy.roles import Role

    today = today or timezone.localdate()
    tenant = current_tenant()
    due = list(
        Nonconformity.objects.filter(
            status=Nonconformity.Status.ACTION_PLANNED, due_on__lte=today + timedelta(days=7)
        ).select_related("agency")
    )
    focal: dict[int, list] = {}
    for membership in Membership.objects.filter(
        role=Role.ISO_FOCAL,
        status=Membership.Status.ACTIVE,
        organization_id__in={nc.agency.organization_id for nc in due},
    ).select_related("user"):
        focal.setdefault(membership.organization_id, []).append(membership.user)
    handed = 0
    for nc in due:
        occasion = _reminder_occasion((nc.due_on - today).days)
        for user in focal.get(nc.agency.organization_id, []) if occasion else []:
            notify(
                recipient=user,
                tenant=tenant,
                key=f"iso-nc:{nc.pk}:{occasion}",
                subject=_("Corrective action due on %(date)s") % {"date": nc.due_on.strftime("%d/%m/%Y")},
                body=_("%(agency)s: “%(action)s”, owner %(owner)s.")
                % {"agency": nc.agency.name, "action": nc.corrective_action[:200], "owner": nc.action_owner},
                url=reverse("iso_qms:nc_detail", args=[nc.pk]),
            )
            handed += 1
    return handed
