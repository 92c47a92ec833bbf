"""Forms for the organisation pages. Dropdowns are scoped by the views (core.forms.apply_scope).

Every unit picker is a UnitChoiceField / UnitMultipleChoiceField (also used by accounts): hundreds of
options written in Python and a filter box in the browser (core.forms.SearchableSelect, app.js)."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import (
    ColumnChoiceIterator,
    SearchableSelect,
    SearchableSelectMultiple,
    StyledModelForm,
    VNDateField,
)

from .models import Cluster, Department, Person, Position, Term, Unit, UnitType, active_on


class UnitChoiceIterator(ColumnChoiceIterator):
    """Unit names repeat (every ward has its "Chi bộ khu dân cư số 1"): a name that occurs more than once
    in the list is followed by its parent's, "Chi bộ khu dân cư số 1 — Đảng ủy phường Chí Linh"."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = list(self.queryset.values_list("pk", "name", "parent__name"))
        repeated = {name for name, n in Counter(name for _pk, name, _parent in rows).items() if n > 1}
        for pk, name, parent in rows:
            yield (pk, f"{name} — {parent}" if name in repeated and parent else name)


class UnitChoiceField(forms.ModelChoiceField):
    widget = SearchableSelect
    iterator = UnitChoiceIterator
    label_column = "name"  # str(unit)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = SearchableSelectMultiple
    iterator = UnitChoiceIterator
    label_column = "name"


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class UnitCreateForm(forms.Form):
    parent = UnitChoiceField(label=_("Parent unit"), queryset=Unit.objects.all())
    type = forms.ModelChoiceField(label=_("Unit type"), queryset=UnitType.objects.all())
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    issuer_abbr = forms.CharField(
        label=_("Issuer abbreviation"), max_length=30, required=False, help_text=_("Used in document numbers, e.g. BTGDVTU.")
    )
    valid_from = VNDateField(label=_("In force from"), initial=dt.date.today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class UnitTypeChangeForm(forms.Form):
    type = forms.ModelChoiceField(label=_("Unit type"), queryset=UnitType.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class UnitRenameForm(forms.Form):
    valid_from = VNDateField(label=_("New name in force from"))
    name = forms.CharField(label=_("New name"), max_length=255)
    code = forms.CharField(label=_("Code"), max_length=40)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    issuer_abbr = forms.CharField(label=_("Issuer abbreviation"), max_length=30, required=False)
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class UnitAbolishForm(forms.Form):
    on = VNDateField(label=_("First day without the unit"), help_text=_("The unit ends the day before."))
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    close_subunits = forms.BooleanField(label=_("Also end its sub-units still in force"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class MergeChooseForm(forms.Form):
    """Step 1 of the merge wizard: which units merge, from when."""

    on = VNDateField(label=_("Date of the new structure"), help_text=_("The merged units end the day before."))
    predecessors = UnitMultipleChoiceField(
        label=_("Units to merge"), queryset=Unit.objects.all(), widget=SearchableSelectMultiple(attrs={"size": 10})
    )
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        data = super().clean()
        preds, on = data.get("predecessors"), data.get("on")
        if preds is not None and len(preds) < 2:
            self.add_error("predecessors", _("Choose at least two units to merge."))
        if preds and on:
            for u in preds:
                if not u.is_active(on - dt.timedelta(days=1)):
                    self.add_error(
                        "predecessors",
                        _("%(unit)s is not in force on the day before the merge.") % {"unit": u},
                    )
        return data


class MergeSuccessorForm(forms.Form):
    """Step 2: the new unit. Given the merged units and the date, it refuses here, at the fields, what
    the merge itself would refuse at the confirmation (where these fields are no longer shown)."""

    parent = UnitChoiceField(label=_("Parent unit of the new unit"), queryset=Unit.objects.all())
    type = forms.ModelChoiceField(label=_("Unit type"), queryset=UnitType.objects.all())
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    issuer_abbr = forms.CharField(label=_("Issuer abbreviation"), max_length=30, required=False)
    carry_grants = forms.BooleanField(label=_("Carry the users' grants over to the new unit"), required=False, initial=True)
    close_subunits = forms.BooleanField(label=_("Also end the sub-units of the merged units"), required=False)

    def __init__(self, *args, preds: list[Unit] | None = None, on: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.preds, self.on = preds or [], on
        _styled(self)

    def clean(self):
        from .services import check_code_free

        data = super().clean()
        parent, on = data.get("parent"), self.on
        if on is None:
            return data
        if parent is not None:
            if any(parent.path.startswith(p.path) for p in self.preds):
                self.add_error("parent", _("The new unit cannot be placed under a unit that ends with the merge."))
            elif not parent.is_active(on):
                self.add_error("parent", _("The parent unit is not in force on %(date)s.") % {"date": f"{on:%d/%m/%Y}"})
        if data.get("code") and "parent" not in self.errors:
            try:
                check_code_free(code=data["code"], parent=parent, on=on, ending=self.preds)
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        if not data.get("close_subunits"):
            for u in self.preds:
                subs = list(Unit.objects.subtree(u, include_self=False).filter(active_on(on))[:5])
                if subs:
                    self.add_error("close_subunits", _(
                        "%(unit)s still has sub-units in force on %(date)s: %(names)s."
                    ) % {"unit": u, "date": f"{on:%d/%m/%Y}", "names": ", ".join(str(s) for s in subs)})
        return data


class PersonForm(StyledModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "gender", "birth_year", "email", "phone", "home_unit"]
        field_classes = {"home_unit": UnitChoiceField}
        autofocus = ["full_name"]

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year and not (1930 <= year <= dt.date.today().year - 16):
            raise forms.ValidationError(_("Enter a plausible year of birth."))
        return year


class PositionForm(StyledModelForm):
    class Meta:
        model = Position
        fields = ["unit", "department", "title", "valid_from", "valid_to"]
        field_classes = {"unit": UnitChoiceField}


class ClusterForm(StyledModelForm):
    class Meta:
        model = Cluster
        fields = ["year", "kind", "name", "organiser", "members", "head", "deputy"]
        field_classes = {"organiser": UnitChoiceField, "members": UnitMultipleChoiceField, "head": UnitChoiceField,
                         "deputy": UnitChoiceField}
        widgets = {"members": SearchableSelectMultiple(attrs={"size": 12})}

    def save_data(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "members"}
        return data, list(self.cleaned_data.get("members") or [])


class TermForm(StyledModelForm):
    class Meta:
        model = Term
        fields = ["unit", "name", "number", "valid_from", "valid_to"]
        field_classes = {"unit": UnitChoiceField}


class DepartmentForm(StyledModelForm):
    class Meta:
        model = Department
        fields = ["unit", "code", "name", "valid_from", "valid_to"]
        field_classes = {"unit": UnitChoiceField}


class SplitForm(forms.Form):
    on = VNDateField(label=_("Date of the new structure"), help_text=_("The unit ends the day before."))
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)
    carry_grants = forms.BooleanField(label=_("Carry the users' grants over to the new units"), required=False, initial=True)
    close_subunits = forms.BooleanField(label=_("Also end its sub-units still in force"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class SplitPartForm(forms.Form):
    name = forms.CharField(label=_("Name of a new unit"), max_length=255, required=False)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    issuer_abbr = forms.CharField(label=_("Issuer abbreviation"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("code"):
            self.add_error("code", _("Enter a code for this unit."))
        if data.get("code") and not data.get("name"):
            self.add_error("name", _("Enter a name for this unit."))
        return data


SplitPartFormSet = forms.formset_factory(SplitPartForm, extra=4, max_num=10)
