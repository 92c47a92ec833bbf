"""Layout constants shared by the DOCX and PDF renderers (Hướng dẫn 36-HD/VPTW, DOMAIN.md §3.2)."""
from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

A4_WIDTH_MM, A4_HEIGHT_MM = 210.0, 297.0

# Font sizes (pt) and styles of the 36-HD appendix table.
SIZE_PARTY_HEADING = 15  # upper, bold
SIZE_LETTERHEAD = 14  # superior body: upper, regular; issuing body: upper, bold
SIZE_NUMBER = 14
SIZE_DATE = 14  # italic
SIZE_TYPE_NAME = 16  # upper, bold
SIZE_SUMMARY = 14  # bold
SIZE_SIGNATURE = 14  # authority mark and position: upper, bold
SIZE_RECIPIENTS_LABEL = 12  # "Nơi nhận:" bold italic
SIZE_RECIPIENTS = 12
SIZE_TABLE = 12
SIZE_PAGE_NUMBER = 14

FONT = "Times New Roman"
FONT_STACK = '"Times New Roman", "Liberation Serif", "Noto Serif", serif'

# Share of the text width given to the left (issuing body / recipients) column.
LEFT_SHARE = 0.485

_FONT_DIRS = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation")]


@functools.lru_cache(maxsize=8)
def _advances(style: str):
    """(cmap, hmtx, units per em) of Liberation Serif (metric-compatible with Times New Roman)."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:  # pragma: no cover - fontTools comes with WeasyPrint
        return None
    for folder in _FONT_DIRS:
        path = folder / f"LiberationSerif-{style}.ttf"
        if path.exists():
            font = TTFont(str(path), lazy=True)
            return font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    return None


def text_width_mm(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """Printed width of one line in Times New Roman; an estimate when the font files are absent."""
    text = unicodedata.normalize("NFC", text)
    style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic", (True, True): "BoldItalic"}[(bold, italic)]
    metrics = _advances(style)
    if metrics is None:
        em = 0.62 if bold else 0.55
        return len(text) * em * size_pt / 72 * 25.4
    cmap, hmtx, upm = metrics
    units = 0
    for ch in text:
        glyph = cmap.get(ord(ch))
        units += hmtx[glyph][0] if glyph else upm // 2
    return units / upm * size_pt / 72 * 25.4
