"""Writes to the document register. Numbering is atomic on SQLite and PostgreSQL alike."""
from __future__ import annotations

import datetime as dt

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
