import datetime as dt
from decimal import Decimal

import pytest

from tuyengiao.org.models import Unit
from tuyengiao.org.services import NewUnit, unit_create, unit_merge, unit_split
from tuyengiao.reporting import selectors, services
from tuyengiao.reporting.models import Report

from .factories import approved, make_regime, period

JULY = dt.date(2026, 7, 1)


@pytest.fixture
def setup(cast):
    regime = make_regime(cast, rules=False)
    c = unit_create(data=NewUnit(name="Đảng ủy xã Cát Hải", code="C", type=cast.a.type, parent=cast.province),
                    valid_from=dt.date(2025, 7, 1), by=None)
    h1 = period("2026-H1")
    approved(regime, h1, cast.a, {"MEMBERS": 100, "PCT_ATTEND": 90, "SESSIONS": 3, "MAX_POINTS": 4, "HAS_PLAN": True})
    approved(regime, h1, cast.b, {"MEMBERS": 300, "PCT_ATTEND": 80, "SESSIONS": 5, "MAX_POINTS": 9, "HAS_PLAN": False})
    approved(regime, h1, c, {"MEMBERS": 50, "PCT_ATTEND": 100, "SESSIONS": 0, "MAX_POINTS": services.NOT_APPLICABLE,
                             "HAS_PLAN": True})
    return regime, h1, c


CODES = ["MEMBERS", "PCT_ATTEND", "SESSIONS", "MAX_POINTS", "HAS_PLAN"]


def test_rollup_totals_equal_the_sum_of_children(setup, cast):
    regime, h1, c = setup
    r = selectors.rollup(regime=regime, codes=CODES, period=h1, under=cast.province)
    by_unit = {row.unit.code: row.values for row in r.rows}
    assert set(by_unit) == {"A", "B", "C"}
    assert r.total["MEMBERS"] == sum(v["MEMBERS"] for v in by_unit.values()) == 450
    assert r.total["SESSIONS"] == 8
    assert r.total["MAX_POINTS"] == 9
    assert r.total["HAS_PLAN"] == 2  # units answering yes
    # weighted mean = Σ(v·w) / Σw = (90·100 + 80·300 + 100·50) / 450
    assert r.total["PCT_ATTEND"] == (Decimal(90 * 100 + 80 * 300 + 100 * 50) / 450)
    assert r.reports == 3 and r.comparable


def test_only_approved_values_count_and_show_at_once(setup, cast):
    regime, h1, c = setup
    report = Report.objects.get(regime=regime, period=h1, unit=c)
    services.report_unlock(report=report, reason="Kiểm tra lại", by=cast.leader)
    r = selectors.rollup(regime=regime, codes=["MEMBERS"], period=h1, under=cast.province)
    assert r.total["MEMBERS"] == 400
    rows = selectors.drilldown(regime=regime, code="MEMBERS", period=h1, under=cast.province)
    assert sorted((row.unit.code, row.value) for row in rows) == [("A", 100), ("B", 300)]
    assert [row.unit.code for row in rows] == ["B", "A"]  # Vietnamese order: "phường Bến Thủy" < "xã An Bình"


def test_pivot_and_year_on_year(setup, cast):
    regime, h1, c = setup
    pv = selectors.pivot(regime=regime, period=h1, under=cast.province)
    assert [row.unit.code for row in pv.rows] == ["B", "A", "C"]
    cells = {row.unit.code: row.cells for row in pv.rows}
    assert cells["C"]["MAX_POINTS"].state == "not_applicable"
    assert cells["C"]["SESSIONS"].value_number == 0
    assert cells["A"]["ATTENDED"] is None
    assert pv.total["MEMBERS"] == 450
    cmp = {c.code: c for c in selectors.year_on_year(regime=regime, codes=["MEMBERS"], period=h1,
                                                    under=cast.province)}
    assert cmp["MEMBERS"].current == 450 and cmp["MEMBERS"].previous is None


def test_completeness_never_above_100_percent_across_a_merge(setup, cast):
    regime, h1, c = setup
    unit_merge(predecessors=[cast.a, cast.b], successor=NewUnit(name="Đảng ủy xã An Bến", code="AB",
               type=cast.a.type, parent=cast.province), on=JULY, by=None, close_subunits=True)
    ab = Unit.objects.get(code="AB")
    h2 = period("2026-H2")
    # A stray report from a unit that ended mid-period (e.g. imported) must not count.
    stray = Report.objects.create(regime=regime, period=h2, unit=cast.a, unit_path=cast.a.path,
                                  form=regime.current_form, status="submitted", on_time=True,
                                  first_submitted_at=dt.datetime(2026, 7, 2, tzinfo=dt.UTC))
    assert stray.pk
    before = selectors.completeness(regime, h1, today=dt.date(2026, 11, 22))
    assert (before.expected, before.submitted, before.approved) == (3, 3, 3)
    comp = selectors.completeness(regime, h2, today=dt.date(2026, 11, 22))
    assert {row.unit.code for row in comp.rows} == {"AB", "C"}
    assert comp.expected == 2 and comp.submitted == 0 and comp.percent == 0
    approved(regime, h2, ab, {"MEMBERS": 390, "PCT_ATTEND": 95})
    approved(regime, h2, c, {"MEMBERS": 50})
    comp = selectors.completeness(regime, h2)
    assert comp.submitted == comp.expected == 2 and comp.percent == 100

    # Roll-up of H1 as of the new structure: A and B count under AB; comparable (both existed all H1).
    r = selectors.rollup(regime=regime, codes=["MEMBERS"], period=h1, under=cast.province, as_of=dt.date(2026, 12, 31))
    assert {row.unit.code: row.values["MEMBERS"] for row in r.rows} == {"AB": 400, "C": 50}
    assert r.comparable
    pts = selectors.series(regime=regime, code="MEMBERS", unit=ab, periods=[h1, h2])
    assert [(p.period.code, p.value, p.comparable) for p in pts] == [("2026-H1", 400, True), ("2026-H2", 390, True)]
    # The drill-down behind AB's H1 total shows the old communes that make it up.
    drill = selectors.drilldown(regime=regime, code="MEMBERS", period=h1, under=ab, as_of=dt.date(2026, 12, 31))
    assert sorted((d.unit.code, d.value) for d in drill) == [("A", 100), ("B", 300)]
    assert selectors.drilldown(regime=regime, code="MEMBERS", period=h1, under=ab) == []


def test_split_without_shares_is_flagged_not_comparable(setup, cast):
    regime, h1, c = setup
    unit_split(predecessor=cast.b, successors=[
        NewUnit(name="Đảng ủy phường Bến Một", code="B1", type=cast.b.type, parent=cast.province),
        NewUnit(name="Đảng ủy phường Bến Hai", code="B2", type=cast.b.type, parent=cast.province)],
        on=JULY, by=None)
    b1 = Unit.objects.get(code="B1")
    pts = selectors.series(regime=regime, code="MEMBERS", unit=b1, periods=[h1])
    assert pts[0].value == 150 and pts[0].comparable is False
    r = selectors.rollup(regime=regime, codes=["MEMBERS"], period=h1, under=cast.province, as_of=dt.date(2026, 12, 31))
    rows = {row.unit.code: row for row in r.rows}
    assert rows["B1"].values["MEMBERS"] == rows["B2"].values["MEMBERS"] == 150
    assert not rows["B1"].comparable and rows["A"].comparable and not r.comparable
    assert r.total["MEMBERS"] == 450  # nothing lost or counted twice


def test_unit_not_existing_for_the_whole_period_is_not_comparable(cast):
    regime = make_regime(cast, code="annual", frequency="annual", rules=False)
    y2025 = period("2025")
    approved(regime, y2025, cast.a, {"MEMBERS": 10})  # the cast's units start on 1/7/2025
    r = selectors.rollup(regime=regime, codes=["MEMBERS"], period=y2025, under=cast.province)
    assert r.total["MEMBERS"] == 10 and not r.comparable


def test_series_of_units_untouched_by_restructuring(cast):
    """The per-period SQL path: sums per period, and a unit that started mid-period is not comparable."""
    regime = make_regime(cast, code="annual2", frequency="annual", rules=False)
    y2025, y2026 = period("2025"), period("2026")
    approved(regime, y2025, cast.a, {"MEMBERS": 10})  # A starts on 1/7/2025
    approved(regime, y2026, cast.a, {"MEMBERS": 12})
    approved(regime, y2026, cast.b, {"MEMBERS": 30})
    pts = selectors.series(regime=regime, code="MEMBERS", unit=cast.province, periods=[y2025, y2026])
    assert [(p.value, p.reports, p.comparable) for p in pts] == [(10, 1, False), (42, 2, True)]
