"""FastSelect writes the HTML of Django's Select templates (options, selection, disabled options, optgroups,
escaping, attributes) without a template per option; ColumnChoiceIterator offers the same choices as
Django's ModelChoiceIterator from (pk, label) rows."""
from __future__ import annotations

import re

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.core.forms import (
    ColumnChoiceIterator,
    FastSelect,
    FastSelectMultiple,
    SearchableSelect,
    SearchableSelectMultiple,
)

CHOICES = [
    ("", "---------"),
    ("1", 'Chi bộ "Mới" <b>A&B</b>'),
    ("Phường", [("2", "Chí Linh"), ("3", "Chu Văn An")]),
    ("Xã <cũ>", [("4", "Hiệp An")]),
    (5, "Năm"),
]


def django_html(widget: forms.Select, *args, **kwargs) -> str:
    """What Django's own templates write for the same widget."""
    return re.sub(r"\n\s*\n", "\n", forms.Select.render(widget, *args, **kwargs))


class WithDisabled(FastSelect):
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) == "3":
            option["attrs"]["disabled"] = True
        return option


@pytest.mark.parametrize("value", [None, "", "1", "3", 5, "999"])
def test_single_select_writes_djangos_html(value):
    widget = FastSelect(attrs={"class": "form-select", "required": True, "data-x": 'a"b', "hidden": False},
                        choices=CHOICES)
    attrs = {"id": "id_unit", "aria-describedby": "id_unit-help"}
    assert widget.render("unit", value, attrs) == django_html(widget, "unit", value, attrs)


def test_disabled_options_escaping_and_optgroups():
    widget = WithDisabled(choices=CHOICES)
    html = widget.render("unit", "2", {"id": "id_unit"})
    assert html == django_html(widget, "unit", "2", {"id": "id_unit"})
    assert '<option value="3" disabled>Chu Văn An</option>' in html
    assert '<option value="2" selected>Chí Linh</option>' in html
    assert "Chi bộ &quot;Mới&quot; &lt;b&gt;A&amp;B&lt;/b&gt;" in html and "<b>" not in html
    assert '<optgroup label="Xã &lt;cũ&gt;">' in html


def test_multiple_select_writes_djangos_html():
    widget = FastSelectMultiple(attrs={"size": 10}, choices=CHOICES[1:])
    html = widget.render("units", ["1", "4", "5"], {"id": "id_units"})
    assert html == django_html(widget, "units", ["1", "4", "5"], {"id": "id_units"})
    assert html.startswith('<select name="units" size="10" id="id_units" multiple>')
    assert html.count(" selected>") == 3


def test_searchable_selects_carry_the_texts_of_the_filter_box():
    html = SearchableSelect(choices=CHOICES).render("unit", None)
    assert ' data-searchable data-filter-label="Lọc danh sách"' in html
    assert 'data-filter-count="Đang hiện {shown}/{total} mục"' in html and "data-chosen-label" not in html
    html = SearchableSelectMultiple(choices=CHOICES[1:]).render("units", ["2"])
    assert 'data-chosen-label="Đã chọn:" data-chosen-none="Chưa chọn mục nào."' in html and " multiple" in html


def test_a_bound_field_renders_through_the_widget():
    class F(forms.Form):
        unit = forms.ChoiceField(choices=CHOICES[1:], widget=SearchableSelect)

    form = F({"unit": "nope"})
    assert not form.is_valid()
    html = str(form["unit"])
    assert html.startswith('<select name="unit" ') and 'id="id_unit"' in html and 'aria-invalid="true"' in html


class GroupField(forms.ModelChoiceField):
    widget = FastSelect
    iterator = ColumnChoiceIterator
    label_column = "name"


class GroupsField(forms.ModelMultipleChoiceField):
    widget = FastSelectMultiple
    iterator = ColumnChoiceIterator
    label_column = "name"


@pytest.mark.django_db
def test_column_choices_are_djangos_choices_in_one_query():
    for name in ("Ban <B>", "An", "Chí Linh"):
        Group.objects.create(name=name)
    qs = Group.objects.order_by("name")
    plain = forms.ModelChoiceField(queryset=qs, empty_label="Tất cả")
    light = GroupField(queryset=qs, empty_label="Tất cả")
    assert [(str(v), str(label)) for v, label in light.choices] == [(str(v), str(label)) for v, label in plain.choices]
    chosen = Group.objects.get(name="An")
    with CaptureQueriesContext(connection) as queries:
        html = light.widget.render("g", chosen.pk, {"id": "id_g"})
    assert len(queries) == 1
    assert html == django_html(plain.widget, "g", chosen.pk, {"id": "id_g"})
    # cleaning still returns the model instance
    form = type("F", (forms.Form,), {"g": GroupField(queryset=qs), "gs": GroupsField(queryset=qs)})(
        {"g": str(chosen.pk), "gs": [str(chosen.pk)]})
    assert form.is_valid() and form.cleaned_data["g"] == chosen and list(form.cleaned_data["gs"]) == [chosen]
