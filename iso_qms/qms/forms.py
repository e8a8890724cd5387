from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tcvn_portal.tenancy.models import Organization

from ..web import DateInput
from .models import (
    AgencyLevel,
    AgencyProfile,
    DocumentedInfo,
    FindingGrade,
    ManagementReview,
    Nonconformity,
    QmsStatus,
    YearlyCheck,
)


class AgencyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, help_text=_("Agency name; diacritics optional.")
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All"))] + AgencyLevel.choices
    )
    status = forms.ChoiceField(
        label=_("QMS status"), required=False, choices=[("", _("All"))] + QmsStatus.choices
    )


class AgencyProfileForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Organization.objects.none(),
        help_text=_("State agencies registered under Organisations."),
    )
    level = forms.ChoiceField(label=_("Level"), choices=AgencyLevel.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent agency"),
        required=False,
        queryset=AgencyProfile.objects.none(),
        empty_label=_("— none —"),
    )

    def __init__(self, *args, agency: AgencyProfile | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency is None:
            self.fields["organization"].queryset = Organization.objects.filter(
                kind=Organization.Kind.AGENCY, archived_at__isnull=True, qms_profiles__isnull=True
            )
        else:
            del self.fields["organization"]
        parents = AgencyProfile.objects.filter(level=AgencyLevel.PROVINCE, archived_at__isnull=True)
        self.fields["parent"].queryset = parents.exclude(pk=agency.pk) if agency else parents


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=QmsStatus.choices)
    changed_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    announced_on = forms.DateField(
        label=_("Announcement date"), required=False, widget=DateInput(), help_text=_("Only when announcing.")
    )
    announcement_number = forms.CharField(
        label=_("Announcement document number"),
        required=False,
        max_length=60,
        help_text=_("For example 15/QĐ-UBND. Attach the document below."),
    )
    note = forms.CharField(label=pgettext_lazy("iso_qms", "Note"), required=False, max_length=500)

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, QmsStatus(s).label) for s in allowed]


class ProcedureForm(forms.Form):
    code = forms.CharField(label=_("Procedure code"), required=False, max_length=40)
    name = forms.CharField(label=_("Procedure"), max_length=500)
    field = forms.CharField(label=_("Field"), required=False, max_length=120)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentedInfo.Kind.choices)
    code = forms.CharField(label=_("Code"), required=False, max_length=40)
    title = forms.CharField(label=pgettext_lazy("iso_qms", "Title"), max_length=255)
    summary = forms.CharField(label=_("Content or change summary"), widget=forms.Textarea(attrs={"rows": 4}))
    effective_on = forms.DateField(label=_("Effective from"), required=False, widget=DateInput())


class VersionForm(forms.Form):
    summary = forms.CharField(label=_("Content or change summary"), widget=forms.Textarea(attrs={"rows": 4}))
    effective_on = forms.DateField(label=_("Effective from"), required=False, widget=DateInput())


class AuditForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned date"), widget=DateInput())
    scope = forms.CharField(label=_("Audit plan and scope"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_auditor = forms.CharField(label=_("Lead auditor"), max_length=120)
    auditors = forms.CharField(
        label=_("Auditors"), required=False, max_length=500, help_text=_("Names, separated by commas.")
    )


class AuditCompleteForm(forms.Form):
    performed_on = forms.DateField(label=_("Date performed"), widget=DateInput(), initial=timezone.localdate)


class FindingForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=FindingGrade.choices)
    clause = forms.CharField(
        label=_("ISO 9001 clause"), required=False, max_length=20, help_text=_("For example 8.5.1")
    )
    description = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=_("Objective evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = ManagementReview
        fields = [
            "held_on",
            "chaired_by",
            "previous_actions",
            "context_changes",
            "performance",
            "resources",
            "risk_actions",
            "improvement_inputs",
            "improvement_decisions",
            "qms_changes",
            "resource_needs",
        ]
        widgets = {
            "held_on": DateInput(),
            **{
                f: forms.Textarea(attrs={"rows": 3})
                for f in [
                    "previous_actions",
                    "context_changes",
                    "performance",
                    "resources",
                    "risk_actions",
                    "improvement_inputs",
                    "improvement_decisions",
                    "qms_changes",
                    "resource_needs",
                ]
            },
        }


class NonconformityForm(forms.Form):
    description = forms.CharField(label=_("Nonconformity"), widget=forms.Textarea(attrs={"rows": 3}))
    detected_on = forms.DateField(label=_("Detected on"), widget=DateInput(), initial=timezone.localdate)


class NcFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Nonconformity.Status.choices
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class RootCauseForm(forms.Form):
    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    corrective_action = forms.CharField(
        label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 3})
    )
    action_owner = forms.CharField(label=_("Owner of the action"), max_length=120)
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())


class ActionDoneForm(forms.Form):
    action_done_on = forms.DateField(
        label=_("Action done on"), widget=DateInput(), initial=timezone.localdate
    )


class EffectivenessForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=_("Was the action effective?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes: close the nonconformity")), ("no", _("No: analyse the root cause again"))],
        widget=forms.RadioSelect,
    )
    effectiveness_note = forms.CharField(
        label=_("Effectiveness check"), widget=forms.Textarea(attrs={"rows": 3})
    )
    effectiveness_checked_on = forms.DateField(
        label=_("Checked on"), widget=DateInput(), initial=timezone.localdate
    )


class YearlyCheckForm(forms.ModelForm):
    class Meta:
        model = YearlyCheck
        fields = [
            "year",
            "checked_on",
            "team_leader",
            "team_members",
            "result",
            "conclusions",
            "recommendations",
        ]
        widgets = {
            "checked_on": DateInput(),
            "conclusions": forms.Textarea(attrs={"rows": 3}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_unique(self):  # the service says it in the user's words
        pass


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
