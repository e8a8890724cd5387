from django import forms
from django.utils.translation import gettext_lazy as _

from tcvn_portal.core.fields import LabelledModelChoiceField

from .models import Commune, Organization


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "kind",
            "name",
            "tax_code",
            "agency_code",
            "address",
            "commune",
            "representative",
            "phone",
            "email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.all()
        self.fields["commune"].empty_label = _("— not set —")


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, tax code or agency code; diacritics optional."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + list(Organization.Kind.choices)
    )
    commune = LabelledModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.all()


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Which system will use it, e.g. “ERP of the factory”."),
    )
