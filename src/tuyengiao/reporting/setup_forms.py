"""Forms of the setup pages (regimes, per-period deadlines, form versions): input only; every write goes
through reporting.services, whose ValidationErrors the views put back at the field."""
from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import StyledModelForm, VNDateField
from tuyengiao.org.models import Cluster, Unit, UnitType, active_on

from . import periods as P
from .models import Indicator, Regime, Section, ValidationRule
from .services import parse_number


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class RegimeForm(StyledModelForm):
    """A regime; the dropdowns list only what the user may use (receiving units: where they may add or
    change regimes)."""

    class Meta:
        model = Regime
        fields = ["name", "code", "frequency", "receiving_unit", "selection", "unit_types", "units", "cluster",
                  "deadline_days", "cutoff_days", "is_active"]
        widgets = {
            "selection": forms.RadioSelect,
            "unit_types": forms.CheckboxSelectMultiple,
            "units": forms.SelectMultiple(attrs={"size": 10}),
        }
        help_texts = {
            "code": _("Letters, digits and hyphens, unique, e.g. bc-tuyen-giao-6-thang."),
            "deadline_days": _("Counted from the last day of the period: 5 = five days after it ends, 0 = on its "
                               "last day, -3 = three days before it ends. A single period's deadline can be "
                               "changed on the regime's page."),
            "units": _("Only for “A list of units”. Hold Ctrl to choose several."),
            "cluster": _("Only for “Members of an emulation cluster”."),
            "unit_types": _("Only for “Units of the chosen types”: every unit of these types under the receiving "
                            "unit's party committee, as the tree stood in each period."),
        }
        autofocus = ("name",)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        action = "change" if self.instance.pk else "add"
        today = timezone.localdate()
        self.fields["receiving_unit"].queryset = (
            Unit.objects.restrict_perm(user, f"reporting.{action}_regime").filter(active_on(today))
            .order_by("path"))
        self.fields["unit_types"].queryset = UnitType.objects.order_by("order", "name")
        self.fields["units"].queryset = (
            Unit.objects.restrict(user, "view").filter(active_on(today)).order_by("path"))
        self.fields["cluster"].queryset = Cluster.objects.restrict(user, "view").order_by("-year", "sort_key")
        self.fields["units"].required = False
        self.fields["unit_types"].required = False
        for name in ("selection", "unit_types"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        selection = data.get("selection")
        if selection == Regime.Selection.UNIT_TYPES and not data.get("unit_types"):
            self.add_error("unit_types", _("Choose at least one unit type."))
        elif selection == Regime.Selection.UNITS and not data.get("units"):
            self.add_error("units", _("Choose at least one unit."))
        elif selection == Regime.Selection.CLUSTER and not data.get("cluster"):
            self.add_error("cluster", _("Choose a cluster."))
        return data

    def _post_clean(self):
        # Uniqueness and model checks run in the service (regime_create / regime_update): the instance is
        # not touched here, so a failed save leaves nothing half-changed.
        pass

    def service_data(self) -> tuple[dict, list, list]:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields if f not in ("unit_types", "units")}
        return data, list(self.cleaned_data.get("unit_types") or []), list(self.cleaned_data.get("units") or [])


class PeriodDeadlineForm(forms.Form):
    period_code = forms.CharField(
        label=_("Period"), max_length=12,
        help_text=_("The period's code: 2026-07 (month), 2026-Q3 (quarter), 2026-H2 (six months), 2026 (year)."),
        widget=forms.TextInput(attrs={"placeholder": "2026-H2", "autocomplete": "off"}),
    )
    deadline = VNDateField(label=_("Deadline"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("e.g. the reason: brought forward for the provincial conference."))

    def __init__(self, *args, regime: Regime, **kwargs):
        self.regime = regime
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_period_code(self):
        text = self.cleaned_data["period_code"].strip().upper()
        try:
            spec = P.parse_code(text)
        except (ValueError, KeyError):
            raise ValidationError(_("Write the period as 2026-07, 2026-Q3, 2026-H2 or 2026."), code="period")
        if spec.kind != self.regime.period_kind:
            raise ValidationError(
                _("This regime reports by %(frequency)s: the period must be of that kind.")
                % {"frequency": self.regime.get_frequency_display().lower()}, code="kind")
        self.spec = spec
        return spec.code


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["code", "title", "order", "is_narrative", "guidance"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass  # section_save runs the model checks


THOUSANDS_RE = re.compile(r"-?\d{1,3}(\.\d{3})+")


class DecimalInput(forms.CharField):
    """A bound written the Vietnamese way (1.234 ; 97,5) or with a decimal point."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", None):
            return None
        try:
            # Vietnamese first: a point between groups of three digits separates thousands (1.000 = 1000).
            return parse_number(value, integer=bool(THOUSANDS_RE.fullmatch(value.strip())))
        except ValueError:
            raise ValidationError(_("Enter a number."), code="invalid")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f")
            return text.replace(".", ",")
        return value


class ChoicesField(forms.CharField):
    """One choice per line <-> the list stored on the indicator."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(v[0] if isinstance(v, list | tuple) else v) for v in value)
        return value


class IndicatorForm(forms.ModelForm):
    """One indicator; `sections` and `indicators` are the form version's, already loaded by the editor."""

    min_value = DecimalInput(label=_("Minimum"), required=False)
    max_value = DecimalInput(label=_("Maximum"), required=False)
    choices = ChoicesField(label=_("Choices"), required=False,
                           help_text=_("For the “Choice” type: one choice per line."))
    # Plain choice fields filled from the lists the editor already loaded (no query per form).
    section = forms.ChoiceField(label=_("Section"))
    weight_indicator = forms.ChoiceField(
        label=_("Weight indicator"), required=False,
        help_text=_("For a weighted mean: the indicator each unit's value is weighted by (e.g. the number of "
                    "party members)."))

    class Meta:
        model = Indicator
        fields = ["section", "code", "name", "unit_of_measure", "type", "aggregation", "weight_indicator",
                  "min_value", "max_value", "required", "choices", "order", "help_text"]

    def __init__(self, *args, sections, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self._sections = {s.pk: s for s in sections}
        self._numeric = {i.pk: i for i in indicators if i.is_numeric and i.pk != self.instance.pk}
        self.fields["section"].choices = [(s.pk, f"{s.code} — {s.title}") for s in sections]
        self.fields["weight_indicator"].choices = [("", "---------")] + [
            (i.pk, f"{i.code} — {i.name}") for i in self._numeric.values()]
        _style(self)

    def clean_section(self):
        return self._sections[int(self.cleaned_data["section"])]

    def clean_weight_indicator(self):
        value = self.cleaned_data.get("weight_indicator")
        return self._numeric[int(value)] if value else None

    def _post_clean(self):
        pass  # indicator_save runs the model and form-level checks

    def service_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields if f in self.cleaned_data}


class RuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["expression", "message", "severity", "order"]
        widgets = {"expression": forms.TextInput(attrs={"class": "form-control font-monospace",
                                                        "autocomplete": "off", "spellcheck": "false"})}
        help_texts = {
            "expression": _("Indicator codes of this form, numbers, + - * /, comparisons (<, <=, =, >=, >) and "
                            "and / or / not, e.g. NQ_MEMBERS_ATTENDED <= PARTY_MEMBERS."),
            "message": _("Shown to the reporting unit when the rule fails, in Vietnamese."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def _post_clean(self):
        pass  # rule_save parses the expression and runs the model checks


class NewVersionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=255, required=False,
                           help_text=_("What this version changes, e.g. “2026: added the online points”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
