from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tcvn_portal.core.fields import LabelledModelChoiceField
from tcvn_portal.tenancy.models import Commune

from .figures.base import PERIODS
from .models import OutreachActivity
from .services import FIRST_YEAR


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(y, y) for y in range(this_year, FIRST_YEAR - 1, -1)]


class StatisticsFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, choices=year_choices)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=list(PERIODS.items()))
    commune = LabelledModelChoiceField(
        label=_("Commune"), required=False, empty_label=_("Whole province"), queryset=Commune.objects.all()
    )


class NationalFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, choices=year_choices)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=list(PERIODS.items()))


class ReportRequestForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        choices=year_choices,
        help_text=_("The report covers 1 January to 31 December of this year."),
    )


class OutreachFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        choices=lambda: [("", _("All years")), *year_choices()],
        empty_value=None,
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("outreach", "Kind"),
        required=False,
        choices=[("", _("All kinds")), *OutreachActivity.Kind.choices],
    )


class OutreachForm(forms.ModelForm):
    class Meta:
        model = OutreachActivity
        fields = ["date", "kind", "topic", "audience", "attendance", "commune", "notes"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.all()
        self.fields["date"].help_text = _("For example 15/03/2025.")
        self.fields["date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(
                _("The register records activities that took place: the date cannot be in the future.")
            )
        return date
