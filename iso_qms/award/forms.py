from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tcvn_portal.tenancy.models import Membership
from tcvn_portal.tenancy.roles import Role

from ..web import DateInput
from .models import PERCENT_CHOICES, ApplicantType, AwardApplication, AwardRound, CriteriaItem, CriteriaSet


class RoundForm(forms.ModelForm):
    class Meta:
        model = AwardRound
        fields = [
            "year",
            "criteria_set",
            "opens_on",
            "submission_deadline",
            "scoring_deadline",
            "award_min_points",
            "gold_min_points",
            "disagreement_points",
            "min_months_operating",
            "min_months_on_market",
        ]
        widgets = {f: DateInput() for f in ("opens_on", "submission_deadline", "scoring_deadline")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(
            status=CriteriaSet.Status.PUBLISHED, archived_at__isnull=True
        )

    def validate_unique(self):  # the service says it in the user's words
        pass


class ItemForm(forms.Form):
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=None)
    code = forms.CharField(label=_("Item"), max_length=10, help_text=_("For example 1.1"))
    name = forms.CharField(label=pgettext_lazy("iso_qms", "Name"), max_length=255)
    max_points = forms.IntegerField(label=_("Maximum points"), min_value=1, max_value=1000)
    kind = forms.ChoiceField(label=_("Kind"), choices=CriteriaItem.Kind.choices)

    def __init__(self, *args, criteria_set, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria_set.criteria.all()


class VersionLabelForm(forms.Form):
    version = forms.CharField(label=_("New version label"), max_length=40)


class ApplyForm(forms.Form):
    applicant_type = forms.ChoiceField(
        label=_("Type the business competes in"), choices=ApplicantType.choices
    )


class ApplicationForm(forms.ModelForm):
    """The eligibility answers, and one self-assessment text and band per item of the round's criteria."""

    class Meta:
        model = AwardApplication
        fields = [
            "applicant_type",
            "main_products",
            "established_on",
            "product_on_market_since",
            "no_violations_declared",
        ]
        widgets = {"established_on": DateInput(), "product_on_market_since": DateInput()}

    def __init__(self, *args, self_assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = []
        for row in self_assessments:
            text_name, band_name = f"text_{row.item_id}", f"band_{row.item_id}"
            self.fields[text_name] = forms.CharField(
                label=str(row.item),
                required=False,
                initial=row.text,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[band_name] = forms.TypedChoiceField(
                label=_("Self-assessed band for %(code)s") % {"code": row.item.code},
                required=False,
                choices=[("", "—")] + PERCENT_CHOICES,
                coerce=int,
                empty_value=None,
                initial=row.percent,
            )
            self.items.append((row.item, self[text_name], self[band_name]))

    def assessments(self) -> dict[int, tuple[str, int | None]]:
        return {
            item.pk: (self.cleaned_data[f"text_{item.pk}"], self.cleaned_data[f"band_{item.pk}"])
            for item, _t, _b in self.items
        }

    def answers(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class EligibilityForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Conclusion"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))],
    )
    eligibility_note = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Council member"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            get_user_model()
            .objects.filter(
                pk__in=Membership.objects.filter(
                    role=Role.COUNCIL_MEMBER, status=Membership.Status.ACTIVE
                ).values("user_id")
            )
            .order_by("full_name")
        )


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this applicant?"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("no", _("No, I have none")), ("yes", _("Yes: I will not score this application"))],
    )
    conflict_note = forms.CharField(label=_("Describe the conflict"), required=False, max_length=500)


class ScoreForm(forms.Form):
    """One band, strengths and opportunities per item; the band list offers only the 5 % steps."""

    def __init__(self, *args, items=(), existing=None, guidance=None, reference=None, **kwargs):
        """`guidance` is the set's band guidance by kind of item; `reference`, at the site visit, the
        member's dossier scores by item, shown beside the band being adjusted."""
        super().__init__(*args, **kwargs)
        existing = existing or {}
        guidance = guidance or {}
        reference = reference or {}
        self.items = []
        for item in items:
            score = existing.get(item.pk)
            self.fields[f"percent_{item.pk}"] = forms.TypedChoiceField(
                label=_("Band for %(item)s") % {"item": item},
                choices=[("", "—")] + PERCENT_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=score.percent if score else None,
            )
            self.fields[f"strengths_{item.pk}"] = forms.CharField(
                label=_("Strengths"),
                required=False,
                initial=score.strengths if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"opportunities_{item.pk}"] = forms.CharField(
                label=_("Opportunities for improvement"),
                required=False,
                initial=score.opportunities if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.items.append(
                (
                    item,
                    self[f"percent_{item.pk}"],
                    self[f"strengths_{item.pk}"],
                    self[f"opportunities_{item.pk}"],
                    guidance.get(item.kind, []),
                    reference.get(item.pk),
                )
            )

    def scores(self) -> dict[int, tuple[int, str, str]]:
        return {
            item.pk: (
                self.cleaned_data[f"percent_{item.pk}"],
                self.cleaned_data[f"strengths_{item.pk}"],
                self.cleaned_data[f"opportunities_{item.pk}"],
            )
            for item, *_fields in self.items
            if self.cleaned_data.get(f"percent_{item.pk}") is not None
        }


class SiteVisitForm(forms.Form):
    site_visit_on = forms.DateField(label=_("Site visit date"), widget=DateInput())


class ConsensusForm(forms.Form):
    """The consensus meeting: its date and minutes, and per item the agreed band (empty: the members'
    mean stands) with a note."""

    held_on = forms.DateField(label=_("Meeting date"), widget=DateInput())
    note = forms.CharField(
        label=_("Minutes of the meeting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, rows=(), meeting=None, **kwargs):
        if meeting is not None:
            kwargs.setdefault("initial", {"held_on": meeting.held_on, "note": meeting.note})
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in rows:
            band, note = f"agreed_{row.item.pk}", f"note_{row.item.pk}"
            self.fields[band] = forms.TypedChoiceField(
                label=_("Agreed band for %(code)s") % {"code": row.item.code},
                choices=[("", _("— the members' mean stands"))] + PERCENT_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=row.agreed.percent if row.agreed else None,
            )
            self.fields[note] = forms.CharField(
                label=pgettext_lazy("iso_qms", "Note"),
                required=False,
                initial=row.agreed.note if row.agreed else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.rows.append((row, self[band], self[note]))

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            row.item.pk: (
                self.cleaned_data[f"agreed_{row.item.pk}"],
                self.cleaned_data[f"note_{row.item.pk}"],
            )
            for row, _band, _note in self.rows
        }


class DecisionForm(forms.Form):
    forward = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("Forward to the national council")), ("no", _("Do not forward"))],
    )
    feedback = forms.CharField(
        label=_("Feedback to the applicant"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Strengths and opportunities for improvement, in plain words."),
    )


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Business"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + AwardApplication.Status.choices
    )
    applicant_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All"))] + ApplicantType.choices
    )
