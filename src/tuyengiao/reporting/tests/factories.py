"""Small builders for reporting tests: a six-monthly regime on the standard cast."""
from __future__ import annotations

from decimal import Decimal

from tuyengiao.reporting import services
from tuyengiao.reporting.models import Indicator, Period, Regime

INT, PCT, BOOL, TEXT = Indicator.Type.INTEGER, Indicator.Type.PERCENT, Indicator.Type.BOOLEAN, Indicator.Type.TEXT


def make_regime(cast, *, code="sixmonth", frequency="six_monthly", deadline_days=5, rules=True) -> Regime:
    """Receiving unit: the commission; reporting units: the commune-level committees (A, B)."""
    regime = services.regime_create(
        data={"code": code, "name": "Báo cáo công tác tuyên giáo", "frequency": frequency,
              "receiving_unit": cast.commission, "deadline_days": deadline_days},
        by=None, unit_types=[cast.a.type],
    )
    form = services.form_version_create(regime=regime, by=None)
    nq = services.section_save(form=form, data={"code": "NQ", "title": "Học tập nghị quyết", "order": 1}, by=None)
    services.section_save(form=form, data={"code": "KQ", "title": "Kết quả đạt được", "order": 2,
                                           "is_narrative": True}, by=None)
    members = services.indicator_save(form=form, by=None, data={
        "section": nq, "code": "MEMBERS", "name": "Số đảng viên", "type": INT, "required": True, "order": 1})
    services.indicator_save(form=form, by=None, data={
        "section": nq, "code": "ATTENDED", "name": "Số đảng viên tham gia học tập", "type": INT, "order": 2})
    services.indicator_save(form=form, by=None, data={
        "section": nq, "code": "PCT_ATTEND", "name": "Tỷ lệ đảng viên tham gia", "type": PCT, "order": 3,
        "aggregation": Indicator.Aggregation.WEIGHTED_MEAN, "weight_indicator": members})
    services.indicator_save(form=form, by=None, data={
        "section": nq, "code": "SESSIONS", "name": "Số hội nghị", "type": INT, "order": 4})
    services.indicator_save(form=form, by=None, data={
        "section": nq, "code": "MAX_POINTS", "name": "Số điểm cầu lớn nhất", "type": INT, "order": 5,
        "aggregation": Indicator.Aggregation.MAX})
    services.indicator_save(form=form, by=None, data={
        "section": nq, "code": "HAS_PLAN", "name": "Có kế hoạch thực hiện", "type": BOOL, "order": 6})
    services.indicator_save(form=form, by=None, data={
        "section": nq, "code": "NOTE", "name": "Ghi chú", "type": TEXT, "order": 7,
        "aggregation": Indicator.Aggregation.NONE})
    if rules:
        services.rule_save(form=form, by=None, data={
            "expression": "ATTENDED <= MEMBERS", "severity": "error",
            "message": "Số đảng viên tham gia không được lớn hơn tổng số đảng viên."})
        services.rule_save(form=form, by=None, data={
            "expression": "PCT_ATTEND >= 90", "severity": "warning",
            "message": "Tỷ lệ tham gia dưới 90%: đề nghị giải thích."})
    services.form_version_publish(form=form, by=None)
    regime.refresh_from_db()
    return regime


def period(code: str) -> Period:
    return Period.objects.for_code(code)


def approved(regime, period_, unit, values: dict, narratives=None):
    report = services.report_get_or_create_draft(regime=regime, period=period_, unit=unit, by=None)
    services.report_save_draft(report=report, by=None, values=values, narratives=narratives or {},
                               based_on_revision=report.revision)
    report.refresh_from_db()
    services.report_submit(report=report, by=None, explanation="ok")
    services.report_approve(report=report, by=None)
    report.refresh_from_db()
    return report


def D(x) -> Decimal:
    return Decimal(str(x))
