"""The UI works air-gapped under a strict CSP: every asset is vendored with its licence, nothing is
loaded from another origin, and no template carries inline script or style."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import tuyengiao

PACKAGE = Path(tuyengiao.__file__).resolve().parent
STATIC = PACKAGE / "static"
VENDOR = STATIC / "vendor"
BASE = PACKAGE / "templates" / "base.html"
STATIC_REF = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


# Templates that never reach a browser: the documents app's HTML layouts are rendered to PDF by WeasyPrint
# (print styles inline are fine there); everything else is a web page under the CSP.
NOT_WEB_PAGES = ("documents/templates/",)


def all_templates() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("templates/**/*.html")
        if p.is_file() and not any(part in p.relative_to(PACKAGE).as_posix() for part in NOT_WEB_PAGES)
    )


def referenced_assets() -> list[str]:
    return STATIC_REF.findall(BASE.read_text(encoding="utf-8"))


def test_base_references_the_vendored_libraries():
    refs = referenced_assets()
    for expected in ("vendor/bootstrap/css/bootstrap.min.css", "vendor/bootstrap/js/bootstrap.bundle.min.js",
                     "vendor/htmx/htmx.min.js", "vendor/bootstrap-icons/bootstrap-icons.min.css",
                     "app.css", "app.js"):
        assert expected in refs


@pytest.mark.parametrize("ref", referenced_assets())
def test_every_asset_of_base_exists_with_a_licence(ref):
    path = STATIC / ref
    assert path.is_file(), f"{ref} is referenced by base.html but missing from {STATIC}"
    assert path.stat().st_size > 0
    if ref.startswith("vendor/"):
        library = VENDOR / Path(ref).parts[1]
        assert (library / "LICENSE").is_file(), f"no LICENSE next to {ref}"


def test_every_asset_of_base_is_found_by_staticfiles():
    """What collectstatic and runserver serve: the finders must see the package's static directory."""
    from django.contrib.staticfiles import finders

    missing = [ref for ref in referenced_assets() if not finders.find(ref)]
    assert not missing, f"not found by the staticfiles finders (STATICFILES_DIRS?): {missing}"


def test_vendor_readme_lists_every_library_with_version_and_licence():
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    libraries = sorted(p.name for p in VENDOR.iterdir() if p.is_dir())
    assert libraries == ["bootstrap", "bootstrap-icons", "htmx"]
    for name, package, licence in (("bootstrap", "`bootstrap`", "MIT"), ("htmx", "`htmx.org`", "0BSD"),
                                   ("bootstrap-icons", "`bootstrap-icons`", "MIT")):
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}/`"))
        assert package in row and licence in row
        assert re.search(r"\| \d+\.\d+\.\d+ \|", row), row
    assert "| 5.3." in readme and "| 2.0." in readme  # Bootstrap 5.3, htmx 2


def test_vendored_css_points_only_at_shipped_files():
    """Fonts referenced by CSS are shipped; no source-map comments pointing at files we do not ship."""
    for css in VENDOR.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text):
            if url.startswith("data:"):
                continue
            assert not re.match(r"^(https?:)?//", url), f"{css.name} loads {url}"
            target = (css.parent / url.split("?")[0].split("#")[0]).resolve()
            assert target.is_file(), f"{css.name} references missing {url}"
    for asset in list(VENDOR.rglob("*.css")) + list(VENDOR.rglob("*.js")):
        assert "sourceMappingURL" not in asset.read_text(encoding="utf-8"), asset.name


def test_vendor_stays_small():
    files = [p for p in VENDOR.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in {".map", ".scss"}]
    assert sum(p.stat().st_size for p in files) < 1_000_000


def test_templates_found():
    names = {p.relative_to(PACKAGE).as_posix() for p in all_templates()}
    assert "templates/base.html" in names and "templates/core/object_list.html" in names


COMMENTS = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.S)
EXTERNAL_ASSET = re.compile(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["']\s*(https?:)?//""", re.I)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)
STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
EVENT_ATTR = re.compile(r"""\s(on[a-z]+|hx-on[:\-][\w:\-]*)\s*=\s*["']""", re.I)


@pytest.mark.parametrize("template", all_templates(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_template_is_csp_clean(template):
    text = COMMENTS.sub("", template.read_text(encoding="utf-8"))
    assert not EXTERNAL_ASSET.search(text), "loads a script, style or image from another origin"
    assert not re.search(r"""@import\s+url\(\s*['"]?(https?:)?//""", text)
    assert not INLINE_SCRIPT.search(text), "inline <script> (CSP script-src 'self')"
    assert not STYLE_ATTR.search(text), "style= attribute (CSP style-src 'self')"
    assert not STYLE_BLOCK.search(text), "<style> block (CSP style-src 'self')"
    assert not EVENT_ATTR.search(text), "inline event handler (onclick=, hx-on=): put behaviour in static/app.js"


def test_the_csp_checks_catch_violations():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/app.js" defer></script>')
    assert STYLE_ATTR.search('<div style="width: 40%">')
    assert not STYLE_ATTR.search('<div data-style="x">')
    assert EVENT_ATTR.search('<a onclick="go()">') and EVENT_ATTR.search('<form hx-on::after-request="x">')
    assert EXTERNAL_ASSET.search('<link rel="stylesheet" href="https://cdn.example/b.css">')
    assert EXTERNAL_ASSET.search('<script src="//cdn.example/h.js"></script>')
