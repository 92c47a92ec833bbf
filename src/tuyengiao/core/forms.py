"""Form helpers: scoped dropdowns, Vietnamese dates, service errors shown at the field."""
from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)
            if name in getattr(self.Meta, "autofocus", ()):
                field.widget.attrs["autofocus"] = True

    def m2m_fields(self) -> list[str]:
        return [f.name for f in self._meta.model._meta.many_to_many if f.name in self.fields]


__all__ = ["VNDateField", "VNDateInput", "apply_scope", "form_add_errors", "StyledModelForm", "NON_FIELD_ERRORS"]
