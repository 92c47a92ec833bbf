"""Reporting pages: the consolidated review report (báo cáo sơ kết / tổng kết) of a receiving unit.

List → build (regime + period) → editor (blocks, recipients, signature; versions; conflict on a stale
revision) → preview, DOCX / PDF export as a background task with a polled status, and issue (number).
The documents are documents.DraftDocument rows scoped by their issuing unit; out of scope is 404.
"""
from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import generic

from tuyengiao.core.vi import parse_date
from tuyengiao.core.views import ScopedMixin, id_param
from tuyengiao.documents import services as doc_services
from tuyengiao.documents.models import DocumentExport, DraftDocument
from tuyengiao.documents.render_pdf import render_html
from tuyengiao.documents.selectors import draft_context, drafts_for

from .. import consolidated as C
from ..models import Period, Regime, Report

AUTHORITIES = ["T/M BAN THƯỜNG VỤ", "K/T TRƯỞNG BAN", "TRƯỞNG BAN", "T/L TRƯỞNG BAN", "T/M BAN TUYÊN GIÁO VÀ DÂN VẬN"]


class _DraftMixin(ScopedMixin):
    model = DraftDocument

    def get_queryset(self):
        return drafts_for(user=self.request.user, subject_prefix=C.SUBJECT)

    def get_draft(self, action: str = "view") -> DraftDocument:
        draft = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if action != "view" and not self.can(action, draft):
            raise Http404
        return draft


class ConsolidatedListView(_DraftMixin, generic.TemplateView):
    """The consolidated reports of the user's receiving units."""

    permission_action = "view"
    template_name = "reporting/consolidated/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        drafts = list(self.get_queryset().select_related("updated_by"))
        keys = {d.subject_key for d in drafts}
        periods = {}
        regimes = {}
        for key in keys:
            _subject, regime_code, period_code = (key.split(":") + ["", ""])[:3]
            regimes.setdefault(regime_code, None)
            periods.setdefault(period_code, None)
        regimes = {r.code: r for r in Regime.objects.filter(code__in=list(regimes))}
        periods = {p.code: p for p in Period.objects.filter(code__in=list(periods))}
        rows = []
        for d in drafts:
            _subject, regime_code, period_code = (d.subject_key.split(":") + ["", ""])[:3]
            rows.append({"draft": d, "regime": regimes.get(regime_code), "period": periods.get(period_code)})
        ctx.update(rows=rows, can_add=self.can("add"))
        return ctx


class ConsolidatedBuildView(_DraftMixin, generic.TemplateView):
    """Choose a regime and a period: the report is built from the approved reports and stored as a draft."""

    permission_action = "add"
    template_name = "reporting/consolidated/build.html"

    def regimes(self):
        return (Regime.objects.restrict(self.request.user, "view").filter(is_active=True, current_form__isnull=False)
                .select_related("receiving_unit").order_by("name"))

    def periods(self, regimes):
        ids = Report.objects.filter(regime__in=regimes, status=Report.Status.APPROVED).values("period_id").distinct()
        return Period.objects.filter(pk__in=ids).order_by("-end", "kind")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        regimes = list(self.regimes())
        ctx.update(regimes=regimes, periods=list(self.periods(regimes)),
                   selected_regime=self.request.POST.get("regime", ""),
                   selected_period=self.request.POST.get("period", ""))
        return ctx

    def post(self, request, *args, **kwargs):
        regime = self.regimes().filter(pk=id_param(request.POST, "regime")).first()
        period = Period.objects.filter(pk=id_param(request.POST, "period")).first()
        if regime is None or period is None:
            messages.error(request, _("Choose a report regime and a period."))
            return self.get(request, *args, **kwargs)
        if regime.period_kind != period.kind:
            messages.error(request, _("This period does not belong to the regime's reporting cycle."))
            return self.get(request, *args, **kwargs)
        try:
            draft = C.consolidated_draft_create(regime=regime, period=period, receiving_unit=regime.receiving_unit,
                                                by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.get(request, *args, **kwargs)
        messages.success(request, _("The consolidated report was built from the approved reports. Edit it, then save."))
        return HttpResponseRedirect(reverse("reporting:consolidated_edit", args=[draft.pk]))


def _posted_body(request) -> list[dict]:
    """The blocks in the order the editor posts them: one block_meta (JSON) and one block_text each."""
    metas, texts = request.POST.getlist("block_meta"), request.POST.getlist("block_text")
    if len(metas) != len(texts):
        raise ValidationError(_("The editor sent an incomplete document: reload the page."), code="body")
    body = []
    for meta, text in zip(metas, texts, strict=True):
        try:
            block = json.loads(meta)
        except ValueError:
            raise ValidationError(_("The editor sent an incomplete document: reload the page."), code="body")
        if not isinstance(block, dict):
            raise ValidationError(_("The editor sent an incomplete document: reload the page."), code="body")
        if block.get("kind") in ("heading", "paragraph"):
            block["text"] = text
        body.append(block)
    return body


class ConsolidatedEditView(_DraftMixin, generic.TemplateView):
    """The editor: every block editable; recipients, signature; save keeps a version."""

    permission_action = "view"
    template_name = "reporting/consolidated/edit.html"

    def get_context_data(self, draft=None, posted=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        draft = draft or self.get_draft()
        source = posted or {
            "type_name": draft.type_name, "summary": draft.summary, "body": draft.body,
            "recipients": "\n".join(draft.recipients or []), "signature": draft.signature or {},
            "dated": f"{draft.dated:%d/%m/%Y}", "revision": draft.revision,
        }
        blocks = []
        for block in source["body"]:
            meta = {k: v for k, v in block.items() if k != "text" or block.get("kind") not in ("heading", "paragraph")}
            blocks.append({"data": block, "meta": json.dumps(meta, ensure_ascii=False)})
        ctx.update(
            draft=draft, form=source, blocks=blocks, authorities=AUTHORITIES,
            can_change=self.can("change", draft) and not draft.is_issued,
            can_issue=self.can("issue", draft) and not draft.is_issued,
            versions=list(draft.versions.select_related("created_by").order_by("-number")[:20]),
            exports=[doc_services.export_expire_if_interrupted(e) for e in draft.exports.order_by("-created_at")[:6]],
            number_text=draft.registered.number_text if draft.registered_id else "",
            paragraph_meta=json.dumps({"kind": "paragraph", "source": "", "italic": False}),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        draft = self.get_draft("change")
        posted = {
            "type_name": request.POST.get("type_name", ""), "summary": request.POST.get("summary", ""),
            "recipients": request.POST.get("recipients", ""), "dated": request.POST.get("dated", ""),
            "signature": {k: request.POST.get(f"signature_{k}", "") for k in ("authority", "position", "signer")},
            "revision": request.POST.get("revision", ""), "body": draft.body,
        }
        try:
            posted["body"] = _posted_body(request)
            try:
                dated = parse_date(posted["dated"])
            except ValueError:
                raise ValidationError({"dated": _("Enter a date as dd/mm/yyyy.")})
            try:
                revision = int(posted["revision"])
            except ValueError:
                revision = -1
            saved = doc_services.draft_save(
                draft=draft, by=request.user, based_on_revision=revision, body=posted["body"],
                type_name=posted["type_name"], summary=posted["summary"], recipients=posted["recipients"],
                signature=posted["signature"], dated=dated, comment=request.POST.get("comment", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            ctx = self.get_context_data(draft=draft, posted=posted)
            ctx["conflict"] = getattr(exc, "code", "") == "conflict"
            return self.render_to_response(ctx, status=409 if ctx["conflict"] else 200)
        if saved.revision == revision:
            messages.info(request, _("Nothing has changed since the last save."))
        else:
            messages.success(request, _("Saved."))
        return HttpResponseRedirect(reverse("reporting:consolidated_edit", args=[draft.pk]))


class ConsolidatedPreviewView(_DraftMixin, generic.View):
    """The printable HTML with each paragraph's source (never printed in DOCX or PDF)."""

    permission_action = "view"

    def get(self, request, *args, **kwargs):
        draft = self.get_draft()
        response = HttpResponse(render_html(draft_context(draft), show_sources=True))
        # The document carries its own print stylesheet (shared with the PDF renderer); no scripts.
        response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response


class ConsolidatedExportView(_DraftMixin, generic.View):
    """POST: queue a DOCX or PDF; answers the status fragment (htmx) or goes back to the editor."""

    permission_action = "view"

    def post(self, request, *args, **kwargs):
        draft = self.get_draft()
        try:
            export = doc_services.export_request(draft=draft, fmt=kwargs["fmt"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("reporting:consolidated_edit", args=[draft.pk]))
        if request.htmx:
            return _export_fragment(request, draft, export)
        return HttpResponseRedirect(reverse("reporting:consolidated_edit", args=[draft.pk]) + "#exports")


def _export_fragment(request, draft, export):
    from django.template.response import TemplateResponse

    return TemplateResponse(request, "reporting/consolidated/_export.html", {"draft": draft, "export": export})


class ConsolidatedExportStatusView(_DraftMixin, generic.View):
    """The status of one export (polled by htmx until it is done)."""

    permission_action = "view"

    def get(self, request, *args, **kwargs):
        draft = self.get_draft()
        export = get_object_or_404(DocumentExport, pk=kwargs["export_pk"], draft=draft)
        return _export_fragment(request, draft, doc_services.export_expire_if_interrupted(export))


class ConsolidatedDownloadView(_DraftMixin, generic.View):
    permission_action = "view"

    def get(self, request, *args, **kwargs):
        draft = self.get_draft()
        export = get_object_or_404(DocumentExport, pk=kwargs["export_pk"], draft=draft, status=DocumentExport.Status.DONE)
        name = export.file.name.rsplit("/", 1)[-1]
        content_type = ("application/pdf" if export.format == "pdf" else
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return FileResponse(export.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


class ConsolidatedIssueView(_DraftMixin, generic.View):
    """Register the number (Số 125-BC/BTGDVTU) and freeze the document."""

    permission_action = "issue"

    def post(self, request, *args, **kwargs):
        draft = self.get_draft("issue")
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        try:
            draft = doc_services.draft_issue(draft=draft, by=request.user, based_on_revision=revision)
        except (ValidationError, ObjectDoesNotExist) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Issued as %(number)s.") % {"number": draft.registered.number_text})
        return HttpResponseRedirect(reverse("reporting:consolidated_edit", args=[draft.pk]))


urlpatterns = [
    path("consolidated/", ConsolidatedListView.as_view(), name="consolidated_list"),
    path("consolidated/build/", ConsolidatedBuildView.as_view(), name="consolidated_build"),
    path("consolidated/<int:pk>/", ConsolidatedEditView.as_view(), name="consolidated_edit"),
    path("consolidated/<int:pk>/preview/", ConsolidatedPreviewView.as_view(), name="consolidated_preview"),
    path("consolidated/<int:pk>/export/<str:fmt>/", ConsolidatedExportView.as_view(), name="consolidated_export"),
    path("consolidated/<int:pk>/exports/<int:export_pk>/", ConsolidatedExportStatusView.as_view(),
         name="consolidated_export_status"),
    path("consolidated/<int:pk>/exports/<int:export_pk>/download/", ConsolidatedDownloadView.as_view(),
         name="consolidated_download"),
    path("consolidated/<int:pk>/issue/", ConsolidatedIssueView.as_view(), name="consolidated_issue"),
]
