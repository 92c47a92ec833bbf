"""The Vietnamese catalogue is complete, correct in form, compiled, and actually used by the pages.

Refresh it with `make messages`, translate every new entry (no empty or fuzzy entry may remain),
then compile (`tuyengiao compilemessages -l vi`) and commit both django.po and django.mo.
"""
import re
import unicodedata
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.urls import reverse

import tuyengiao

LC_MESSAGES = Path(tuyengiao.__file__).resolve().parent / "locale" / "vi" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s, %s, %d, %%, {name} / {0}, and HTML tags must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\(\w+\)[a-zA-Z]|%[sdifr%]|\{\w*\}|</?[a-zA-Z][\w-]*")

# Terms fixed by docs/glossary.md and relied on by other tests; checked when the msgid exists.
GLOSSARY = {
    "Username": "Tên đăng nhập",
    "Password": "Mật khẩu",
    "Unit": "Đơn vị",
    "Unit type": "Loại đơn vị",
    "Parent unit": "Đơn vị cấp trên",
    "Emulation cluster": "Cụm thi đua",
    "Emulation block": "Khối thi đua",
    "Commission administrator": "Quản trị Ban",
    "Leader / approver": "Lãnh đạo (phê duyệt)",
    "Specialist": "Chuyên viên",
    "Unit reporter": "Người báo cáo của đơn vị",
    "Viewer": "Người xem",
}
REQUIRED = ("Username", "Password", "Account temporarily locked")


@pytest.fixture(scope="module")
def po():
    assert PO_PATH.exists(), f"missing {PO_PATH}: run `make messages`"
    return polib.pofile(str(PO_PATH))


def _live(po):
    return [e for e in po if not e.obsolete]


def _label(e):
    return f"{e.msgid!r} ({', '.join(sorted({f for f, _ in e.occurrences})) or 'no location'})"


def _translations(e):
    if e.msgid_plural:
        return [e.msgstr_plural[k] for k in sorted(e.msgstr_plural)]
    return [e.msgstr]


def test_header_declares_vietnamese_with_one_plural_form(po):
    assert po.metadata.get("Language") == "vi"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert "utf-8" in po.metadata.get("Content-Type", "").lower()
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"


def test_no_untranslated_entry(po):
    empty = [_label(e) for e in _live(po) if not all(s.strip() for s in _translations(e))]
    plural_gaps = [_label(e) for e in _live(po) if e.msgid_plural and sorted(e.msgstr_plural) != [0]]
    assert not empty, f"{len(empty)} untranslated entries:\n" + "\n".join(empty)
    assert not plural_gaps, "plural entries must fill exactly msgstr[0]:\n" + "\n".join(plural_gaps)


def test_no_fuzzy_entry(po):
    fuzzy = [_label(e) for e in _live(po) if "fuzzy" in e.flags]
    assert not fuzzy, "check these translations and remove the fuzzy flag:\n" + "\n".join(fuzzy)


def test_placeholders_and_markup_are_kept(po):
    wrong = []
    for e in _live(po):
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        expected = Counter(PLACEHOLDER.findall(e.msgid))
        expected_any = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for s in _translations(e):
            got = Counter(PLACEHOLDER.findall(s))
            # With one plural form, msgstr[0] may use the placeholders of either English form.
            ok = set(got) == expected_any if e.msgid_plural else got == expected
            if not ok:
                wrong.append(f"{_label(e)}: expected {sorted(expected)}, got {sorted(got)} in {s!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_are_nfc(po):
    bad = [_label(e) for e in _live(po) for s in _translations(e) if unicodedata.normalize("NFC", s) != s]
    assert not bad, "write Vietnamese in NFC (precomposed) form:\n" + "\n".join(bad)


def test_glossary_terms(po):
    by_id = {e.msgid: e.msgstr for e in _live(po) if not e.msgid_plural}
    for msgid in REQUIRED:
        assert msgid in by_id, f"{msgid!r} is no longer in the catalogue"
    assert "tạm khóa" in by_id["Account temporarily locked"]
    wrong = {m: (by_id[m], t) for m, t in GLOSSARY.items() if m in by_id and by_id[m] != t}
    assert not wrong, f"glossary terms translated differently (got, expected): {wrong}"


def test_compiled_catalogue_matches_the_po(po):
    assert MO_PATH.exists(), "django.mo is missing: run `tuyengiao compilemessages -l vi`"
    mo = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(MO_PATH))}
    stale = []
    for e in _live(po):
        if "fuzzy" in e.flags:
            continue
        m = mo.get((e.msgctxt, e.msgid))
        if m is None or _translations(m) != _translations(e):
            stale.append(_label(e))
    assert not stale, f"django.mo is older than django.po ({len(stale)} entries differ): compile it again:\n" + \
        "\n".join(stale[:20])


def test_django_messages_missing_from_djangos_own_catalogue_are_vietnamese():
    """Django 5.2 changed some msgids and its bundled vi catalogue lags; ours supplies them."""
    from django.contrib.auth.password_validation import MinimumLengthValidator
    from django.core.validators import ProhibitNullCharactersValidator
    from django.utils import translation

    with translation.override("vi"):
        assert "quá ngắn" in MinimumLengthValidator(min_length=10).get_error_message()
        assert "10" in MinimumLengthValidator(min_length=10).get_error_message()
        assert "null" in str(ProhibitNullCharactersValidator.message)
        assert "allowed" not in str(ProhibitNullCharactersValidator.message)


@pytest.mark.django_db
def test_api_errors_are_vietnamese(client):
    """DRF's own vi catalogue lacks most of its messages; an API client still reads Vietnamese."""
    anonymous = client.get("/api/units/", HTTP_ACCEPT_LANGUAGE="vi")
    assert anonymous.status_code in (401, 403)
    assert anonymous.json()["detail"].startswith("Chưa cung cấp thông tin xác thực")
    bad_token = client.get("/api/units/", HTTP_AUTHORIZATION="Token sai", HTTP_ACCEPT_LANGUAGE="vi")
    assert bad_token.json()["detail"] == "Mã truy cập (token) không hợp lệ."


@pytest.mark.django_db
def test_login_page_speaks_vietnamese_and_english(client):
    url = reverse("accounts:login")
    vi = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Tên đăng nhập" in vi and "Mật khẩu" in vi and "Đăng nhập" in vi
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Username" in en and "Password" in en


def test_percent_signs_in_template_strings_are_translated():
    # {% translate %} looks "a %(x)s b" up as "a %%(x)s b": the catalogue must hold that form.
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("vi"):
        text = Template("{% load i18n %}{% translate 'and %(count)s more' %}").render(Context())
    assert text == "và %(count)s ô khác"


GETTEXT_CALLS = {"gettext", "gettext_lazy", "_", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}


def _python_msgids():
    """(file, msgid) of every gettext call with a literal in the source, f-string expressions included
    (xgettext skips those: a message there silently stays English)."""
    import ast

    src = Path(tuyengiao.__file__).parent
    for path in src.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in GETTEXT_CALLS or not node.args:
                continue
            index = 1 if name.startswith("pgettext") else 0
            if len(node.args) > index and isinstance(node.args[index], ast.Constant) \
                    and isinstance(node.args[index].value, str):
                yield path.relative_to(src), node.args[index].value


def test_every_message_in_the_code_is_in_the_catalogue(po):
    known = {e.msgid for e in _live(po)} | {e.msgid_plural for e in _live(po) if e.msgid_plural}
    missing = sorted({f"{path}: {msgid!r}" for path, msgid in _python_msgids() if msgid not in known})
    assert not missing, "not in the catalogue (run `make messages`):\n" + "\n".join(missing)


def test_bound_messages_read_cleanly():
    # Django's own vi catalogue writes "… bằng với 10 ." (a space before the full stop); ours overrides it.
    from django.core.exceptions import ValidationError
    from django.core.validators import MaxValueValidator, MinValueValidator
    from django.utils import translation

    with translation.override("vi"):
        for validator, value in ((MinValueValidator(10), 5), (MaxValueValidator(50), 60)):
            with pytest.raises(ValidationError) as exc:
                validator(value)
            assert exc.value.messages[0].endswith(("10.", "50.")) and " ." not in exc.value.messages[0]
