"""Reporting pages: a report's figures as an Excel workbook (download pre-filled, upload back).

The upload is all or nothing: the file is checked (size, content type) before openpyxl sees it, every
cell is validated, and only a workbook without a single error is saved, in one report_save_draft call.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import generic

from tuyengiao.core.uploads import check_upload
from tuyengiao.core.vi import fold, format_number
from tuyengiao.core.views import ScopedMixin

from .. import services, xlsx_form
from ..models import Report, ReportValue


def workbook_filename(report: Report) -> str:
    """e.g. "sixmonth-2026-h1-a.xlsx": ASCII, so every browser and mail client keeps it."""
    return slugify(fold(f"{report.regime.code}-{report.period.code}-{report.unit.code}")) + ".xlsx"


class _ReportMixin(ScopedMixin):
    model = Report

    def get_report(self, action: str) -> Report:
        qs = Report.objects.restrict(self.request.user, action).select_related("regime", "period", "unit", "form")
        return get_object_or_404(qs, pk=self.kwargs["pk"])


class ReportXlsxDownloadView(_ReportMixin, generic.View):
    """The unit's form for this report, pre-filled with the current values."""

    permission_action = "view"

    def get(self, request, pk):
        report = self.get_report("view")
        data = xlsx_form.build_workbook(xlsx_form.form_context(report))
        response = HttpResponse(data, content_type=xlsx_form.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, workbook_filename(report))
        response["Cache-Control"] = "no-store"
        return response


class _Rollback(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors


class ReportXlsxUploadView(_ReportMixin, generic.TemplateView):
    """GET: the upload form; POST: check, parse, validate every cell, then save all or nothing."""

    permission_action = "change"
    template_name = "reporting/exchange/upload.html"

    def get(self, request, *args, **kwargs):
        self.report = self.get_report("change")
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.report
        ctx.update(
            report=report,
            object=report,
            report_url=report.get_absolute_url(),
            download_url=reverse("reporting:report_xlsx", args=[report.pk]),
            locked_message=self.locked_message(report),
            max_size=format_number(settings.UPLOAD_MAX_BYTES // (1024 * 1024)) + " MB",
        )
        return ctx

    @staticmethod
    def locked_message(report: Report) -> str:
        if report.is_locked:
            return _("This report is approved and locked: an upload cannot change it. Ask the receiving side to "
                     "unlock it if a figure must be corrected.")
        if not report.is_editable:
            return _("This report has been submitted and is awaiting review: it cannot be changed now.")
        return ""

    def refuse(self, *, upload_error: str = "", errors=(), status: int = 200):
        ctx = self.get_context_data(upload_error=upload_error, errors=list(errors))
        return self.render_to_response(ctx, status=status)

    def post(self, request, *args, **kwargs):
        self.report = report = self.get_report("change")
        locked = self.locked_message(report)
        if locked:
            return self.refuse()  # the page shows why
        upload = request.FILES.get("file")
        if upload is None:
            return self.refuse(upload_error=_("Choose a file to upload."))
        try:
            check_upload(upload, kinds={"xlsx"})
        except ValidationError as exc:
            return self.refuse(upload_error=" ".join(exc.messages))
        ctx = xlsx_form.form_context(report)
        result = xlsx_form.parse_workbook(upload, identity=ctx.identity, rows=ctx.rows)
        if not result.ok:
            return self.refuse(errors=result.errors)
        # An empty cell of an indicator that has never had a value changes nothing: it is not sent.
        current = {row.code: row.state for row in ctx.rows}
        values = {code: raw for code, raw in result.values.items()
                  if raw != "" or current.get(code) != ReportValue.State.MISSING}
        try:
            with transaction.atomic():
                saved = services.report_save_draft(report=report, values=values, by=request.user,
                                                   based_on_revision=ctx.identity.revision)
                if saved.errors:  # parse_workbook checked every cell: this is a safety net, all or nothing
                    raise _Rollback(saved.errors)
        except _Rollback as rollback:
            cell_of = {row.code: f"{xlsx_form.VALUE_COL}{i}" for i, row in enumerate(ctx.rows, xlsx_form.FIRST_ROW)}
            return self.refuse(errors=[xlsx_form.CellError(cell_of.get(code, ""), code, msg)
                                       for code, msg in rollback.errors.items()])
        except ValidationError as exc:  # conflict (saved meanwhile) or locked meanwhile: nothing was written
            return self.refuse(upload_error=" ".join(exc.messages))
        if saved.saved:
            count = len(saved.saved)
            messages.success(request, ngettext("The workbook was read and %(count)s figure was saved.",
                                               "The workbook was read and %(count)s figures were saved.", count)
                             % {"count": count})
        else:
            messages.info(request, _("The workbook was read: it holds the figures already saved, nothing changed."))
        return HttpResponseRedirect(report.get_absolute_url() or reverse("reporting:report_xlsx_upload",
                                                                          args=[report.pk]))


urlpatterns = [
    path("r/<int:pk>/xlsx/", ReportXlsxDownloadView.as_view(), name="report_xlsx"),
    path("r/<int:pk>/xlsx/upload/", ReportXlsxUploadView.as_view(), name="report_xlsx_upload"),
]
