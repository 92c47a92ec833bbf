"""Server-side SVG charts: pure functions from plain values to an SVG string (no database, no JS).

Every chart is accessible (role="img", a <title> and <desc>, aria-labelledby) and takes its colours
from CSS classes (static/reporting/dashboard.css maps them to Bootstrap variables), so templates need
no style attributes and the CSP stays strict. Numbers in labels use the Vietnamese format (1.234; 97,5).

    stacked_bar([Segment("Đúng hạn", 12, "ontime"), Segment("Trễ hạn", 3, "late")], total=20, title=…)
    bar_chart([("Xã A", 12), ("Xã B", 7)], title=…)
    line_chart([Point("2025-H1", 120), Point("2025-H2", None), Point("2026-H1", 140, comparable=False)], title=…)
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from tuyengiao.core.vi import format_number

_ids = itertools.count(1)


@dataclass(frozen=True)
class Segment:
    label: str
    value: int | Decimal | float
    css: str  # suffix of the class chart-seg-<css>


@dataclass(frozen=True)
class Point:
    label: str
    value: int | Decimal | float | None
    comparable: bool = True


def _id(prefix: str | None) -> str:
    return prefix or f"chart{next(_ids)}"


def _num(value) -> str:
    """A coordinate: short and locale-free."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float) and value != int(value):
        return format_number(Decimal(str(value)).quantize(Decimal("0.01")))
    return format_number(int(value))


def _percent(part, whole) -> Decimal:
    """part / whole in %, one decimal, never above 100 and never below 0."""
    if not whole:
        return Decimal(0)
    p = (Decimal(str(part)) * 100 / Decimal(str(whole))).quantize(Decimal("0.1"))
    return max(Decimal(0), min(Decimal(100), p))


def _open(cid: str, width: int, height: int, title: str, desc: str, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="{escape(title)}" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def stacked_bar(segments: list[Segment], *, total=None, title: str, chart_id: str | None = None,
                width: int = 600, height: int = 56) -> str:
    """One horizontal bar split into segments (e.g. on time / late / missing) with a legend below.
    Segment widths are shares of `total` (default: the sum), capped so the bar never exceeds 100%."""
    cid = _id(chart_id)
    whole = total if total is not None else sum((s.value for s in segments), 0)
    bar_h, legend_y = 24, 46
    desc = "; ".join(f"{s.label}: {_fmt(s.value)} ({format_number(_percent(s.value, whole))}%)" for s in segments)
    out = _open(cid, width, height, title, desc, "chart-stacked")
    out.append(f'<rect class="chart-track" x="0" y="0" width="{width}" height="{bar_h}" rx="4"/>')
    x = Decimal(0)
    used = Decimal(0)
    for s in segments:
        share = min(_percent(s.value, whole), Decimal(100) - used)
        used += share
        w = Decimal(width) * share / 100
        if w > 0:
            out.append(
                f'<rect class="chart-seg chart-seg-{escape(s.css)}" x="{_num(x)}" y="0" width="{_num(w)}" '
                f'height="{bar_h}" data-value="{_num(s.value)}"><title>{escape(s.label)}: {_fmt(s.value)} '
                f'({format_number(share)}%)</title></rect>'
            )
        x += w
    lx = 0
    for s in segments:
        text = f"{s.label}: {_fmt(s.value)}"
        out.append(f'<rect class="chart-seg-{escape(s.css)}" x="{lx}" y="{legend_y - 9}" width="10" height="10" '
                   f'aria-hidden="true"/>')
        out.append(f'<text class="chart-legend" x="{lx + 14}" y="{legend_y}">{escape(text)}</text>')
        lx += 14 + 7 * len(text) + 18
    out.append("</svg>")
    return "\n".join(out)


def bar_chart(items: list[tuple[str, object]], *, title: str, chart_id: str | None = None, width: int = 600,
              bar_height: int = 22, label_width: int = 200, css: str = "primary") -> str:
    """Horizontal bars, one per (label, value); empty values draw no bar but keep their row."""
    cid = _id(chart_id)
    values = [Decimal(str(v)) for _label, v in items if v is not None]
    top = max(values) if values and max(values) > 0 else Decimal(1)
    gap = 6
    height = max(1, len(items)) * (bar_height + gap) + gap
    plot = width - label_width - 70
    desc = "; ".join(f"{label}: {_fmt(v) if v is not None else '—'}" for label, v in items)
    out = _open(cid, width, height, title, desc, "chart-bars")
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_height + gap)
        out.append(f'<text class="chart-label" x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" '
                   f'text-anchor="end">{escape(_clip(label, 30))}</text>')
        if value is None:
            out.append(f'<text class="chart-value" x="{label_width + 4}" y="{y + bar_height * 0.7:.1f}">—</text>')
            continue
        w = max(Decimal(0), Decimal(plot) * Decimal(str(value)) / top)
        out.append(f'<rect class="chart-bar chart-seg-{escape(css)}" x="{label_width}" y="{y}" width="{_num(w)}" '
                   f'height="{bar_height}" data-value="{_num(value)}"><title>{escape(label)}: {_fmt(value)}</title>'
                   f'</rect>')
        out.append(f'<text class="chart-value" x="{_num(label_width + w + 4)}" y="{y + bar_height * 0.7:.1f}">'
                   f'{_fmt(value)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def line_chart(points: list[Point], *, title: str, chart_id: str | None = None, width: int = 640,
               height: int = 260, unit_label: str = "") -> str:
    """A line through the points in order; gaps (None) break the line; points not comparable across a
    restructuring are drawn hollow (class chart-point-incomparable)."""
    cid = _id(chart_id)
    left, right, top_pad, bottom = 64, 36, 16, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [Decimal(str(p.value)) for p in points if p.value is not None]
    lo = min(Decimal(0), min(values)) if values else Decimal(0)
    step = _nice_step((max(values) if values else Decimal(1)) - lo)
    hi = lo + step * 4
    while values and hi < max(values):
        hi += step
    n = len(points)

    def xy(i, v):
        x = left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
        y = top_pad + plot_h - float((Decimal(str(v)) - lo) / (hi - lo)) * plot_h
        return x, y

    desc_parts = [f"{p.label}: {_fmt(p.value) if p.value is not None else '—'}" for p in points]
    out = _open(cid, width, height, title, "; ".join(desc_parts) + (f" ({unit_label})" if unit_label else ""),
                "chart-line")
    for k in range(int((hi - lo) / step) + 1):  # horizontal grid at round values
        v = lo + step * k
        _x, y = xy(0, v)
        out.append(f'<line class="chart-grid" x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}"/>')
        out.append(f'<text class="chart-axis" x="{left - 6}" y="{_num(y + 4)}" text-anchor="end">{_fmt(v)}</text>')
    runs, run = [], []
    for i, p in enumerate(points):
        if p.value is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.append(xy(i, p.value))
    if run:
        runs.append(run)
    for r in runs:
        if len(r) > 1:
            coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in r)
            out.append(f'<polyline class="chart-path" fill="none" points="{coords}"/>')
    step = max(1, (n + 9) // 10)  # at most ~10 axis labels
    for i, p in enumerate(points):
        x, _y = xy(i, 0)
        if i % step == 0 or i == n - 1:
            out.append(f'<text class="chart-axis" x="{_num(x)}" y="{height - bottom + 18}" text-anchor="middle">'
                       f'{escape(p.label)}</text>')
        if p.value is None:
            continue
        x, y = xy(i, p.value)
        cls = "chart-point" + ("" if p.comparable else " chart-point-incomparable")
        out.append(f'<circle class="{cls}" cx="{_num(x)}" cy="{_num(y)}" r="4" data-value="{_num(p.value)}">'
                   f'<title>{escape(p.label)}: {_fmt(p.value)}</title></circle>')
    out.append("</svg>")
    return "\n".join(out)


def _nice_step(span: Decimal) -> Decimal:
    """A round grid step (1, 2, 2.5 or 5 times a power of ten) giving about four intervals."""
    if span <= 0:
        return Decimal(1)
    raw = span / 4
    power = Decimal(10) ** (raw.adjusted())
    for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if raw <= m * power:
            return m * power
    return 10 * power


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
