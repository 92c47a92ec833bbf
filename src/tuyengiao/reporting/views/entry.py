"""Reporting pages: what a unit owes, the report entry page with autosave and validation as you type,
the workflow actions (submit, return, resubmit, approve, unlock), attachments and versions.

Thin views over reporting.services / selectors. Every view is scoped on Report (or Attachment) with
the action it needs; out of scope is 404, in scope but not the receiving side is 403 (the service)."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import generic

from tuyengiao.accounts.models import Grant
from tuyengiao.accounts.roles import permissions_for
from tuyengiao.core import audit
from tuyengiao.core.permissions import has_perm_on
from tuyengiao.core.vi import format_exact
from tuyengiao.core.views import ScopedMixin, id_param
from tuyengiao.org.models import Unit, active_on

from .. import periods as P
from .. import selectors, services
from ..forms import (
    NA_PREFIX,
    VALUE_PREFIX,
    AttachmentForm,
    ReturnForm,
    UnlockForm,
    entry_data,
    entry_fields,
    input_text,
    issues_json,
    posted_revision,
    validate_entry,
)
from ..models import Indicator, Period, Regime, Report, Section
from ..sanitize import sanitize_html, text_of

Status = Report.Status
ENTRY_TEMPLATE = "reporting/entry/report.html"
UNSAVED_LISTED = 3  # fields named in the save bar after a partial save (it must stay small on a phone)


def _hhmm(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%H:%M") if timezone.is_aware(value) else value.strftime("%H:%M")


def _deadline_info(deadline: dt.date | None, *, received: bool, today: dt.date) -> dict:
    """days left (negative: overdue) and whether to show it in red."""
    if deadline is None:
        return {"deadline": None, "days": None, "overdue": False}
    days = (deadline - today).days
    return {"deadline": deadline, "days": days, "overdue": days < 0 and not received, "passed": days < 0,
            "days_abs": abs(days)}


# --------------------------------------------------------------------------- start page


def _holds_grant_on(user, unit_id: int) -> bool:
    return Grant.objects.filter(active_on(timezone.localdate()), user=user, unit_id=unit_id).exists()


def reporting_units(user) -> list:
    """The units of the user's grants in force whose role may submit reports."""
    grants = Grant.objects.filter(active_on(timezone.localdate()), user=user).select_related("unit")
    units = {}
    for g in grants:
        if "reporting.submit_report" in permissions_for(g.role) and g.unit.valid_to is None:
            units[g.unit.pk] = g.unit
    return sorted(units.values(), key=lambda u: (u.sort_key, u.pk))


def owed_by_unit(user, today) -> list[dict]:
    """[{unit, rows}]: each report the user's units owe, with its deadline and status (the start page
    of the reports and the home page's to-do list)."""
    owed = []
    for unit in reporting_units(user):
        rows = []
        for ob in selectors.obligations(unit, on=today):
            report = ob.report
            received = report is not None and report.status in (Status.SUBMITTED, Status.APPROVED)
            rows.append({"obligation": ob, "report": report, "unit": unit, "received": received,
                         "status": report.status if report else "",
                         **_deadline_info(ob.deadline, received=received, today=today)})
        if rows:
            owed.append({"unit": unit, "rows": rows})
    return owed


class IndexView(ScopedMixin, generic.TemplateView):
    """What the user's units owe (by when, status) and, for the receiving side, the regimes they receive."""

    model = Report
    permission_action = "view"
    template_name = "reporting/entry/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        ctx["owed"] = owed_by_unit(user, today)

        receiving = list(Regime.objects.restrict_perm(user, "reporting.review_report").filter(is_active=True)
                         .select_related("receiving_unit").order_by("name"))
        regimes = []
        for regime in receiving:
            if regime.period_kind == P.ADHOC:
                periods = []
            else:
                current = P.containing(regime.period_kind, today)
                periods = [Period.objects.for_spec(P.previous(current)), Period.objects.for_spec(current)]
            regimes.append({"regime": regime, "periods": periods})
        ctx["receiving"] = regimes
        waiting = []
        if receiving:
            waiting = list(Report.objects.restrict(user, "review").filter(
                regime__in=receiving, status=Status.SUBMITTED).select_related("regime", "period", "unit")
                .order_by("submitted_at")[:100])
        ctx["waiting"] = waiting
        ctx["today"] = today
        return ctx


class ReportStartView(ScopedMixin, generic.View):
    """Creates (or finds) the draft of (regime, period, unit), then opens it."""

    model = Report
    permission_action = "add"
    http_method_names = ["post"]

    def post(self, request):
        regime = get_object_or_404(Regime.objects.filter(is_active=True), pk=id_param(request.POST, "regime"))
        unit = get_object_or_404(Unit.objects.restrict_perm(request.user, "reporting.add_report"),
                                 pk=id_param(request.POST, "unit"))
        try:
            period = Period.objects.for_code(request.POST.get("period", ""))
        except ValueError:
            raise Http404
        try:
            report = services.report_get_or_create_draft(regime=regime, period=period, unit=unit, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("reporting:index"))
        return HttpResponseRedirect(report.get_absolute_url())


# --------------------------------------------------------------------------- the entry page


class ReportMixin(ScopedMixin):
    model = Report

    def get_report(self, action: str | None = None) -> Report:
        qs = Report.objects.restrict(self.request.user, action or self.permission_action).select_related(
            "regime__receiving_unit", "period", "unit", "form", "submitted_by", "approved_by")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def entry_context(self, report: Report, *, post=None, errors=None, issues=None, submit_errors=(),
                      conflict: str = "", save_message: str = "", return_form=None, unlock_form=None,
                      attachment_form=None) -> dict:
        """Everything the entry page shows; a constant number of queries whatever the form's size. The
        workflow forms come bound (with their errors) when the page answers one of them."""
        user = self.request.user
        today = timezone.localdate()
        form_data = selectors.report_form_data(report)
        if issues is None:
            indicators = [item.indicator for es in form_data for item in es.items]
            rows = [item.value for es in form_data for item in es.items if item.value is not None]
            issues = selectors.report_issues(report, indicators=indicators, rows=rows)
        sections = _with_entry_inputs(entry_fields(form_data, post=post, errors=errors, issues=issues), post)
        unsaved = [{"code": f.code, "name": f.indicator.name, "message": f.error}
                   for _es, fields in sections for f in fields if f.error]
        receiving_path = report.regime.receiving_unit.path
        received = report.status in (Status.SUBMITTED, Status.APPROVED)
        deadline = report.deadline if received else selectors.effective_deadline(report.regime, report.period)
        current_form = report.regime.current_form_id
        newer_form = None
        if current_form and current_form != report.form_id:
            newer_form = report.regime.forms.filter(pk=current_form, number__gt=report.form.number).first()
        can_change = has_perm_on(user, "reporting.change_report", report.unit_path)
        can_submit = has_perm_on(user, "reporting.submit_report", report.unit_path)
        versions = list(report.versions.select_related("created_by").order_by("number"))
        return {
            "report": report,
            "object": report,
            "sections": sections,
            "issues": issues,
            "errors_count": len(errors or {}),
            "warnings": [i for i in issues if i.severity == "warning"],
            "rule_errors": [i for i in issues if i.severity == "error"],
            "submit_errors": submit_errors,
            "conflict": conflict,
            # Indicator codes (MEMBERS…) are for those who build the form, its rules and the XLSX; the
            # others see them only as the name's tooltip.
            "show_codes": has_perm_on(user, "reporting.change_formversion", receiving_path),
            "editable": report.is_editable and can_change,
            # Someone above the unit (a ward's specialist for one of its chi bộ) may enter its figures:
            # the page says whose report it is; every save is in the report's history.
            "on_behalf": report.is_editable and can_change and not _holds_grant_on(user, report.unit_id),
            "can_submit": report.is_editable and can_submit,
            "can_return": report.status == Status.SUBMITTED
                          and has_perm_on(user, "reporting.review_report", receiving_path),
            "can_approve": report.status == Status.SUBMITTED
                           and has_perm_on(user, "reporting.approve_report", receiving_path),
            "can_unlock": report.status == Status.APPROVED
                          and has_perm_on(user, "reporting.unlock_report", receiving_path),
            "can_attach": report.is_editable and has_perm_on(user, "reporting.add_attachment", report.unit_path),
            "can_remove_attachment": report.is_editable
                                     and has_perm_on(user, "reporting.delete_attachment", report.unit_path),
            "attachments": list(report.attachments.filter(is_removed=False).select_related("uploaded_by")),
            "versions": versions,
            "explanation": post.get("explanation", report.warning_explanation) if post is not None
                           else report.warning_explanation,
            "return_form": return_form or ReturnForm(),
            "unlock_form": unlock_form or UnlockForm(),
            "attachment_form": attachment_form or AttachmentForm(),
            "save_message": save_message or _("Not saved because of errors (what you typed is kept until you "
                                              "correct it):"),
            "unsaved": unsaved[:UNSAVED_LISTED],
            "unsaved_more": max(0, len(unsaved) - UNSAVED_LISTED),
            "newer_form": newer_form,
            "updated_ms": int(report.updated_at.timestamp() * 1000) if report.updated_at else 0,
            "saved_at": _hhmm(report.updated_at),
            **_deadline_info(deadline, received=received, today=today),
        }

    def render_entry(self, report: Report, *, status: int = 200, **kwargs):
        return TemplateResponse(self.request, ENTRY_TEMPLATE, self.entry_context(report, **kwargs), status=status)


def _conflict_message(report: Report) -> str:
    report.refresh_from_db(fields=["revision", "updated_at", "status"])
    last = audit.history_for(report).order_by("-at", "-id").first()
    who = last.actor.full_name or last.actor.get_username() if last is not None and last.actor else ""
    params = {"time": _hhmm(report.updated_at), "who": who}
    if who:
        return _("The report was saved by %(who)s at %(time)s — reload to see the new version; what you have "
                 "just entered is kept in your browser.") % params
    return _("The report was saved by someone else at %(time)s — reload to see the new version; what you have "
             "just entered is kept in your browser.") % params


def _entry_post(request, report: Report) -> tuple[dict, dict]:
    """Values and narratives of the entry form; an empty editor of a section that has no text yet is left
    out, so opening the page and saving does not create empty narratives."""
    indicators = list(Indicator.objects.filter(form_id=report.form_id))
    sections = list(Section.objects.filter(form_id=report.form_id))
    values, narratives = entry_data(request.POST, indicators, sections)
    if narratives:
        existing = set(report.narratives.values_list("section__code", flat=True))
        narratives = {code: html for code, html in narratives.items()
                      if code in existing or text_of(sanitize_html(html)).strip()}
    return values, narratives


def _already_stored(report: Report, values: dict, narratives: dict) -> bool:
    """True when every posted value and text equals what is stored: a stale save that would change
    nothing (typically the page's own save on leaving, still in flight when the page came back)."""
    indicators = {i.code: i for i in Indicator.objects.filter(form_id=report.form_id)}
    stored = {rv.code: rv for rv in report.values.all()}
    for code, raw in values.items():
        ind = indicators.get(code)
        if ind is None:
            return False
        try:
            parsed = services.parse_value(ind, raw)
        except ValidationError:
            return False
        rv = stored.get(code)
        current = (rv.state, rv.value_number, rv.value_text, rv.value_bool) if rv else ("missing", None, "", None)
        if parsed != current:
            return False
    texts = dict(report.narratives.values_list("section__code", "html"))
    return all(sanitize_html(html) == texts.get(code, "") for code, html in narratives.items())


def _saved_message(errors: dict, time: str) -> str:
    """"Saved at 04:51", or, when some fields could not be saved, how many (their names follow)."""
    if not errors:
        return _("Saved at %(time)s") % {"time": time}
    return ngettext("Saved at %(time)s, except %(count)s field with an error:",
                    "Saved at %(time)s, except %(count)s fields with errors:", len(errors)) % {
        "time": time, "count": len(errors)}


def entry_input_text(indicator: Indicator, rv) -> str:
    """The stored value as the entry input shows it. Numbers are written as the rest of the page writes
    them and as people type them, 1.234 and 1.234,5 and 97,5, whenever services.parse_number reads the
    text back as the same number. Other types as forms.input_text."""
    text = input_text(indicator, rv)
    if not text or not indicator.is_numeric or rv.value_number is None:
        return text
    grouped = format_exact(rv.value_number)
    try:
        same = services.parse_number(grouped, integer=indicator.type == Indicator.Type.INTEGER) == rv.value_number
    except ValueError:
        same = False
    return grouped if same else text


def _with_entry_inputs(sections, post) -> list:
    """The fields of entry_fields with their stored numbers written by entry_input_text (what the user
    posted and the page keeps is left as typed)."""
    for _es, fields in sections:
        for f in fields:
            posted = post is not None and (VALUE_PREFIX + f.code in post or NA_PREFIX + f.code in post)
            if not posted and f.widget == "number" and f.value is not None:
                f.raw = entry_input_text(f.indicator, f.value)
    return sections


def _stored_inputs(report: Report, codes) -> dict:
    """{code: the stored value as the input shows it} for the posted fields that were saved, so the page
    replaces what was typed ("1e2", "+5", "1234") by what is stored (100, 5, 1.234)."""
    rows = report.values.filter(code__in=list(codes)).select_related("indicator")
    return {rv.code: entry_input_text(rv.indicator, rv) for rv in rows}


def refused_only(post, errors: dict) -> dict:
    """The posted inputs of the fields a save refused (and the explanation, which a draft save does not
    keep): the page shows those as typed, with their message, and every other field as stored."""
    keys = {prefix + code for code in errors for prefix in (VALUE_PREFIX, NA_PREFIX)} | {"explanation"}
    return {key: post.get(key) for key in keys if key in post}


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class ReportDetailView(ReportMixin, generic.View):
    """GET: the entry page (read-only when locked or not allowed to edit). POST: save the draft; with
    `Accept: application/json` (the autosave of entry.js) the answer is JSON, otherwise the page."""

    @property
    def permission_action(self):  # type: ignore[override]
        return "change" if getattr(self, "request", None) is not None and self.request.method == "POST" else "view"

    def get(self, request, pk):
        return self.render_entry(self.get_report())

    def post(self, request, pk):
        report = self.get_report()
        values, narratives = _entry_post(request, report)
        revision = posted_revision(request.POST)
        json = _wants_json(request)
        try:
            result = services.report_save_draft(report=report, by=request.user, values=values,
                                                narratives=narratives, based_on_revision=revision)
        except ValidationError as exc:
            code = getattr(exc, "code", None)
            if code == "conflict" and json and _already_stored(report, values, narratives):
                report.refresh_from_db(fields=["revision", "updated_at"])
                return JsonResponse({"ok": True, "revision": report.revision, "saved": [], "errors": {},
                                     "issues": issues_json(selectors.report_issues(report)),
                                     "updated_ms": int(report.updated_at.timestamp() * 1000),
                                     "message": _("Saved at %(time)s") % {"time": _hhmm(report.updated_at)}})
            if code == "conflict":
                message = _conflict_message(report)
                if json:
                    return JsonResponse({"ok": False, "conflict": True, "message": message,
                                         "revision": report.revision}, status=409)
                return self.render_entry(report, post=request.POST, conflict=message, status=409)
            message = " ".join(exc.messages)
            if json:
                return JsonResponse({"ok": False, "locked": code == "locked", "message": message}, status=423
                                    if code == "locked" else 400)
            messages.error(request, message)
            return HttpResponseRedirect(report.get_absolute_url())
        report = result.report
        report.refresh_from_db(fields=["revision", "updated_at"])
        today = timezone.localdate()
        deadline = selectors.effective_deadline(report.regime, report.period)
        message = _saved_message(result.errors, _hhmm(timezone.now()))
        if json:
            data = {
                "ok": True,
                "revision": result.revision,
                "saved": result.saved,
                "errors": result.errors,  # those fields were not saved; the page keeps what was typed
                "values": _stored_inputs(report, [c for c in values if c not in result.errors]),
                "issues": issues_json(result.issues),
                "updated_ms": int(report.updated_at.timestamp() * 1000),
                "message": message,
                "deadline_passed": today > deadline,
            }
            if today > deadline:
                data["deadline_message"] = _(
                    "The deadline (%(date)s) has passed: your work is saved, and the report will be marked "
                    "late when it is submitted.") % {"date": deadline.strftime("%d/%m/%Y")}
            return JsonResponse(data)
        if result.errors:
            return self.render_entry(report, post=refused_only(request.POST, result.errors), errors=result.errors,
                                     issues=result.issues, save_message=message)
        messages.success(request, message)
        return HttpResponseRedirect(report.get_absolute_url())


class ReportValidateView(ReportMixin, generic.View):
    """Checks the form as typed, saving nothing: per-field messages and rule issues as JSON."""

    permission_action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        report = self.get_report()
        indicators = list(Indicator.objects.filter(form_id=report.form_id))
        values, _narratives = entry_data(request.POST, indicators, [])
        errors, issues = validate_entry(report, values)
        return JsonResponse({"errors": errors, "issues": issues_json(issues)})


urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("start/", ReportStartView.as_view(), name="report_start"),
    path("r/<int:pk>/", ReportDetailView.as_view(), name="report_detail"),
    path("r/<int:pk>/validate/", ReportValidateView.as_view(), name="report_validate"),
]
