"""Forms of the report pages: the entry form (indicator inputs named by code), the workflow forms and
the attachment upload.

The entry form is not a Django Form: its fields come from the report's own form version. Each
indicator posts `v-<CODE>` (the raw text as typed) and, when ticked, `na-<CODE>` ("không phát sinh",
which disables the input so only the tick is posted). Each section's text posts `n-<SECTION>` (HTML
from the editor, sanitised by the service). An empty input is "missing", 0 is a value, the tick is
"nothing to report": three states, kept apart from the browser to the database."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.vi import format_number

from . import selectors, services
from .models import Indicator, ReportValue
from .sanitize import sanitize_html

VALUE_PREFIX = "v-"
NA_PREFIX = "na-"
NARRATIVE_PREFIX = "n-"
State = ReportValue.State
T = Indicator.Type


def entry_data(post, indicators, sections) -> tuple[dict, dict]:
    """({code: raw value or services.NOT_APPLICABLE}, {section code: html}) from a POST. Indicators
    absent from the POST are left out (nothing is cleared by omission)."""
    values, narratives = {}, {}
    for ind in indicators:
        if post.get(NA_PREFIX + ind.code):
            values[ind.code] = services.NOT_APPLICABLE
        elif VALUE_PREFIX + ind.code in post:
            values[ind.code] = post.get(VALUE_PREFIX + ind.code, "")
    for section in sections:
        key = NARRATIVE_PREFIX + section.code
        if key in post:
            narratives[section.code] = post.get(key, "")
    return values, narratives


def posted_revision(post) -> int | None:
    try:
        return int(post.get("revision", ""))
    except (TypeError, ValueError):
        return None


def input_text(indicator: Indicator, rv: ReportValue | None) -> str:
    """The stored value as the input shows it: 1234 / 97,5 / yes / no / text ("" when empty or n/a)."""
    if rv is None or rv.state != State.VALUE:
        return ""
    if indicator.is_numeric and rv.value_number is not None:
        number = rv.value_number.normalize()
        if number == number.to_integral_value():
            return str(int(number))
        return format(number, "f").replace(".", ",")
    if indicator.type == T.BOOLEAN:
        return "" if rv.value_bool is None else ("yes" if rv.value_bool else "no")
    return rv.value_text


def display_value(indicator: Indicator | None, rv: ReportValue | None) -> str:
    """Read-only display: 1.234 / 97,5 / Có / Không / text; "" when empty."""
    if rv is None or rv.state == State.MISSING:
        return ""
    if rv.state == State.NOT_APPLICABLE:
        return str(_("Nothing to report"))
    value = rv.python_value()
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, Decimal):
        return format_number(value.normalize())
    return "" if value is None else str(value)


def snapshot_display(entry: dict | None) -> str:
    """A value of a version snapshot ({"state", "value"}) for the diff table."""
    if entry is None:
        return ""
    if entry.get("state") == State.NOT_APPLICABLE:
        return str(_("Nothing to report"))
    if entry.get("state") == State.MISSING:
        return ""
    value = entry.get("value")
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, str):
        try:
            return format_number(Decimal(value).normalize())
        except ArithmeticError:
            return value
    return "" if value is None else str(value)


def bounds_hint(indicator: Indicator) -> str:
    low, high = indicator.min_value, indicator.max_value
    if indicator.type == T.PERCENT:
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    if indicator.type == T.INTEGER and low is None:
        low = Decimal(0)
    if low is not None and high is not None:
        return _("from %(min)s to %(max)s") % {"min": format_number(low.normalize()),
                                                  "max": format_number(high.normalize())}
    if low is not None:
        return _("at least %(min)s") % {"min": format_number(low.normalize())}
    if high is not None:
        return _("at most %(max)s") % {"max": format_number(high.normalize())}
    return ""


def choice_options(indicator: Indicator) -> list[tuple[str, str]]:
    out = []
    for c in indicator.choices or []:
        if isinstance(c, list | tuple) and c:
            out.append((str(c[0]), str(c[1] if len(c) > 1 else c[0])))
        else:
            out.append((str(c), str(c)))
    return out


@dataclass
class EntryField:
    """One indicator as the entry page shows it."""

    indicator: Indicator
    value: ReportValue | None
    raw: str = ""
    not_applicable: bool = False
    error: str = ""
    messages: list = field(default_factory=list)  # (severity, text) from the rules

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def name(self) -> str:
        return VALUE_PREFIX + self.indicator.code

    @property
    def na_name(self) -> str:
        return NA_PREFIX + self.indicator.code

    @property
    def widget(self) -> str:
        t = self.indicator.type
        if t in Indicator.NUMERIC:
            return "number"
        return {T.BOOLEAN: "boolean", T.CHOICE: "choice"}.get(t, "text")

    @property
    def inputmode(self) -> str:
        return "numeric" if self.indicator.type == T.INTEGER else "decimal"

    @property
    def unit_of_measure(self) -> str:
        if self.indicator.unit_of_measure:
            return self.indicator.unit_of_measure
        return "%" if self.indicator.type == T.PERCENT else ""

    @property
    def hint(self) -> str:
        """Bounds set on the indicator (and 0–100 for a percentage); the implicit "at least 0" of whole
        numbers is not repeated on every row."""
        ind = self.indicator
        if not ind.is_numeric:
            return ""
        if ind.min_value is None and ind.max_value is None and ind.type != T.PERCENT:
            return ""
        return bounds_hint(ind)

    @property
    def options(self) -> list[tuple[str, str]]:
        if self.indicator.type == T.BOOLEAN:
            return [("yes", str(_("Yes"))), ("no", str(_("No")))]
        return choice_options(self.indicator)

    @property
    def display(self) -> str:
        return display_value(self.indicator, self.value)

    @property
    def state(self) -> str:
        if self.not_applicable:
            return State.NOT_APPLICABLE
        return State.VALUE if self.raw != "" else State.MISSING


def entry_fields(form_data, *, post=None, errors=None, issues=()) -> list:
    """[(EntrySection, [EntryField])] from selectors.report_form_data, with what the user posted (kept
    as typed when it could not be saved), per-field errors and rule messages."""
    errors = errors or {}
    by_code: dict[str, list] = {}
    for issue in issues:
        for code in issue.codes:
            by_code.setdefault(code, []).append((issue.severity, issue.text))
    out = []
    for es in form_data:
        fields = []
        for item in es.items:
            ind, rv = item.indicator, item.value
            f = EntryField(ind, rv, raw=input_text(ind, rv), not_applicable=rv is not None and rv.state == State.NOT_APPLICABLE,
                           error=errors.get(ind.code, ""), messages=by_code.get(ind.code, []))
            if post is not None:
                if post.get(NA_PREFIX + ind.code):
                    f.not_applicable, f.raw = True, ""
                elif VALUE_PREFIX + ind.code in post:
                    f.not_applicable, f.raw = False, post.get(VALUE_PREFIX + ind.code, "")
            fields.append(f)
        if post is not None and NARRATIVE_PREFIX + es.section.code in post:
            es.narrative = sanitize_html(post.get(NARRATIVE_PREFIX + es.section.code, ""))
        out.append((es, fields))
    return out


def validate_entry(report, values: dict) -> tuple[dict, list]:
    """Check values as typed without saving: ({code: message} for wrong types and out-of-range values,
    rule issues over the saved values overlaid with the valid typed ones). Three queries."""
    indicators = list(report.form.indicators.all())
    rows = {rv.indicator_id: rv for rv in report.values.all()}
    errors = {}
    for ind in indicators:
        if ind.code not in values:
            continue
        try:
            state, number, text, flag = services.parse_value(ind, values[ind.code])
        except ValidationError as exc:
            errors[ind.code] = exc.messages[0]
            state, number, text, flag = State.MISSING, None, "", None
        rows[ind.pk] = ReportValue(indicator=ind, state=state, value_number=number, value_text=text, value_bool=flag)
    issues = selectors.report_issues(report, indicators=indicators, rows=list(rows.values()))
    return errors, issues


def issues_json(issues) -> list[dict]:
    return [{"severity": i.severity, "text": str(i.text), "codes": list(i.codes), "kind": i.kind} for i in issues]


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=4000)


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("Reason for unlocking"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=4000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, PNG or JPEG."))
