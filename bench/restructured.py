"""Experiment: the ten-year series after a restructuring like that of 2025 (run by reporting_bench.py).

The generated province has no lineage, so its series sums untouched units in the database. Real
provinces merged most communes on 1/7/2025, and every value before that belongs to a unit that now has
successors. In a transaction that is rolled back, the 300 communes merge three by three into 100 new
units (org.services.unit_merge, the product's own service) on the day after the last generated period;
then the series of the whole province and of one new unit are timed as of that day, against the same
hand-written aggregate as the plain series (which knows nothing of the lineage).
"""
from __future__ import annotations

import datetime as dt
import sys
import time

G_CODE = "NQ_PARTICIPANTS"


def restructured(rec, cur, regime, periods, root, R, selectors, sql, params) -> None:
    import reporting_generate as G
    from django.db import transaction

    from tuyengiao.org.models import Unit
    from tuyengiao.org.services import NewUnit, unit_merge

    on = dt.date(G.LAST_YEAR + 1, 1, 1)
    communes = list(Unit.objects.filter(parent=root, type__code="dang-uy-xa").select_related("type").order_by("id"))

    def bare():
        cur.execute(sql, params)
        return cur.fetchall()

    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            for i in range(0, len(communes) - 2, 3):
                group = communes[i:i + 3]
                unit_merge(predecessors=group, successor=NewUnit(
                    name=f"Đảng ủy xã mới {i // 3 + 1:03d}", code=f"BXM{i // 3 + 1:03d}", type=group[0].type,
                    parent=root), on=on, by=None)
            rec.put("x.series_restructured.merge_s", time.perf_counter() - t0, "s",
                    note=f"{len(communes) // 3} merges of 3 communes through org.services.unit_merge")
            new_unit = Unit.objects.get(code="BXM001")

            def whole():
                return selectors.series(regime=regime, code=G_CODE, unit=root, periods=periods, as_of=on)

            def one():
                return selectors.series(regime=regime, code=G_CODE, unit=new_unit, periods=periods, as_of=on)

            plain = [p.value for p in selectors.series(regime=regime, code=G_CODE, unit=root, periods=periods,
                                                       as_of=on - dt.timedelta(days=1))]
            points = whole()
            assert [p.value for p in points] == plain, "the lineage must not change the province's totals"
            a, b = R.paired(whole, bare, 20)
            rec.pair("x.series_restructured", a, b, len(points))
            rec.put("x.series_restructured.one_unit_median_ms", R._stats(R.timed(one, 20))[0], "ms",
                    note="the series of one new unit: its three predecessors' values")
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - an experiment must not sink the run
        rec.put("x.series_restructured.median_ms", None, "ms", f"experiment failed: {exc!r}")
    got = rec.results.get(rec.db + ".x.series_restructured.median_ms", {}).get("value")
    print(f"  experiment: series after a restructuring (100 merges), whole province {got} ms", file=sys.stderr)

