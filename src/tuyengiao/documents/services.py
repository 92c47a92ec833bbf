"""Writes to the document register. Numbering is atomic on SQLite and PostgreSQL alike."""
from __future__ import annotations

import datetime as dt
import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tuyengiao.core import audit
from tuyengiao.core.services import ensure_perm
from tuyengiao.org.models import Unit

from .models import DocumentType, NumberSequence, RegisteredDocument
from .selectors import committee_term_on, format_number_text, issuer_abbr_on

logger = logging.getLogger(__name__)


def _next_number(*, issuer: Unit, doc_type: DocumentType, term) -> int:
    """Take the next number of the (issuer, type, term) sequence.

    The UPDATE comes first: on PostgreSQL it row-locks the sequence until the transaction ends, and
    on SQLite it takes the database write lock at once, so two registrations never read the same
    value. A missing sequence row is created under a unique constraint; a concurrent creator makes
    the insert fail, and the row it created is then used.
    """
    key = {"issuer": issuer, "doc_type": doc_type.sequence_type, "term": term}
    for _attempt in range(3):
        updated = NumberSequence.objects.filter(**key).update(last_number=F("last_number") + 1)
        if updated:
            return NumberSequence.objects.filter(**key).values_list("last_number", flat=True).get()
        try:
            with transaction.atomic():
                NumberSequence.objects.create(**key, last_number=1)
            return 1
        except IntegrityError:
            continue  # another registration created the row first: increment it
    raise RuntimeError("Could not allocate a document number")


@transaction.atomic
def document_register(*, issuer: Unit, doc_type: DocumentType, issued_on: dt.date, summary: str, by,
                      target=None) -> RegisteredDocument:
    """Give the next number of (issuer, document type, committee term) and record the document.

    The number text ("Số 125-BC/BTGDVTU") uses the issuer's abbreviation in force on the issue date and
    is stored: later renames or configuration changes never alter an issued number.
    """
    summary = (summary or "").strip()
    errors = {}
    if not summary:
        errors["summary"] = _("Enter the summary (trích yếu) of the document.")
    if not doc_type.is_active:
        errors["doc_type"] = _("This document type is not in use.")
    if not issuer.is_active(issued_on):
        errors["issued_on"] = _("%(unit)s is not in force on %(date)s.") % {"unit": issuer, "date": f"{issued_on:%d/%m/%Y}"}
    issuer_abbr = issuer_abbr_on(issuer, issued_on)
    if not issuer_abbr:
        errors["issuer"] = _("%(unit)s has no issuer abbreviation for document numbers on %(date)s.") % {
            "unit": issuer, "date": f"{issued_on:%d/%m/%Y}"}
    if errors:
        raise ValidationError(errors)

    document = RegisteredDocument(issuer=issuer, doc_type=doc_type, issued_on=issued_on, summary=summary,
                                  number=0, created_by=by if getattr(by, "pk", None) else None)
    if target is not None:
        document.content_type = ContentType.objects.get_for_model(type(target))
        document.object_id = str(target.pk)
    ensure_perm(user=by, obj=document, action="add")

    term = committee_term_on(issuer, issued_on)
    document.term = term
    document.number = _next_number(issuer=issuer, doc_type=doc_type, term=term)
    document.number_text = format_number_text(number=document.number, type_abbr=doc_type.abbreviation,
                                              issuer_abbr=issuer_abbr)
    document.save()
    audit.record(actor=by, action="create", obj=document, after=audit.snapshot(document))
    return document


# -- draft documents (written in the browser, versioned, issued with a number) -----------------------


def _draft_snapshot(draft) -> dict:
    """What the audit keeps of a draft: its frame and revision, not the whole body."""
    return {"issuer_id": draft.issuer_id, "doc_type_id": draft.doc_type_id, "type_name": draft.type_name,
            "summary": draft.summary, "status": draft.status, "revision": draft.revision,
            "dated": draft.dated.isoformat() if draft.dated else None, "blocks": len(draft.body or []),
            "recipients": list(draft.recipients or []), "signature": dict(draft.signature or {}),
            "registered_id": draft.registered_id, "subject_key": draft.subject_key}


def _keep_version(draft, *, by, comment: str = ""):
    from .models import DraftDocumentVersion

    return DraftDocumentVersion.objects.create(
        draft=draft, number=draft.revision, type_name=draft.type_name, summary=draft.summary, body=draft.body,
        recipients=draft.recipients, signature=draft.signature, dated=draft.dated, comment=(comment or "")[:300],
        created_by=by if getattr(by, "pk", None) else None,
    )


def _draft_content(draft) -> tuple:
    return (draft.type_name, draft.summary, draft.body, draft.recipients, draft.signature, draft.dated)


def _validate_frame(*, type_name: str, summary: str) -> None:
    errors = {}
    if not (type_name or "").strip():
        errors["type_name"] = _("Enter the document type name (e.g. BÁO CÁO).")
    if not (summary or "").strip():
        errors["summary"] = _("Enter the summary (trích yếu) of the document.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def draft_create(*, issuer: Unit, doc_type: DocumentType, type_name: str, summary: str, body: list, by,
                 recipients=(), signature: dict | None = None, dated: dt.date | None = None, subject_key: str = "",
                 target=None, comment: str = ""):
    """A new draft document (revision 1, its first version kept)."""
    from django.utils import timezone

    from . import blocks
    from .models import DraftDocument

    _validate_frame(type_name=type_name, summary=summary)
    draft = DraftDocument(
        issuer=issuer, doc_type=doc_type, type_name=type_name.strip(), summary=summary.strip(),
        body=blocks.clean_body(body), recipients=blocks.clean_recipients(recipients),
        signature=blocks.signature_data(blocks.signature_from(signature)), dated=dated or timezone.localdate(),
        subject_key=subject_key, revision=1,
        created_by=by if getattr(by, "pk", None) else None, updated_by=by if getattr(by, "pk", None) else None,
    )
    if target is not None:
        draft.content_type = ContentType.objects.get_for_model(type(target))
        draft.object_id = str(target.pk)
    ensure_perm(user=by, obj=draft, action="add")
    draft.save()
    _keep_version(draft, by=by, comment=comment or _("Created"))
    audit.record(actor=by, action="create", obj=draft, after=_draft_snapshot(draft))
    return draft


@transaction.atomic
def draft_save(*, draft, by, based_on_revision: int | None, body: list | None = None, type_name: str | None = None,
               summary: str | None = None, recipients=None, signature: dict | None = None,
               dated: dt.date | None = None, comment: str = ""):
    """Save the edited document as a new revision and keep a version.

    Raises ValidationError(code="conflict") when someone else saved since `based_on_revision` (then
    nothing is written), and code="issued" once the document has been issued."""
    from . import blocks
    from .models import DraftDocument

    draft = DraftDocument.objects.select_for_update().get(pk=draft.pk)
    ensure_perm(user=by, obj=draft, action="change")
    if draft.is_issued:
        raise ValidationError(_("This document has been issued as %(number)s and can no longer be changed.")
                              % {"number": draft.registered.number_text if draft.registered_id else ""}, code="issued")
    if based_on_revision is not None and based_on_revision != draft.revision:
        raise ValidationError(
            _("Someone else saved this document in the meantime (revision %(theirs)s; your copy is based on "
              "%(yours)s). Nothing of yours was overwritten: reload to see their changes, then enter yours again.")
            % {"theirs": draft.revision, "yours": based_on_revision},
            code="conflict",
        )
    before = _draft_snapshot(draft)
    content = _draft_content(draft)
    # Browsers post textarea lines as CRLF: one line break, not two, in the DOCX.
    new_type = draft.type_name if type_name is None else blocks.clean_text(type_name)
    new_summary = draft.summary if summary is None else blocks.clean_text(summary)
    _validate_frame(type_name=new_type, summary=new_summary)
    draft.type_name, draft.summary = new_type, new_summary
    if body is not None:
        draft.body = blocks.clean_body(body)
    if recipients is not None:
        draft.recipients = blocks.clean_recipients(recipients)
    if signature is not None:
        draft.signature = blocks.signature_data(blocks.signature_from(signature))
    if dated is not None:
        draft.dated = dated
    if _draft_content(draft) == content:
        return draft  # nothing changed: no new revision, version or audit entry
    draft.revision += 1
    draft.updated_by = by if getattr(by, "pk", None) else None
    draft.save()
    _keep_version(draft, by=by, comment=comment)
    audit.record(actor=by, action="update", obj=draft, before=before, after=_draft_snapshot(draft), reason=comment)
    return draft


@transaction.atomic
def draft_issue(*, draft, by, issued_on: dt.date | None = None, based_on_revision: int | None = None):
    """Register the document's number ("Số 125-BC/BTGDVTU") and freeze it."""
    from .models import DraftDocument

    draft = DraftDocument.objects.select_for_update().get(pk=draft.pk)
    ensure_perm(user=by, obj=draft, action="issue")
    if draft.is_issued:
        raise ValidationError(_("This document has already been issued."), code="issued")
    if based_on_revision is not None and based_on_revision != draft.revision:
        raise ValidationError(_("Someone else saved this document in the meantime: reload it before issuing."),
                              code="conflict")
    before = _draft_snapshot(draft)
    issued_on = issued_on or draft.dated
    document = document_register(issuer=draft.issuer, doc_type=draft.doc_type, issued_on=issued_on,
                                 summary=" ".join(draft.summary.split()), by=by, target=draft)
    draft.registered = document
    draft.dated = issued_on
    draft.status = DraftDocument.Status.ISSUED
    draft.updated_by = by if getattr(by, "pk", None) else None
    draft.save()
    audit.record(actor=by, action="issue", obj=draft, before=before, after=_draft_snapshot(draft))
    return draft


@transaction.atomic
def export_request(*, draft, fmt: str, by):
    """Queue the production of a DOCX or PDF of the draft's current revision (a background task)."""
    from .models import DocumentExport
    from .tasks import export_document

    if fmt not in DocumentExport.Format.values:
        raise ValidationError(_("Unknown export format."), code="format")
    ensure_perm(user=by, obj=draft, action="view")
    export = DocumentExport.objects.create(draft=draft, format=fmt, revision=draft.revision,
                                           created_by=by if getattr(by, "pk", None) else None)
    audit.record(actor=by, action="export", obj=draft, after={"format": fmt, "revision": draft.revision,
                                                              "export_id": export.pk})
    result = export_document.enqueue(export.pk)
    DocumentExport.objects.filter(pk=export.pk, task_id="").update(task_id=str(result.id)[:64])
    export.refresh_from_db()
    return export


def export_run(export_id: int) -> None:
    """Produce the file of one export (called by the background task)."""
    import time

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from .models import DocumentExport
    from .render_docx import render_docx
    from .render_pdf import render_pdf
    from .selectors import draft_context, export_filename

    export = DocumentExport.objects.select_related("draft__issuer", "draft__doc_type", "draft__registered").get(pk=export_id)
    if export.is_finished:
        return
    DocumentExport.objects.filter(pk=export.pk).update(status=DocumentExport.Status.RUNNING, started_at=timezone.now())
    started = time.perf_counter()
    try:
        ctx = draft_context(export.draft)
        data = render_docx(ctx) if export.format == "docx" else render_pdf(ctx)
    except Exception:  # the page says so in Vietnamese; the task log keeps the traceback
        logger.exception("Export %s failed", export.pk)
        DocumentExport.objects.filter(pk=export.pk).update(
            status=DocumentExport.Status.FAILED, finished_at=timezone.now(),
            error=_("The file could not be made. Try again; if it happens again, tell the administrator."))
        raise
    export.file.save(export_filename(export.draft, export.format), ContentFile(data), save=False)
    export.status = DocumentExport.Status.DONE
    export.seconds = round(time.perf_counter() - started, 3)
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "seconds", "finished_at"])


def export_expire_if_interrupted(export):
    """An export whose worker was killed or restarted mid-run would say "Generating…" for ever: past
    TASK_STALE_MINUTES since it started it is closed as failed, and can be asked for again. Returns the
    export as it now stands."""
    from django.conf import settings
    from django.utils import timezone

    from tuyengiao.core.jobs import interrupted_before

    from .models import DocumentExport

    limit = interrupted_before()
    if export.status != DocumentExport.Status.RUNNING or export.started_at is None or export.started_at > limit:
        return export
    closed = DocumentExport.objects.filter(pk=export.pk, status=DocumentExport.Status.RUNNING,
                                           started_at__lte=limit).update(
        status=DocumentExport.Status.FAILED, finished_at=timezone.now(),
        error=_("Interrupted: the background worker stopped before the file was made. Ask for it again."))
    if closed:
        logger.warning("Export %s closed: no file %s minutes after it started", export.pk, settings.TASK_STALE_MINUTES)
    export.refresh_from_db()
    return export


# -- issuer profiles (a unit's letterhead over a date range) ------------------------------------------

ISSUER_PROFILE_FIELDS = (
    "unit", "valid_from", "valid_to", "superior_line", "issuer_line", "place", "signature_authority",
    "signature_position", "signer_name", "recipients", "margin_top", "margin_bottom", "margin_left", "margin_right",
    "annex_pages",
)
# Printed in capitals by the Party format (Hướng dẫn 36-HD/VPTW): kept as they will print.
_UPPER_FIELDS = ("superior_line", "issuer_line", "signature_authority", "signature_position")


def _profile_clean_data(data: dict) -> dict:
    """Only the profile's own fields; letterhead and signature marks in capitals, one recipient per line."""
    from . import blocks

    unknown = set(data) - set(ISSUER_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not issuer profile fields: {sorted(unknown)}")
    clean = dict(data)
    for name in ("superior_line", "issuer_line", "place", "signature_authority", "signature_position", "signer_name"):
        if name in clean:
            clean[name] = " ".join((clean[name] or "").split())
    for name in _UPPER_FIELDS:
        if name in clean:
            clean[name] = clean[name].upper()
    if "recipients" in clean:
        clean["recipients"] = "\n".join(blocks.clean_recipients((clean["recipients"] or "").splitlines()))
    return clean


def _lock_unit_profiles(unit_id) -> None:
    """Serialise writes to one unit's profiles, so that two overlapping ones cannot both pass the check
    (PostgreSQL row lock; SQLite takes the database write lock at the first write anyway)."""
    if unit_id:
        Unit.objects.select_for_update().filter(pk=unit_id).exists()


@transaction.atomic
def issuer_profile_create(*, data: dict, by):
    """A new letterhead for a unit from `valid_from`. An overlap with another profile of the unit is
    refused at `valid_from` (IssuerProfile.clean)."""
    from .models import IssuerProfile

    data = _profile_clean_data(data)
    profile = IssuerProfile(**data)
    ensure_perm(user=by, obj=profile, action="add")
    _lock_unit_profiles(profile.unit_id)
    profile.full_clean()
    profile.save()
    audit.record(actor=by, action="create", obj=profile, after=audit.snapshot(profile))
    return profile


@transaction.atomic
def issuer_profile_update(*, profile, data: dict, by):
    """Change a letterhead. It applies to every document dated in its range, reprints of issued ones
    included (their number text stays as issued): to change the letterhead from a date, end this
    profile and add a new one."""
    from .models import IssuerProfile

    data = _profile_clean_data(data)
    _lock_unit_profiles(data.get("unit").pk if data.get("unit") else profile.unit_id)
    profile = IssuerProfile.objects.select_for_update().get(pk=profile.pk)
    ensure_perm(user=by, obj=profile, action="change")
    before = audit.snapshot(profile)
    for key, value in data.items():
        setattr(profile, key, value)
    ensure_perm(user=by, obj=profile, action="change")  # the unit it moves to must be in scope too
    profile.full_clean()
    profile.save()
    after = audit.snapshot(profile)
    if before != after:
        audit.record(actor=by, action="update", obj=profile, before=before, after=after)
    return profile


@transaction.atomic
def issuer_profile_close(*, profile, on: dt.date, by, reason: str = ""):
    """End a letterhead on `on` (the last day it applies); the row stays for the documents it printed."""
    from tuyengiao.core.services import object_close

    return object_close(obj=profile, by=by, on=on, reason=reason)
