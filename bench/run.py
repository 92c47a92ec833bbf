"""`make bench`: the organisation tree at national scale and periodic reporting at province scale.

For each database a worker subprocess (this file with --worker) migrates the bench database,
generates the tree when the database is empty (or with --regenerate), then times:

  subtree_province   the subtree query for one province (ORM values_list vs the bare SQL)
  subtree_country    the same for the whole country
  subtree_scoped     the province subtree through Unit.objects.restrict(user, "view") as a specialist
  tree_page          GET /org/units/?parent=<province> as a superuser (server time, in process)
  tree_page_scoped   the same page as the province's specialist
  search_page        GET /org/units/?q=dang+uy+xa+an

each over --repeat runs (median and p95), and as a ratio to the bare SQL doing the same work
(median / median). It also records the query plans (EXPLAIN) to see which indexes are used.
Then the reporting parts of issue 3 §7 (see bench/README.md): bench/reporting_bench.py per database
(province scale: pivot, series, pivot page; the consolidated report on PostgreSQL) and
bench/surge.py (the deadline surge behind gunicorn on PostgreSQL).
The parent merges the workers' figures into bench/results.json and prints a table.

    .venv/bin/python bench/run.py [--regenerate] [--repeat 40] [--only sqlite|postgres]
        [--only-reporting | --only-surge | --skip-reporting] [--skip-consolidated] [--skip-surge]
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VAR = Path(os.environ.get("BENCH_VAR", ROOT / "var" / "bench"))
SQLITE_PATH = VAR / "bench.sqlite3"
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/tuyengiao_bench")
REPORTING_SQLITE = VAR / "reporting.sqlite3"
REPORTING_PG_URL = PG_URL.rsplit("/", 1)[0] + "/tuyengiao_bench_reporting"
RESULTS = BENCH_DIR / "results.json"
SETTINGS = "tuyengiao.settings.test"
SEARCH_TEXT = "dang uy xa an"
PAGE_P95_TARGET_MS = 100.0
RATIO_TARGET = 3.0


# --------------------------------------------------------------------------------------------
# Parent: prepare the databases, run one worker per database, merge and print.
# --------------------------------------------------------------------------------------------

def _pg_admin(url: str):
    import dj_database_url
    import psycopg

    c = dj_database_url.parse(url)
    conn = psycopg.connect(host=c["HOST"] or "127.0.0.1", port=c["PORT"] or 5432, user=c["USER"] or None,
                           password=c["PASSWORD"] or None, dbname="postgres", connect_timeout=3, autocommit=True)
    return conn, c["NAME"]


def prepare_postgres(regenerate: bool) -> str | None:
    """Create (or with regenerate, recreate) the bench database; None when it is ready, else why not."""
    try:
        conn, name = _pg_admin(PG_URL)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}: {str(exc).strip()[:200]}"
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and regenerate:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return None


def prepare_sqlite(regenerate: bool) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    if regenerate:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


def run_worker(db: str, url: str, args) -> dict:
    out = VAR / f"{db}.results.json"
    out.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS, "TUYENGIAO_VAR": str(VAR),
           "DEBUG": "0"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", db, "--repeat", str(args.repeat),
           "--page-rounds", str(args.page_rounds), "--out", str(out)]
    proc = subprocess.run(cmd, env=env, cwd=ROOT)
    if proc.returncode != 0 or not out.exists():
        return {f"{db}.error": {"value": None, "unit": "count", "note": f"worker exited with {proc.returncode}"}}
    return json.loads(out.read_text())


REPORTING_P95_TARGET_MS = 200.0
REPORTING_RATIO_TARGET = 2.0
SURGE_P95_TARGET_MS = 1000.0
CONSOLIDATED_TARGET_S = 5.0


def target_for(name: str) -> tuple[str, float] | None:
    if ".x." in name:
        return None
    if name.endswith(".ratio_to_bare_framework"):
        return ("<", RATIO_TARGET)
    if "_page" in name and name.endswith(".ratio_to_sql"):
        return None  # a whole page vs one SQL query: informational
    if name.startswith("reporting.") and ".x." not in name:
        if name.endswith(".ratio_to_sql"):
            return ("<", REPORTING_RATIO_TARGET)
        if name.endswith(".p95_ms") and not name.endswith(".sql_p95_ms"):
            return ("<", REPORTING_P95_TARGET_MS)
        return None
    if name in ("surge.errors", "surge.lost", "surge.values_wrong"):
        return ("=", 0)
    if name == "surge.p95_ms":
        return ("<", SURGE_P95_TARGET_MS)
    if name in ("consolidated.docx.seconds", "consolidated.pdf.seconds"):
        return ("<", CONSOLIDATED_TARGET_S)
    if name.endswith(".ratio_to_sql"):
        return ("<", RATIO_TARGET)
    if "_page" in name and name.endswith(".p95_ms"):
        return ("<", PAGE_P95_TARGET_MS)
    return None


def print_table(results: dict) -> None:
    main = {k: v for k, v in results.items() if ".x." not in k and ".explain." not in k}
    diagnostics = {k: v for k, v in results.items() if k not in main}
    _table(main)
    if diagnostics:
        print("\nDiagnostics (index use, alternative queries; see bench/README.md):")
        _table(diagnostics)


def _table(results: dict) -> None:
    rows = []
    for name, m in results.items():
        value, unit = m.get("value"), m.get("unit", "")
        tgt = target_for(name)
        if value is None:
            shown, ok = m.get("note", "n/a"), ("—" if tgt is None else "n/a")
        else:
            shown = f"{value:,.0f}" if unit == "count" else f"{value:,.2f}"
            met = (value == tgt[1]) if tgt is not None and tgt[0] == "=" else (tgt is not None and value < tgt[1])
            ok = "" if tgt is None else ("ok" if met else "MISS")
        rows.append((name, shown, unit, "" if tgt is None else f"{tgt[0]} {tgt[1]:g}", ok,
                     m.get("note", "") if value is not None else ""))
    header = ("metric", "value", "unit", "target", "ok?", "note")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(6)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join([r[0].ljust(widths[0]), r[1].rjust(widths[1]), *(c.ljust(w) for c, w in zip(r[2:], widths[2:], strict=True))]))


# Which keys of results.json each part writes (a part that is not run keeps its last figures).
PARTS = {
    "org-sqlite": ("sqlite.", "generate.sqlite.", "units.count", "lineage_events.count"),
    "org-postgres": ("postgres.", "generate.postgres."),
    "reporting-sqlite": ("reporting.sqlite.", "generate.reporting.sqlite."),
    "reporting-postgres": ("reporting.postgres.", "generate.reporting.postgres."),
    "consolidated": ("consolidated.",),
    "surge": ("surge.",),
}


def run_reporting_worker(db: str, url: str, args, consolidated: bool) -> dict:
    out = VAR / f"reporting-{db}.results.json"
    out.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS, "TUYENGIAO_VAR": str(VAR),
           "DEBUG": "0"}
    cmd = [sys.executable, str(BENCH_DIR / "reporting_bench.py"), "--db", db, "--repeat",
           str(max(20, args.reporting_repeat)), "--page-rounds", str(args.page_rounds), "--out", str(out)]
    if consolidated:
        cmd.append("--consolidated")
    proc = subprocess.run(cmd, env=env, cwd=ROOT)
    if proc.returncode != 0 or not out.exists():
        return {f"reporting.{db}.error": {"value": None, "unit": "count",
                                          "note": f"worker exited with {proc.returncode}"}}
    return json.loads(out.read_text())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regenerate", action="store_true",
                    help="drop the bench databases (org tree and reporting) and generate them again")
    ap.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "40")))
    ap.add_argument("--reporting-repeat", type=int, default=int(os.environ.get("BENCH_REPORTING_REPEAT", "20")),
                    help="runs per reporting figure (at least 20; pages at most 20)")
    ap.add_argument("--page-rounds", type=int, default=int(os.environ.get("BENCH_PAGE_ROUNDS", "2")),
                    help="rounds per page figure; the round with the lowest page median is kept (default 2)")
    ap.add_argument("--only", choices=["sqlite", "postgres"], help="one database for the org and reporting parts")
    ap.add_argument("--only-reporting", action="store_true",
                    help="the reporting parts only (province scale, consolidated report, surge)")
    ap.add_argument("--skip-reporting", action="store_true", help="no province-scale reporting figures")
    ap.add_argument("--skip-consolidated", action="store_true", help="no consolidated report timings")
    ap.add_argument("--skip-surge", action="store_true", help="no deadline surge behind gunicorn")
    ap.add_argument("--only-surge", action="store_true", help="the deadline surge only")
    ap.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return worker(args)

    dbs = [d for d in ("sqlite", "postgres") if args.only in (None, d)]
    do_org = not (args.only_reporting or args.only_surge)
    do_reporting = not (args.skip_reporting or args.only_surge)
    do_consolidated = do_reporting and not args.skip_consolidated
    do_surge = not args.skip_surge and args.only != "sqlite"
    results: dict = {}
    ran: set[str] = set()
    if do_org:
        for db in dbs:
            ran.add(f"org-{db}")
            if db == "sqlite":
                prepare_sqlite(args.regenerate)
                results.update(run_worker("sqlite", f"sqlite:///{SQLITE_PATH}", args))
                continue
            why_not = prepare_postgres(args.regenerate)
            if why_not:
                print(f"Skipping PostgreSQL: {why_not}", file=sys.stderr)
                results["postgres.skipped"] = {"value": None, "unit": "count", "note": why_not}
            else:
                results.update(run_worker("postgres", PG_URL, args))
    if do_reporting:
        pg_why_not = prepare_reporting_postgres(args.regenerate) if "postgres" in dbs else "not requested"
        consolidated_db = "postgres" if pg_why_not is None else "sqlite"
        for db in dbs:
            ran.add(f"reporting-{db}")
            want_consolidated = do_consolidated and db == consolidated_db
            if want_consolidated:
                ran.add("consolidated")
            if db == "sqlite":
                prepare_reporting_sqlite(args.regenerate)
                results.update(run_reporting_worker("sqlite", f"sqlite:///{REPORTING_SQLITE}", args,
                                                    want_consolidated))
            elif pg_why_not:
                print(f"Skipping reporting on PostgreSQL: {pg_why_not}", file=sys.stderr)
                results["reporting.postgres.skipped"] = {"value": None, "unit": "count", "note": pg_why_not}
            else:
                results.update(run_reporting_worker("postgres", REPORTING_PG_URL, args, want_consolidated))
    if do_surge:
        sys.path.insert(0, str(BENCH_DIR))
        import surge  # bench/surge.py

        ran.add("surge")
        results.update(surge.run_surge())
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stale = tuple(p for part in ran for p in PARTS[part])
    kept = {k: v for k, v in previous.items() if not k.startswith(stale)}
    results = dict(sorted({**kept, **results}.items()))
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print()
    print_table(results)
    print(f"\nWritten {RESULTS.relative_to(ROOT)}; query plans in {(VAR / '*.explain.txt').relative_to(ROOT)}")
    return 0


def prepare_reporting_sqlite(regenerate: bool) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    if regenerate:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{REPORTING_SQLITE}{suffix}").unlink(missing_ok=True)
        (VAR / "reporting-sqlite.generate.json").unlink(missing_ok=True)


def prepare_reporting_postgres(regenerate: bool) -> str | None:
    """Create (or with regenerate, recreate) the reporting bench database; None when it is ready."""
    try:
        conn, name = _pg_admin(REPORTING_PG_URL)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL not reachable at {REPORTING_PG_URL}: {exc.__class__.__name__}: {str(exc).strip()[:200]}"
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and regenerate:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            (VAR / "reporting-postgres.generate.json").unlink(missing_ok=True)
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return None


# --------------------------------------------------------------------------------------------
# Worker: runs inside Django with DATABASE_URL pointing at one bench database.
# --------------------------------------------------------------------------------------------

def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn, repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    gc.collect()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def paired(orm, sql, repeat: int) -> tuple[list[float], list[float]]:
    """Time the ORM (or page) call and the bare SQL alternately, so drift hits both alike."""
    for _ in range(3):
        orm()
        sql()
    gc.collect()
    a, b = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        orm()
        t1 = time.perf_counter()
        sql()
        t2 = time.perf_counter()
        a.append(t1 - t0)
        b.append(t2 - t1)
    return a, b


def alternating(fns, repeat: int) -> list[list[float]]:
    """Time several calls alternately (page, bare SQL, bare view, …), so drift hits all alike."""
    for _ in range(3):
        for fn in fns:
            fn()
    gc.collect()
    out: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, out, strict=True):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return out


def page_rounds(page, sql, bare_view, repeat: int, rounds: int):
    """`rounds` independent rounds of (page, bare SQL, bare view) timed alternately; the round with the
    lowest page median is kept (on a shared machine the other work only ever adds time). Returns the
    kept round's three lists of times and every round's page median (ms)."""
    best, medians = None, []
    for _ in range(max(1, rounds)):
        times = alternating([page, sql, bare_view], repeat)
        medians.append(_stats(times[0])[0])
        if best is None or medians[-1] < _stats(best[0])[0]:
            best = times
    return best, medians


class Recorder:
    def __init__(self, db: str):
        self.db = db
        self.results: dict = {}

    def put(self, name: str, value, unit: str, note: str | None = None, prefix: bool = True):
        key = f"{self.db}.{name}" if prefix else name
        if value is not None:
            value = int(value) if unit == "count" else round(float(value), 3)
        entry = {"value": value, "unit": unit}
        if note:
            entry["note"] = note
        self.results[key] = entry

    def pair(self, name: str, orm_times, sql_times, rows: int | None = None):
        om, op = _stats(orm_times)
        sm, sp = _stats(sql_times)
        self.put(f"{name}.median_ms", om, "ms")
        self.put(f"{name}.p95_ms", op, "ms")
        self.put(f"{name}.sql_median_ms", sm, "ms")
        self.put(f"{name}.sql_p95_ms", sp, "ms")
        self.put(f"{name}.ratio_to_sql", om / sm if sm else None, "ratio")
        if rows is not None:
            self.put(f"{name}.rows", rows, "count")
        print(f"  {name:<20} median {om:8.2f} ms  p95 {op:8.2f} ms   bare SQL {sm:7.2f} ms   ratio {om / sm:5.2f}",
              file=sys.stderr)

    def page(self, name: str, times, medians: list[float], rows: int | None = None):
        """A page figure: the page, the bare SQL and the bare-framework view (bench/bare.py) of one round."""
        page_t, sql_t, bare_t = times
        om, op = _stats(page_t)
        sm, sp = _stats(sql_t)
        bm, bp = _stats(bare_t)
        note = (f"best of {len(medians)} rounds by median (round medians "
                f"{', '.join(f'{m:.1f}' for m in medians)} ms)") if len(medians) > 1 else None
        self.put(f"{name}.median_ms", om, "ms", note)
        self.put(f"{name}.p95_ms", op, "ms")
        self.put(f"{name}.bare_framework_median_ms", bm, "ms")
        self.put(f"{name}.bare_framework_p95_ms", bp, "ms")
        self.put(f"{name}.ratio_to_bare_framework", om / bm if bm else None, "ratio",
                 "median(page) / median(minimal Django view + template on the same SQL, bench/bare.py)")
        self.put(f"{name}.sql_median_ms", sm, "ms")
        self.put(f"{name}.sql_p95_ms", sp, "ms")
        self.put(f"{name}.ratio_to_sql", om / sm if sm else None, "ratio",
                 "page vs one SQL query: informational, no target")
        self.put(f"{name}.rounds", len(medians), "count")
        if rows is not None:
            self.put(f"{name}.rows", rows, "count")
        print(f"  {name:<20} median {om:8.2f} ms  p95 {op:8.2f} ms   bare view {bm:7.2f} ms "
              f"(ratio {om / bm:5.2f})   bare SQL {sm:7.2f} ms (ratio {om / sm:5.2f})   rounds {medians}",
              file=sys.stderr)

    def unavailable(self, name: str, note: str):
        for suffix, unit in (("median_ms", "ms"), ("p95_ms", "ms"), ("ratio_to_bare_framework", "ratio"),
                             ("ratio_to_sql", "ratio")):
            self.put(f"{name}.{suffix}", None, unit, note)
        print(f"  {name:<20} {note}", file=sys.stderr)


def count_queries(connection, fn) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _plan(cursor, vendor: str, sql: str, params) -> str:
    if vendor == "postgresql":
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())
    cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
    return "\n".join(str(r[-1]) for r in cursor.fetchall())


def _uses_index(plan: str, vendor: str) -> bool:
    """True when an index narrows the rows (not merely a full scan in an index's order)."""
    if vendor == "postgresql":
        return "Index Cond" in plan
    return any(line.startswith("SEARCH org_unit ") for line in plan.splitlines())


def _register_under_lookup():
    """The lookup the bench suggests for materialised-path prefixes, registered here only to time it:
    GLOB on SQLite (its LIKE is case-insensitive, so a BINARY index cannot serve it), LIKE elsewhere
    (PostgreSQL's *_like varchar_pattern_ops index). Paths hold only digits and "/": nothing to escape."""
    from django.db import models

    class Under(models.Lookup):
        lookup_name = "bench_under"

        def as_sql(self, compiler, connection):
            lhs, lhs_params = self.process_lhs(compiler, connection)
            rhs, rhs_params = self.process_rhs(compiler, connection)
            op, wildcard = ("GLOB", "*") if connection.vendor == "sqlite" else ("LIKE", "%")
            return f"{lhs} {op} {rhs}", [*lhs_params, *(f"{p}{wildcard}" for p in rhs_params)]

    models.CharField.register_lookup(Under)


def worker(args) -> int:
    import django

    sys.path.insert(0, str(BENCH_DIR))
    django.setup()
    import bare as bare_views  # bench/bare.py
    import generate  # bench/generate.py
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, reverse

    from tuyengiao.accounts.models import Grant, User
    from tuyengiao.accounts.roles import Role
    from tuyengiao.core.permissions import forget
    from tuyengiao.core.vi import fold
    from tuyengiao.org.models import LineageEvent, Unit

    db, repeat = args.worker, args.repeat
    rec = Recorder(db)
    vendor = connection.vendor
    print(f"== {db} ({connection.settings_dict['NAME']}) ==", file=sys.stderr)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    meta_path = VAR / f"{db}.generate.json"
    if not Unit.objects.exists():
        print("  generating the national tree …", file=sys.stderr)
        stats = generate.build()
        meta_path.write_text(json.dumps(stats))
        print(f"  generated {stats['units']:,} units in {stats['seconds']:.1f} s", file=sys.stderr)
    stats = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    rec.put(f"generate.{db}.seconds", stats.get("seconds"), "s",
            None if stats else "database generated by an earlier version; run with --regenerate", prefix=False)
    rec.put("units.count", Unit.objects.count(), "count", prefix=False)
    rec.put("lineage_events.count", LineageEvent.objects.count(), "count", prefix=False)

    # The province with most direct sub-units: the heaviest single-province subtree and tree level.
    province = (Unit.objects.filter(depth=1).annotate(n=Count("children")).order_by("-n", "id").first())
    root = Unit.objects.get(depth=0)
    prefix = province.path
    rec.put("province.subunits", Unit.objects.filter(parent=province).count(), "count")
    print(f"  province: {province.name} ({Unit.objects.subtree(province).count():,} units)", file=sys.stderr)

    superuser, created = User.objects.get_or_create(
        username="bench_root", defaults={"is_superuser": True, "is_staff": True, "full_name": "Bench Root"})
    if created:
        superuser.set_unusable_password()
        superuser.save()
    specialist, created = User.objects.get_or_create(
        username="bench_specialist", defaults={"full_name": "Chuyên viên Đo Lường", "home_unit": province})
    if created:
        specialist.set_unusable_password()
        specialist.save()
    Grant.objects.get_or_create(user=specialist, unit=province, role=Role.SPECIALIST,
                                defaults={"valid_from": generate.NEW_START})

    cur = connection.cursor()
    report: list[str] = []

    def bare(sql, params):
        def run():
            cur.execute(sql, params)
            return cur.fetchall()
        return run

    def bare_rows(sql, params):
        """What bench/bare.py's view runs: a new cursor on the request's connection, as a view would."""
        def run():
            with connection.cursor() as c:
                c.execute(sql, params)
                return c.fetchall()
        return run

    # The same work as the product's query: the subtree in Vietnamese order, through the index-friendly
    # prefix match an expert would write (GLOB on SQLite, whose LIKE ignores the index; LIKE on PostgreSQL).
    like, wildcard = ("GLOB", "*") if vendor == "sqlite" else ("LIKE", "%")
    subtree_sql = f"SELECT id, name FROM org_unit WHERE path {like} %s ORDER BY sort_key, id"

    # 1–2. Subtree of one province and of the whole country, through Unit.objects.subtree().
    for name, unit in (("subtree_province", province), ("subtree_country", root)):
        def orm(unit=unit):
            return list(Unit.objects.subtree(unit).values_list("id", "name"))
        rows = len(orm())
        a, b = paired(orm, bare(subtree_sql, [unit.path + wildcard]), repeat)
        rec.pair(name, a, b, rows)

    # Where the subtree ratio comes from: Unit's Meta.ordering adds ORDER BY sort_key, id.
    _register_under_lookup()
    variants = {
        "orm_unordered": lambda: list(Unit.objects.filter(path__startswith=prefix).order_by()
                                      .values_list("id", "name")),
        "orm_under": lambda: list(Unit.objects.filter(path__bench_under=prefix).values_list("id", "name")),
        "orm_under_unordered": lambda: list(Unit.objects.filter(path__bench_under=prefix).order_by()
                                            .values_list("id", "name")),
        "sql_like_ordered": bare("SELECT id, name FROM org_unit WHERE path LIKE %s ORDER BY sort_key, id",
                                 [prefix + "%"]),
    }
    for label, fn in variants.items():
        rec.put(f"x.subtree_province.{label}_median_ms", _stats(timed(fn, repeat))[0], "ms")
    for label in ("orm_under", "orm_unordered"):
        qs = Unit.objects.filter(**{"path__bench_under" if "under" in label else "path__startswith": prefix})
        if "unordered" in label:
            qs = qs.order_by()
        sql, params = qs.values_list("id", "name").query.sql_with_params()
        report.append(f"-- variant {label}\n{sql}\n{params}\n{_plan(cur, vendor, sql, params)}\n")

    # 5. The same province subtree through the scoping primitive, as the province's specialist.
    def scoped():
        forget(specialist)  # a request starts with an empty scope cache: the grants query is part of it
        return list(Unit.objects.restrict(specialist, "view").values_list("id", "name"))
    rows = len(scoped())
    a, b = paired(scoped, bare(subtree_sql, [prefix + wildcard]), repeat)
    rec.pair("subtree_scoped", a, b, rows)

    # 3–4. Pages, server time in process.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    level_sql = (
        "SELECT u.id, u.name, COUNT(c.id) FROM org_unit u "
        "LEFT JOIN org_unit c ON c.parent_id = u.id AND c.valid_from <= %s AND (c.valid_to IS NULL OR c.valid_to >= %s) "
        "WHERE u.parent_id = %s AND u.valid_from <= %s AND (u.valid_to IS NULL OR u.valid_to >= %s) "
        "GROUP BY u.id, u.name, u.sort_key ORDER BY u.sort_key"
    )
    today = dt.date.today()
    search_sql = (
        "SELECT id, name FROM org_unit WHERE search LIKE %s AND valid_from <= %s "
        "AND (valid_to IS NULL OR valid_to >= %s) ORDER BY sort_key LIMIT 200"
    )
    try:
        url = reverse("org:unit_tree")
    except NoReverseMatch:
        url = None
    pages = [
        ("tree_page", superuser, {"parent": province.pk}, bare(level_sql, [today, today, province.pk, today, today])),
        ("tree_page_scoped", specialist, {"parent": province.pk},
         bare(level_sql, [today, today, province.pk, today, today])),
        ("search_page", superuser, {"q": SEARCH_TEXT}, bare(search_sql, [f"%{fold(SEARCH_TEXT)}%", today, today])),
    ]
    # The bare-framework baseline of each page (bench/bare.py): the same SQL, a minimal view and template.
    bare_views.register("tree_page", bare_rows(level_sql, [today, today, province.pk, today, today]), bare_views.TREE_TEMPLATE)
    bare_views.register("tree_page_scoped", bare_rows(level_sql, [today, today, province.pk, today, today]),
                  bare_views.TREE_TEMPLATE)
    bare_views.register("search_page", bare_rows(search_sql, [f"%{fold(SEARCH_TEXT)}%", today, today]),
                  bare_views.SEARCH_TEMPLATE)
    with override_settings(ROOT_URLCONF=bare_views.urlconf(settings.ROOT_URLCONF)):
        for name, user, params, sql in pages:
            if url is None:
                rec.unavailable(name, "not available: no URL named org:unit_tree yet")
                continue
            client = Client()
            client.force_login(user)
            response = client.get(url, params)
            if response.status_code != 200:
                rec.unavailable(name, f"not available: GET {url} answered {response.status_code}")
                continue
            bare_url = f"/__bench__/{name}/"
            assert client.get(bare_url).status_code == 200
            rec.put(f"{name}.queries", count_queries(connection, lambda c=client, p=params: c.get(url, p)), "count")
            rec.put(f"{name}.bare_framework_queries", count_queries(connection, lambda c=client, u=bare_url: c.get(u)),
                    "count")
            times, medians = page_rounds(lambda c=client, p=params: c.get(url, p), sql,
                                         lambda c=client, u=bare_url: c.get(u), repeat, args.page_rounds)
            rec.page(name, times, medians, len(sql()))

    # Every page's context processor asks whether sample data exist: a full scan when none do.
    sample_sql = "SELECT 1 FROM org_unit WHERE is_sample LIMIT 1"
    rec.put("x.sample_banner_sql_median_ms", _stats(timed(bare(sample_sql, []), repeat))[0], "ms")
    report.append(f"-- sample-data banner\n{sample_sql}\n{_plan(cur, vendor, sample_sql, [])}\n")

    # Which indexes do the queries use? Plans go to var/bench/<db>.explain.txt.
    checks = {
        "subtree_province": Unit.objects.filter(path__startswith=prefix).values_list("id", "name"),
        "subtree_scoped": Unit.objects.restrict(specialist, "view").values_list("id", "name"),
        "search": Unit.objects.search(SEARCH_TEXT).order_by("sort_key").values_list("id", "name")[:200],
        "tree_level": Unit.objects.filter(parent=province).annotate(n=Count("children")).values_list("id", "name", "n"),
    }
    for name, qs in checks.items():
        sql, params = qs.query.sql_with_params()
        plan = _plan(cur, vendor, sql, params)
        used = _uses_index(plan, vendor)
        rec.put(f"explain.{name}.uses_index", int(used), "count")
        report.append(f"-- {name}: {'index used' if used else 'NO INDEX'}\n{sql}\n{params}\n{plan}\n")

    # Experiments inside a rolled-back transaction: what the missing indexes would change.
    experiments(rec, vendor, cur, prefix, repeat, report, transaction, fold)

    (VAR / f"{db}.explain.txt").write_text("\n".join(report))
    Path(args.out).write_text(json.dumps(rec.results, ensure_ascii=False))
    return 0


def experiments(rec, vendor, cur, prefix, repeat, report, transaction, fold):
    """Alternatives to the LIKE queries, timed as bare SQL; schema changes are rolled back."""
    like = f"%{fold(SEARCH_TEXT)}%"
    search_sql = "SELECT id, name FROM org_unit WHERE search LIKE %s ORDER BY sort_key LIMIT 200"
    subtree_sql = "SELECT id, name FROM org_unit WHERE path LIKE %s"

    def t(sql, params):
        def run():
            cur.execute(sql, params)
            return cur.fetchall()
        return _stats(timed(run, repeat))[0]

    if vendor == "sqlite":
        # SQLite's LIKE is case-insensitive: a BINARY index serves only GLOB, a range or case_sensitive_like.
        glob_sql = "SELECT id, name FROM org_unit WHERE path GLOB %s"
        range_sql = "SELECT id, name FROM org_unit WHERE path >= %s AND path < %s"
        upper = prefix[:-1] + "0"  # "/" < "0": every path under prefix sorts in [prefix, upper)
        rec.put("x.subtree_province.like_sql_median_ms", t(subtree_sql, [prefix + "%"]), "ms")
        rec.put("x.subtree_province.glob_sql_median_ms", t(glob_sql, [prefix + "*"]), "ms")
        rec.put("x.subtree_province.range_sql_median_ms", t(range_sql, [prefix, upper]), "ms")
        for label, sql, params in (("glob", glob_sql, [prefix + "*"]), ("range", range_sql, [prefix, upper])):
            report.append(f"-- experiment {label}\n{sql}\n{params}\n{_plan(cur, vendor, sql, params)}\n")
        # Its planner walks the sort_key index for "WHERE <unindexable> ORDER BY sort_key": compare a scan.
        rec.put("x.search.sql_median_ms", t(search_sql, [like]), "ms")
        not_indexed = search_sql.replace("FROM org_unit", "FROM org_unit NOT INDEXED")
        rec.put("x.search.not_indexed_sql_median_ms", t(not_indexed, [like]), "ms")
        report.append(f"-- experiment search without the sort_key index\n{not_indexed}\n"
                      f"{_plan(cur, vendor, not_indexed, [like])}\n")
        cur.execute("PRAGMA case_sensitive_like = ON")
        try:
            django_like = "SELECT id, name FROM org_unit WHERE path LIKE %s ESCAPE '\\'"
            rec.put("x.subtree_province.case_sensitive_like_sql_median_ms", t(django_like, [prefix + "%"]), "ms")
            report.append(f"-- experiment PRAGMA case_sensitive_like=ON\n{django_like}\n"
                          f"{_plan(cur, vendor, django_like, [prefix + '%'])}\n")
        finally:
            cur.execute("PRAGMA case_sensitive_like = OFF")
        return

    # PostgreSQL: the search column's LIKE '%…%' needs a trigram index; try one, then roll it back.
    rec.put("x.search.seqscan_sql_median_ms", t(search_sql, [like]), "ms")
    try:
        with transaction.atomic():
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cur.execute("CREATE INDEX bench_unit_search_trgm ON org_unit USING gin (search gin_trgm_ops)")
            cur.execute("ANALYZE org_unit")
            rec.put("x.search.trgm_sql_median_ms", t(search_sql, [like]), "ms")
            report.append(f"-- experiment pg_trgm GIN on search\n{search_sql}\n"
                          f"{_plan(cur, vendor, search_sql, [like])}\n")
            # A rarer word: where a trigram index pays off.
            rare = f"%{fold('Hoàn Kiếm')}%"
            rec.put("x.search_rare.seqscan_sql_median_ms", None, "ms")
            rec.put("x.search_rare.trgm_sql_median_ms", t(search_sql, [rare]), "ms")
            transaction.set_rollback(True)
        rec.put("x.search_rare.seqscan_sql_median_ms", t(search_sql, [rare]), "ms")
    except Exception as exc:  # noqa: BLE001 - an experiment must not sink the run
        rec.put("x.search.trgm_sql_median_ms", None, "ms", f"experiment failed: {exc}")


if __name__ == "__main__":
    sys.exit(main())
