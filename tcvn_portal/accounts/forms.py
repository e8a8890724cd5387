from allauth.account.forms import SignupForm
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tcvn_portal.tenancy.models import Membership, Organization, Tenant
from tcvn_portal.tenancy.roles import OFFICIALS, Role
from tcvn_portal.tenancy.validators import validate_tax_code

from . import services

validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 .-]{7,18}[0-9]$",
    _("Enter a phone number of digits, e.g. 0912 345 678 or +84 912 345 678."),
)

# Roles an administrator hands out; a business account only comes from self-registration.
OFFICIAL_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value in OFFICIALS]


class BusinessSignupForm(SignupForm):
    """allauth's signup (email and password) plus what a province needs to know about the business."""

    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20, validators=[validate_phone])
    tenant = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Tenant.objects.none(),
        empty_label=_("— choose the province —"),
        help_text=_("The province where your business is registered."),
    )
    organization_name = forms.CharField(label=_("Business name"), max_length=255)
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=14,
        validators=[validate_tax_code],
        help_text=_("10 digits, or 10 digits, a hyphen and 3 digits for a branch."),
    )
    address = forms.CharField(label=_("Business address"), max_length=255)

    field_order = [
        "full_name",
        "email",
        "phone",
        "password1",
        "password2",
        "tenant",
        "organization_name",
        "tax_code",
        "address",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenant"].queryset = Tenant.objects.filter(is_active=True).order_by("name")
        self.order_fields(self.field_order)

    def clean_tax_code(self) -> str:
        return self.cleaned_data["tax_code"].strip()

    def custom_signup(self, request, user) -> None:
        data = self.cleaned_data
        services.register_business(
            user=user,
            tenant=data["tenant"],
            full_name=data["full_name"].strip(),
            phone=data["phone"].strip(),
            organization_name=data["organization_name"].strip(),
            tax_code=data["tax_code"],
            address=data["address"].strip(),
        )


class RejectRegistrationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Sent to the applicant: say what is wrong and what to do."),
    )


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=OFFICIAL_ROLE_CHOICES)
    organization = forms.ModelChoiceField(
        label=_("State agency"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Only for an agency ISO focal person."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            kind=Organization.Kind.AGENCY, archived_at__isnull=True
        )


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OFFICIAL_ROLE_CHOICES)


class MemberFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(Membership.Status.choices)
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All"))] + list(Role.choices))
