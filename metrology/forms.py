"""Forms of the metrology pages. Choices always come from the active tenant's scoped managers."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tcvn_portal.core.fields import LabelledModelChoiceField
from tcvn_portal.tenancy.models import Commune, Organization

from . import selectors
from .models import (
    Campaign,
    Instrument,
    InstrumentType,
    InstrumentTypeRule,
    Market,
    Verification,
    VerificationKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts a service's errors on the form's fields, or above the form for fields it does not show."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = Instrument
        fields = [
            "owner",
            "instrument_type",
            "maker",
            "model",
            "serial",
            "accuracy_class",
            "measuring_range",
            "type_approval_number",
            "location",
            "seal_numbers",
            "commune",
            "market",
            "status",
        ]

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.owner_choices_for(membership)
        self.fields["instrument_type"].queryset = selectors.active_types()
        self.fields["commune"].queryset = Commune.objects.all()
        self.fields["market"].queryset = selectors.active_markets()
        for name in ("commune", "market"):
            self.fields[name].empty_label = _("— not set —")
        if not selectors.sees_all(membership):
            # A business registers only its own instruments: the owner is not a choice.
            self.fields["owner"].initial = getattr(membership, "organization_id", None)
            self.fields["owner"].widget = forms.HiddenInput()
        if self.instance.pk is None:
            del self.fields["status"]
        else:
            self.fields["status"].choices = (
                [c for c in Instrument.Status.choices if c[0] != Instrument.Status.RETIRED]
                if self.instance.status != Instrument.Status.RETIRED
                else Instrument.Status.choices
            )

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class InstrumentFilterForm(forms.Form):
    STATES = [
        ("", _("All")),
        ("due", _("Due within 30 days")),
        ("overdue", _("Overdue")),
        ("failed", pgettext_lazy("metrology", "Failed")),
    ]
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Serial, maker, model, place or seal; diacritics optional."),
    )
    instrument_type = forms.ModelChoiceField(
        label=_("Type"), required=False, queryset=InstrumentType.objects.none(), empty_label=_("All")
    )
    state = forms.ChoiceField(label=_("Verification"), required=False, choices=STATES)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(Instrument.Status.choices)
    )
    commune = LabelledModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument_type"].queryset = selectors.active_types()
        self.fields["commune"].queryset = Commune.objects.all()


class VerificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of verification"), choices=VerificationKind.choices)
    verified_on = forms.DateField(
        label=_("Verified on"),
        widget=DateInput(),
        help_text=_("The day the verification was actually made: the validity is counted from it."),
    )
    planned_on = forms.DateField(label=_("Planned for"), required=False, widget=DateInput())
    verifier = forms.CharField(label=_("Verifier"), max_length=120)
    verifying_body = forms.CharField(label=_("Verifying body"), max_length=200)
    result = forms.ChoiceField(
        label=_("Result"), choices=Verification.Result.choices, widget=forms.RadioSelect
    )
    stamp_number = forms.CharField(
        label=_("Stamp number"), max_length=40, required=False, help_text=_("Only for a passing instrument.")
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"),
        max_length=60,
        required=False,
        help_text=_("Only for a passing instrument; unique in the province."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), required=False, queryset=Campaign.objects.none(), empty_label=_("— none —")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(archived_at__isnull=True)
        self.fields["verified_on"].initial = timezone.localdate()


class MeasurementForm(forms.Form):
    point = forms.CharField(label=_("Test point"), max_length=60, required=False)
    error = forms.CharField(label=_("Measured error"), max_length=30, required=False)
    mpe = forms.CharField(label=_("Maximum permissible error"), max_length=30, required=False)


MeasurementFormSet = forms.formset_factory(MeasurementForm, extra=4, max_num=20, absolute_max=20)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of verification"), choices=VerificationKind.choices, initial=VerificationKind.PERIODIC
    )
    preferred_date = forms.DateField(label=_("Preferred date"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Note for the officer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. opening hours, a contact person on site."),
    )


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateField(label=_("Verification date"), widget=DateInput())
    officer_note = forms.CharField(
        label=_("Note to the business"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("How the failure was dealt with"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. repaired and verified again, removed from use, sanction decision number."),
    )


class InstrumentTypeForm(forms.ModelForm):
    class Meta:
        model = InstrumentType
        fields = ["code", "name", "is_reference_scale"]


class RuleForm(forms.ModelForm):
    class Meta:
        model = InstrumentTypeRule
        fields = [
            "valid_from",
            "must_verify",
            "initial",
            "periodic",
            "after_repair",
            "cycle_months",
            "mpe_notes",
            "legal_basis",
            "needs_checking",
        ]
        widgets = {"valid_from": DateInput(), "mpe_notes": forms.Textarea(attrs={"rows": 3})}


class MarketForm(forms.ModelForm):
    class Meta:
        model = Market
        fields = ["name", "commune", "address", "manager"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.all()
        self.fields["manager"].queryset = Organization.objects.filter(archived_at__isnull=True)
        for name in ("commune", "manager"):
            self.fields[name].empty_label = _("— not set —")


class CampaignForm(forms.ModelForm):
    markets = forms.ModelMultipleChoiceField(
        label=_("Markets"),
        required=False,
        queryset=Market.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = ["year", "name", "starts_on", "ends_on", "notes"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["markets"].queryset = selectors.active_markets()
        if self.instance.pk:
            self.fields["markets"].initial = list(
                self.instance.campaign_markets.values_list("market_id", flat=True)
            )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Register (.xlsx)"),
        help_text=_("Use the template: one instrument per row, the headers unchanged."),
    )

    def clean_file(self):
        from tcvn_portal.attachments.forms import validate_upload

        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed={"xlsx"})
        return upload
