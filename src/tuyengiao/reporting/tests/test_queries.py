"""Query counts of the entry data, completeness, pivot and roll-up do not grow with units."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.org.models import Unit
from tuyengiao.reporting import selectors
from tuyengiao.reporting.models import Report, ReportValue

from .factories import make_regime, period


def _populate(cast, regime, n):
    p = period("2026-H1")
    units = [Unit.objects.create(parent=cast.province, type=cast.a.type, code=f"X{i}", name=f"Đảng ủy xã {i}",
                                 valid_from=dt.date(2025, 7, 1)) for i in range(n)]
    units = list(Unit.objects.filter(code__startswith="X"))
    reports = Report.objects.bulk_create([
        Report(regime=regime, period=p, unit=u, unit_path=u.path, form=regime.current_form, status="approved",
               on_time=i % 3 != 0, first_submitted_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
        for i, u in enumerate(units)])
    reports = list(Report.objects.filter(regime=regime, period=p))
    inds = {i.code: i for i in regime.current_form.indicators.all()}
    ReportValue.objects.bulk_create([
        ReportValue(report=r, indicator=inds[code], state="value", value_number=Decimal(v), regime=regime, period=p,
                    unit_id=r.unit_id, unit_path=r.unit_path, code=code, status="approved",
                    weight=Decimal(100) if code == "PCT_ATTEND" else None)
        for r in reports for code, v in (("MEMBERS", 100), ("SESSIONS", 2), ("PCT_ATTEND", 95))])
    return p, reports[0]


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [10, 200])
def test_constant_queries(cast, n, django_assert_max_num_queries):
    regime = make_regime(cast, rules=False)
    p, report = _populate(cast, regime, n)
    calls = {
        "completeness": lambda: selectors.completeness(regime, p, under=cast.province),
        "pivot": lambda: selectors.pivot(regime=regime, period=p, under=cast.province),
        "rollup": lambda: selectors.rollup(regime=regime, codes=["MEMBERS", "PCT_ATTEND"], period=p,
                                           under=cast.province),
        "rollup_as_of": lambda: selectors.rollup(regime=regime, codes=["MEMBERS"], period=p, under=cast.province,
                                                 as_of=dt.date(2026, 12, 31)),
        "series": lambda: selectors.series(regime=regime, code="MEMBERS", unit=cast.province, periods=[p]),
        "entry": lambda: selectors.report_form_data(report),
        "drilldown": lambda: selectors.drilldown(regime=regime, code="MEMBERS", period=p, under=cast.province),
    }
    for name, fn in calls.items():
        with django_assert_max_num_queries(8, info=name):
            fn()
    comp = selectors.completeness(regime, p)
    assert comp.expected == n + 2 and comp.submitted == n  # A and B have not reported
    assert selectors.rollup(regime=regime, codes=["MEMBERS"], period=p, under=cast.province).total["MEMBERS"] == 100 * n
    counts = {name: _count(fn) for name, fn in calls.items()}
    # The same numbers at 10 and 200 units (stored on the function between the two parametrised runs).
    seen = test_constant_queries.__dict__.setdefault("counts", {})
    if seen:
        assert counts == seen
    seen.update(counts)
