"""The completeness page and the pivot cost the same number of queries at 10 and at 200 reporting units
(and so do the roll-up and the dashboard)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.org.models import Unit
from tuyengiao.reporting.models import Report, ReportValue

from .factories import make_regime, period

PAGES = {
    "completeness": "/reports/completeness/?period=2026-H1",
    "completeness_xlsx": "/reports/completeness/?period=2026-H1&format=xlsx",
    "pivot": "/reports/pivot/?period=2026-H1",
    "pivot_compare": "/reports/pivot/?period=2026-H1&compare=1",
    "pivot_xlsx": "/reports/pivot/?period=2026-H1&format=xlsx",
    "rollup": "/reports/rollup/?period=2026-H1&codes=MEMBERS,SESSIONS,PCT_ATTEND",
    "dashboard": "/reports/dashboard/?period=2026-H1",
}


def _populate(cast, regime, n):
    p = period("2026-H1")
    for i in range(n):  # Unit.save() computes the path and the sort key
        Unit.objects.create(parent=cast.province, type=cast.a.type, code=f"X{i}", name=f"Đảng ủy xã số {i}",
                            valid_from=dt.date(2025, 7, 1))
    units = list(Unit.objects.filter(code__startswith="X"))
    Report.objects.bulk_create([
        Report(regime=regime, period=p, unit=u, unit_path=u.path, form=regime.current_form, status="approved",
               on_time=i % 3 != 0, first_submitted_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
               submitted_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC), approved_by=cast.leader if i % 2 else cast.admin)
        for i, u in enumerate(units)])
    reports = list(Report.objects.filter(regime=regime, period=p))
    inds = {i.code: i for i in regime.current_form.indicators.all()}
    ReportValue.objects.bulk_create([
        ReportValue(report=r, indicator=inds[code], state="value", value_number=Decimal(v), regime=regime, period=p,
                    unit_id=r.unit_id, unit_path=r.unit_path, code=code, status="approved",
                    weight=Decimal(100) if code == "PCT_ATTEND" else None)
        for r in reports for code, v in (("MEMBERS", 100), ("SESSIONS", 2), ("PCT_ATTEND", 95))])
    return p


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, url
    return len(ctx.captured_queries), resp


@pytest.mark.parametrize("n", [10, 200])
def test_page_queries_do_not_grow_with_units(client_for, cast, n, django_assert_max_num_queries):
    regime = make_regime(cast, rules=False)
    _populate(cast, regime, n)
    c = client_for("admin")
    counts = {}
    for name, url in PAGES.items():
        url = f"{url}&regime={regime.code}"
        with django_assert_max_num_queries(30, info=name):
            counts[name], resp = _count(c, url)
        if name == "completeness":
            assert resp.context["summary"]["c"].expected == n + 2
            assert len(resp.context["table"].rows) == n + 2
            approvers = {row[5].value for row in resp.context["table"].rows if row[5].value}
            assert approvers == {cast.leader.full_name, cast.admin.full_name}
        if name == "pivot":
            assert resp.context["table"].totals[1].value == 100 * n  # MEMBERS
    for name in ("completeness", "pivot"):
        with django_assert_max_num_queries(16, info=name):
            c.get(f"{PAGES[name]}&regime={regime.code}")
    seen = test_page_queries_do_not_grow_with_units.__dict__.setdefault("counts", {})
    if seen:
        assert counts == seen, (seen, counts)
    seen.update(counts)
