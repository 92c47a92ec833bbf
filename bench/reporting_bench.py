"""Province-scale reporting benchmark (issue 3 §7): one worker per database, run by bench/run.py.

    DATABASE_URL=… DJANGO_SETTINGS_MODULE=tuyengiao.settings.test TUYENGIAO_VAR=var/bench \\
        .venv/bin/python bench/reporting_bench.py --db sqlite --out var/bench/reporting-sqlite.results.json

Migrates, generates the data when the marker is missing (bench/reporting_generate.py), then times,
each over --repeat runs (median and p95, server time in process) and paired with hand-written SQL
through the same connection (ratio = median / median):

  pivot          reporting.selectors.pivot of the six-monthly regime, period 2025-H1, the whole province
                 (300 units × 150 indicators)  vs  the cells SELECT + the per-indicator totals GROUP BY
  series         reporting.selectors.series of one indicator (NQ_PARTICIPANTS) over the 20 half-years
                 of ten years  vs  one GROUP BY period_id
  series_monthly the same over the 120 months of the monthly regime
  x.series_restructured  (experiment, bench/restructured.py) the series after 100 merges of 3 communes, in a
                 transaction rolled back: whole province and one new unit, against the same GROUP BY
  pivot_page     GET /reports/pivot/?regime=…&period=…&set=all (reporting:pivot) as a superuser, all 150
                 indicators; pivot_page_key: the same page with the 8 key indicators (?codes=…); each
                 against the bare SQL of the same indicators and the bare-framework view (bench/bare.py)

With --consolidated also the consolidated review report of the receiving unit for 2025-H1 (300 units'
narratives and the annex): reporting.consolidated.consolidated_context (build) and
documents.render_docx / render_pdf.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VAR = Path(os.environ.get("BENCH_VAR", ROOT / "var" / "bench"))
SERIES_CODE = "NQ_PARTICIPANTS"
PAGE_REPEAT_MAX = 20


def _sizes(rec, vendor, cur, db):
    from tuyengiao.reporting.models import Report, ReportValue

    rec.put("rows.report_values", ReportValue.objects.count(), "count")
    rec.put("rows.reports", Report.objects.count(), "count")
    if vendor == "postgresql":
        cur.execute("SELECT pg_total_relation_size('reporting_reportvalue'), pg_relation_size('reporting_reportvalue'),"
                    " pg_database_size(current_database())")
        total, heap, database = cur.fetchone()
        rec.put("size_mb", total / 2**20, "MB")
        rec.put("size.report_values_table_mb", heap / 2**20, "MB")
        rec.put("size.database_mb", database / 2**20, "MB")
    else:
        from django.db import connection

        path = Path(connection.settings_dict["NAME"])
        rec.put("size_mb", path.stat().st_size / 2**20, "MB")
        try:
            cur.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = 'reporting_reportvalue'")
            rec.put("size.report_values_table_mb", (cur.fetchone()[0] or 0) / 2**20, "MB")
        except Exception:  # noqa: BLE001 - dbstat is optional in SQLite builds
            pass


def consolidated(rec, regime, period, receiving, runs: int) -> None:
    """Build (consolidated_context, not the saved draft) and render DOCX and PDF, `runs` times each."""
    from tuyengiao.documents.render_docx import render_docx
    from tuyengiao.documents.render_pdf import render_pdf
    from tuyengiao.reporting.consolidated import consolidated_context

    builds, docx, pdf = [], [], []
    ctx = None
    for _ in range(runs):
        t0 = time.perf_counter()
        ctx = consolidated_context(regime=regime, period=period, receiving_unit=receiving, prefer_saved=False)
        t1 = time.perf_counter()
        data_docx = render_docx(ctx)
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        docx.append(t2 - t1)
    for _ in range(runs):
        t0 = time.perf_counter()
        ctx = consolidated_context(regime=regime, period=period, receiving_unit=receiving, prefer_saved=False)
        t1 = time.perf_counter()
        data_pdf = render_pdf(ctx)
        pdf.append(time.perf_counter() - t1)
        builds.append(t1 - t0)
    # The same PDF in one process, and with the annex numbered on from the report (one document: only
    # the drawing is shared), for comparison.
    import dataclasses

    one, continued = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        render_pdf(ctx, processes=1)
        t1 = time.perf_counter()
        render_pdf(dataclasses.replace(ctx, page=dataclasses.replace(ctx.page, annex_pages="continued")))
        one.append(t1 - t0)
        continued.append(time.perf_counter() - t1)
    rec.put("consolidated.pdf.one_process_render_seconds", statistics.median(one), "s", prefix=False,
            note="render_pdf(processes=1)")
    rec.put("consolidated.pdf.continued_render_seconds", statistics.median(continued), "s", prefix=False,
            note="annex numbered on from the report: one document, drawing shared")
    rec.put("consolidated.pdf.two_process_speedup", statistics.median(one) / statistics.median(pdf), "ratio",
            prefix=False, note="one-process render ÷ default render")
    b = statistics.median(builds)
    rec.put("consolidated.build.seconds", b, "s", prefix=False)
    rec.put("consolidated.docx.seconds", b + statistics.median(docx), "s", prefix=False,
            note=f"build_consolidated + documents.render_docx, median of {runs}")
    rec.put("consolidated.pdf.seconds", b + statistics.median(pdf), "s", prefix=False,
            note=f"build_consolidated + documents.render_pdf, median of {runs}")
    rec.put("consolidated.docx.render_seconds", statistics.median(docx), "s", prefix=False)
    rec.put("consolidated.pdf.render_seconds", statistics.median(pdf), "s", prefix=False)
    rec.put("consolidated.docx.kb", len(data_docx) / 1024, "kB", prefix=False)
    rec.put("consolidated.pdf.kb", len(data_pdf) / 1024, "kB", prefix=False)
    from tuyengiao.documents.context import Paragraph, Table

    rec.put("consolidated.paragraphs", sum(isinstance(blk, Paragraph) for blk in ctx.body), "count", prefix=False)
    rec.put("consolidated.annex_rows", sum(len(t.rows) for a in ctx.annexes for t in a.blocks
                                           if isinstance(t, Table)), "count", prefix=False)
    try:
        import subprocess
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data_pdf)
            f.flush()
            info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, timeout=30).stdout
        pages = next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), None)
        rec.put("consolidated.pdf.pages", pages, "count", prefix=False)
    except Exception:  # noqa: BLE001 - pdfinfo is optional
        pass
    print(f"  consolidated: build {b:.2f} s, docx {statistics.median(docx):.2f} s, pdf {statistics.median(pdf):.2f} s "
          f"(one process {statistics.median(one):.2f} s, annex numbered on {statistics.median(continued):.2f} s)",
          file=sys.stderr)


COVERING = {
    # The series index with the columns the series reads: an index-only scan instead of one heap
    # fetch per value (the rows of one indicator are spread over the whole table).
    "postgresql": "CREATE INDEX bench_rv_series_cov ON reporting_reportvalue "
                  "(regime_id, code, status, unit_path, period_id) INCLUDE (state, unit_id, value_number, weight, value_bool)",
    "sqlite": "CREATE INDEX bench_rv_series_cov ON reporting_reportvalue "
              "(regime_id, code, status, unit_path, period_id, state, unit_id, value_number, weight, value_bool)",
}


def experiments(rec, vendor, cur, report, regime, periods, root, R, selectors, op, prefix):
    """The monthly series with a covering series index, created in a transaction that is rolled back."""
    from django.db import transaction

    ids = [p.pk for p in periods]
    sql = ("SELECT period_id, unit_id, SUM(value_number), COUNT(*) FROM reporting_reportvalue "
           f"WHERE regime_id = %s AND code = %s AND status IN (%s) AND state = 'value' AND unit_path {op} %s "
           f"AND period_id IN ({', '.join(['%s'] * len(ids))}) GROUP BY period_id, unit_id")
    params = [regime.pk, SERIES_CODE, "approved", prefix, *ids]

    def run_sql():
        cur.execute(sql, params)
        return cur.fetchall()

    def orm():
        return selectors.series(regime=regime, code=SERIES_CODE, unit=root, periods=periods)

    repeat = 10
    rec.put("x.series_monthly.per_unit_sql_median_ms", R._stats(R.timed(run_sql, repeat))[0], "ms")
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            cur.execute(COVERING[vendor])
            rec.put("x.series_monthly.covering_index_build_s", time.perf_counter() - t0, "s")
            if vendor == "postgresql":
                cur.execute("ANALYZE reporting_reportvalue")
            rec.put("x.series_monthly.covering_per_unit_sql_median_ms", R._stats(R.timed(run_sql, repeat))[0], "ms")
            rec.put("x.series_monthly.covering_selector_median_ms", R._stats(R.timed(orm, repeat))[0], "ms")
            report.append(f"-- experiment: covering series index\n{COVERING[vendor]}\n{sql}\n{params}\n"
                          f"{R._plan(cur, vendor, sql, params)}\n")
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - an experiment must not sink the run
        rec.put("x.series_monthly.covering_selector_median_ms", None, "ms", f"experiment failed: {exc}")
    print(f"  experiment: covering series index, monthly series "
          f"{rec.results.get(rec.db + '.x.series_monthly.covering_selector_median_ms', {}).get('value')} ms",
          file=sys.stderr)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, choices=["sqlite", "postgres"])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--out", required=True)
    ap.add_argument("--page-rounds", type=int, default=2)
    ap.add_argument("--consolidated", action="store_true")
    ap.add_argument("--consolidated-runs", type=int, default=3)
    args = ap.parse_args(argv)

    import django

    sys.path.insert(0, str(BENCH_DIR))
    django.setup()
    import bare as bare_views  # bench/bare.py: the bare-framework baseline of the pages
    import reporting_generate as G
    import run as R  # bench/run.py: timing helpers and the recorder
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, RequestFactory, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tuyengiao.reporting import selectors
    from tuyengiao.reporting.models import Period, Regime
    try:  # the dashboard's shared scope helper (moved once already)
        from tuyengiao.reporting.views.dashboard_base import resolve_scope
    except ImportError:
        from tuyengiao.reporting.views.dashboard import resolve_scope

    db = args.db
    repeat = max(20, args.repeat)
    rec = R.Recorder(f"reporting.{db}")
    vendor = connection.vendor
    print(f"== reporting {db} ({connection.settings_dict['NAME']}) ==", file=sys.stderr)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    meta_path = VAR / f"reporting-{db}.generate.json"
    if not G.is_generated():
        if Regime.objects.filter(code__startswith="bench-").exists():
            print("  partial data found: run with --regenerate", file=sys.stderr)
            return 2
        print(f"  generating {G.UNITS} units × {G.INDICATORS} indicators × 15 periods × {G.YEARS} years …",
              file=sys.stderr)
        stats = G.build()
        meta_path.write_text(json.dumps(stats))
        print(f"  generated {stats['values']:,} values, {stats['reports']:,} reports in {stats['seconds']:.1f} s "
              f"(load {stats['load_seconds']:.1f} s)", file=sys.stderr)
    stats = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    rec.put(f"generate.reporting.{db}.seconds", stats.get("seconds"), "s",
            None if stats else "generated by an earlier run without timings", prefix=False)
    cur = connection.cursor()
    _sizes(rec, vendor, cur, db)

    six = Regime.objects.select_related("receiving_unit__parent", "current_form").get(code=G.MARKER_REGIME)
    monthly = Regime.objects.get(code="bench-thang")
    root = selectors.reporting_root(six)
    period = Period.objects.get(code=G.CONSOLIDATED_PERIOD)
    halves = G.periods_of(six.period_kind)
    months = G.periods_of(monthly.period_kind)
    superuser = G.ensure_superuser()
    report: list[str] = []

    op, wildcard = ("GLOB", "*") if vendor == "sqlite" else ("LIKE", "%")
    prefix = root.path + wildcard

    def bare(queries):
        def run_():
            out = []
            for sql, params in queries:
                cur.execute(sql, params)
                out.append(cur.fetchall())
            return out
        return run_

    # 1. The pivot of one period over the whole province.
    cells_sql = ("SELECT unit_id, code, state, value_number, value_text, value_bool, weight, status "
                 "FROM reporting_reportvalue WHERE regime_id = %s AND period_id = %s AND status IN (%s) "
                 f"AND unit_path {op} %s")
    totals_sql = ("SELECT code, SUM(value_number), SUM(CASE WHEN weight IS NOT NULL THEN value_number * weight END), "
                  "SUM(CASE WHEN weight IS NOT NULL AND value_number IS NOT NULL THEN weight END), "
                  "MIN(value_number), MAX(value_number), SUM(CASE WHEN value_bool THEN 1 ELSE 0 END), COUNT(*) "
                  "FROM reporting_reportvalue WHERE regime_id = %s AND period_id = %s AND status IN (%s) "
                  f"AND state = 'value' AND unit_path {op} %s GROUP BY code")
    pv_params = [six.pk, period.pk, "approved", prefix]
    pivot_sql = bare([(cells_sql, pv_params), (totals_sql, pv_params)])

    def orm_pivot():
        return selectors.pivot(regime=six, period=period, under=root)

    pv = orm_pivot()
    rec.put("pivot.cells", sum(len(r.cells) for r in pv.rows), "count")
    a, b = R.paired(orm_pivot, pivot_sql, repeat)
    rec.pair("pivot", a, b, len(pv.rows))
    with CaptureQueriesContext(connection) as ctx:
        orm_pivot()
    rec.put("pivot.queries", len(ctx.captured_queries), "count")
    # The ORM's value query alone: what the database part of the selector costs.
    values_qs = selectors.ReportValue.objects.filter(
        regime=six, period=period, status__in=["approved"], code__in=[i.code for i in pv.indicators],
        unit_path__under=root.path).only("unit_id", "code", "state", "value_number", "value_text", "value_bool",
                                         "weight", "status")
    rec.put("x.pivot.orm_values_only_median_ms", R._stats(R.timed(lambda: list(values_qs.all()), repeat))[0], "ms")
    rec.put("x.pivot.sql_cells_only_median_ms", R._stats(R.timed(bare([(cells_sql, pv_params)]), repeat))[0], "ms")
    rec.put("x.pivot.orm_values_list_median_ms", R._stats(R.timed(lambda: list(values_qs.values_list(
        "unit_id", "code", "state", "value_number", "value_text", "value_bool", "weight", "status")), repeat))[0], "ms")

    # 2. A ten-year series of one indicator (six-monthly: 20 points; monthly: 120 points).
    def series_case(name, regime, periods):
        ids = [p.pk for p in periods]
        marks = ", ".join(["%s"] * len(ids))
        sql = ("SELECT period_id, SUM(value_number), COUNT(*) FROM reporting_reportvalue "
               f"WHERE regime_id = %s AND code = %s AND status IN (%s) AND state = 'value' AND unit_path {op} %s "
               f"AND period_id IN ({marks}) GROUP BY period_id")
        params = [regime.pk, SERIES_CODE, "approved", prefix, *ids]

        def orm():
            return selectors.series(regime=regime, code=SERIES_CODE, unit=root, periods=periods)

        points = orm()
        a, b = R.paired(orm, bare([(sql, params)]), repeat)
        rec.pair(name, a, b, len(points))
        with CaptureQueriesContext(connection) as ctx:
            orm()
        rec.put(f"{name}.queries", len(ctx.captured_queries), "count")
        return sql, params

    series_sql, series_params = series_case("series", six, halves)
    series_case("series_monthly", monthly, months)

    # 3. The pivot page, server time in process, against the bare SQL of the same indicators and the
    # bare-framework view (bench/bare.py: the same SQL plus the unit names, the same grid in a minimal template).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    url = reverse("reporting:pivot")
    client = Client()
    client.force_login(superuser)
    page_repeat = min(repeat, PAGE_REPEAT_MAX)
    req = RequestFactory().get(url, {"regime": six.code, "period": period.code})
    req.user = superuser
    key_codes = resolve_scope(req).key_codes()
    all_codes = [i.code for i in pv.indicators]

    def page_sql(codes):
        marks = ", ".join(["%s"] * len(codes))
        cells = cells_sql + f" AND code IN ({marks})"
        totals = totals_sql.replace(" GROUP BY code", f" AND code IN ({marks}) GROUP BY code")
        return [(cells, [*pv_params, *codes]), (totals, [*pv_params, *codes])]

    def bare_pivot(codes):
        queries = page_sql(codes)

        def rows():
            with connection.cursor() as c:
                c.execute(*queries[0])
                by_unit: dict = {}
                for unit_id, code, state, number, text, boolean, _weight, _status in c.fetchall():
                    value = number if number is not None else text if text is not None else boolean
                    by_unit.setdefault(unit_id, {})[code] = value if state == "value" else state
                c.execute(*queries[1])
                totals = {row[0]: row[1] for row in c.fetchall()}
                ids = list(by_unit)
                c.execute(f"SELECT id, name FROM org_unit WHERE id IN ({', '.join(['%s'] * len(ids))}) "
                          "ORDER BY sort_key, id", ids)
                units = c.fetchall()
            return {"codes": codes, "totals": [totals.get(code) for code in codes],
                    "rows": [(pk, name, [by_unit[pk].get(code) for code in codes]) for pk, name in units]}
        return rows

    with override_settings(ROOT_URLCONF=bare_views.urlconf(settings.ROOT_URLCONF)):
        for name, params, codes in (
                ("pivot_page", {"regime": six.code, "period": period.code, "set": "all"}, all_codes),
                ("pivot_page_key", {"regime": six.code, "period": period.code, "codes": ",".join(key_codes)},
                 key_codes)):
            response = client.get(url, params)
            if response.status_code != 200:
                rec.unavailable(name, f"not available: GET {url} answered {response.status_code}")
                continue
            bare_views.register(name, bare_pivot(codes), bare_views.PIVOT_TEMPLATE)
            bare_url = f"/__bench__/{name}/"
            bare_response = client.get(bare_url)
            assert bare_response.status_code == 200
            rec.put(f"{name}.kb", len(response.content) / 1024, "kB")
            rec.put(f"{name}.bare_framework_kb", len(bare_response.content) / 1024, "kB")
            rec.put(f"{name}.indicators", len(codes), "count")
            rec.put(f"{name}.queries", R.count_queries(connection, lambda p=params: client.get(url, p)), "count")
            rec.put(f"{name}.bare_framework_queries", R.count_queries(connection, lambda u=bare_url: client.get(u)),
                    "count")
            times, medians = R.page_rounds(lambda p=params: client.get(url, p), bare(page_sql(codes)),
                                           lambda u=bare_url: client.get(u), page_repeat, args.page_rounds)
            rec.page(name, times, medians, len(pv.rows))

    # Query plans: which indexes the selectors' queries use.
    checks = {
        "pivot": (values_qs, "SEARCH reporting_reportvalue "),
        "series": (selectors.ReportValue.objects.filter(
            unit_path__under=root.path, regime=six, code=SERIES_CODE, period__in=halves, status__in=["approved"],
            state="value").values("period_id", "unit_id", "code").annotate(
            n=selectors.Count("id")), "SEARCH reporting_reportvalue "),
    }
    for name, (qs, marker) in checks.items():
        sql, params = qs.query.sql_with_params()
        plan = R._plan(cur, vendor, sql, params)
        used = ("Index Cond" in plan) if vendor == "postgresql" else marker in plan
        rec.put(f"explain.{name}.uses_index", int(used), "count")
        report.append(f"-- {name}: {'index used' if used else 'NO INDEX'}\n{sql}\n{params}\n{plan}\n")
    for label, sql, params in (("pivot cells (hand-written)", cells_sql, pv_params),
                               ("pivot totals (hand-written)", totals_sql, pv_params),
                               ("series (hand-written)", series_sql, series_params)):
        report.append(f"-- {label}\n{sql}\n{params}\n{R._plan(cur, vendor, sql, params)}\n")

    experiments(rec, vendor, cur, report, monthly, months, root, R, selectors, op, prefix)
    from restructured import restructured  # bench/restructured.py: the series across a 2025-like merge

    restructured(rec, cur, six, halves, root, R, selectors, series_sql, series_params)
    (VAR / f"reporting-{db}.explain.txt").write_text("\n".join(report))

    if args.consolidated:
        rec.put("consolidated.narratives", G.ensure_narratives(), "count", prefix=False)
        consolidated(rec, six, period, six.receiving_unit, args.consolidated_runs)

    Path(args.out).write_text(json.dumps(rec.results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
