from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Batch, Product, ProductCategory, ProductionStage, StampApplication


class DateInput(forms.DateInput):
    input_type = "date"


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "gtin", "category", "brand", "shelf_life", "standards", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProductCategory.objects.filter(archived_at__isnull=True)
        self.fields["gtin"].max_length = 20
        self.fields["gtin"].widget.attrs.update(inputmode="numeric", autocomplete="off")


class ProductFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Name, GTIN or brand; diacritics optional.")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ProductCategory.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProductCategory.objects.filter(archived_at__isnull=True)


class ApplicationForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.IntegerField(label=_("Number of stamps"), min_value=1, max_value=1_000_000)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(StampApplication.Status.choices)
    )


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(
        label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3})
    )


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["lot", "production_date", "expiry_date", "origin", "quantity"]
        widgets = {"production_date": DateInput(), "expiry_date": DateInput()}


class BatchFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Lot number or origin."))
    recalled = forms.ChoiceField(
        label=_("Recall"),
        required=False,
        choices=[("", _("All")), ("yes", _("Recalled")), ("no", _("Not recalled"))],
    )


class StageForm(forms.ModelForm):
    class Meta:
        model = ProductionStage
        fields = ["name", "bizstep", "place", "started_at"]
        widgets = {"started_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class SeriesForm(forms.Form):
    quantity = forms.IntegerField(label=_("Number of stamps"), min_value=1, max_value=1_000_000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
