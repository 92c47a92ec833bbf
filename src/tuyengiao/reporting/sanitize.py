"""A small allow-list HTML sanitiser for narrative sections (standard library only).

Kept: p br strong b em i u ul ol li blockquote h3 h4 table thead tbody tr th td (colspan/rowspan only).
Dropped with their content: script style iframe object embed template svg math head title.
Every other tag is dropped but its text is kept; every attribute except colspan/rowspan is dropped;
text is re-escaped, so nothing the user typed can become markup or script."""
from __future__ import annotations

from html import escape
from html.parser import HTMLParser

ALLOWED = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote", "h3", "h4",
           "table", "thead", "tbody", "tr", "th", "td"}
VOID = {"br"}
DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "svg", "math", "head", "title",
                "noscript", "textarea", "select"}
CELL_ATTRS = {"colspan", "rowspan"}
MAX_LENGTH = 200_000


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP_CONTENT:
            self.skip += 1
            return
        if self.skip or tag not in ALLOWED:
            return
        kept = ""
        if tag in {"td", "th"}:
            for name, value in attrs:
                if name in CELL_ATTRS and value and value.isdigit() and int(value) <= 50:
                    kept += f' {name}="{value}"'
        self.out.append(f"<{tag}{kept}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in DROP_CONTENT:
            return
        if not self.skip and tag in VOID:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag in DROP_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in ALLOWED or tag in VOID or tag not in self.open:
            return
        while self.open:  # close anything left open inside, so the output is well nested
            last = self.open.pop()
            self.out.append(f"</{last}>")
            if last == tag:
                break

    def handle_data(self, data):
        if not self.skip:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out).strip()


def sanitize_html(html: str | None) -> str:
    if not html:
        return ""
    cleaner = _Cleaner()
    cleaner.feed(html[:MAX_LENGTH])
    cleaner.close()
    return cleaner.result()


def text_of(html: str | None) -> str:
    """Plain text of sanitised HTML (for search, previews and the consolidated report)."""

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in {"p", "br", "li", "h3", "h4", "tr", "blockquote"}:
                self.parts.append("\n")

        def handle_data(self, data):
            self.parts.append(data)

    t = _Text()
    t.feed(html or "")
    t.close()
    return "\n".join(line.strip() for line in "".join(t.parts).splitlines() if line.strip())
