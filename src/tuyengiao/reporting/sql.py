"""Hand-written SQL for the reads of a ten-year series and the lineage every roll-up walks.

The series reads a single covering index (rv_series) and its database work is a few milliseconds, while
building the same statements through the ORM (twenty Period objects in an IN list, seven filtered
aggregates, joins for the lineage) cost as much again in Python on every call. Here each statement is
a fixed string and every value a parameter; SQLite's text dates and float decimals are converted as the
ORM would. reporting/tests/test_series_sql.py checks the results against the ORM roll-up on both databases.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection

from tuyengiao.core.lookups import under_sql

# Partial aggregates that combine exactly, as selectors._AGGREGATES, by name.
AGGREGATES = {
    "total": "SUM(rv.value_number)",
    "wsum": "SUM(CASE WHEN rv.weight IS NOT NULL THEN rv.value_number * rv.weight END)",
    "w": "SUM(CASE WHEN rv.weight IS NOT NULL AND rv.value_number IS NOT NULL THEN rv.weight END)",
    "lo": "MIN(rv.value_number)",
    "hi": "MAX(rv.value_number)",
    "yes": "SUM(CASE WHEN rv.value_bool THEN 1 ELSE 0 END)",
    "n": "COUNT(*)",  # rows, not ids: the covering index has no id column
}
# Decimal places of each aggregate (value_number and weight have 4); SQLite returns floats.
_PLACES = {"total": 4, "wsum": 8, "w": 4, "lo": 4, "hi": 4}


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _decimal(value, places: int):
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # SQLite returns text


def lineage_links() -> list[tuple]:
    """Every lineage link with its event's date and its unit's path and life:
    (event_id, date, unit_id, role, share, path, valid_from, valid_to)."""
    with connection.cursor() as cur:
        cur.execute("SELECT l.event_id, e.date, l.unit_id, l.role, l.share, u.path, u.valid_from, u.valid_to "
                    "FROM org_lineagelink l JOIN org_lineageevent e ON e.id = l.event_id "
                    "JOIN org_unit u ON u.id = l.unit_id")
        rows = cur.fetchall()
    return [(event_id, _date(date), unit_id, role, _decimal(share, 4), path, _date(valid_from), _date(valid_to))
            for event_id, date, unit_id, role, share, path, valid_from, valid_to in rows]


def indicator_kind(*, regime_id: int, code: str) -> tuple[str, str] | None:
    """(type, aggregation) of `code` in the newest form version of the regime that has it."""
    with connection.cursor() as cur:
        cur.execute("SELECT i.type, i.aggregation FROM reporting_indicator i "
                    "JOIN reporting_formversion f ON f.id = i.form_id WHERE f.regime_id = %s AND i.code = %s "
                    "ORDER BY f.number DESC LIMIT 1", [regime_id, code])
        return cur.fetchone()


def units_not_whole(*, path: str, first, last) -> list[tuple]:
    """(id, valid_from, valid_to) of the units of the subtree at `path` that started after `first` or
    ended before `last`."""
    path_sql, params = under_sql("path", path, connection.vendor)
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, valid_from, valid_to FROM org_unit WHERE {path_sql} "
                    "AND (valid_from > %s OR valid_to < %s)",
                    [*params, *(connection.ops.adapt_datefield_value(d) for d in (first, last))])
        return [(pk, _date(valid_from), _date(valid_to)) for pk, valid_from, valid_to in cur.fetchall()]


def series_rows(*, regime_id: int, code: str, statuses, period_ids, path: str, also_units=(),
                tracked_units=(), broken=(), aggregates=AGGREGATES) -> list[dict]:
    """Aggregates of `code` per period over the subtree at `path` (plus the units `also_units`, e.g.
    predecessors elsewhere in the tree): one row per period for the untracked units (unit_id None),
    and one row per period and unit for each unit in `tracked_units`.

    `broken` lists (unit ids, period ids) pairs of sets: a value of one of those units in one of those
    periods (a period the unit did not exist for entirely) is counted in the row's "broken"."""
    names = list(aggregates)
    path_sql, path_params = under_sql("rv.unit_path", path, connection.vendor)
    params = list(tracked_units)
    key = f"CASE WHEN rv.unit_id IN ({_marks(tracked_units)}) THEN rv.unit_id END" if tracked_units else "NULL"
    columns = [aggregates[n] for n in names]
    if broken:
        tests = " OR ".join(f"(rv.unit_id IN ({_marks(units)}) AND rv.period_id IN ({_marks(periods)}))"
                            for units, periods in broken)
        columns.append(f"SUM(CASE WHEN {tests} THEN 1 ELSE 0 END)")
        params += [x for units, periods in broken for x in (*units, *periods)]
    scope = path_sql + (f" OR rv.unit_id IN ({_marks(also_units)})" if also_units else "")
    params += [regime_id, code, *statuses, *period_ids, *path_params, *also_units]
    sql = (f"SELECT rv.period_id, {key} AS tracked, {', '.join(columns)} FROM reporting_reportvalue rv "
           f"WHERE rv.regime_id = %s AND rv.code = %s AND rv.status IN ({_marks(statuses)}) AND rv.state = 'value' "
           f"AND rv.period_id IN ({_marks(period_ids)}) AND ({scope}) "
           f"GROUP BY {'1, 2' if tracked_units else '1'}")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    out = []
    for period_id, unit_id, *values in rows:
        row = {"period_id": period_id, "unit_id": unit_id, "broken": values.pop() if broken else 0}
        for name, value in zip(names, values, strict=True):
            row[name] = _decimal(value, _PLACES[name]) if name in _PLACES else value
        out.append(row)
    return out
