"""Forms of the inspection pages. They parse and type the input; the rules live in services, whose
ValidationErrors are put back onto the form (see `apply_errors`), so a page and the API refuse alike."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from tcvn_portal.core.fields import LabelledModelChoiceField, LabelledModelMultipleChoiceField
from tcvn_portal.tenancy.models import Commune, Membership, Organization

from . import selectors
from .models import (
    ChecklistAnswer,
    ChecklistItem,
    FollowUp,
    FuelDispenserCheck,
    Inspection,
    InspectionDecision,
    InspectionPlan,
    InspectionType,
    LegalBasis,
    Sample,
    Violation,
)
from .services import INSPECTING_ROLES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def officials_queryset():
    """Active inspecting officials of the active tenant (users are not tenant-owned: ask the memberships)."""
    user_ids = Membership.objects.filter(status=Membership.Status.ACTIVE, role__in=INSPECTING_ROLES).values(
        "user_id"
    )
    return get_user_model().objects.filter(pk__in=user_ids).order_by("full_name", "email")


# An official by full name, or by e-mail address when the account has no name.
OFFICIAL_LABEL = Coalesce(NullIf(F("full_name"), Value("")), F("email"), output_field=CharField())


class OfficialChoiceField(LabelledModelChoiceField):
    label_expression = OFFICIAL_LABEL


class OfficialMultipleChoiceField(LabelledModelMultipleChoiceField):
    label_expression = OFFICIAL_LABEL


class PlanForm(forms.ModelForm):
    class Meta:
        model = InspectionPlan
        fields = ["year", "title", "topics", "sectors", "period_start", "period_end", "target_count"]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "topics": forms.Textarea(attrs={"rows": 3}),
        }


class DecisionForm(forms.ModelForm):
    team_lead = OfficialChoiceField(queryset=None, label=_("Team lead"))
    members = OfficialMultipleChoiceField(
        queryset=None,
        label=_("Team members"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    establishments = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Establishments to inspect"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InspectionDecision
        fields = ["plan", "number", "issued_on", "issued_by", "legal_basis", "scope", "team_lead"]
        widgets = {
            "issued_on": DateInput(),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = InspectionPlan.objects.filter(status=InspectionPlan.Status.APPROVED)
        self.fields["team_lead"].queryset = officials_queryset()
        self.fields["members"].queryset = officials_queryset()
        self.fields["establishments"].queryset = Organization.objects.filter(
            kind=Organization.Kind.BUSINESS, archived_at__isnull=True
        )
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.team.values_list("user_id", flat=True))
            self.fields["establishments"].initial = list(
                self.instance.targets.values_list("organization_id", flat=True)
            )


class InspectionForm(forms.ModelForm):
    """The inspection itself; the checklist of its type is added as one answer field and note per item."""

    class Meta:
        model = Inspection
        fields = [
            "inspection_type",
            "visited_on",
            "place",
            "commune",
            "latitude",
            "longitude",
            "representative_name",
            "representative_title",
            "findings",
            "notes",
            "result",
        ]
        widgets = {
            "visited_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
        }

    def __init__(self, *args, checklist: list[ChecklistItem] | None = None, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.all()
        self.checklist = checklist or []
        answers = answers or {}
        for item in self.checklist:
            current = answers.get(item.pk)
            self.fields[f"q{item.pk}"] = forms.ChoiceField(
                label=item.text,
                required=False,
                choices=[("", _("Not yet answered")), *ChecklistAnswer.Answer.choices],
                widget=forms.RadioSelect,
                initial=current.answer if current else "",
            )
            self.fields[f"q{item.pk}_note"] = forms.CharField(
                label=_("Note"), required=False, max_length=500, initial=current.note if current else ""
            )

    def checklist_rows(self):
        return [(item, self[f"q{item.pk}"], self[f"q{item.pk}_note"]) for item in self.checklist]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (self.cleaned_data.get(f"q{item.pk}", ""), self.cleaned_data.get(f"q{item.pk}_note", ""))
            for item in self.checklist
        }

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class SampleForm(forms.ModelForm):
    class Meta:
        model = Sample
        fields = ["code", "product", "laboratory", "sent_on", "returned_on", "result", "conformity"]
        widgets = {
            "sent_on": DateInput(),
            "returned_on": DateInput(),
            "result": forms.Textarea(attrs={"rows": 3}),
        }


class ViolationForm(forms.ModelForm):
    class Meta:
        model = Violation
        fields = ["legal_basis", "description", "fine_amount", "remedial_measures"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "remedial_measures": forms.Textarea(attrs={"rows": 2}),
            "fine_amount": forms.NumberInput(attrs={"step": "1000", "inputmode": "numeric"}),
        }

    def __init__(self, *args, visited_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].queryset = (
            selectors.legal_bases_on(visited_on) if visited_on else (LegalBasis.objects.all())
        )
        self.fields["fine_amount"].help_text = _("In VND, within the range of the chosen legal basis.")


class SanctionForm(forms.Form):
    sanction_number = forms.CharField(label=_("Sanction decision number"), max_length=60)
    sanction_date = forms.DateField(label=_("Sanction decision date"), widget=DateInput())
    payment = forms.ChoiceField(label=_("Payment"), choices=Violation.Payment.choices)
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput())


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["violation", "requirement", "deadline"]
        widgets = {"deadline": DateInput(), "requirement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation"].queryset = Violation.objects.filter(inspection=inspection)


class CloseFollowUpForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence of correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows the correction was made; attach photos or documents on the follow-up below."),
    )
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput())


class QuantityCheckForm(forms.Form):
    product = forms.CharField(label=_("Product"), max_length=255)
    unit = forms.ChoiceField(label=_("Unit"), choices=[("g", "g"), ("mL", "mL")])
    nominal_quantity = forms.DecimalField(label=_("Nominal quantity Qn"), max_digits=10, decimal_places=2)
    lot_size = forms.IntegerField(label=_("Lot size (packages)"), min_value=1)
    actual_quantities = forms.CharField(
        label=_("Actual quantities measured"),
        widget=forms.Textarea(attrs={"rows": 6, "inputmode": "decimal"}),
        help_text=_("One value per line or separated by spaces, as many as the sampling plan asks for."),
    )


class FuelCheckForm(forms.ModelForm):
    class Meta:
        model = FuelDispenserCheck
        fields = ["nozzle", "indicated_volume", "standard_volume", "max_permissible_error"]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}))


class LegalBasisForm(forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = [
            "decree",
            "article",
            "clause",
            "point",
            "description",
            "fine_min",
            "fine_max",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["inspection_type", "text", "legal_reference", "position", "is_active"]


class InspectionFilterForm(forms.Form):
    """The list's filters; anything invalid is ignored rather than breaking the list."""

    q = forms.CharField(label=_("Search"), required=False)
    date_from = forms.DateField(label=_("Visited from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Visited to"), required=False, widget=DateInput())
    inspection_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *InspectionType.choices]
    )
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("All results")), *Inspection.Result.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Inspection.Status.choices]
    )
    inspector = OfficialChoiceField(
        label=_("Inspector"), required=False, queryset=None, empty_label=_("All inspectors")
    )
    commune = LabelledModelChoiceField(
        label=_("Commune"), required=False, queryset=None, empty_label=_("All communes")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = officials_queryset()
        self.fields["commune"].queryset = Commune.objects.all()

    def filters(self) -> selectors.InspectionFilters:
        if not self.is_bound:
            return selectors.InspectionFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return selectors.InspectionFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            inspection_type=data.get("inspection_type") or "",
            result=data.get("result") or "",
            status=data.get("status") or "",
            inspector_id=data["inspector"].pk if data.get("inspector") else None,
            commune_id=data["commune"].pk if data.get("commune") else None,
            q=(data.get("q") or "").strip(),
        )
