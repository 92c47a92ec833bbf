"""Vietnamese text and formats: diacritics folding, alphabetical order, dates and numbers.

Folding and collation keys are computed in Python and stored in indexed columns so that search and
ordering behave the same on SQLite and PostgreSQL, without database collations or extensions.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

# Vowel-quality marks that make distinct letters (ă â ê ô ơ ư); everything else combining is a tone.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
_DIGITS = "0123456789"
# Two-digit primary codes: separators < digits < letters, so "Xã 2" < "Xã 10" is not attempted
# (numbers sort character by character, as in a printed index).
_PRIMARY = {ch: f"{20 + i:02d}" for i, ch in enumerate(_DIGITS)}
_PRIMARY.update({ch: f"{40 + i:02d}" for i, ch in enumerate(ALPHABET)})


def fold(text: str | None) -> str:
    """Lower-case, strip every diacritic and map đ to d: 'Đảng ủy' -> 'dang uy'."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def _letters(text: str):
    """Yield (letter, tone) with Vietnamese letters recomposed: 'ộ' -> ('ô', 5)."""
    for cluster in _clusters(unicodedata.normalize("NFD", text.lower())):
        base, marks = cluster[0], cluster[1:]
        tone = 0
        for m in marks:
            if m in _TONES:
                tone = _TONES[m]
            elif m in (_BREVE, _CIRCUMFLEX, _HORN):
                base = unicodedata.normalize("NFC", base + m)
        yield base, tone


def _clusters(decomposed: str):
    current = ""
    for ch in decomposed:
        if unicodedata.category(ch) == "Mn" and current:
            current += ch
        else:
            if current:
                yield current
            current = ch
    if current:
        yield current


def sort_key(text: str | None) -> str:
    """A digits-only key whose plain string order is Vietnamese dictionary order.

    Primary: letters in the order a ă â b c d đ e ê …; secondary: tones (ngang, huyền, hỏi, ngã,
    sắc, nặng). Digits only, so every database collation compares it byte by byte.
    """
    if not text:
        return ""
    primary, tones = [], []
    for letter, tone in _letters(text.strip()):
        code = _PRIMARY.get(letter)
        if code is None:
            if letter.isspace() or not letter.isalnum():
                code = "10"
            else:
                code = "99"
        if code == "10" and primary and primary[-1] == "10":
            continue
        primary.append(code)
        if code != "10":
            tones.append(str(tone))
    return ("".join(primary) + "00" + "".join(tones))[:250]


def person_sort_key(full_name: str) -> str:
    """Vietnamese people are listed by given name (the last word), then family and middle names."""
    parts = (full_name or "").split()
    return sort_key(" ".join(parts[-1:] + parts[:-1]))


def sort_vi(items, key=lambda x: x):
    """Sort Python objects in Vietnamese alphabetical order of key(item)."""
    return sorted(items, key=lambda item: sort_key(str(key(item))))


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_date(text: str) -> dt.date:
    """Parse dd/mm/yyyy (or ISO); raises ValueError."""
    text = (text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def party_date_line(place: str, value: dt.date) -> str:
    """'Hải Phòng, ngày 05 tháng 7 năm 2026': days 1–9 and months 1–2 take a leading zero."""
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"{place}, ngày {day} tháng {month} năm {value.year}"


def format_number(value, decimals: int | None = None) -> str:
    """Vietnamese number format: 1.234 and 97,5."""
    if value is None or value == "":
        return ""
    if isinstance(value, float | Decimal) or decimals:
        d = Decimal(str(value))
        if decimals is None:
            text = f"{d:,.2f}".rstrip("0").rstrip(".")
        else:
            text = f"{d:,.{decimals}f}"
    else:
        text = f"{int(value):,}"
    return _vi_separators(text)


def format_exact(value) -> str:
    """Every significant digit of a decimal, the Vietnamese way: 1.234,5 and 0,0001 (format_number
    rounds to two decimals)."""
    return _vi_separators(f"{Decimal(value).normalize():,f}")


def _vi_separators(text: str) -> str:
    """1,234.5 (Python's format) -> 1.234,5."""
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_percent(value, decimals: int = 1) -> str:
    from decimal import ROUND_HALF_UP

    text = format_number(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), None)
    return f"{text}%"
