"""Reporting pages: a report's figures and section texts as an Excel workbook (download pre-filled,
upload back).

The upload is all or nothing: the file is checked (size, content type) before openpyxl sees it, every
cell is validated, and only a workbook without a single error is saved, figures and changed texts
together, in one report_save_draft call (the entry page's service: same audit, same revision check).
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
        result = xlsx_form.parse_workbook(upload, identity=ctx.identity, rows=ctx.rows, sections=ctx.sections)
        if not result.ok:
            return self.refuse(errors=result.errors)
        # An empty cell of an indicator that has never had a value changes nothing: it is not sent.
        current = {row.code: row.state for row in ctx.rows}
        values = {code: raw for code, raw in result.values.items()
                  if raw != "" or current.get(code) != ReportValue.State.MISSING}
        narratives = result.narratives  # only the texts that read differently from the stored ones
        try:
            with transaction.atomic():
                saved = services.report_save_draft(report=report, values=values, narratives=narratives,
                                                   by=request.user, based_on_revision=ctx.identity.revision)
                if saved.errors:  # parse_workbook checked every cell: this is a safety net, all or nothing
                    raise _Rollback(saved.errors)
        except _Rollback as rollback:
            return self.refuse(errors=self.rollback_errors(ctx, result, rollback.errors))
        except ValidationError as exc:  # conflict (saved meanwhile) or locked meanwhile: nothing was written
            return self.refuse(upload_error=" ".join(exc.messages))
        texts = len(set(saved.saved) & set(narratives))
        figures = len(saved.saved) - texts
        if figures or texts:
            messages.success(request, self.saved_message(figures, texts))
        else:
            messages.info(request, _("The workbook was read: it holds the figures already saved, nothing changed."))
        return HttpResponseRedirect(report.get_absolute_url() or reverse("reporting:report_xlsx_upload",
                                                                          args=[report.pk]))


    @staticmethod
    def saved_message(figures: int, texts: int) -> str:
        parts = []
        if figures:
            parts.append(ngettext("The workbook was read and %(count)s figure was saved.",
                                  "The workbook was read and %(count)s figures were saved.", figures)
                         % {"count": figures})
        if texts:
            parts.append((ngettext("The text of %(count)s section was also saved.",
                                   "The texts of %(count)s sections were also saved.", texts) if figures else
                          ngettext("The workbook was read and the text of %(count)s section was saved.",
                                   "The workbook was read and the texts of %(count)s sections were saved.", texts))
                         % {"count": texts})
        return " ".join(parts)

    @staticmethod
    def rollback_errors(ctx, result, errors: dict[str, str]) -> list:
        cell_of = {row.code: f"{xlsx_form.VALUE_COL}{i}" for i, row in enumerate(ctx.rows, xlsx_form.FIRST_ROW)}
        out = []
        for code, msg in errors.items():
            if code in result.narratives:
                out.append(xlsx_form.CellError(result.narrative_cells.get(code, ""), code, msg,
                                               sheet=xlsx_form.NARRATIVE_SHEET))
            else:
                out.append(xlsx_form.CellError(cell_of.get(code, ""), code, msg))
        return out


urlpatterns = [
    path("r/<int:pk>/xlsx/", ReportXlsxDownloadView.as_view(), name="report_xlsx"),
    path("r/<int:pk>/xlsx/upload/", ReportXlsxUploadView.as_view(), name="report_xlsx_upload"),
]
