from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import VNDateField
from tuyengiao.org.forms import UnitChoiceField  # every unit picker: rendered in Python, searchable

from .models import User
from .roles import Role


def _styled(form):
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select")
        else:
            w.attrs.setdefault("class", "form-control")


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        _styled(self)


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": _("Use letters, digits and @/./+/-/_ only.")})
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    home_unit = UnitChoiceField(label=_("Unit"), queryset=None)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput(render_value=False),
                               help_text=_("At least 10 characters; the user should change it after logging in."))

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_unit"].queryset = unit_queryset
        _styled(self)

    def clean_password(self):
        pw = self.cleaned_data["password"]
        validate_password(pw, User(username=self.data.get("username", ""), full_name=self.data.get("full_name", "")))
        return pw


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    home_unit = UnitChoiceField(label=_("Unit"), queryset=None)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_unit"].queryset = unit_queryset
        _styled(self)


class GrantForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None,
                           help_text=_("The role applies to this unit and every unit beneath it."))
    # An empty first choice: a careless submit must not give the first role (the administrator's).
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role")), *Role.choices],
                             error_messages={"required": _("Choose a role.")})
    valid_from = VNDateField(label=_("Valid from"), initial=dt.date.today)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, unit_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_queryset
        _styled(self)
