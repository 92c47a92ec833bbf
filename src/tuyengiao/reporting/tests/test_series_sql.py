"""The series' hand-written aggregate (reporting/sql.py) agrees with the ORM roll-up for every aggregation."""
import datetime as dt
from decimal import Decimal

import pytest

from tuyengiao.org.models import Unit
from tuyengiao.org.services import NewUnit, unit_create, unit_merge
from tuyengiao.reporting import selectors

from .factories import D, approved, make_regime, period

CODES = ["MEMBERS", "PCT_ATTEND", "MAX_POINTS", "HAS_PLAN", "NOTE", "SESSIONS"]


@pytest.fixture
def data(cast):
    regime = make_regime(cast, rules=False)
    h1, h2 = period("2026-H1"), period("2026-H2")
    approved(regime, h1, cast.a, {"MEMBERS": 120, "PCT_ATTEND": D("95.5"), "MAX_POINTS": 7, "HAS_PLAN": True,
                                  "NOTE": "một", "SESSIONS": 0})
    approved(regime, h1, cast.b, {"MEMBERS": 80, "PCT_ATTEND": D("87.25"), "MAX_POINTS": 12, "HAS_PLAN": False,
                                  "SESSIONS": 3})
    approved(regime, h2, cast.a, {"MEMBERS": 121, "PCT_ATTEND": D("99.125"), "MAX_POINTS": 4, "HAS_PLAN": True,
                                  "NOTE": "hai"})
    return regime, [h1, h2]


@pytest.mark.parametrize("code", CODES)
def test_series_equals_the_rollup_of_each_period(cast, data, code):
    regime, periods = data
    for under in (cast.province, cast.a, cast.b):
        points = selectors.series(regime=regime, code=code, unit=under, periods=periods)
        expected = [selectors.rollup(regime=regime, codes=[code], period=p, under=under).total.get(code)
                    for p in periods]
        assert [pt.value for pt in points] == expected, (code, under.code)


def test_values_and_counts(cast, data):
    regime, periods = data
    members = selectors.series(regime=regime, code="MEMBERS", unit=cast.province, periods=periods)
    assert [(p.value, p.reports, p.comparable) for p in members] == [(200, 2, True), (121, 1, True)]
    # Weighted by MEMBERS: (95.5·120 + 87.25·80) / 200 = 92.2
    pct = selectors.series(regime=regime, code="PCT_ATTEND", unit=cast.province, periods=periods)
    assert pct[0].value == Decimal("92.2") and pct[1].value == Decimal("99.125")
    assert [p.value for p in selectors.series(regime=regime, code="HAS_PLAN", unit=cast.province,
                                              periods=periods)] == [1, 1]  # units that answered yes
    assert [p.value for p in selectors.series(regime=regime, code="MAX_POINTS", unit=cast.province,
                                              periods=periods)] == [12, 4]
    # No unit gave a value in H2 (left empty): no point, not a zero
    assert [p.value for p in selectors.series(regime=regime, code="SESSIONS", unit=cast.province,
                                              periods=periods)] == [3, None]


def test_no_period_no_value(cast, data):
    regime, _periods = data
    assert selectors.series(regime=regime, code="MEMBERS", unit=cast.province, periods=[]) == []
    empty = selectors.series(regime=regime, code="MEMBERS", unit=cast.province, periods=[period("2025-H2")])
    assert empty[0].value is None and empty[0].reports == 0 and not empty[0].comparable


def test_after_a_merge_the_series_keeps_its_totals_and_flags_units_not_whole(cast, data):
    """Most of a real province merged in 2025: the merged communes' values add up in the database like
    any other unit's, and a unit that did not exist for a whole period still makes it not comparable."""
    regime, periods = data
    as_of = dt.date(2027, 1, 1)
    unit_merge(predecessors=[cast.a, cast.b], successor=NewUnit(
        name="Đảng ủy phường Hợp Nhất", code="AB", type=cast.a.type, parent=cast.province), on=as_of, by=None,
        close_subunits=True)
    ab = Unit.objects.get(code="AB")
    for code in CODES:
        for under in (cast.province, ab):
            points = selectors.series(regime=regime, code=code, unit=under, periods=periods, as_of=as_of)
            expected = [selectors.rollup(regime=regime, codes=[code], period=p, under=under,
                                         as_of=as_of).total.get(code) for p in periods]
            assert [pt.value for pt in points] == expected, (code, under.code)
    members = selectors.series(regime=regime, code="MEMBERS", unit=ab, periods=periods, as_of=as_of)
    assert [(p.value, p.reports, p.comparable) for p in members] == [(200, 2, True), (121, 1, True)]
    # A unit that started in the middle of H2, reporting for H2: that point mixes structures.
    late = unit_create(data=NewUnit(name="Đảng ủy xã Mới Lập", code="ML", type=cast.a.type, parent=cast.province),
                       valid_from=dt.date(2026, 9, 1), by=None)
    approved(regime, periods[1], late, {"MEMBERS": 9})
    members = selectors.series(regime=regime, code="MEMBERS", unit=cast.province, periods=periods, as_of=as_of)
    assert [(p.value, p.reports, p.comparable) for p in members] == [(200, 2, True), (130, 2, False)]


def test_totals_only_rollup_equals_the_per_child_rollup(cast, data):
    """The consolidated report of many units asks the database for the totals alone."""
    regime, periods = data
    for p in periods:
        for under in (cast.province, cast.a):
            full = selectors.rollup(regime=regime, codes=CODES, period=p, under=under)
            totals = selectors.rollup(regime=regime, codes=CODES, period=p, under=under, per_child=False)
            assert totals.rows == [] and full.rows
            assert totals.total == full.total, (p.code, under.code)
            assert (totals.reports, totals.comparable) == (full.reports, full.comparable)
    late = unit_create(data=NewUnit(name="Đảng ủy xã Mới Lập", code="ML", type=cast.a.type, parent=cast.province),
                       valid_from=dt.date(2026, 9, 1), by=None)
    approved(regime, periods[1], late, {"MEMBERS": 9})
    full = selectors.rollup(regime=regime, codes=CODES, period=periods[1], under=cast.province)
    totals = selectors.rollup(regime=regime, codes=CODES, period=periods[1], under=cast.province, per_child=False)
    assert totals.total == full.total and totals.total["MEMBERS"] == 130
    assert totals.comparable is full.comparable is False  # the new unit did not exist for the whole period
