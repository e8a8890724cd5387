"""Choice labels drawn cheaply but the same: get_FOO_display translates one label per call, and selects of
communes or officials are read as (pk, label) rows, rendering exactly what ModelChoiceField rendered."""

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import trans_real

from inspections.forms import InspectionFilterForm, OfficialChoiceField, officials_queryset
from tcvn_portal.core.fields import LabelledModelChoiceField
from tcvn_portal.tenancy.context import tenant_context
from tcvn_portal.tenancy.models import Commune, Membership
from tcvn_portal.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_display_is_the_label_in_the_active_language_and_translates_only_it(
    tenant_a, inspector_a, monkeypatch
):
    with tenant_context(tenant_a):
        membership = Membership.objects.get(user=inspector_a)
    membership.status = Membership.Status.SUSPENDED
    with translation.override("vi"):
        assert membership.get_status_display() == "Tạm khóa"
    with translation.override("en"):
        assert membership.get_status_display() == "Suspended"
        assert membership.get_role_display() == str(Role(membership.role).label)
        calls = []

        # django.utils.translation.gettext goes through _trans, which caches trans_real's function.
        def counting(message):
            calls.append(message)
            return trans_real.gettext(message)

        monkeypatch.setattr(translation._trans, "gettext", counting)
        membership.get_status_display()
        assert calls == ["Suspended"]
    membership.status = "no-such-status"  # a value outside the choices shows as it is, as in Django
    assert membership.get_status_display() == "no-such-status"


class DjangoCommuneForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=Commune.objects.all(), required=False, empty_label="Tất cả")


class LabelledCommuneForm(forms.Form):
    commune = LabelledModelChoiceField(queryset=Commune.objects.all(), required=False, empty_label="Tất cả")


class DjangoOfficialForm(forms.Form):
    official = forms.ModelChoiceField(queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials_queryset()
        self.fields["official"].label_from_instance = lambda user: user.full_name or user.email


class LabelledOfficialForm(forms.Form):
    official = OfficialChoiceField(queryset=None, empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials_queryset()


def test_commune_and_official_selects_render_as_model_choice_fields_did(tenant_a, member_factory):
    with tenant_context(tenant_a):
        for name in ("Phường <Hà Giang 1>", "Xã Đồng Văn", 'Xã "Mèo Vạc"'):
            Commune.objects.create(name=name)
    named = member_factory(tenant_a, Role.INSPECTOR)
    unnamed = member_factory(tenant_a, Role.MANAGER)
    get_user_model().objects.filter(pk=unnamed.pk).update(full_name="")
    with tenant_context(tenant_a):
        chosen = Commune.objects.get(name="Xã Đồng Văn")
        for data in ({}, {"commune": chosen.pk}, {"commune": "x"}):
            assert str(LabelledCommuneForm(data)["commune"]) == str(DjangoCommuneForm(data)["commune"])
        assert "Phường &lt;Hà Giang 1&gt;" in str(LabelledCommuneForm()["commune"])
        for data in ({}, {"official": unnamed.pk}):
            assert str(LabelledOfficialForm(data)["official"]) == str(DjangoOfficialForm(data)["official"])
        assert f'<option value="{unnamed.pk}">{unnamed.email}</option>' in str(
            LabelledOfficialForm()["official"]
        )
        assert named.full_name in str(LabelledOfficialForm()["official"])


def test_a_labelled_choice_is_still_validated_against_the_tenants_rows(tenant_a, tenant_b, member_factory):
    with tenant_context(tenant_b):
        theirs = Commune.objects.create(name="Xã Bắc Hà")
    outsider = member_factory(tenant_b, Role.INSPECTOR)
    with tenant_context(tenant_a):
        mine = Commune.objects.create(name="Phường Minh Xuân")
        form = LabelledCommuneForm({"commune": mine.pk})
        assert form.is_valid() and form.cleaned_data["commune"] == mine
        with translation.override("vi"):
            refused = LabelledCommuneForm({"commune": theirs.pk})
            assert not refused.is_valid()
            assert "Hãy chọn một lựa chọn hợp lệ" in refused.errors["commune"][0]
        filters = InspectionFilterForm({"inspector": outsider.pk}).filters()
        assert filters.inspector_id is None  # ignored, as an invalid filter is
