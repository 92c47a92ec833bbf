"""Demo reporting data on top of the org demo (Thành ủy Hải Phòng, root code "HP").

- "Báo cáo sơ kết 6 tháng công tác tuyên giáo" (six-monthly) and "Báo cáo tổng kết công tác tuyên giáo
  năm" (annual), ~40 indicators from DOMAIN.md §2.3 and §6 in sections following the §2.2 outline, with
  narrative sections and validation rules;
- "Báo cáo hoạt động báo cáo viên hằng tháng" (monthly, short);
- data: 2025 and 2026-H1 submitted and approved; 2026-H2 in progress (deadline 15/11/2026), some units
  on time, some late, some still drafting, one returned; monthly reports for Sep–Oct 2026.

Works on any tree: the receiving unit is the root's child of type "ban-tgdv" (else the first child);
reporting units are those of the types below found under the root. Everything is marked is_sample.
All figures are fictional."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuyengiao.org.models import Unit, UnitType

from . import services
from .models import Indicator, Period, Regime, Report
from .selectors import effective_deadline, expected_units

INT, DEC, PCT, BOOL, TEXT = "integer", "decimal", "percent", "boolean", "text"
REPORTING_TYPES = ["dang-uy-xa", "dang-uy-truc-thuoc", "huyen-uy"]
MONTHLY_TYPES = ["dang-uy-xa"]
H2_2026_DEADLINE = dt.date(2026, 11, 15)
# Workflow steps from this day on notify as if they had just happened (the demo's last days before
# 22/11/2026), so the commission's bells are not empty; older history is backdated and stays silent.
NOTIFY_FROM = dt.date(2026, 11, 20)

# (section code, title, is_narrative, [(code, name, unit of measure, type, aggregation, extra)])
SECTIONS = [
    ("TINH_HINH", "Đặc điểm tình hình", True, []),
    ("THAM_MUU", "1. Công tác tham mưu giúp cấp ủy lãnh đạo, chỉ đạo", False, [
        ("TM_DOCS_COMMITTEE", "Văn bản tham mưu cấp ủy ban hành", "văn bản", INT, "sum", {}),
        ("TM_DOCS_ISSUED", "Văn bản hướng dẫn, kế hoạch do cơ quan tuyên giáo ban hành", "văn bản", INT, "sum", {}),
    ]),
    ("NGHI_QUYET", "2. Nghiên cứu, học tập, quán triệt, tuyên truyền nghị quyết, chỉ thị", False, [
        ("NQ_SESSIONS", "Hội nghị học tập, quán triệt nghị quyết", "hội nghị", INT, "sum", {"required": True}),
        ("NQ_ONLINE_POINTS", "Điểm cầu trực tuyến", "điểm cầu", INT, "sum", {}),
        ("PARTY_MEMBERS", "Tổng số đảng viên của đảng bộ", "đảng viên", INT, "sum", {"required": True}),
        ("NQ_MEMBERS_ATTENDED", "Đảng viên tham gia học tập", "đảng viên", INT, "sum", {"required": True}),
        ("NQ_PCT_MEMBERS", "Tỷ lệ đảng viên tham gia học tập", "%", PCT, "weighted_mean",
         {"weight": "PARTY_MEMBERS", "required": True}),
        ("NQ_NON_PARTY", "Lượt người ngoài Đảng tham gia", "lượt người", INT, "sum", {}),
        ("NQ_PARTICIPANTS", "Tổng số lượt người tham gia", "lượt người", INT, "sum", {}),
        ("NQ_REFLECTIONS", "Bài thu hoạch", "bài", INT, "sum", {}),
        ("NQ_MAKEUP", "Buổi học bù cho đảng viên vắng", "buổi", INT, "sum", {}),
        ("NQ_ACTION_PLANS", "Chương trình hành động, kế hoạch thực hiện ban hành", "văn bản", INT, "sum", {}),
    ]),
    ("TUYEN_TRUYEN", "3. Công tác tuyên truyền", False, [
        ("TT_CAMPAIGNS", "Đợt tuyên truyền kỷ niệm, sự kiện chính trị", "đợt", INT, "sum", {}),
        ("TT_BANNERS", "Băng rôn, khẩu hiệu, pa nô", "cái", INT, "sum", {}),
        ("TT_LOUDSPEAKER", "Tin, bài trên hệ thống truyền thanh cơ sở", "tin, bài", INT, "sum", {}),
    ]),
    ("HCM", "4. Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", False, [
        ("HCM_MODELS", "Mô hình, điển hình học tập và làm theo Bác", "mô hình", INT, "sum", {}),
        ("HCM_COMMENDED", "Tập thể, cá nhân được biểu dương, khen thưởng", "lượt", INT, "sum", {}),
    ]),
    ("BAO_VE", "5. Bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác quan điểm sai trái", False, [
        ("BV_ARTICLES", "Bài viết đấu tranh, phản bác", "bài", INT, "sum", {}),
        ("BV_REPORTED", "Thông tin xấu, độc được phát hiện, báo cáo", "tin", INT, "sum", {}),
    ]),
    ("DU_LUAN", "6. Nắm bắt tình hình tư tưởng, dư luận xã hội", False, [
        ("DL_REPORTS", "Báo cáo nhanh, chuyên đề dư luận xã hội", "báo cáo", INT, "sum", {}),
        ("DL_SURVEYS", "Cuộc điều tra, khảo sát dư luận", "cuộc", INT, "sum", {}),
        ("DL_QUESTIONNAIRES", "Phiếu khảo sát thu về", "phiếu", INT, "sum", {}),
    ]),
    ("BAO_CAO_VIEN", "7. Công tác báo cáo viên, tuyên truyền miệng", False, [
        ("BCV_CONFERENCES", "Hội nghị báo cáo viên", "hội nghị", INT, "sum", {}),
        ("BCV_ATTENDANCES", "Lượt báo cáo viên tham dự", "lượt", INT, "sum", {}),
        ("BCV_ORAL_SESSIONS", "Buổi tuyên truyền miệng", "buổi", INT, "sum", {}),
        ("BCV_AUDIENCE", "Lượt người nghe tuyên truyền miệng", "lượt người", INT, "sum", {}),
    ]),
    ("BAO_CHI", "8. Báo chí – xuất bản; thông tin cơ sở; thông tin đối ngoại", False, [
        ("BC_NEWS", "Tin, bài trên trang thông tin điện tử", "tin, bài", INT, "sum", {}),
        ("BC_BULLETINS", "Số bản tin sinh hoạt chi bộ phát hành", "số", INT, "sum", {}),
        ("BC_MEDIA", "Sản phẩm truyền thông (infographic, video)", "sản phẩm", INT, "sum", {}),
    ]),
    ("LY_LUAN", "9. Lý luận chính trị và lịch sử Đảng", False, [
        ("LL_CLASSES", "Lớp bồi dưỡng lý luận chính trị", "lớp", INT, "sum", {}),
        ("LL_TRAINEES", "Lượt học viên", "lượt người", INT, "sum", {}),
        ("LL_NEW_MEMBERS", "Học viên lớp bồi dưỡng đảng viên mới", "người", INT, "sum", {}),
        ("LS_VOLUMES", "Cuốn lịch sử đảng bộ biên soạn, xuất bản", "cuốn", INT, "sum", {}),
    ]),
    ("VAN_HOA", "10. Khoa giáo; văn hóa – văn nghệ", False, [
        ("VH_CONTESTS", "Cuộc thi tổ chức, hưởng ứng", "cuộc thi", INT, "sum", {}),
        ("VH_CONTEST_ENTRIES", "Tác phẩm, bài dự thi", "tác phẩm", INT, "sum", {}),
    ]),
    ("DAN_VAN", "11. Công tác dân vận", False, [
        ("DV_MODELS", "Mô hình “Dân vận khéo”", "mô hình", INT, "sum", {}),
        ("DV_DIALOGUES", "Buổi đối thoại với Nhân dân", "buổi", INT, "sum", {}),
    ]),
    ("XAY_DUNG_NGANH", "12. Xây dựng ngành", False, [
        ("XD_STAFF", "Cán bộ làm công tác tuyên giáo, dân vận", "người", INT, "sum", {}),
        ("XD_INSPECTION_PLAN", "Có kế hoạch kiểm tra, giám sát", "", BOOL, "sum", {}),
    ]),
    ("HAN_CHE", "II. Hạn chế, khuyết điểm và nguyên nhân", True, []),
    ("BAI_HOC", "III. Bài học kinh nghiệm", True, []),
    ("PHUONG_HUONG", "Phần thứ hai — Phương hướng, nhiệm vụ", True, []),
    ("KIEN_NGHI", "Kiến nghị, đề xuất", True, []),
]

RULES = [
    ("NQ_MEMBERS_ATTENDED <= PARTY_MEMBERS", "error",
     "Số đảng viên tham gia học tập không được lớn hơn tổng số đảng viên."),
    ("NQ_PARTICIPANTS >= NQ_MEMBERS_ATTENDED", "error",
     "Tổng số lượt người tham gia không được nhỏ hơn số đảng viên tham gia."),
    ("NQ_PCT_MEMBERS >= 90", "warning",
     "Tỷ lệ đảng viên tham gia học tập nghị quyết dưới 90%: đề nghị giải thích nguyên nhân."),
    ("NQ_REFLECTIONS <= NQ_MEMBERS_ATTENDED + NQ_NON_PARTY", "warning",
     "Số bài thu hoạch nhiều hơn số người tham gia học tập: đề nghị kiểm tra lại."),
    ("LL_NEW_MEMBERS <= LL_TRAINEES", "error", "Học viên lớp đảng viên mới phải nằm trong tổng số lượt học viên."),
    ("BCV_AUDIENCE >= BCV_ORAL_SESSIONS", "warning", "Số lượt người nghe ít hơn số buổi tuyên truyền: kiểm tra lại."),
]

MONTHLY_SECTIONS = [
    ("BAO_CAO_VIEN", "Hoạt động báo cáo viên, tuyên truyền miệng trong tháng", False, [
        ("BCV_CONFERENCES", "Hội nghị báo cáo viên", "hội nghị", INT, "sum", {"required": True}),
        ("BCV_ATTENDANCES", "Lượt báo cáo viên tham dự", "lượt", INT, "sum", {}),
        ("BCV_ORAL_SESSIONS", "Buổi tuyên truyền miệng", "buổi", INT, "sum", {}),
        ("BCV_AUDIENCE", "Lượt người nghe", "lượt người", INT, "sum", {}),
        ("DL_REPORTS", "Báo cáo nhanh dư luận xã hội", "báo cáo", INT, "sum", {}),
    ]),
    ("TINH_HINH_DU_LUAN", "Tình hình tư tưởng, dư luận nổi bật trong tháng", True, []),
]

# The demo ward's chi bộ report their monthly meetings to the ward's party committee (the persona
# chibo_a1 reports for one of them).
CHI_BO_SECTIONS = [
    ("SINH_HOAT", "Sinh hoạt chi bộ trong tháng", False, [
        ("CB_MEETINGS", "Buổi sinh hoạt chi bộ thường kỳ", "buổi", INT, "sum", {"required": True}),
        ("CB_THEMATIC", "Buổi sinh hoạt chuyên đề", "buổi", INT, "sum", {}),
        ("CB_MEMBERS", "Đảng viên của chi bộ", "đảng viên", INT, "sum", {"required": True}),
        ("CB_PCT_ATTEND", "Tỷ lệ đảng viên dự sinh hoạt", "%", PCT, "weighted_mean", {"weight": "CB_MEMBERS"}),
        ("CB_STUDIED", "Đảng viên học tập nghị quyết trong tháng", "đảng viên", INT, "sum", {}),
    ]),
    ("NOI_DUNG", "Nội dung sinh hoạt nổi bật, kiến nghị", True, []),
]
CHI_BO_RULES = [
    ("CB_STUDIED <= CB_MEMBERS", "error", "Số đảng viên học tập không thể lớn hơn số đảng viên của chi bộ."),
]

NARRATIVES = {
    "TINH_HINH": "<p>Trong kỳ, tình hình chính trị, kinh tế – xã hội trên địa bàn ổn định; cán bộ, đảng viên và "
                 "Nhân dân tin tưởng vào sự lãnh đạo của Đảng.</p>",
    "NGHI_QUYET": "<p>Đảng ủy đã tổ chức hội nghị học tập, quán triệt nghị quyết theo hình thức trực tiếp kết hợp "
                  "trực tuyến, bảo đảm đúng thành phần; đảng viên viết bài thu hoạch và cam kết cá nhân.</p>",
    "BAO_CAO_VIEN": "<p>Đội ngũ báo cáo viên được kiện toàn; duy trì hội nghị báo cáo viên định kỳ hằng tháng.</p>",
    "HAN_CHE": "<p>Công tác nắm bắt, định hướng dư luận có lúc chưa kịp thời; một số mô hình học tập và làm theo "
               "Bác còn hình thức.</p>",
    "PHUONG_HUONG": "<ol><li>Tiếp tục tổ chức học tập, quán triệt các nghị quyết của Đảng.</li>"
                    "<li>Đẩy mạnh tuyên truyền kỷ niệm các ngày lễ lớn.</li></ol>",
    "KIEN_NGHI": "<p>Đề nghị Ban Tuyên giáo và Dân vận Thành ủy tiếp tục mở lớp bồi dưỡng nghiệp vụ cho cán bộ "
                 "cơ sở.</p>",
}


@dataclass
class DemoResult:
    created: bool
    regimes: list[Regime]
    reports: int


def _receiving_unit(root: Unit) -> Unit:
    children = Unit.objects.filter(parent=root, valid_to__isnull=True)
    return children.filter(type__code="ban-tgdv").first() or children.order_by("pk").first() or root


def _build_form(regime: Regime, sections, rules) -> None:
    form = services.form_version_create(regime=regime, by=None, note="Mẫu dùng thử")
    by_code: dict[str, Indicator] = {}
    for order, (scode, title, narrative, indicators) in enumerate(sections, 1):
        section = services.section_save(form=form, by=None, data={
            "code": scode, "title": title, "order": order, "is_narrative": narrative})
        for i, (code, name, uom, type_, agg, extra) in enumerate(indicators, 1):
            data = {"section": section, "code": code, "name": name, "unit_of_measure": uom, "type": type_,
                    "aggregation": agg, "order": i, "required": extra.get("required", False)}
            if extra.get("weight"):
                data["weight_indicator"] = by_code[extra["weight"]]
            by_code[code] = services.indicator_save(form=form, by=None, data=data)
    for order, (expression, severity, message) in enumerate(rules, 1):
        services.rule_save(form=form, by=None, data={"expression": expression, "severity": severity,
                                                     "message": message, "order": order})
    services.form_version_publish(form=form, by=None)


def _regime(code, name, frequency, receiving, type_codes, deadline_days, cutoff_days, sections, rules) -> Regime:
    regime = services.regime_create(by=None, unit_types=UnitType.objects.filter(code__in=type_codes), data={
        "code": code, "name": name, "frequency": frequency, "receiving_unit": receiving,
        "deadline_days": deadline_days, "cutoff_days": cutoff_days})
    Regime.objects.filter(pk=regime.pk).update(is_sample=True)
    _build_form(regime, sections, rules)
    regime.refresh_from_db()
    return regime


def _figures(rng: random.Random, unit: Unit, period: Period, scale: float = 1.0) -> dict:
    big = unit.type.code in ("huyen-uy", "dang-uy-truc-thuoc")
    members = rng.randint(900, 2600) if not big else rng.randint(2500, 7000)
    pct = Decimal(rng.choice([995, 990, 985, 981, 976, 968, 955, 940, 921])) / 10
    if rng.random() < 0.04:
        pct = Decimal(rng.randint(850, 895)) / 10  # a few warnings to explain
    attended = int(members * pct / 100)
    pct = (Decimal(attended) * 100 / members).quantize(Decimal("0.01"))
    non_party = int(attended * rng.uniform(0.3, 1.2))
    s = scale
    values = {
        "TM_DOCS_COMMITTEE": int(rng.randint(3, 12) * s), "TM_DOCS_ISSUED": int(rng.randint(2, 10) * s),
        "NQ_SESSIONS": rng.randint(1, 5), "NQ_ONLINE_POINTS": rng.randint(0, 12) if not big else rng.randint(5, 40),
        "PARTY_MEMBERS": members, "NQ_MEMBERS_ATTENDED": attended, "NQ_PCT_MEMBERS": pct,
        "NQ_NON_PARTY": non_party, "NQ_PARTICIPANTS": attended + non_party,
        "NQ_REFLECTIONS": int(attended * rng.uniform(0.85, 0.99)), "NQ_MAKEUP": rng.randint(0, 3),
        "NQ_ACTION_PLANS": rng.randint(1, 4),
        "TT_CAMPAIGNS": int(rng.randint(3, 9) * s), "TT_BANNERS": int(rng.randint(40, 300) * s),
        "TT_LOUDSPEAKER": int(rng.randint(30, 180) * s),
        "HCM_MODELS": rng.randint(1, 8), "HCM_COMMENDED": rng.randint(2, 25),
        "BV_ARTICLES": int(rng.randint(0, 12) * s), "BV_REPORTED": rng.randint(0, 6),
        "DL_REPORTS": int(rng.randint(2, 8) * s), "DL_SURVEYS": rng.randint(0, 2),
        "DL_QUESTIONNAIRES": rng.choice([0, 0, 120, 200, 350]),
        "BCV_CONFERENCES": int(6 * s), "BCV_ATTENDANCES": int(rng.randint(60, 200) * s),
        "BCV_ORAL_SESSIONS": int(rng.randint(10, 60) * s), "BCV_AUDIENCE": int(rng.randint(800, 5000) * s),
        "BC_NEWS": int(rng.randint(20, 150) * s), "BC_BULLETINS": int(6 * s), "BC_MEDIA": int(rng.randint(0, 20) * s),
        "LL_CLASSES": rng.randint(1, 6), "LS_VOLUMES": rng.choice([0, 0, 0, 1]),
        "VH_CONTESTS": rng.randint(0, 3), "DV_MODELS": rng.randint(1, 10), "DV_DIALOGUES": rng.randint(1, 4),
        "XD_STAFF": rng.randint(3, 9), "XD_INSPECTION_PLAN": rng.random() < 0.9,
    }
    values["LL_TRAINEES"] = values["LL_CLASSES"] * rng.randint(40, 120)
    values["LL_NEW_MEMBERS"] = rng.randint(0, values["LL_TRAINEES"] // 3)
    values["VH_CONTEST_ENTRIES"] = values["VH_CONTESTS"] * rng.randint(5, 60) if values["VH_CONTESTS"] else \
        services.NOT_APPLICABLE
    if values["LS_VOLUMES"] == 0 and rng.random() < 0.5:
        values["LS_VOLUMES"] = services.NOT_APPLICABLE  # "không phát sinh"
    if rng.random() < 0.05:
        values["DL_SURVEYS"] = None  # left empty
    return values


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(7, 17), rng.randint(0, 59))))


def _fill(regime, period, unit, values, narratives, *, submit_on=None, approve_on=None, rng, explain=""):
    report = services.report_get_or_create_draft(regime=regime, period=period, unit=unit, by=None)
    Report.objects.filter(pk=report.pk).update(is_sample=True)
    services.report_save_draft(report=report, by=None, values=values, narratives=narratives, based_on_revision=None)
    if submit_on is None:
        return report
    services.report_submit(report=report, by=None, at=_at(submit_on, rng), notify=submit_on >= NOTIFY_FROM,
                           explanation=explain or "Một số đảng viên cao tuổi, đi làm ăn xa chưa tham gia; đã tổ "
                                                  "chức học bù.")
    if approve_on is not None:
        services.report_approve(report=report, by=None, at=_at(approve_on, rng), notify=approve_on >= NOTIFY_FROM)
    return report


def _complete(regime, period, rng, *, scale=1.0, monthly=False):
    deadline = effective_deadline(regime, period)
    count = 0
    for unit in expected_units(regime, period).select_related("type").order_by("path"):
        urng = random.Random(f"{regime.code}-{period.code}-{unit.code}")
        values = _monthly_figures(urng) if monthly else _figures(urng, unit, period, scale)
        narratives = {} if monthly else {k: v for k, v in NARRATIVES.items() if urng.random() < 0.8}
        late = urng.random() < 0.12
        submit = deadline + dt.timedelta(days=urng.randint(1, 6)) if late else \
            deadline - dt.timedelta(days=urng.randint(0, 8))
        _fill(regime, period, unit, values, narratives, submit_on=submit,
              approve_on=submit + dt.timedelta(days=urng.randint(1, 5)), rng=urng)
        count += 1
    return count


def _monthly_figures(rng):
    sessions = rng.randint(1, 8)
    return {"BCV_CONFERENCES": 1, "BCV_ATTENDANCES": rng.randint(8, 40), "BCV_ORAL_SESSIONS": sessions,
            "BCV_AUDIENCE": sessions * rng.randint(40, 150), "DL_REPORTS": rng.randint(0, 2)}


DEMO_CLERK_WARD = "Đảng ủy phường Chí Linh"


def _in_progress(regime, period, rng) -> int:
    """2026-H2 as it stands on 22/11/2026: on time, late, drafting, returned, nothing yet."""
    deadline = effective_deadline(regime, period)
    count = 0
    for i, unit in enumerate(expected_units(regime, period).select_related("type").order_by("path")):
        urng = random.Random(f"{regime.code}-{period.code}-{unit.code}")
        values = _figures(urng, unit, period, 0.8)
        narratives = {k: v for k, v in NARRATIVES.items() if urng.random() < 0.6}
        bucket = i % 20
        if unit.name == DEMO_CLERK_WARD:
            continue  # the demo's commune reporter (baocao_a) still owes this one
        if bucket < 9:  # on time; most already approved
            _fill(regime, period, unit, values, narratives, rng=urng,
                  submit_on=deadline - dt.timedelta(days=urng.randint(0, 6)),
                  approve_on=deadline + dt.timedelta(days=urng.randint(1, 5)) if bucket < 6 else None)
        elif bucket < 13:  # late
            _fill(regime, period, unit, values, narratives, rng=urng,
                  submit_on=deadline + dt.timedelta(days=urng.randint(1, 6)))
        elif bucket == 13:  # returned with a comment
            report = _fill(regime, period, unit, values, narratives, rng=urng, submit_on=deadline)
            services.report_return(report=report, by=None, at=_at(deadline + dt.timedelta(days=2), urng),
                                   comment="Đề nghị bổ sung số liệu điểm cầu trực tuyến và số bài thu hoạch.")
        elif bucket < 17:  # drafting, some figures only
            partial = {k: v for k, v in values.items() if urng.random() < 0.5}
            _fill(regime, period, unit, partial, {}, rng=urng)
        else:
            continue  # nothing yet: overdue
        count += 1
    return count


def _chi_bo_regime(ward: Unit) -> Regime | None:
    """The ward's monthly chi bộ report: its chi bộ as an explicit list, received by the ward."""
    cells = list(Unit.objects.filter(parent=ward, type__code="chi-bo", valid_to__isnull=True).order_by("path"))
    if not cells:
        return None
    regime = services.regime_create(by=None, units=cells, data={
        "code": "bc-chi-bo-thang", "name": "Báo cáo sinh hoạt chi bộ hằng tháng", "frequency": "monthly",
        "receiving_unit": ward, "selection": Regime.Selection.UNITS, "deadline_days": 5, "cutoff_days": 0})
    Regime.objects.filter(pk=regime.pk).update(is_sample=True)
    _build_form(regime, CHI_BO_SECTIONS, CHI_BO_RULES)
    regime.refresh_from_db()
    return regime


def _chi_bo_figures(rng):
    members = rng.randint(12, 60)
    return {"CB_MEETINGS": 1, "CB_THEMATIC": rng.randint(0, 1), "CB_MEMBERS": members,
            "CB_PCT_ATTEND": Decimal(rng.randint(850, 1000)) / 10, "CB_STUDIED": members - rng.randint(0, 4)}


def _chi_bo_months(regime: Regime, rng) -> int:
    """September and October 2026 sent and approved, but for the first chi bộ's October report (the
    persona chibo_a1's), which is a draft with two figures: it is overdue since 05/11/2026."""
    count = 0
    for code in ("2026-09", "2026-10"):
        period = Period.objects.for_code(code)
        deadline = effective_deadline(regime, period)
        for i, unit in enumerate(expected_units(regime, period).order_by("path")):
            urng = random.Random(f"{regime.code}-{code}-{unit.code}")
            values = _chi_bo_figures(urng)
            narratives = {"NOI_DUNG": "<p>Chi bộ sinh hoạt đúng định kỳ; quán triệt nghị quyết của Đảng ủy phường "
                                      "và triển khai nhiệm vụ tháng tiếp theo.</p>"}
            if code == "2026-10" and i == 0:
                _fill(regime, period, unit, {k: values[k] for k in ("CB_MEETINGS", "CB_MEMBERS")}, {}, rng=urng)
            else:
                submit = deadline - dt.timedelta(days=urng.randint(0, 4))
                _fill(regime, period, unit, values, narratives, submit_on=submit,
                      approve_on=submit + dt.timedelta(days=urng.randint(1, 3)), rng=urng)
            count += 1
    return count


def _issuer_profile(root: Unit, commission: Unit) -> None:
    """The commission's letterhead, signer and recipients for the consolidated report (sample data)."""
    from tuyengiao.documents.models import IssuerProfile

    if IssuerProfile.objects.filter(unit=commission).exists():
        return
    IssuerProfile.objects.create(
        unit=commission, valid_from=commission.valid_from, superior_line=root.name.upper(),
        issuer_line="BAN TUYÊN GIÁO VÀ DÂN VẬN", place="Hải Phòng",
        signature_authority="K/T TRƯỞNG BAN", signature_position="PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
        signer_name="Nguyễn Thị Thu Hà",
        recipients="\n".join([
            "Ban Tuyên giáo và Dân vận Trung ương (b/c)", "Thường trực Thành ủy (b/c)",
            "Các đảng ủy trực thuộc Thành ủy", "Đảng ủy các xã, phường, đặc khu", "Lưu Văn phòng Ban",
        ]),
    )


def load_reporting_demo(root: Unit | None = None) -> DemoResult:
    """Load once (a second call changes nothing). `root` defaults to the org demo's root ("HP")."""
    if Regime.objects.filter(code="bc-tuyen-giao-6-thang").exists():
        return DemoResult(False, list(Regime.objects.filter(is_sample=True)), Report.objects.filter(is_sample=True).count())
    if root is None:
        root = Unit.objects.filter(code="HP", parent__isnull=True).first() or \
            Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise ValueError("Load the organisation demo first (tuyengiao load_demo).")
    with transaction.atomic():
        receiving = _receiving_unit(root)
        _issuer_profile(root, receiving)
        six = _regime("bc-tuyen-giao-6-thang", "Báo cáo sơ kết 6 tháng công tác tuyên giáo", "six_monthly",
                      receiving, REPORTING_TYPES, 5, 15, SECTIONS, RULES)
        year = _regime("bc-tuyen-giao-nam", "Báo cáo tổng kết công tác tuyên giáo năm", "annual", receiving,
                       REPORTING_TYPES, -10, 30, SECTIONS, RULES)
        month = _regime("bc-bao-cao-vien-thang", "Báo cáo hoạt động báo cáo viên hằng tháng", "monthly", receiving,
                        MONTHLY_TYPES, 3, 0, MONTHLY_SECTIONS, [])
        h2 = Period.objects.for_code("2026-H2")
        services.period_deadline_set(regime=six, period=h2, deadline=H2_2026_DEADLINE, by=None,
                                     note="Số liệu tính đến 15/11/2026, phục vụ hội nghị tổng kết tháng 12.")
        rng = random.Random(2026)
        n = 0
        for code in ("2025-H1", "2025-H2", "2026-H1"):
            n += _complete(six, Period.objects.for_code(code), rng)
        n += _complete(year, Period.objects.for_code("2025"), rng, scale=2.0)
        n += _in_progress(six, h2, rng)
        for code in ("2026-09", "2026-10"):
            n += _complete(month, Period.objects.for_code(code), rng, monthly=True)
        regimes = [six, year, month]
        ward = Unit.objects.filter(name=DEMO_CLERK_WARD, path__startswith=root.path, valid_to__isnull=True).first()
        chi_bo = _chi_bo_regime(ward) if ward else None
        if chi_bo is not None:
            n += _chi_bo_months(chi_bo, rng)
            regimes.append(chi_bo)
    return DemoResult(True, regimes, n)
