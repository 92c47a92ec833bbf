"""Form helpers: scoped dropdowns, Vietnamese dates, service errors shown at the field."""
from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class VNDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                "pattern": r"\d{1,2}/\d{1,2}/\d{4}"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class VNDateField(forms.DateField):
    widget = VNDateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%Y-%m-%d"])
        super().__init__(**kwargs)


def _attrs_html(attrs: dict) -> str:
    """The attributes as Django's widgets/attrs.html writes them: False left out, True bare."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items() if value is not False
    )


class FastSelect(forms.Select):
    """A <select> whose options are written in Python, not by one template include per option.

    The HTML is Django's (selected, disabled and other option attributes, optgroups, escaping); a
    unit picker has hundreds of options and the templates spent most of a list page on them.
    `searchable = True` adds data-searchable: app.js then puts a filter box above the list (the
    texts it shows travel as data attributes, translated here: there is no JavaScript catalogue).
    """

    searchable = False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.searchable:
            context["widget"]["attrs"].update(
                {"data-searchable": True, "data-filter-label": _("Filter the list"),
                 "data-filter-placeholder": _("Type part of a name, e.g. chi linh"),
                 "data-filter-empty": _("Nothing matches the filter."),
                 "data-filter-count": _("{shown} of {total} shown")}
            )
            if self.allow_multiple_selected:
                context["widget"]["attrs"].update(
                    {"data-chosen-label": _("Chosen:"), "data-chosen-none": _("Nothing chosen yet.")}
                )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            out.extend(
                f'\n  <option value="{conditional_escape(str(o["value"]))}"{_attrs_html(o["attrs"])}>'
                f'{conditional_escape(o["label"])}</option>'
                for o in options
            )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))


class ColumnChoiceIterator(forms.models.ModelChoiceIterator):
    """A model dropdown's options read as (pk, label) rows, without a model instance per option: for
    fields whose label is one column (`label_column`, e.g. a unit's name)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.label_column)


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    pass


class SearchableSelect(FastSelect):
    searchable = True


class SearchableSelectMultiple(FastSelectMultiple):
    searchable = True


def apply_scope(form: forms.BaseForm, user) -> None:
    """Every model dropdown lists only what the user may see (the same restrict() as the pages)."""
    for field in form.fields.values():
        qs = getattr(field, "queryset", None)
        if qs is not None and hasattr(qs, "restrict"):
            field.queryset = qs.restrict(user, "view")


def form_add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class StyledModelForm(forms.ModelForm):
    """Bootstrap classes, Vietnamese date inputs; m2m fields reported for services."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = VNDateInput()
                field.input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"  # a radio or checkbox with form-control draws as an empty grey bar
            field.widget.attrs.setdefault("class", css)
            if name in getattr(self.Meta, "autofocus", ()):
                field.widget.attrs["autofocus"] = True

    def m2m_fields(self) -> list[str]:
        return [f.name for f in self._meta.model._meta.many_to_many if f.name in self.fields]


__all__ = ["VNDateField", "VNDateInput", "ColumnChoiceIterator", "FastSelect", "FastSelectMultiple", "SearchableSelect",
           "SearchableSelectMultiple", "apply_scope", "form_add_errors", "StyledModelForm", "NON_FIELD_ERRORS"]
