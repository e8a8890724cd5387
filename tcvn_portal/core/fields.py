"""Form fields shared by the domains."""

from __future__ import annotations

from django import forms
from django.db.models import F
from django.forms.models import ModelChoiceIterator


class LabelRowsIterator(ModelChoiceIterator):
    """Options from (pk, label) rows: a select of a province's communes or officials builds no model
    instance per option, which cost more than the list the select filters."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A plain fetch: a hundred short rows need no server-side cursor (.iterator() opens one).
        yield from self.queryset.values_list("pk", self.field.label_expression)


class LabelledChoices:
    """Options labelled by `label_expression`, read with the primary key (LabelRowsIterator); validation
    still looks the chosen rows up in the queryset."""

    iterator = LabelRowsIterator
    label_expression = F("name")


class LabelledModelChoiceField(LabelledChoices, forms.ModelChoiceField):
    pass


class LabelledModelMultipleChoiceField(LabelledChoices, forms.ModelMultipleChoiceField):
    pass
