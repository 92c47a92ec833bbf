"""Reporting workflow: submit, return, resubmit, approve, unlock; attachments; versions and their diff.

Each action is a POST through reporting.services; scope is Report's (out of scope 404), and a user in
scope but not on the receiving side gets the service's 403."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from tuyengiao.core.forms import form_add_errors
from tuyengiao.core.permissions import has_perm_on
from tuyengiao.core.views import ScopedMixin

from .. import selectors, services
from ..forms import (
    AttachmentForm,
    ReturnForm,
    UnlockForm,
    posted_revision,
    snapshot_display,
)
from ..models import Attachment, Indicator, Report, ReportVersion, Section
from ..sanitize import text_of
from .entry import ReportMixin, _conflict_message, _entry_post, _hhmm, _saved_message, refused_only

Status = Report.Status


# --------------------------------------------------------------------------- workflow


class ReportSubmitView(ReportMixin, generic.View):
    """Saves what the entry form posts (if anything), then submits (or resubmits a returned report)."""

    permission_action = "submit"
    http_method_names = ["post"]
    resubmit = False

    def post(self, request, pk):
        report = self.get_report()
        values, narratives = _entry_post(request, report)
        revision = posted_revision(request.POST)
        explanation = request.POST.get("explanation", "")
        try:
            if (values or narratives) and report.is_editable:
                result = services.report_save_draft(report=report, by=request.user, values=values,
                                                    narratives=narratives, based_on_revision=revision)
                if result.errors:
                    report.refresh_from_db()
                    return self.render_entry(report, post=refused_only(request.POST, result.errors),
                                             errors=result.errors,
                                             save_message=_saved_message(result.errors, _hhmm(timezone.now())),
                                             submit_errors=[_("Correct the fields marked in red before submitting.")])
                revision = result.revision
            resubmit = self.resubmit or report.status == Status.RETURNED
            action = services.report_resubmit if resubmit else services.report_submit
            action(report=report, by=request.user, explanation=explanation, based_on_revision=revision)
        except ValidationError as exc:
            report.refresh_from_db()
            if getattr(exc, "code", None) == "conflict":
                return self.render_entry(report, post=request.POST, conflict=_conflict_message(report), status=409)
            # the values are saved: the page shows them as stored, with the explanation as typed
            return self.render_entry(report, post=refused_only(request.POST, {}), submit_errors=exc.messages)
        messages.success(request, _("The report was sent to %(unit)s.") % {"unit": report.regime.receiving_unit})
        return HttpResponseRedirect(report.get_absolute_url())


def _focus_first_error(form) -> None:
    """The page answering a refused form opens with the first wrong field focused, so scrolled into view
    (a URL fragment would not do: browsers skip autofocus when there is one)."""
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["autofocus"] = True
            return


class ReviewFormMixin(ReportMixin):
    """Return and unlock: a form with one text, handed to a service. An invalid form still goes to the
    service, with no text (so nothing is written): who may act, and when, are its rules, so a user who is
    not the receiving side gets its 403 and a report whose status changed meanwhile its message; only
    then does the page come back with the message at the field and what was typed kept."""

    form_class: type
    field: str  # the form's text field, passed to act()
    field_form: str  # the entry page's name for the form
    required_message: str
    success_message: str

    def act(self, report: Report, text: str) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        report = self.get_report()
        form = self.form_class(request.POST)
        form.fields[self.field].error_messages["required"] = self.required_message
        valid = form.is_valid()
        try:
            self.act(report, form.cleaned_data[self.field] if valid else "")
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, " ".join(exc.messages))
                return HttpResponseRedirect(report.get_absolute_url())
            if valid:
                form_add_errors(form, exc)
        else:
            messages.success(request, self.success_message)
            return HttpResponseRedirect(report.get_absolute_url())
        _focus_first_error(form)
        return self.render_entry(report, **{self.field_form: form})


class ReportReturnView(ReviewFormMixin, generic.View):
    permission_action = "review"
    http_method_names = ["post"]
    form_class = ReturnForm
    field, field_form = "comment", "return_form"
    required_message = gettext_lazy("Say what must be corrected.")
    success_message = gettext_lazy("The report was returned to the unit.")

    def act(self, report, text):
        services.report_return(report=report, comment=text, by=self.request.user)


class ReportApproveView(ReportMixin, generic.View):
    permission_action = "approve"
    http_method_names = ["post"]

    def post(self, request, pk):
        report = self.get_report()
        try:
            services.report_approve(report=report, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The report is approved and locked."))
        return HttpResponseRedirect(report.get_absolute_url())


class ReportUnlockView(ReviewFormMixin, generic.View):
    permission_action = "unlock"
    http_method_names = ["post"]
    form_class = UnlockForm
    field, field_form = "reason", "unlock_form"
    required_message = gettext_lazy("Give the reason for unlocking.")
    success_message = gettext_lazy("The report is unlocked and back with the unit for correction.")

    def act(self, report, text):
        services.report_unlock(report=report, reason=text, by=self.request.user)


# --------------------------------------------------------------------------- attachments


class AttachmentAddView(ReportMixin, generic.View):
    """A refused file gets its message at the file input, which the page answering opens focused."""

    permission_action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        report = self.get_report()
        if not report.is_editable:
            messages.error(request, _("Attachments change only while the report is a draft or returned."))
            return HttpResponseRedirect(report.get_absolute_url() + "#attachments")
        form = AttachmentForm(request.POST, request.FILES)
        form.fields["file"].error_messages.update(required=_("Choose a file to attach."),
                                                  empty=_("The file is empty."))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.attachment_add(report=report, file=upload, by=request.user, name=upload.name)
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(request, _("Attached %(name)s.") % {"name": upload.name})
                return HttpResponseRedirect(report.get_absolute_url() + "#attachments")
        return self.render_entry(report, attachment_form=form)  # the template focuses the file input


class AttachmentMixin(ScopedMixin):
    model = Attachment

    def get_attachment(self) -> Attachment:
        qs = Attachment.objects.restrict(self.request.user, self.permission_action).select_related("report")
        return get_object_or_404(qs, pk=self.kwargs["pk"], is_removed=False)


class AttachmentRemoveView(AttachmentMixin, generic.View):
    permission_action = "delete"
    http_method_names = ["post"]

    def post(self, request, pk):
        att = self.get_attachment()
        if not att.report.is_editable:
            messages.error(request, _("Attachments change only while the report is a draft or returned."))
            return HttpResponseRedirect(att.report.get_absolute_url() + "#attachments")
        try:
            services.attachment_remove(attachment=att, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Removed %(name)s.") % {"name": att.name})
        return HttpResponseRedirect(att.report.get_absolute_url() + "#attachments")


class AttachmentDownloadView(AttachmentMixin, generic.View):
    permission_action = "view"

    def get(self, request, pk):
        att = self.get_attachment()
        try:
            handle = att.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404
        return FileResponse(handle, as_attachment=True, filename=att.name)


# --------------------------------------------------------------------------- versions


def _version_label(v: ReportVersion) -> str:
    return _("Version %(n)s — %(action)s, %(date)s") % {
        "n": v.number, "action": ACTION_LABELS.get(v.action, v.action),
        "date": timezone.localtime(v.created_at).strftime("%d/%m/%Y %H:%M")}


ACTION_LABELS = {
    "submitted": _("submitted"),
    "returned": _("returned"),
    "approved": _("approved"),
    "unlock": _("unlocked"),
}


class ReportVersionsView(ReportMixin, generic.TemplateView):
    """Every kept version of a report and the differences between two of them (or a version and now)."""

    permission_action = "view"
    template_name = "reporting/entry/versions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.get_report()
        versions = list(report.versions.select_related("created_by").order_by("number"))
        numbers = {str(v.number): v for v in versions}
        a = self.request.GET.get("a") or (str(versions[-2].number) if len(versions) > 1 else "")
        b = self.request.GET.get("b") or (str(versions[-1].number) if versions else "")
        old = numbers.get(a)
        new = numbers.get(b) if b != "current" else None
        current = selectors.report_snapshot(report) if b == "current" else None
        rows = []
        if old is not None and (new is not None or current is not None):
            names = dict(Indicator.objects.filter(form__regime=report.regime).order_by("form__number")
                         .values_list("code", "name"))
            titles = dict(Section.objects.filter(form__regime=report.regime).order_by("form__number")
                          .values_list("code", "title"))
            for change in selectors.version_diff(old, new if new is not None else current):
                if change.kind == "value":
                    rows.append({"code": change.key, "name": names.get(change.key, change.key), "kind": "value",
                                 "before": snapshot_display(change.before), "after": snapshot_display(change.after)})
                else:
                    rows.append({"code": change.key, "name": titles.get(change.key, change.key), "kind": "narrative",
                                 "before": text_of(change.before), "after": text_of(change.after)})
        # Indicator codes only for those who build the form (as on the entry page); a tooltip for the others.
        show_codes = has_perm_on(self.request.user, "reporting.change_formversion", report.regime.receiving_unit.path)
        ctx.update(report=report, object=report, versions=versions, a=a, b=b, old=old, new=new, show_codes=show_codes,
                   rows=rows, compared=old is not None and (new is not None or current is not None),
                   version_choices=[(str(v.number), _version_label(v)) for v in versions])
        return ctx


urlpatterns = [
    path("r/<int:pk>/submit/", ReportSubmitView.as_view(), name="report_submit"),
    path("r/<int:pk>/resubmit/", ReportSubmitView.as_view(resubmit=True), name="report_resubmit"),
    path("r/<int:pk>/return/", ReportReturnView.as_view(), name="report_return"),
    path("r/<int:pk>/approve/", ReportApproveView.as_view(), name="report_approve"),
    path("r/<int:pk>/unlock/", ReportUnlockView.as_view(), name="report_unlock"),
    path("r/<int:pk>/versions/", ReportVersionsView.as_view(), name="report_versions"),
    path("r/<int:pk>/attachments/", AttachmentAddView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", AttachmentDownloadView.as_view(), name="attachment_download"),
    path("attachments/<int:pk>/remove/", AttachmentRemoveView.as_view(), name="attachment_remove"),
]
