"""Writes for reporting: regimes and form versions, drafts, the workflow, attachments.

Every function is keyword-only, atomic, checks permission (out of scope: 404; in scope but not the
receiving side: 403) and records an audit entry. Values are passed as {indicator code: raw value}:
None or "" = empty (missing), NOT_APPLICABLE = "không phát sinh", anything else is parsed by type
(0 is a value)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core import audit
from tuyengiao.core.permissions import has_perm_on
from tuyengiao.core.services import ensure_perm, object_create, object_update
from tuyengiao.core.vi import format_number

from . import expressions, selectors
from .models import (
    Attachment,
    FormVersion,
    Indicator,
    NarrativeEntry,
    Period,
    PeriodDeadline,
    Regime,
    Report,
    ReportValue,
    ReportVersion,
    Section,
    ValidationRule,
)
from .notify import APPROVED, RESUBMITTED, RETURNED, SUBMITTED, UNLOCKED, workflow_step
from .sanitize import sanitize_html

NOT_APPLICABLE = "not_applicable"
CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
State = ReportValue.State
Status = Report.Status


# --------------------------------------------------------------------------- regimes and forms


@transaction.atomic
def regime_create(*, data: dict, by, unit_types=(), units=()) -> Regime:
    return object_create(model=Regime, data=data, by=by, m2m={"unit_types": list(unit_types), "units": list(units)})


@transaction.atomic
def regime_update(*, regime: Regime, data: dict, by, unit_types=None, units=None) -> Regime:
    m2m = {}
    if unit_types is not None:
        m2m["unit_types"] = list(unit_types)
    if units is not None:
        m2m["units"] = list(units)
    if "current_form" in data and data["current_form"] is not None and not data["current_form"].is_published:
        raise ValidationError({"current_form": _("Only a published form version can be the current one.")})
    return object_update(obj=regime, data=data, by=by, m2m=m2m)


@transaction.atomic
def period_deadline_set(*, regime: Regime, period: Period, deadline: dt.date, by, note: str = "") -> PeriodDeadline:
    ensure_perm(user=by, obj=regime, action="change")
    obj = PeriodDeadline.objects.filter(regime=regime, period=period).first()
    before = audit.snapshot(obj) if obj else None
    if obj is None:
        obj = PeriodDeadline(regime=regime, period=period)
    obj.deadline, obj.note = deadline, note
    obj.save()
    audit.record(actor=by, action="update" if before else "create", obj=obj, before=before, after=audit.snapshot(obj))
    return obj


def _draft_form(form: FormVersion, by) -> FormVersion:
    form = FormVersion.objects.select_for_update().select_related("regime__receiving_unit").get(pk=form.pk)
    ensure_perm(user=by, obj=form, action="change")
    if form.is_published:
        raise ValidationError(
            _("Version %(n)s of this form is published and cannot change: make a new version instead.")
            % {"n": form.number}, code="published",
        )
    return form


@transaction.atomic
def form_version_create(*, regime: Regime, by, note: str = "") -> FormVersion:
    form = FormVersion(regime=regime, number=(regime.forms.aggregate(n=Max("number"))["n"] or 0) + 1, note=note)
    ensure_perm(user=by, obj=form, action="add")
    form.save()
    audit.record(actor=by, action="create", obj=form, after=audit.snapshot(form))
    return form


@transaction.atomic
def section_save(*, form: FormVersion, data: dict, by, section: Section | None = None) -> Section:
    form = _draft_form(form, by)
    obj = section or Section(form=form)
    if obj.form_id != form.pk:
        raise ValidationError(_("This section belongs to another form version."))
    for key, value in data.items():
        setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    audit.record(actor=by, action="update", obj=form, after={"section": audit.snapshot(obj)})
    return obj


@transaction.atomic
def indicator_save(*, form: FormVersion, data: dict, by, indicator: Indicator | None = None) -> Indicator:
    form = _draft_form(form, by)
    obj = indicator or Indicator(form=form)
    if obj.form_id != form.pk:
        raise ValidationError(_("This indicator belongs to another form version."))
    for key, value in data.items():
        setattr(obj, key, value)
    _check_indicator(obj)
    obj.full_clean()
    obj.save()
    audit.record(actor=by, action="update", obj=form, after={"indicator": audit.snapshot(obj)})
    return obj


def _check_indicator(ind: Indicator) -> None:
    errors = {}
    if not CODE_RE.match(ind.code or ""):
        errors["code"] = _("Use capital letters, digits and _ only, starting with a letter (e.g. NQ_SESSIONS).")
    if ind.section_id and ind.section.form_id != ind.form_id:
        errors["section"] = _("The section belongs to another form version.")
    if ind.aggregation == Indicator.Aggregation.WEIGHTED_MEAN:
        if ind.weight_indicator is None:
            errors["weight_indicator"] = _("A weighted mean needs a weight indicator.")
        elif ind.weight_indicator.form_id != ind.form_id or not ind.weight_indicator.is_numeric:
            errors["weight_indicator"] = _("The weight must be a numeric indicator of the same form version.")
    if ind.type == Indicator.Type.CHOICE and not ind.choices:
        errors["choices"] = _("List the choices.")
    if ind.min_value is not None and ind.max_value is not None and ind.min_value > ind.max_value:
        errors["max_value"] = _("The maximum is below the minimum.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rule_save(*, form: FormVersion, data: dict, by, rule: ValidationRule | None = None) -> ValidationRule:
    form = _draft_form(form, by)
    obj = rule or ValidationRule(form=form)
    for key, value in data.items():
        setattr(obj, key, value)
    codes = set(form.indicators.values_list("code", flat=True))
    try:
        expressions.parse(obj.expression, codes)
    except expressions.ExpressionError as exc:
        raise ValidationError({"expression": str(exc)})
    obj.full_clean()
    obj.save()
    audit.record(actor=by, action="update", obj=form, after={"rule": audit.snapshot(obj)})
    return obj


@transaction.atomic
def form_version_publish(*, form: FormVersion, by, make_current: bool = True) -> FormVersion:
    form = _draft_form(form, by)
    if not has_perm_on(by, "reporting.publish_formversion", form.regime.receiving_unit.path) and by is not None:
        raise PermissionDenied
    indicators = list(form.indicators.select_related("section", "weight_indicator"))
    if not indicators and not form.sections.filter(is_narrative=True).exists():
        raise ValidationError(_("The form has no indicators and no narrative sections."))
    codes = {i.code for i in indicators}
    errors = []
    for ind in indicators:
        try:
            _check_indicator(ind)
        except ValidationError as exc:
            errors.append(_("%(code)s: %(error)s") % {"code": ind.code, "error": "; ".join(exc.messages)})
    for rule in form.rules.all():
        try:
            expressions.parse(rule.expression, codes)
        except expressions.ExpressionError as exc:
            errors.append(_("Rule %(rule)s: %(error)s") % {"rule": rule.expression, "error": exc})
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(form)
    form.status = FormVersion.Status.PUBLISHED
    form.published_at = timezone.now()
    form.save(update_fields=["status", "published_at"])
    audit.record(actor=by, action="update", obj=form, before=before, after=audit.snapshot(form))
    if make_current:
        regime = Regime.objects.select_for_update().get(pk=form.regime_id)
        before = audit.snapshot(regime)
        regime.current_form = form
        regime.save(update_fields=["current_form"])
        audit.record(actor=by, action="update", obj=regime, before=before, after=audit.snapshot(regime))
    return form


@transaction.atomic
def form_version_clone(*, form: FormVersion, by, note: str = "") -> FormVersion:
    """A new draft version with the same sections, indicators and rules: the way to change a form."""
    new = form_version_create(regime=form.regime, by=by, note=note or form.note)
    section_map = {}
    for s in form.sections.all():
        old_pk = s.pk
        s.pk, s.id, s.form = None, None, new
        s.save()
        section_map[old_pk] = s
    ind_map, weights = {}, {}
    for ind in form.indicators.all():
        old_pk = ind.pk
        weights[old_pk] = ind.weight_indicator_id
        ind.pk, ind.id, ind.form, ind.section = None, None, new, section_map[ind.section_id]
        ind.weight_indicator = None
        ind.save()
        ind_map[old_pk] = ind
    for old_pk, weight_pk in weights.items():
        if weight_pk:
            Indicator.objects.filter(pk=ind_map[old_pk].pk).update(weight_indicator=ind_map[weight_pk])
    ValidationRule.objects.bulk_create(
        [ValidationRule(form=new, expression=r.expression, message=r.message, severity=r.severity, order=r.order)
         for r in form.rules.all()]
    )
    audit.record(actor=by, action="create", obj=new, after={"cloned_from": form.pk})
    return new


# --------------------------------------------------------------------------- values


def parse_number(raw, *, integer: bool = False) -> Decimal:
    """Accept 1234, "1.234" (Vietnamese thousands), "1.234,5", "97,5", "12.5" (a decimal point).

    Vietnamese first, for every numeric type: a point before groups of exactly three digits separates
    thousands ("1.234" is 1234, as the pages write it), unless the number starts with 0 ("0.125"). A
    point anywhere else is a decimal point ("12.5", "97.25", "1.5")."""
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?[1-9]\d{0,2}(\.\d{3})+", text) or (integer and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text)):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError
    if not value.is_finite():
        raise ValueError
    return value


_TRUE = {"1", "true", "yes", "co", "có", "x", "on"}
_FALSE = {"0", "false", "no", "khong", "không", "off"}


def parse_value(indicator: Indicator, raw) -> tuple[str, Decimal | None, str, bool | None]:
    """(state, number, text, bool) for one raw value; raises ValidationError with a user message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return State.MISSING, None, "", None
    if raw == NOT_APPLICABLE:
        return State.NOT_APPLICABLE, None, "", None
    t = indicator.type
    if t in Indicator.NUMERIC:
        try:
            number = parse_number(raw, integer=t == Indicator.Type.INTEGER)
        except ValueError:
            raise ValidationError(_("Enter a number."), code="type")
        if t == Indicator.Type.INTEGER and number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number."), code="type")
        if abs(number) >= Decimal("1e15"):
            raise ValidationError(_("The number is too large."), code="range")
        if number.as_tuple().exponent < -4:
            number = number.quantize(Decimal("0.0001"))
        low = indicator.min_value
        high = indicator.max_value
        if t == Indicator.Type.PERCENT:
            low = Decimal(0) if low is None else low
            high = Decimal(100) if high is None else high
        if low is None and t == Indicator.Type.INTEGER:
            low = Decimal(0)
        if low is not None and number < low:
            raise ValidationError(_("The value must be at least %(min)s.") % {"min": format_number(low.normalize())},
                                  code="range")
        if high is not None and number > high:
            raise ValidationError(_("The value must be at most %(max)s.") % {"max": format_number(high.normalize())},
                                  code="range")
        return State.VALUE, number, "", None
    if t == Indicator.Type.BOOLEAN:
        if isinstance(raw, bool):
            return State.VALUE, None, "", raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return State.VALUE, None, "", True
        if text in _FALSE:
            return State.VALUE, None, "", False
        raise ValidationError(_("Answer yes or no."), code="type")
    text = str(raw).strip()
    if t == Indicator.Type.CHOICE:
        allowed = [str(c[0]) if isinstance(c, list | tuple) else str(c) for c in indicator.choices or []]
        if text not in allowed:
            raise ValidationError(_("Choose one of the listed values."), code="choice")
    if len(text) > 500:
        raise ValidationError(_("At most 500 characters."), code="length")
    return State.VALUE, None, text, None


def _value_snapshot(rv: ReportValue) -> dict:
    value = rv.python_value()
    return {"state": rv.state, "value": str(value) if isinstance(value, Decimal) else value}


@dataclass
class SaveResult:
    report: Report
    revision: int
    saved: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # code -> message: those fields were NOT saved
    issues: list = field(default_factory=list)  # selectors.Issue from the rules, on the saved values


def _lock_report(report: Report) -> Report:
    return Report.objects.select_for_update().select_related(
        "regime__receiving_unit", "period", "form", "unit").get(pk=report.pk)


def _check_revision(report: Report, based_on_revision: int | None) -> None:
    if based_on_revision is not None and based_on_revision != report.revision:
        raise ValidationError(
            _("Someone else saved this report in the meantime (revision %(theirs)s; your copy is based on "
              "%(yours)s). Nothing of yours was overwritten: reload to see their changes, then enter yours again.")
            % {"theirs": report.revision, "yours": based_on_revision},
            code="conflict",
        )


@transaction.atomic
def report_get_or_create_draft(*, regime: Regime, period: Period, unit, by) -> Report:
    existing = Report.objects.filter(regime=regime, period=period, unit=unit).first()
    if existing is not None:
        ensure_perm(user=by, obj=existing, action="view")
        return existing
    report = Report(regime=regime, period=period, unit=unit, unit_path=unit.path)
    ensure_perm(user=by, obj=report, action="add")
    if regime.current_form is None or not regime.current_form.is_published:
        raise ValidationError(_("This regime has no published form yet."), code="no_form")
    if period.kind != regime.period_kind:
        raise ValidationError(_("This period does not match the regime's frequency."), code="period")
    if not selectors.expected_units(regime, period).filter(pk=unit.pk).exists():
        raise ValidationError(_("%(unit)s does not report under this regime for %(period)s.")
                              % {"unit": unit, "period": period.label}, code="not_expected")
    report.form = regime.current_form
    report.deadline = selectors.effective_deadline(regime, period)
    report.save()
    audit.record(actor=by, action="create", obj=report, after=audit.snapshot(report))
    return report


@transaction.atomic
def report_save_draft(*, report: Report, by, values: dict | None = None, narratives: dict | None = None,
                      based_on_revision: int | None) -> SaveResult:
    """Save what is valid, report what is not. Raises ValidationError(code="conflict") when the report
    was saved by someone else since `based_on_revision` (then nothing is written)."""
    report = _lock_report(report)
    ensure_perm(user=by, obj=report, action="change")
    if not report.is_editable:
        raise ValidationError(_("This report is %(status)s and cannot be edited.")
                              % {"status": report.get_status_display().lower()}, code="locked")
    _check_revision(report, based_on_revision)
    result = SaveResult(report=report, revision=report.revision)
    indicators = {i.code: i for i in report.form.indicators.all()}
    existing = {rv.indicator_id: rv for rv in report.values.all()}
    before, after = {}, {}
    to_create, to_update = [], []
    for code, raw in (values or {}).items():
        ind = indicators.get(code)
        if ind is None:
            result.errors[code] = _("This indicator is not on the form.")
            continue
        try:
            state, number, text, flag = parse_value(ind, raw)
        except ValidationError as exc:
            result.errors[code] = exc.messages[0]
            continue
        rv = existing.get(ind.pk)
        if rv is None:
            rv = ReportValue(report=report, indicator=ind, regime_id=report.regime_id, period_id=report.period_id,
                             unit_id=report.unit_id, unit_path=report.unit_path, code=code, status=report.status)
            existing[ind.pk] = rv
            to_create.append(rv)
        elif (rv.state, rv.value_number, rv.value_text, rv.value_bool) == (state, number, text, flag):
            continue
        else:
            before[code] = _value_snapshot(rv)
            to_update.append(rv)
        rv.state, rv.value_number, rv.value_text, rv.value_bool = state, number, text, flag
        after[code] = _value_snapshot(rv)
        result.saved.append(code)
    # Weighted means: carry each weight indicator's value onto the weighted row.
    by_indicator = existing
    for ind in indicators.values():
        if ind.aggregation == Indicator.Aggregation.WEIGHTED_MEAN and ind.weight_indicator_id:
            rv = by_indicator.get(ind.pk)
            w = by_indicator.get(ind.weight_indicator_id)
            weight = w.value_number if w is not None and w.state == State.VALUE else None
            if rv is not None and rv.weight != weight:
                rv.weight = weight
                if rv not in to_create and rv not in to_update:
                    to_update.append(rv)
    if to_create:
        ReportValue.objects.bulk_create(to_create)
    if to_update:
        ReportValue.objects.bulk_update(to_update, ["state", "value_number", "value_text", "value_bool", "weight"])
    if narratives:
        sections = {s.code: s for s in report.form.sections.all()}  # every section may carry text
        current = {n.section_id: n for n in report.narratives.all()}
        for code, html in narratives.items():
            section = sections.get(code)
            if section is None:
                result.errors[code] = _("This section is not on the form.")
                continue
            clean = sanitize_html(html)
            entry = current.get(section.pk)
            if entry is not None and entry.html == clean:
                continue
            if entry is None:
                entry = NarrativeEntry(report=report, section=section)
            else:
                before[f"narrative:{code}"] = entry.html
            entry.html = clean
            entry.save()
            after[f"narrative:{code}"] = clean
            result.saved.append(code)
    if after:
        # The conditional update is the concurrency guard even where row locks do not exist.
        updated = Report.objects.filter(pk=report.pk, revision=report.revision).update(
            revision=report.revision + 1, updated_at=timezone.now())
        if not updated:
            raise ValidationError(_("Someone else saved this report in the meantime. Reload and try again."),
                                  code="conflict")
        report.revision += 1
        audit.record(actor=by, action="update", obj=report, before=before, after=after)
    result.revision = report.revision
    result.issues = selectors.report_issues(report, indicators=list(indicators.values()),
                                            rows=[rv for rv in existing.values() if rv.pk])
    return result


@transaction.atomic
def report_upgrade_form(*, report: Report, by, based_on_revision: int | None = None) -> Report:
    """Move an open draft to the regime's current form version (after the form changed under it).
    Values and narratives whose codes exist in the new version (with the same type) are kept; other
    values are emptied, with their figures in the audit entry; narratives of removed sections stay
    stored but are no longer shown."""
    report = _lock_report(report)
    ensure_perm(user=by, obj=report, action="change")
    if not report.is_editable:
        raise ValidationError(_("Only a draft or a returned report can move to a new form version."), code="locked")
    _check_revision(report, based_on_revision)
    new_form = report.regime.current_form
    if new_form is None or new_form.pk == report.form_id:
        return report
    new_inds = {i.code: i for i in new_form.indicators.all()}
    new_sections = {s.code: s for s in new_form.sections.all()}
    dropped, before = [], {}
    for rv in list(report.values.select_related("indicator")):
        ind = new_inds.get(rv.code)
        if ind is None or ind.type != rv.indicator.type:
            # Not on the new form: emptied (never deleted); the figure is kept in the audit entry.
            dropped.append(rv.code)
            before[rv.code] = _value_snapshot(rv)
            ReportValue.objects.filter(pk=rv.pk).update(state=State.MISSING, value_number=None, value_text="",
                                                        value_bool=None, weight=None)
        else:
            ReportValue.objects.filter(pk=rv.pk).update(indicator=ind)
    for entry in list(report.narratives.select_related("section")):
        section = new_sections.get(entry.section.code)
        if section is None:
            dropped.append(entry.section.code)
        else:
            NarrativeEntry.objects.filter(pk=entry.pk).update(section=section)
    old_form = report.form_id
    report.form = new_form
    report.revision += 1
    report.save(update_fields=["form", "revision", "updated_at"])
    audit.record(actor=by, action="update", obj=report, before={"form": old_form, **before},
                 after={"form": new_form.pk, "dropped": dropped})
    return report


# --------------------------------------------------------------------------- workflow


def _snapshot_version(report: Report, *, action: str, by, comment: str = "",
                      at: dt.datetime | None = None) -> ReportVersion:
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(report=report, number=number, action=action, status=report.status,
                                           data=selectors.report_snapshot(report), comment=comment,
                                           created_by=by if getattr(by, "pk", None) else None)
    if at is not None:  # a backdated action (import, demo): the timeline shows when it happened
        ReportVersion.objects.filter(pk=version.pk).update(created_at=at)
        version.created_at = at
    return version


def _set_status(report: Report, status: str, by, *, reason: str = "", action: str = "workflow", fields=(),
                at: dt.datetime | None = None) -> None:
    old = report.status
    attnames = [report._meta.get_field(f).attname for f in fields]
    report.status = status
    report.revision += 1
    report.save(update_fields=["status", "revision", "updated_at", *fields])
    ReportValue.objects.filter(report=report).update(status=status)
    _snapshot_version(report, action=status if action == "workflow" else action, by=by, comment=reason, at=at)
    audit.record(actor=by, action=action, obj=report, before={"status": old},
                 after={"status": status, **{a: audit._jsonable(getattr(report, a)) for a in attnames}}, reason=reason)


def _ensure_receiving_side(report: Report, by, perm: str) -> None:
    """View scope over the report (else 404) and `perm` over the regime's receiving unit (else 403)."""
    if by is None:
        return
    ensure_perm(user=by, obj=report, action="view")
    if not has_perm_on(by, f"reporting.{perm}_report", report.regime.receiving_unit.path):
        raise PermissionDenied(_("Only the receiving side may do this."))


def _notifies(notify: bool | None, at: dt.datetime | None) -> bool:
    """Workflow steps notify (notify.py) by default; a backdated step (`at`: imports, the demo's history)
    records the past and does not, unless `notify` says otherwise."""
    return at is None if notify is None else notify


@transaction.atomic
def report_submit(*, report: Report, by, explanation: str = "", based_on_revision: int | None = None,
                  at: dt.datetime | None = None, notify: bool | None = None) -> Report:
    """Blocking errors stop the submission; warnings need an explanation. The on-time flag is set at the
    first submission against the effective deadline (a return by the receiving side does not make a
    resubmission late). `at` backdates the action for imports and the demo. The receiving side is
    notified (see _notifies)."""
    report = _lock_report(report)
    ensure_perm(user=by, obj=report, action="submit")
    if report.status not in Report.EDITABLE:
        raise ValidationError(_("Only a draft or a returned report can be submitted."), code="status")
    _check_revision(report, based_on_revision)
    issues = selectors.report_issues(report, for_submit=True)
    blocking = [i for i in issues if i.severity == "error"]
    if blocking:
        raise ValidationError([ValidationError(i.text, code=i.kind) for i in blocking])
    if any(i.severity == "warning" for i in issues) and not explanation.strip():
        raise ValidationError(_("Some figures raise warnings: explain them before submitting."), code="explain")
    now = at or timezone.now()
    report.deadline = selectors.effective_deadline(report.regime, report.period)
    report.submitted_at = now
    report.submitted_by = by if getattr(by, "pk", None) else None
    report.warning_explanation = explanation.strip()
    fields = ["deadline", "submitted_at", "submitted_by", "warning_explanation"]
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        report.on_time = timezone.localdate(now) <= report.deadline if timezone.is_aware(now) else \
            now.date() <= report.deadline
        fields += ["first_submitted_at", "on_time"]
    event = RESUBMITTED if report.status == Status.RETURNED else SUBMITTED
    _set_status(report, Status.SUBMITTED, by, fields=fields, at=at)
    if _notifies(notify, at):
        workflow_step(report=report, event=event, by=by, at=at)
    return report


@transaction.atomic
def report_resubmit(*, report: Report, by, explanation: str = "", based_on_revision: int | None = None,
                    at: dt.datetime | None = None, notify: bool | None = None) -> Report:
    report = _lock_report(report)
    if report.status != Status.RETURNED:
        raise ValidationError(_("Only a returned report can be resubmitted."), code="status")
    return report_submit(report=report, by=by, explanation=explanation, based_on_revision=based_on_revision, at=at,
                         notify=notify)


@transaction.atomic
def report_return(*, report: Report, comment: str, by, at: dt.datetime | None = None,
                  notify: bool | None = None) -> Report:
    """Back to the unit with what to correct; the unit's reporters are notified (see _notifies)."""
    report = _lock_report(report)
    _ensure_receiving_side(report, by, "review")
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."), code="status")
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what must be corrected.")})
    report.returned_at = at or timezone.now()
    report.returned_comment = comment.strip()
    _set_status(report, Status.RETURNED, by, reason=report.returned_comment,
                fields=["returned_at", "returned_comment"], at=at)
    if _notifies(notify, at):
        workflow_step(report=report, event=RETURNED, by=by, comment=report.returned_comment, at=at)
    return report


@transaction.atomic
def report_approve(*, report: Report, by, at: dt.datetime | None = None, notify: bool | None = None) -> Report:
    """Approved reports are locked; the unit's reporters are notified (see _notifies)."""
    report = _lock_report(report)
    _ensure_receiving_side(report, by, "approve")
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be approved."), code="status")
    report.approved_at = at or timezone.now()
    report.approved_by = by if getattr(by, "pk", None) else None
    _set_status(report, Status.APPROVED, by, fields=["approved_at", "approved_by"], at=at)
    if _notifies(notify, at):
        workflow_step(report=report, event=APPROVED, by=by, at=at)
    return report


@transaction.atomic
def report_unlock(*, report: Report, reason: str, by) -> Report:
    """An approved report changes only through this audited unlock: it goes back to the unit as returned.
    The unit's reporters and the receiving side are notified with the reason."""
    report = _lock_report(report)
    _ensure_receiving_side(report, by, "unlock")
    if report.status != Status.APPROVED:
        raise ValidationError(_("Only an approved report can be unlocked."), code="status")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for unlocking.")})
    report.returned_at = timezone.now()
    report.returned_comment = reason.strip()
    report.approved_at, report.approved_by = None, None
    _set_status(report, Status.RETURNED, by, reason=reason.strip(), action="unlock",
                fields=["returned_at", "returned_comment", "approved_at", "approved_by"])
    workflow_step(report=report, event=UNLOCKED, by=by, comment=report.returned_comment)
    return report


# --------------------------------------------------------------------------- attachments

ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "png", "jpeg")


def _check_upload(file) -> str:
    """The shared upload guard (size and content-based type) from core.uploads."""
    from tuyengiao.core.uploads import check_upload

    return check_upload(file, kinds=ATTACHMENT_KINDS)


@transaction.atomic
def attachment_add(*, report: Report, file, by, name: str = "") -> Attachment:
    report = _lock_report(report)
    ensure_perm(user=by, obj=report, action="change")
    if report.is_locked:
        raise ValidationError(_("This report is approved and locked."), code="locked")
    kind = _check_upload(file)
    att = Attachment(report=report, name=(name or getattr(file, "name", "") or "file")[:255],
                     size=getattr(file, "size", 0) or 0,
                     kind={"png": "image", "jpeg": "image"}.get(kind, kind),
                     uploaded_by=by if getattr(by, "pk", None) else None)
    file.seek(0)
    att.file.save(att.name.rsplit("/", 1)[-1], file, save=False)
    att.save()
    audit.record(actor=by, action="create", obj=att,
                 after={"report": report.pk, "name": att.name, "size": att.size, "kind": att.kind, "file": att.file.name})
    return att


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> Attachment:
    """Attachments are marked removed, never deleted."""
    att = Attachment.objects.select_for_update().select_related("report").get(pk=attachment.pk)
    ensure_perm(user=by, obj=att, action="delete")
    if att.report.is_locked:
        raise ValidationError(_("This report is approved and locked."), code="locked")
    att.is_removed = True
    att.save(update_fields=["is_removed"])
    audit.record(actor=by, action="delete", obj=att, before={"is_removed": False}, after={"is_removed": True})
    return att
