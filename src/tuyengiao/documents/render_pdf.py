"""ReportContext -> HTML (preview) and PDF bytes (WeasyPrint). No database access."""
from __future__ import annotations

import contextlib
import gc
import threading

from django.template.loader import render_to_string

from . import layout as L
from . import pdf_parts
from .context import (
    ANNEX_PAGES_SEPARATE,
    Block,
    Heading,
    Paragraph,
    ReportContext,
    Table,
    cell_text,
    is_numeric,
)
from .pdf_parts import Part, join


def _table_view(block: Table) -> dict:
    weights = block.column_widths()
    total = sum(weights)
    narrow_first = weights[0] < 1

    def cells(values, *, body: bool):
        out = []
        for i, value in enumerate(values):
            centred = is_numeric(value) or (i == 0 and narrow_first)
            out.append({"text": cell_text(value), "align": "c" if centred else "l"})
        return out

    return {
        "kind": "table",
        "title": block.title,
        "note": block.note,
        "header": block.header,
        "widths": [f"{100 * w / total:.2f}" for w in weights],
        "rows": [cells(row, body=True) for row in block.rows],
        "totals": cells(block.totals, body=True) if block.totals else None,
    }


def _block_view(block: Block) -> dict:
    if isinstance(block, Heading):
        return {"kind": "heading", "level": block.level, "text": block.text, "label": block.label,
                "tag": min(block.level + 1, 6)}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text, "source": block.source, "italic": block.italic,
                "source_url": block.source_url}
    if isinstance(block, Table):
        return _table_view(block)
    raise TypeError(f"Unknown block {block!r}")


def render_html(ctx: ReportContext, *, show_sources: bool = False) -> str:
    """The printable HTML; with show_sources the preview shows each paragraph's source note."""
    return _html(ctx, main=True, annexes=ctx.annexes, show_sources=show_sources)


def _html(ctx: ReportContext, *, main: bool, annexes, show_sources: bool = False) -> str:
    """The report itself (`main`: header to signature) and the given annexes."""
    return render_to_string(
        "documents/party_report.html",
        {
            "ctx": ctx,
            "main": main,
            "title": ctx.title,
            "page": ctx.page,
            "font_stack": L.FONT_STACK,
            "left_share": f"{L.LEFT_SHARE * 100:.1f}",
            "sign_space_em": f"{ctx.signature.sign_space_lines * 1.3:.1f}",
            "body": [_block_view(b) for b in ctx.body] if main else [],
            "annexes": [
                {"label": a.label, "title": a.title, "reference": a.reference, "landscape": a.landscape,
                 "blocks": [_block_view(b) for b in a.blocks]}
                for a in annexes
            ],
            # A word joiner after "/" keeps "(b/c)" and "(t/h)" on one line.
            "recipients": [line.replace("/", "/\u2060") for line in ctx.recipients],
            "show_sources": show_sources,
        },
    )


# WeasyPrint allocates several objects for every element and every line: millions for a 140-page
# consolidated report. At the default threshold (700 allocations) the cyclic collector ran ~1,000 times
# per render and walked the whole growing box tree ~7 times, 10-12% of the render time; at 10,000 it
# runs ~60 short passes and peak memory stays the same. The threshold is process-wide, so concurrent
# renders share one raise and the last one out restores it.
_GC_THRESHOLD = 10_000
_gc_lock = threading.Lock()
_gc_renders = 0
_gc_saved = gc.get_threshold()


@contextlib.contextmanager
def _fewer_gc_passes():
    global _gc_renders, _gc_saved
    with _gc_lock:
        if _gc_renders == 0:
            _gc_saved = gc.get_threshold()
            if 0 < _gc_saved[0] < _GC_THRESHOLD:  # 0: automatic collection is off, leave it so
                gc.set_threshold(_GC_THRESHOLD, *_gc_saved[1:])
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0:
                gc.set_threshold(*_gc_saved)


# Drawing is split between processes only from this many pages: below it the join costs more than
# the second process saves.
SPLIT_DRAWING_FROM_PAGES = 30


def render_pdf(ctx: ReportContext, *, processes: int | None = None) -> bytes:
    """A4 PDF; title and author come from the HTML <title> and <meta name="author">.

    With annexes numbered on their own, the report and each annex are laid out as documents of their
    own, and the annexes are made in a forked process while this one lays out the report. A long
    report's pages are then drawn by two processes. `processes` (default: the PDF_PROCESSES setting)
    1 makes everything in this process, in turn; the pages read the same either way.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if processes is None:
        from django.conf import settings

        processes = getattr(settings, "PDF_PROCESSES", 2)
    fork = processes > 1 and pdf_parts.can_fork()
    fonts = FontConfiguration()

    def layout(html: str):
        return HTML(string=html).render(font_config=fonts)

    def annex_documents():
        return [layout(_html(ctx, main=False, annexes=[annex])) for annex in ctx.annexes]

    separate = bool(ctx.annexes) and ctx.page.annex_pages == ANNEX_PAGES_SEPARATE
    with _fewer_gc_passes(), contextlib.ExitStack() as cleanup:
        if not separate:
            main, annexes = layout(render_html(ctx)), None
        elif not fork:
            main = _combined([layout(_html(ctx, main=True, annexes=[])), *annex_documents()])
            annexes = None
        else:
            annexes = Part(lambda: _combined(annex_documents()).write_pdf(), fork=True)
            cleanup.callback(annexes.cancel)
            main = layout(_html(ctx, main=True, annexes=[]))
        pages = main.pages
        if fork and len(pages) >= SPLIT_DRAWING_FROM_PAGES:
            half = len(pages) // 2
            tail = Part(lambda: main.copy(pages[half:]).write_pdf(), fork=True)
            cleanup.callback(tail.cancel)
            drawn = [main.copy(pages[:half]).write_pdf(), tail.result()]
        else:
            drawn = [main.write_pdf()]
        whole = [annexes.result()] if annexes is not None else []
        if len(drawn) + len(whole) == 1:
            return drawn[0]
        return join(drawn, main.make_bookmark_tree(0.75, transform_pages=True), whole)


def _combined(documents):
    """One WeasyPrint document of several documents' pages (each keeps its own page numbers)."""
    if len(documents) == 1:
        return documents[0]
    return documents[0].copy([page for document in documents for page in document.pages])
