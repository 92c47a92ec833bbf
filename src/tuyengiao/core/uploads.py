"""The upload guard: refuse oversized or wrong-type files before any parser sees them.

The type is decided by the content (magic bytes), never by the name or the browser's content type:
XLSX and DOCX are zip packages whose [Content_Types].xml declares the right main part; PDF starts
with %PDF-; PNG and JPEG by their signatures. Reused by every upload (imports, report attachments).
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .vi import format_number

KIND_LABELS = {
    "xlsx": gettext_lazy("Excel workbook (.xlsx)"),
    "docx": gettext_lazy("Word document (.docx)"),
    "pdf": gettext_lazy("PDF document (.pdf)"),
    "png": gettext_lazy("PNG image (.png)"),
    "jpeg": gettext_lazy("JPEG image (.jpg)"),
}

# The main part's content type that makes an OOXML package a workbook or a document. Macro-enabled
# variants (.xlsm, .docm) declare other types and are refused.
_OOXML_MAIN = {
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}
_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
_ZIP_MAGIC = (b"PK\x03\x04",)
_CONTENT_TYPES_MAX = 1024 * 1024  # [Content_Types].xml is a few kB in any real file
_ZIP_EXPANSION_MAX = 100  # uncompressed total may be at most this many times the upload limit

UPLOAD_ERROR_CODES = ("too_large", "empty", "wrong_type", "unsafe_archive")


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    pos = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(pos)
    return size


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return format_number(round(n / (1024 * 1024), 1)) + " MB"
    if n >= 1024:
        return format_number(round(n / 1024, 1)) + " kB"
    return format_number(n) + " B"


def _ooxml_kind(file, wanted: set[str], max_bytes: int) -> str | None:
    """The OOXML kind of a zip package among `wanted`, or None; raises on an unsafe archive."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > max_bytes * _ZIP_EXPANSION_MAX:
                raise ValidationError(_("The file expands to an unreasonable size and was refused."), code="unsafe_archive")
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return None
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            content_types = archive.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError):
        return None
    for kind in sorted(wanted):
        if _OOXML_MAIN[kind] in content_types:
            return kind
    return None


def detect_kind(file, kinds: Iterable[str], max_bytes: int | None = None) -> str | None:
    """The kind among `kinds` that the content of `file` really is, or None. Leaves the file at 0."""
    kinds = set(kinds)
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        for kind in sorted(kinds & set(_SIGNATURES)):
            if head.startswith(_SIGNATURES[kind]):
                return kind
        ooxml = kinds & set(_OOXML_MAIN)
        if ooxml and head.startswith(_ZIP_MAGIC):
            return _ooxml_kind(file, ooxml, max_bytes)
        return None
    finally:
        file.seek(0)


def check_upload(file, *, kinds: Iterable[str], max_bytes: int | None = None) -> str:
    """Refuse `file` (a Django UploadedFile or any seekable binary file) unless it is at most
    settings.UPLOAD_MAX_BYTES (or `max_bytes`) and its content is one of `kinds`
    ("xlsx", "docx", "pdf", "png", "jpeg"). Returns the detected kind; raises ValidationError with
    code "too_large", "empty", "wrong_type" or "unsafe_archive". Reads only the file's head (and a
    zip's directory and [Content_Types].xml); the file is left at position 0.
    """
    kinds = set(kinds)
    unknown = kinds - set(KIND_LABELS)
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    size = _size(file)
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.") % {"size": _human_size(size), "limit": _human_size(limit)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = detect_kind(file, kinds, limit)
    if kind is None:
        allowed = ", ".join(str(KIND_LABELS[k]) for k in sorted(kinds))
        raise ValidationError(
            _("This file type is not accepted. Accepted types: %(allowed)s.") % {"allowed": allowed},
            code="wrong_type",
        )
    return kind
