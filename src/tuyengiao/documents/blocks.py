"""The JSON form of a document body (DraftDocument.body) and its conversion to documents.context.

A body is a flat list of blocks, each a dict with a "kind":

    {"kind": "heading", "level": 1-4, "text": "...", "label": "Phần thứ nhất"}
    {"kind": "paragraph", "text": "...", "source": "Đảng ủy xã An Bình — ...", "source_url": "/reports/12/",
     "sources": [12, 15], "generated": true, "italic": false}
    {"kind": "table", "header": [...], "rows": [[...]], "totals": [...] | null, "title": "", "note": "",
     "widths": [...] | null}
    {"kind": "annex", "label": "PHỤ LỤC", "title": "...", "reference": "" , "landscape": false}

A list item is a paragraph whose text starts with its marker, as Party reports type it ("- ", "+ " one
level down, "1. ", "a) "): no block kind of its own, so every renderer and the editor print it as written.
An "annex" block starts an annex: the blocks after it belong to it (until the next annex). An empty
annex reference is filled in when the context is built ("Kèm theo Báo cáo số …"). Pure functions.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .context import Annex, Block, Heading, Paragraph, Signature, Table

KINDS = ("heading", "paragraph", "table", "annex")
MAX_TEXT = 20_000


def clean_text(value, limit: int = MAX_TEXT) -> str:
    """Stripped text with "\n" line breaks (browsers post "\r\n")."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text[:limit]


def _cell(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)[:500]


def clean_block(raw) -> dict:
    """A block as stored: only the known keys, text trimmed. Raises ValidationError on a bad block."""
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        raise ValidationError(_("The document contains a block of an unknown kind."), code="block")
    kind = raw["kind"]
    if kind == "heading":
        try:
            level = int(raw.get("level") or 2)
        except (TypeError, ValueError):
            level = 2
        return {"kind": kind, "level": min(max(level, 1), 4), "text": clean_text(raw.get("text"), 1000),
                "label": clean_text(raw.get("label"), 100)}
    if kind == "paragraph":
        block = {"kind": kind, "text": clean_text(raw.get("text")), "source": clean_text(raw.get("source"), 2000),
                 "source_url": clean_text(raw.get("source_url"), 300), "italic": bool(raw.get("italic"))}
        sources = raw.get("sources") or []
        if isinstance(sources, list):
            block["sources"] = [int(s) for s in sources if isinstance(s, int) or str(s).isdigit()][:1000]
        if raw.get("generated"):
            block["generated"] = True
        return block
    if kind == "table":
        header = [str(h)[:300] for h in (raw.get("header") or [])]
        if not header:
            raise ValidationError(_("A table needs a header row."), code="block")
        rows = [[_cell(c) for c in row] for row in (raw.get("rows") or []) if isinstance(row, list)]
        totals = raw.get("totals")
        widths = raw.get("widths")
        return {"kind": kind, "header": header, "rows": rows,
                "totals": [_cell(c) for c in totals] if isinstance(totals, list) else None,
                "title": clean_text(raw.get("title"), 500), "note": clean_text(raw.get("note"), 1000),
                "widths": [float(w) for w in widths] if isinstance(widths, list) and len(widths) == len(header) else None}
    return {"kind": kind, "label": clean_text(raw.get("label"), 100) or "PHỤ LỤC", "title": clean_text(raw.get("title"), 500),
            "reference": clean_text(raw.get("reference"), 500), "landscape": bool(raw.get("landscape"))}


def clean_body(raw) -> list[dict]:
    if not isinstance(raw, list):
        raise ValidationError(_("The document body is not a list of blocks."), code="body")
    return [clean_block(b) for b in raw]


def to_block(data: dict) -> Block:
    kind = data["kind"]
    if kind == "heading":
        return Heading(level=data["level"], text=data["text"], label=data.get("label", ""))
    if kind == "paragraph":
        return Paragraph(text=data["text"], source=data.get("source", ""), italic=bool(data.get("italic")),
                         source_url=data.get("source_url", ""))
    if kind == "table":
        return Table(header=tuple(data["header"]), rows=tuple(tuple(r) for r in data["rows"]),
                     totals=tuple(data["totals"]) if data.get("totals") else None, title=data.get("title", ""),
                     note=data.get("note", ""), widths=tuple(data["widths"]) if data.get("widths") else None)
    raise ValueError(kind)


def split_body(body: list[dict], *, default_reference: str = "") -> tuple[tuple[Block, ...], tuple[Annex, ...]]:
    """(main blocks, annexes). Empty paragraphs are dropped; an annex without a reference gets
    `default_reference`."""
    main: list[Block] = []
    annexes: list[tuple[dict, list[Block]]] = []
    for data in body:
        if data["kind"] == "annex":
            annexes.append((data, []))
            continue
        if data["kind"] == "paragraph" and not data["text"].strip():
            continue
        if data["kind"] == "heading" and not data["text"].strip():
            continue
        (annexes[-1][1] if annexes else main).append(to_block(data))
    return tuple(main), tuple(
        Annex(label=a["label"], title=a["title"], reference=a["reference"] or default_reference,
              blocks=tuple(blocks), landscape=a["landscape"])
        for a, blocks in annexes
    )


def signature_from(data: dict | None) -> Signature:
    data = data or {}
    return Signature(authority=clean_text(data.get("authority"), 100), position=clean_text(data.get("position"), 100),
                     signer=clean_text(data.get("signer"), 150))


def signature_data(sig: Signature) -> dict:
    return {"authority": sig.authority, "position": sig.position, "signer": sig.signer}


def clean_recipients(lines) -> list[str]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    out = []
    for line in lines or []:
        text = str(line).strip().lstrip("-–").strip()
        if text:
            out.append(text[:300])
    return out
