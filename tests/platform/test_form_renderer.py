"""The Python-drawn selects and inputs (tcvn_portal.core.renderers) are Django's markup, byte for byte."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from tcvn_portal.core.renderers import PortalFormRenderer

HOSTILE = "\"><script>alert(1)</script>&amp; Đà Nẵng 'x'"
CHOICES = [("", "Tất cả"), ("a", HOSTILE), (1, "Một"), ("Nhóm <b>", [("g1", "Trong nhóm"), ("g2", "&")])]


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="gợi ý")
    optional = forms.CharField(required=False)
    number = forms.DecimalField(min_value=0, max_digits=6, decimal_places=2)
    integer = forms.IntegerField(required=False)
    email = forms.EmailField()
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    flag = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    several = forms.MultipleChoiceField(choices=CHOICES, required=False)
    nullable = forms.NullBooleanField()
    custom = forms.CharField(
        widget=forms.TextInput(attrs={"data-x": HOSTILE, "autofocus": True, "disabled": False}),
        required=False,
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "text": HOSTILE,
            "number": "-1e99",
            "email": "x@y",
            "day": "2026-13-40",
            "flag": "on",
            "choice": "a",
            "several": ["g2", "1"],
            "nullable": "true",
            "hidden": HOSTILE,
            "custom": mark_safe("<i>safe</i>"),  # noqa: S308  (what a caller may pass: kept as Django keeps it)
        },
        {"choice": "1", "integer": "7", "moment": "2026-01-02 03:04", "url": "javascript:x"},
    ],
)
def test_every_widget_renders_as_django_does(data):
    initial = {"day": datetime.date(2026, 2, 1), "choice": 1, "flag": True}
    ours = Everything(data, initial=initial, renderer=PortalFormRenderer())
    django = Everything(data, initial=initial, renderer=DjangoTemplates())
    for name in ours.fields:
        assert str(ours[name]) == str(django[name]), name
    assert HOSTILE not in str(ours["text"])  # the hostile value is escaped, never echoed raw


def test_portal_renderer_is_the_one_in_use():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PortalFormRenderer)
