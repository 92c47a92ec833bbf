"""The consolidated review report (báo cáo sơ kết / tổng kết) of a receiving unit for a period.

`build_consolidated` reads the approved reports under the receiving unit's reporting root and returns
the body as JSON blocks (documents.blocks): Part I with, for every section of the form, sentences
generated from the consolidated figures followed by the units' own narratives (each paragraph carrying
its source reports), limitations and lessons; Part II, directions and tasks; recommendations; and an
annex with the statistics tables. Reads only (a constant number of queries, whatever the number of
units); `consolidated_draft_create` stores the result as a documents.DraftDocument.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tuyengiao.core.vi import fold, format_number, format_percent
from tuyengiao.documents import selectors as doc_selectors
from tuyengiao.documents.context import ReportContext
from tuyengiao.documents.models import DocumentType, DraftDocument
from tuyengiao.org.models import Unit

from . import periods as P
from .models import Indicator, NarrativeEntry, Period, Regime, Report, ReportValue, Section
from .selectors import APPROVED, SEGMENT, expected_units, pivot, reporting_root, rollup

SUBJECT = "reporting.consolidated"
PER_CHILD_COLUMNS = 6  # the summary table gets one column per child unit when there are at most this many
KEY_COLUMNS = 5  # indicators in the per-unit table

# Sentences generated from the consolidated figures, per section code of the demo forms: a subject, then
# clauses; a clause is printed only when all its figures are known. Other sections get a generic sentence.
SENTENCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "THAM_MUU": ("Các cấp ủy, cơ quan tuyên giáo đã", (
        "tham mưu cấp ủy ban hành {TM_DOCS_COMMITTEE} văn bản lãnh đạo, chỉ đạo",
        "ban hành {TM_DOCS_ISSUED} kế hoạch, hướng dẫn, văn bản chỉ đạo công tác tuyên giáo",
    )),
    "NGHI_QUYET": ("Các cấp ủy đã", (
        "tổ chức {NQ_SESSIONS} hội nghị học tập, quán triệt nghị quyết với {NQ_PARTICIPANTS} lượt người tham dự",
        "kết nối {NQ_ONLINE_POINTS} điểm cầu trực tuyến",
        "{NQ_MEMBERS_ATTENDED} đảng viên tham gia học tập, đạt {NQ_PCT_MEMBERS} tổng số đảng viên",
        "{NQ_NON_PARTY} lượt người ngoài Đảng tham gia",
        "cán bộ, đảng viên viết {NQ_REFLECTIONS} bài thu hoạch",
        "ban hành {NQ_ACTION_PLANS} chương trình hành động, kế hoạch thực hiện",
        "tổ chức {NQ_MAKEUP} buổi học bù cho đảng viên vắng",
    )),
    "TUYEN_TRUYEN": ("Các cấp đã", (
        "tổ chức {TT_CAMPAIGNS} đợt tuyên truyền kỷ niệm các ngày lễ lớn, sự kiện chính trị",
        "treo {TT_BANNERS} băng rôn, khẩu hiệu, pa nô",
        "phát {TT_LOUDSPEAKER} tin, bài trên hệ thống truyền thanh cơ sở",
    )),
    "HCM": ("Các cấp ủy đã", (
        "xây dựng, nhân rộng {HCM_MODELS} mô hình, điển hình học tập và làm theo tư tưởng, đạo đức, phong cách "
        "Hồ Chí Minh",
        "biểu dương, khen thưởng {HCM_COMMENDED} lượt tập thể, cá nhân",
    )),
    "BAO_VE": ("Các lực lượng đã", (
        "đăng tải {BV_ARTICLES} bài viết đấu tranh, phản bác quan điểm sai trái, thù địch",
        "phát hiện, báo cáo {BV_REPORTED} thông tin xấu, độc",
    )),
    "DU_LUAN": ("Các cơ quan tuyên giáo đã", (
        "thực hiện {DL_REPORTS} báo cáo nhanh, chuyên đề về tình hình tư tưởng, dư luận xã hội",
        "tổ chức {DL_SURVEYS} cuộc điều tra, khảo sát dư luận với {DL_QUESTIONNAIRES} phiếu thu về",
    )),
    "BAO_CAO_VIEN": ("Các cấp đã", (
        "tổ chức {BCV_CONFERENCES} hội nghị báo cáo viên với {BCV_ATTENDANCES} lượt báo cáo viên tham dự",
        "thực hiện {BCV_ORAL_SESSIONS} buổi tuyên truyền miệng với {BCV_AUDIENCE} lượt người nghe",
    )),
    "BAO_CHI": ("Các đơn vị đã", (
        "đăng {BC_NEWS} tin, bài trên trang thông tin điện tử",
        "phát hành {BC_BULLETINS} số bản tin sinh hoạt chi bộ",
        "sản xuất {BC_MEDIA} sản phẩm truyền thông (infographic, video)",
    )),
    "LY_LUAN": ("Các cấp ủy đã", (
        "mở {LL_CLASSES} lớp bồi dưỡng lý luận chính trị với {LL_TRAINEES} lượt học viên",
        "bồi dưỡng {LL_NEW_MEMBERS} đảng viên mới",
        "biên soạn, xuất bản {LS_VOLUMES} cuốn lịch sử đảng bộ",
    )),
    "VAN_HOA": ("Các đơn vị đã", (
        "tổ chức, hưởng ứng {VH_CONTESTS} cuộc thi với {VH_CONTEST_ENTRIES} tác phẩm, bài dự thi",
    )),
    "DAN_VAN": ("Các cấp ủy đã", (
        "xây dựng {DV_MODELS} mô hình “Dân vận khéo”",
        "tổ chức {DV_DIALOGUES} buổi đối thoại với Nhân dân",
    )),
    "XAY_DUNG_NGANH": ("Toàn ngành", (
        "có {XD_STAFF} cán bộ làm công tác tuyên giáo, dân vận",
        "{XD_INSPECTION_PLAN} đơn vị có kế hoạch kiểm tra, giám sát",
    )),
}
KEY_CODES = ["NQ_SESSIONS", "NQ_PARTICIPANTS", "NQ_PCT_MEMBERS", "LL_TRAINEES", "BCV_AUDIENCE"]
GENERAL_DIRECTION = (
    "Tiếp tục bám sát sự lãnh đạo, chỉ đạo của cấp ủy cấp trên, đổi mới nội dung, phương thức công tác tuyên "
    "giáo; tập trung tuyên truyền, học tập, quán triệt và tổ chức thực hiện các nghị quyết của Đảng, bảo vệ "
    "nền tảng tư tưởng của Đảng, góp phần thực hiện thắng lợi nhiệm vụ chính trị của địa phương."
)
_PLACEHOLDER = re.compile(r"\{([A-Z0-9_]+)\}")
_NUMBERED = re.compile(r"^\s*(\d+|[IVXLC]+)[.)]\s")
_TYPED_MARKER = re.compile(r"^\s*(?:(?:\d+|[IVXLC]+|[a-zđ])[.)]|[-+•–])\s+")  # typed "1. ", "a) ", "- " …


# --------------------------------------------------------------------------- texts from the period


@dataclass(frozen=True)
class PeriodTexts:
    summary: str  # trích yếu
    part_one: str  # "ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN NHIỆM VỤ 6 THÁNG ĐẦU NĂM 2026"
    part_two: str  # "PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2026"
    annex_title: str  # "SỐ LIỆU CÔNG TÁC TUYÊN GIÁO 6 THÁNG ĐẦU NĂM 2026"


def _field(regime: Regime) -> str:
    return "tuyên giáo và dân vận" if "dan van" in fold(regime.name) else "tuyên giáo"


def period_texts(regime: Regime, period: Period) -> PeriodTexts:
    """The summary line and part titles, from the kind of period ("sơ kết … 6 tháng đầu năm, phương hướng,
    nhiệm vụ 6 tháng cuối năm 2026"; "tổng kết … năm 2026; phương hướng, nhiệm vụ năm 2027")."""
    work = _field(regime)
    y, n = period.year, period.number
    if period.kind == P.HALF:
        this = f"6 tháng {'đầu' if n == 1 else 'cuối'} năm"
        nxt, nxt_year = ("6 tháng cuối năm", y) if n == 1 else ("6 tháng đầu năm", y + 1)
        if n == 1:
            summary = f"sơ kết công tác {work} {this},\nphương hướng, nhiệm vụ {nxt} {y}"
        else:
            summary = f"sơ kết công tác {work} {this} {y},\nphương hướng, nhiệm vụ {nxt} {nxt_year}"
        part_one, part_two = f"{this} {y}", f"{nxt} {nxt_year}"
    elif period.kind == P.YEAR:
        summary = f"tổng kết công tác {work} năm {y};\nphương hướng, nhiệm vụ năm {y + 1}"
        part_one, part_two = f"năm {y}", f"năm {y + 1}"
    elif period.kind in (P.QUARTER, P.MONTH):
        count = 4 if period.kind == P.QUARTER else 12
        nxt = P.PeriodSpec(period.kind, y + (n == count), 1 if n == count else n + 1)
        this_label, next_label = P.label(period.kind, y, n).lower(), nxt.label.lower()
        summary = f"kết quả công tác {work} {this_label},\nphương hướng, nhiệm vụ {next_label}"
        part_one, part_two = this_label, next_label
    else:
        summary = f"kết quả công tác {work} {period.label}"
        part_one, part_two = period.label, "thời gian tới"
    return PeriodTexts(
        summary=summary,
        part_one=f"ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN NHIỆM VỤ {part_one.upper()}",
        part_two=f"PHƯƠNG HƯỚNG, NHIỆM VỤ {part_two.upper()}",
        annex_title=f"SỐ LIỆU CÔNG TÁC {work.upper()} {part_one.upper()}",
    )


def subject_key(regime: Regime, period: Period) -> str:
    return f"{SUBJECT}:{regime.code}:{period.code}"


# --------------------------------------------------------------------------- narratives -> paragraphs


@dataclass(slots=True)
class _Item:
    """One paragraph of a narrative. `lists` is the kinds of the lists around it, outermost first
    ("ul"/"ol"); `first` is set on the paragraph that opens a list item (the one carrying its marker),
    `list_key` tells the lists apart (for numbering); `italic` when all its text was in <em>/<i>."""

    text: str
    lists: tuple[str, ...]
    first: bool
    list_key: object
    italic: bool

    @property
    def form(self) -> tuple:
        """What must agree for texts of several units to keep one marker."""
        return (self.lists, self.first)


# Points of Vietnamese documents: a) b) c) d) đ) e) g) h) i) k) … (no f, j, w, z).
_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()


def _marker(lists: tuple[str, ...], n: int, *, top_numbered: bool = False) -> str:
    """The Party-style marker of a list item: "- " for a bullet, "+ " for a bullet under a bullet,
    "1. " for a top-level ordered item, "a) " for an ordered item inside another list."""
    kind, outer = lists[-1], lists[:-1]
    if kind == "ul":
        return "+ " if "ul" in outer else "- "
    if outer or top_numbered:
        return f"{_LETTERS[n - 1]}) " if n <= len(_LETTERS) else f"{n}) "
    return f"{n}. "


class _Paragraphs(HTMLParser):
    """Sanitised narrative HTML -> paragraphs (one per <p>, <li>, heading or <br> line), list items
    keeping what they are (see _Item): the marker is added when the paragraphs are printed."""

    BLOCKS = {"p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "ul", "ol"}
    ITALIC = {"em", "i"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[_Item] = []
        self.current: list[str] = []
        self.lists: list[tuple[str, int]] = []  # open lists: (kind, serial)
        self.serial = 0
        self.pending = False  # a list item is open and has not printed its first paragraph yet
        self.italic_depth = 0
        self.all_italic = True

    def flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            key = self.lists[-1][1] if self.lists else None
            self.items.append(_Item(text, tuple(k for k, _s in self.lists), self.pending and bool(self.lists), key,
                                    self.all_italic))
            self.pending = False
        self.current = []
        self.all_italic = True

    def handle_starttag(self, tag, attrs):
        if tag in self.ITALIC:
            self.italic_depth += 1
        if tag in self.BLOCKS or tag == "br":
            self.flush()
        if tag in ("ul", "ol"):
            self.serial += 1
            self.lists.append((tag, self.serial))
            self.pending = False
        elif tag == "li":
            self.pending = True
        elif tag in ("td", "th") and "".join(self.current).strip():
            self.current.append(" | ")  # a table row is one paragraph: keep its cells apart ("Hội nghị | 12")

    def handle_endtag(self, tag):
        if tag in self.ITALIC:
            self.italic_depth = max(0, self.italic_depth - 1)
        if tag in self.BLOCKS:
            self.flush()
        if tag in ("ul", "ol") and self.lists and self.lists[-1][0] == tag:
            self.lists.pop()
            self.pending = False
        elif tag == "li":
            self.pending = False  # an empty item prints nothing and takes no number

    def handle_data(self, data):
        if not self.italic_depth and data.strip():
            self.all_italic = False
        self.current.append(data)


def narrative_items(html: str, entry: int = 0) -> list[_Item]:
    """The paragraphs of one narrative; `entry` keeps the lists of several narratives apart."""
    parser = _Paragraphs()
    parser.feed(html or "")
    parser.close()
    parser.flush()
    for item in parser.items:
        if item.list_key is not None:
            item.list_key = (entry, item.list_key)
    return parser.items


def _shown(items: list[_Item], forms: list[tuple | None] | None = None, *, numbered: bool = False) -> list[str]:
    """The printed texts: list items get their marker, ordered items numbered in their list as printed.
    `forms[i]` None prints item i as a plain paragraph. With `numbered`, every top-level paragraph is
    numbered 1. 2. … across the whole run (tasks), the lists under them marked one level down."""
    counts: dict = {}
    out = []
    top = 0
    for i, item in enumerate(items):
        plain = forms is not None and forms[i] is None
        lists = () if plain else item.lists
        if numbered:
            if not lists or (len(lists) == 1 and item.first):
                top += 1
                out.append(f"{top}. {_TYPED_MARKER.sub('', item.text)}")
                continue
            lists = lists[1:]
            if not item.first:
                out.append(item.text)
                continue
        elif not lists or not item.first:
            out.append(item.text)
            continue
        n = counts[item.list_key] = counts.get(item.list_key, 0) + 1
        out.append(_marker(lists, n, top_numbered=numbered) + item.text)
    return out


def html_paragraphs(html: str) -> list[str]:
    """The paragraphs of a narrative as printed in a Party report: a list item is a paragraph starting
    with its marker ("- ", "+ " under a bullet, "1. " or "a) " inside another list), entities decoded,
    white space collapsed, empty paragraphs and items dropped. Inline bold/italic is not kept."""
    return _shown(narrative_items(html))


def _report_url(report_id: int) -> str:
    try:
        return reverse("reporting:report_detail", args=[report_id])
    except NoReverseMatch:
        return ""


def _source_text(items: list[tuple[int, str]], period: Period) -> str:
    """'Đảng ủy xã An Bình — Báo cáo 6 tháng đầu năm 2026 (số 12)' or a list for a shared text."""
    if len(items) == 1:
        report_id, unit = items[0]
        return f"{unit} — Báo cáo {period.label[:1].lower()}{period.label[1:]} (mã {report_id})"
    names = [unit for _id, unit in items]
    shown = ", ".join(names[:3])
    more = len(names) - 3
    if more > 0:
        shown += f" và {format_number(more)} đơn vị khác"
    return f"{shown} — {format_number(len(items))} báo cáo {period.label[:1].lower()}{period.label[1:]}"


def _narrative_blocks(entries: list[tuple[int, str, str]], period: Period, *, numbered: bool = False) -> list[dict]:
    """One paragraph per distinct text (identical texts of several units are merged; their sources kept).
    A list item keeps its marker when every unit sharing its text wrote it the same way (else it prints
    as a plain paragraph); a paragraph all in italics stays italic when it is so everywhere."""
    order: list[str] = []
    first: dict[str, _Item] = {}
    forms: dict[str, tuple | None] = {}
    italic: dict[str, bool] = {}
    sources: dict[str, list[tuple[int, str]]] = {}
    for n, (report_id, unit_name, html) in enumerate(entries):
        for item in narrative_items(html, n):
            key = item.text
            if key not in sources:
                order.append(key)
                first[key], forms[key], italic[key], sources[key] = item, item.form, item.italic, []
            else:
                if forms[key] != item.form:
                    forms[key] = None
                italic[key] = italic[key] and item.italic
            if (report_id, unit_name) not in sources[key]:
                sources[key].append((report_id, unit_name))
    shown = _shown([first[k] for k in order], [forms[k] for k in order], numbered=numbered)
    blocks = []
    for key, text in zip(order, shown, strict=True):
        items = sources[key]
        block = {"kind": "paragraph", "text": text, "source": _source_text(items, period),
                 "source_url": _report_url(items[0][0]), "sources": [r for r, _u in items]}
        if italic[key]:
            block["italic"] = True
        blocks.append(block)
    return blocks


# --------------------------------------------------------------------------- figures -> sentences


def _is_integral(value) -> bool:
    return isinstance(value, Decimal | int) and Decimal(value) == Decimal(value).to_integral_value()


def figure_text(ind: Indicator | None, value) -> str:
    """A consolidated figure as printed: 1.234; 97,5%; a yes/no indicator as the number of "yes"."""
    if value is None:
        return ""
    if ind is not None and ind.type == Indicator.Type.PERCENT:
        return format_percent(value)
    if ind is not None and ind.type == Indicator.Type.BOOLEAN:
        return format_number(int(value))
    if _is_integral(value):
        return format_number(int(value))
    return format_number(Decimal(value).quantize(Decimal("0.01")))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def section_sentence(section: Section, indicators: list[Indicator], totals: dict, reports: int) -> str:
    """The generated sentence of one section ("" when it has no figures)."""
    values = {ind.code: figure_text(ind, totals.get(ind.code)) for ind in indicators}
    template = SENTENCES.get(section.code)
    if template is not None:
        subject, clauses = template
        done = []
        for clause in clauses:
            names = _PLACEHOLDER.findall(clause)
            if names and all(values.get(n) for n in names):
                done.append(_PLACEHOLDER.sub(lambda m: values[m.group(1)], clause))
        if done:
            return f"{subject} {'; '.join(done)}.".strip()
    parts = []
    for ind in indicators:
        text = values.get(ind.code)
        if not text or not ind.is_numeric and ind.type != Indicator.Type.BOOLEAN:
            continue
        if ind.type == Indicator.Type.BOOLEAN:
            parts.append(f"{_lower_first(ind.name)}: {text}/{format_number(reports)} đơn vị")
            continue
        uom = ind.unit_of_measure.strip()
        suffix = f" {uom}" if uom and uom != "%" and ind.type != Indicator.Type.PERCENT else ""
        qualifier = {"max": " (cao nhất)", "min": " (thấp nhất)"}.get(ind.aggregation, "")
        parts.append(f"{_lower_first(ind.name)}{qualifier}: {text}{suffix}")
    if not parts:
        return ""
    return f"Kết quả tổng hợp từ {format_number(reports)} báo cáo: {'; '.join(parts)}."


# --------------------------------------------------------------------------- sections


def section_role(section: Section) -> str:
    """Where a form section goes in the consolidated report: context, results, limits, lessons,
    direction_general, directions (tasks) or proposals."""
    text = f"{fold(section.title)} {section.code.lower()}"
    if "han che" in text or "khuyet diem" in text:
        return "limits"
    if "bai hoc" in text:
        return "lessons"
    if "kien nghi" in text or "de xuat" in text:
        return "proposals"
    if section.is_narrative and ("phuong huong" in text or "nhiem vu" in text):
        return "direction_general" if "chung" in text and "cu the" not in text else "directions"
    if section.is_narrative and ("tinh hinh" in text or "dac diem" in text or "boi canh" in text):
        return "context"
    return "results"


def _heading_title(section: Section, number: int) -> str:
    title = section.title.strip()
    return title if _NUMBERED.match(title) else f"{number}. {title}"


# --------------------------------------------------------------------------- the builder


@dataclass
class _Data:
    root: Unit
    form_id: int | None
    sections: list[Section]
    indicators: list[Indicator]
    roll: object
    reports: list[Report]
    narratives: dict[int, list[tuple[int, str, str]]]  # section id -> [(report id, unit name, html)]
    expected: int


def _data(regime: Regime, period: Period, receiving_unit: Unit) -> _Data:
    root = reporting_root(regime) if regime.receiving_unit_id == receiving_unit.pk else (receiving_unit.parent or receiving_unit)
    reports = list(Report.objects.filter(regime=regime, period=period, status__in=APPROVED,
                                         unit_path__startswith=root.path).select_related("unit").order_by("unit__sort_key", "pk"))
    form_id = regime.current_form_id or (reports[0].form_id if reports else None)
    sections = list(Section.objects.filter(form_id=form_id).order_by("order", "pk"))
    indicators = list(Indicator.objects.filter(form_id=form_id).order_by("section__order", "order", "pk"))
    codes = [i.code for i in indicators if i.is_numeric or i.type == Indicator.Type.BOOLEAN]
    # One column per child in the annex only when there are few children: else totals suffice.
    children = {r.unit_path[: len(root.path) + SEGMENT] for r in reports}  # the root's own report: one more
    roll = rollup(regime=regime, codes=codes, period=period, under=root,
                  per_child=len(children) <= PER_CHILD_COLUMNS)
    code_of = {s.pk: s.code for s in sections}
    by_code = {s.code: s.pk for s in sections}
    narratives: dict[int, list] = {s.pk: [] for s in sections}
    units = {r.pk: r.unit.name for r in reports}
    entries = NarrativeEntry.objects.filter(report__in=[r.pk for r in reports]).select_related("section").only(
        "report_id", "html", "section__code")
    order = {r.pk: i for i, r in enumerate(reports)}
    for n in sorted(entries, key=lambda e: order[e.report_id]):
        # Narratives written on an older form version are matched by section code.
        target = n.section_id if n.section_id in code_of else by_code.get(n.section.code)
        if target is not None and n.html.strip():
            narratives[target].append((n.report_id, units[n.report_id], n.html))
    return _Data(root, form_id, sections, indicators, roll, reports, narratives,
                 expected_units(regime, period).filter(path__startswith=root.path).count())


def build_consolidated(*, regime: Regime, period: Period, receiving_unit: Unit) -> list[dict]:
    """The body of the consolidated report as JSON blocks (see documents.blocks)."""
    d = _data(regime, period, receiving_unit)
    texts = period_texts(regime, period)
    totals = d.roll.total
    by_section: dict[int, list[Indicator]] = {}
    for ind in d.indicators:
        by_section.setdefault(ind.section_id, []).append(ind)
    roles: dict[str, list[Section]] = {}
    for s in d.sections:
        roles.setdefault(section_role(s), []).append(s)

    def narratives(role: str, *, numbered: bool = False) -> list[dict]:
        entries = [e for s in roles.get(role, []) for e in d.narratives[s.pk]]
        return _narrative_blocks(entries, period, numbered=numbered)

    body: list[dict] = [
        {"kind": "heading", "level": 1, "text": texts.part_one, "label": "Phần thứ nhất"},
        {"kind": "paragraph", "generated": True, "text": (
            f"Báo cáo được tổng hợp từ {format_number(len(d.reports))} báo cáo đã được phê duyệt của "
            f"{format_number(d.expected)} đơn vị phải báo cáo thuộc {d.root.name}.")},
        *narratives("context"),
        {"kind": "heading", "level": 2, "text": "I. KẾT QUẢ ĐẠT ĐƯỢC", "label": ""},
    ]
    for number, section in enumerate(roles.get("results", []), 1):
        body.append({"kind": "heading", "level": 3, "text": _heading_title(section, number), "label": ""})
        sentence = section_sentence(section, by_section.get(section.pk, []), totals, d.roll.reports)
        if sentence:
            body.append({"kind": "paragraph", "text": sentence, "generated": True,
                         "source": f"Số liệu tổng hợp từ {format_number(d.roll.reports)} báo cáo đã duyệt"})
        body.extend(_narrative_blocks(d.narratives[section.pk], period))
    body.append({"kind": "heading", "level": 2, "text": "II. HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN", "label": ""})
    body.extend(narratives("limits") or [{"kind": "paragraph", "text": ""}])
    lessons = narratives("lessons")
    if lessons:
        body.append({"kind": "heading", "level": 2, "text": "III. BÀI HỌC KINH NGHIỆM", "label": ""})
        body.extend(lessons)
    body.append({"kind": "heading", "level": 1, "text": texts.part_two, "label": "Phần thứ hai"})
    body.append({"kind": "heading", "level": 2, "text": "I. PHƯƠNG HƯỚNG CHUNG", "label": ""})
    body.extend(narratives("direction_general") or [{"kind": "paragraph", "text": GENERAL_DIRECTION, "generated": True}])
    body.append({"kind": "heading", "level": 2, "text": "II. NHIỆM VỤ, GIẢI PHÁP CỤ THỂ", "label": ""})
    body.extend(narratives("directions", numbered=True) or [{"kind": "paragraph", "text": ""}])
    body.append({"kind": "heading", "level": 1, "text": "KIẾN NGHỊ, ĐỀ XUẤT", "label": ""})
    body.extend(narratives("proposals") or [{"kind": "paragraph", "text": ""}])
    body.append({"kind": "annex", "label": "PHỤ LỤC", "title": texts.annex_title, "reference": "",
                 "landscape": False})
    body.extend(annex_tables(regime=regime, period=period, data=d))
    return body


def _cell(ind: Indicator | None, value):
    if value is None:
        return ""
    if ind is not None and ind.type == Indicator.Type.PERCENT:
        return format_percent(value)
    if _is_integral(value):
        return int(value)
    return figure_text(ind, value)


def annex_tables(*, regime: Regime, period: Period, data: _Data) -> list[dict]:
    """Table 1: indicators × total (and × child unit when few); table 2: reporting units × key
    indicators with the totals row (the roll-up)."""
    roll = data.roll
    numeric = [i for i in data.indicators if i.is_numeric or i.type == Indicator.Type.BOOLEAN]
    children = [r for r in roll.rows if r.unit is not None] if 0 < len(roll.rows) <= PER_CHILD_COLUMNS else []
    header = ["TT", "Chỉ tiêu", "Đơn vị tính", *[(r.unit.short_name or r.unit.name) for r in children], "Tổng cộng"]
    rows = []
    for i, ind in enumerate(numeric, 1):
        uom = "đơn vị (có)" if ind.type == Indicator.Type.BOOLEAN else ind.unit_of_measure
        rows.append([i, ind.name, uom, *[_cell(ind, r.values.get(ind.code)) for r in children],
                     _cell(ind, roll.total.get(ind.code))])
    widths = [0.55, 3.2, 1.1, *[1.0] * len(children), 1.1]
    tables = [{"kind": "table", "title": "Bảng 1. Số liệu tổng hợp", "header": header, "rows": rows, "totals": None,
               "widths": widths,
               "note": f"Nguồn: {format_number(roll.reports)} báo cáo {period.label[:1].lower()}{period.label[1:]} "
                       f"đã được phê duyệt.", }]
    keys = [c for c in KEY_CODES if any(i.code == c for i in numeric)]
    keys += [i.code for i in numeric if i.code not in keys and i.aggregation == Indicator.Aggregation.SUM
             and i.type == Indicator.Type.INTEGER][: max(0, KEY_COLUMNS - len(keys))]
    keys = keys[:KEY_COLUMNS]
    if keys:
        meta = {i.code: i for i in numeric}
        pv = pivot(regime=regime, period=period, under=data.root, codes=keys)
        unit_rows = []
        for n, row in enumerate((r for r in pv.rows if r.report_status), 1):
            cells = []
            for code in keys:
                rv = row.cells.get(code)
                if rv is None or rv.state == ReportValue.State.MISSING:
                    cells.append("")
                elif rv.state == ReportValue.State.NOT_APPLICABLE:
                    cells.append("-")
                else:
                    cells.append(_cell(meta[code], rv.python_value()))
            unit_rows.append([n, row.unit.name, *cells])
        tables.append({
            "kind": "table", "title": "Bảng 2. Số liệu chủ yếu theo đơn vị",
            "header": ["TT", "Đơn vị", *[f"{meta[c].name}" + (f" ({meta[c].unit_of_measure})"
                                                               if meta[c].unit_of_measure and meta[c].type != Indicator.Type.PERCENT else "")
                                         for c in keys]],
            "rows": unit_rows,
            "totals": ["", "Tổng cộng", *[_cell(meta[c], roll.total.get(c)) for c in keys]],
            "widths": [0.55, 3.0, *[1.0] * len(keys)], "note": "",
        })
    return tables


# --------------------------------------------------------------------------- frame, context, draft


def default_recipients(receiving_unit: Unit, on: dt.date) -> list[str]:
    lines = list(doc_selectors.recipients_default(issuer=receiving_unit, on=on))
    if lines:
        return lines
    committee = receiving_unit.parent.name if receiving_unit.parent_id else ""
    return ["Ban Tuyên giáo và Dân vận Trung ương (b/c),", f"Thường trực {committee} (b/c),".replace("  ", " "),
            "Các đảng ủy trực thuộc,", "Lưu Văn phòng."]


def default_signature(receiving_unit: Unit, on: dt.date) -> dict:
    sig = doc_selectors.signature_default(issuer=receiving_unit, on=on)
    if sig.authority or sig.position or sig.signer:
        return {"authority": sig.authority, "position": sig.position, "signer": sig.signer}
    return {"authority": "K/T TRƯỞNG BAN", "position": "PHÓ TRƯỞNG BAN", "signer": ""}


def report_doc_type() -> DocumentType:
    return DocumentType.objects.get(code="BC")


def unsaved_draft(*, regime: Regime, period: Period, receiving_unit: Unit, dated: dt.date | None = None) -> DraftDocument:
    """A DraftDocument built from the reports but not stored (what the CLI exports without a draft)."""
    on = dated or timezone.localdate()
    return DraftDocument(
        issuer=receiving_unit, doc_type=report_doc_type(), type_name="BÁO CÁO",
        summary=period_texts(regime, period).summary,
        body=build_consolidated(regime=regime, period=period, receiving_unit=receiving_unit),
        recipients=default_recipients(receiving_unit, on), signature=default_signature(receiving_unit, on), dated=on,
        subject_key=subject_key(regime, period),
    )


def saved_draft(*, regime: Regime, period: Period, receiving_unit: Unit) -> DraftDocument | None:
    return (DraftDocument.objects.filter(issuer=receiving_unit, subject_key=subject_key(regime, period))
            .select_related("issuer", "doc_type", "registered").order_by("-updated_at").first())


def consolidated_context(*, regime: Regime, period: Period, receiving_unit: Unit, dated: dt.date | None = None,
                         prefer_saved: bool = True) -> ReportContext:
    """The printable report: the saved draft for this unit and period if there is one, else built now."""
    draft = saved_draft(regime=regime, period=period, receiving_unit=receiving_unit) if prefer_saved else None
    if draft is None:
        draft = unsaved_draft(regime=regime, period=period, receiving_unit=receiving_unit, dated=dated)
    return doc_selectors.draft_context(draft)


def consolidated_draft_create(*, regime: Regime, period: Period, receiving_unit: Unit, by,
                              dated: dt.date | None = None) -> DraftDocument:
    """Build the report from the approved reports and store it as a new draft (a service call)."""
    from tuyengiao.documents.services import draft_create

    draft = unsaved_draft(regime=regime, period=period, receiving_unit=receiving_unit, dated=dated)
    return draft_create(issuer=receiving_unit, doc_type=draft.doc_type, type_name=draft.type_name,
                        summary=draft.summary, body=draft.body, by=by, recipients=draft.recipients,
                        signature=draft.signature, dated=draft.dated, subject_key=draft.subject_key, target=regime,
                        comment="Tổng hợp từ báo cáo của các đơn vị")


# --------------------------------------------------------------------------- choosing unit / regime


def default_receiving_unit() -> Unit | None:
    """The demo's provincial commission: the unit numbering as BTGDVTU under the sample root, else the
    receiving unit of the six-monthly regime."""
    qs = Unit.objects.filter(issuer_abbr="BTGDVTU", valid_to__isnull=True).order_by("-is_sample", "depth", "pk")
    unit = qs.first()
    if unit is not None:
        return unit
    regime = Regime.objects.filter(is_active=True, frequency="six_monthly").order_by("-is_sample", "pk").first() \
        or Regime.objects.filter(is_active=True).order_by("pk").first()
    return regime.receiving_unit if regime else None


def regime_for(*, receiving_unit: Unit, period: Period, code: str = "") -> Regime:
    """The regime received by the unit whose periods are of this kind (the one named by `code` if given)."""
    qs = Regime.objects.filter(receiving_unit=receiving_unit, is_active=True, current_form__isnull=False)
    if code:
        qs = qs.filter(code=code)
    for regime in qs.order_by("-is_sample", "pk"):
        if regime.period_kind == period.kind:
            return regime
    raise ObjectDoesNotExist(f"no regime received by {receiving_unit} for {period.code}")


def consolidated_export(*, fmt: str, unit_code: str = "", period_code: str, regime_code: str = "",
                        dated: dt.date | None = None, prefer_saved: bool = True) -> tuple[bytes, ReportContext]:
    """DOCX or PDF bytes of the consolidated report of a receiving unit (by code; default: the demo's
    provincial commission) for a period code such as 2026-H1. A saved draft is exported when there is one."""
    from tuyengiao.documents.render_docx import render_docx
    from tuyengiao.documents.render_pdf import render_pdf

    if fmt not in ("docx", "pdf"):
        raise ValueError(f"unknown format {fmt!r}: use docx or pdf")
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).order_by("valid_to", "-valid_from").first()
        if unit is None:
            raise ObjectDoesNotExist(f"no unit with code {unit_code!r}")
    else:
        unit = default_receiving_unit()
        if unit is None:
            raise ObjectDoesNotExist("no receiving unit: load the demo or pass --unit")
    period = Period.objects.for_code(period_code)
    regime = regime_for(receiving_unit=unit, period=period, code=regime_code)
    ctx = consolidated_context(regime=regime, period=period, receiving_unit=unit, dated=dated, prefer_saved=prefer_saved)
    return (render_docx(ctx) if fmt == "docx" else render_pdf(ctx)), ctx
