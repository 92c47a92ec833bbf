"""Reads for the document register and the pieces of a Party document's frame (letterhead, page)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from tuyengiao.org.models import Term, Unit, active_on

from .context import Header, PageSetup, ReportContext, Signature
from .models import DocumentType, IssuerProfile, RegisteredDocument


def zero_pad_numbers() -> bool:
    """Numbers below 10 print with a leading zero ("Số 09-KH/ĐU"); setting DOCUMENT_NUMBER_ZERO_PAD."""
    return bool(getattr(settings, "DOCUMENT_NUMBER_ZERO_PAD", True))


def format_number_text(*, number: int | None, type_abbr: str, issuer_abbr: str, pad: bool | None = None) -> str:
    """Party number and symbol: "Số 125-BC/BTGDVTU" (no colon, hyphen, slash). A draft without a
    number keeps the blank the clerk fills in by hand: "Số     -BC/BTGDVTU"."""
    pad = zero_pad_numbers() if pad is None else pad
    if number is None:
        digits = "\u00a0" * 5
    else:
        digits = f"{number:02d}" if pad else str(number)
    return f"Số {digits}-{type_abbr}/{issuer_abbr}"


def issuer_abbr_on(unit: Unit, on: dt.date) -> str:
    """The issuer abbreviation in force on a date (BTGTU in 2024, BTGDVTU from the 2025 merger)."""
    name = unit.name_on(on)
    return (name.issuer_abbr if name and name.issuer_abbr else "") or unit.issuer_abbr


def committee_term_on(unit: Unit, on: dt.date) -> Term | None:
    """The term of the party committee an issuer belongs to: the nearest unit, from the issuer itself
    up to the root, that has a term in force on the date."""
    ids = [int(seg) for seg in unit.path.strip("/").split("/")]
    terms = {t.unit_id: t for t in Term.objects.filter(active_on(on), unit_id__in=ids).order_by("valid_from")}
    for unit_id in reversed(ids):
        if unit_id in terms:
            return terms[unit_id]
    return None


def issuer_profile_on(unit: Unit, on: dt.date) -> IssuerProfile | None:
    return IssuerProfile.objects.filter(active_on(on), unit=unit).order_by("-valid_from").first()


def header_for(*, issuer: Unit, on: dt.date, number_text: str) -> Header:
    """The letterhead of `issuer` on a date; without a profile, lines come from the unit names."""
    profile = issuer_profile_on(issuer, on)
    if profile is not None:
        return Header(superior_line=profile.superior_line, issuer_line=profile.issuer_line,
                      number_text=number_text, place=profile.place, date=on)
    name = issuer.name_on(on)
    parent_name = issuer.parent.name_on(on) if issuer.parent_id else None
    superior = (parent_name.name if parent_name else "").upper()
    issuer_line = (name.name if name else issuer.name).upper()
    # "BAN TUYÊN GIÁO VÀ DÂN VẬN THÀNH ỦY" under "THÀNH ỦY HẢI PHÒNG" prints as "BAN TUYÊN GIÁO VÀ DÂN VẬN".
    for committee in _COMMITTEE_WORDS:
        if superior.startswith(committee.upper()) and issuer_line.endswith(" " + committee.upper()):
            issuer_line = issuer_line[: -len(committee) - 1]
            break
    return Header(superior_line=superior, issuer_line=issuer_line, number_text=number_text,
                  place=default_place(issuer, on), date=on)


_COMMITTEE_WORDS = ("Thành ủy", "Tỉnh ủy", "Đảng ủy", "Huyện ủy", "Quận ủy", "Thị ủy")


def default_place(unit: Unit, on: dt.date) -> str:
    """The place name when no issuer profile gives one: the top committee's name without "Thành ủy"/"Tỉnh ủy"
    ("Thành ủy Hải Phòng" -> "Hải Phòng")."""
    top_id = int(unit.path.strip("/").split("/")[0])
    top = unit if top_id == unit.pk else Unit.objects.filter(pk=top_id).first()
    if top is None:
        return ""
    name = top.name_on(on)
    text = (name.name if name else top.name).strip()
    for committee in _COMMITTEE_WORDS:
        if text.lower().startswith(committee.lower() + " "):
            return text[len(committee) + 1:].strip()
    return text


def document_header(document: RegisteredDocument) -> Header:
    """The header of a registered document: its fixed number text and issue date."""
    return header_for(issuer=document.issuer, on=document.issued_on, number_text=document.number_text)


def draft_header(*, issuer: Unit, doc_type: DocumentType, on: dt.date) -> Header:
    """A header for a preview before the document has a number."""
    text = format_number_text(number=None, type_abbr=doc_type.abbreviation, issuer_abbr=issuer_abbr_on(issuer, on))
    return header_for(issuer=issuer, on=on, number_text=text)


def page_setup_for(*, issuer: Unit, on: dt.date) -> PageSetup:
    profile = issuer_profile_on(issuer, on)
    if profile is None:
        return PageSetup()
    return PageSetup(margin_top=profile.margin_top, margin_bottom=profile.margin_bottom,
                     margin_left=profile.margin_left, margin_right=profile.margin_right,
                     annex_pages=profile.annex_pages)


def signature_default(*, issuer: Unit, on: dt.date) -> Signature:
    profile = issuer_profile_on(issuer, on)
    if profile is None:
        return Signature(authority="", position="", signer="")
    return Signature(authority=profile.signature_authority, position=profile.signature_position,
                     signer=profile.signer_name)


def recipients_default(*, issuer: Unit, on: dt.date) -> tuple[str, ...]:
    profile = issuer_profile_on(issuer, on)
    return profile.recipient_lines() if profile else ()


def documents_for(target) -> list[RegisteredDocument]:
    """Registered documents linked to an object (e.g. a consolidated report), newest first."""
    ct = ContentType.objects.get_for_model(type(target))
    return list(
        RegisteredDocument.objects.filter(content_type=ct, object_id=str(target.pk)).select_related("doc_type", "issuer")
    )


def register_for(*, user, issuer: Unit | None = None, year: int | None = None):
    """The register as the user may see it, newest first."""
    qs = RegisteredDocument.objects.restrict(user, "view").select_related("doc_type", "issuer", "term")
    if issuer is not None:
        qs = qs.filter(issuer=issuer)
    if year is not None:
        qs = qs.filter(issued_on__year=year)
    return qs


# -- draft documents ----------------------------------------------------------------------------


def draft_context(draft, *, show_draft_mark: bool = True) -> ReportContext:
    """The printable context of a draft document: its issued number and date once issued, else a blank
    number and the "DỰ THẢO" mark. Reads the issuer profile once."""
    from . import blocks

    issuer, on = draft.issuer, draft.dated
    if draft.registered_id:
        header = header_for(issuer=issuer, on=draft.registered.issued_on, number_text=draft.registered.number_text)
    else:
        header = draft_header(issuer=issuer, doc_type=draft.doc_type, on=on)
    symbol = header.number_text.removeprefix("Số").strip()
    issuer_name = issuer.name_on(header.date)
    of = issuer_name.name if issuer_name else issuer.name
    reference = f"(Kèm theo {draft.type_name.capitalize()} số {symbol}, ngày {header.date:%d/%m/%Y} của {of})"
    body, annexes = blocks.split_body(draft.body or [], default_reference=reference)
    return ReportContext(
        header=header, type_name=draft.type_name, summary=draft.summary, body=body,
        recipients=tuple(draft.recipients or ()), signature=blocks.signature_from(draft.signature),
        annexes=annexes, page=page_setup_for(issuer=issuer, on=header.date),
        draft=show_draft_mark and not draft.is_issued,
    )


def export_filename(draft, fmt: str) -> str:
    """"bao-cao-so-125-BC-BTGDVTU.pdf" once issued; "bao-cao-du-thao-<id>-r<revision>.docx" before."""
    from django.utils.text import slugify

    from tuyengiao.core.vi import fold

    stem = slugify(fold(draft.type_name)) or "van-ban"
    if draft.registered_id:
        symbol = draft.registered.symbol.replace("/", "-")
        return f"{stem}-so-{slugify(fold(symbol))}.{fmt}"
    return f"{stem}-du-thao-{draft.pk}-r{draft.revision}.{fmt}"


def drafts_for(*, user, subject_prefix: str = ""):
    from .models import DraftDocument

    qs = DraftDocument.objects.restrict(user, "view").select_related("issuer", "doc_type", "registered")
    if subject_prefix:
        qs = qs.filter(subject_key__startswith=subject_prefix)
    return qs
