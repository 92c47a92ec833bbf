"""Deadline surge on PostgreSQL behind gunicorn (issue 3 §7), run by bench/run.py (or alone:
`.venv/bin/python bench/surge.py`).

1. A fresh database `tuyengiao_bench_surge` (dropped and recreated every run): the 300-unit province
   of bench/reporting_generate.py, the six-monthly regime with its 150-indicator form, 300 users with a
   *reporter* grant on their unit and an API token each, and an open draft for 2026-H2 per unit
   (reporting.services.report_get_or_create_draft). The figures each unit will send are written to
   var/bench/surge.plan.json (the demo's figures plus the padding indicators; some empty, some
   "không phát sinh").
2. gunicorn with 2 sync workers on 127.0.0.1 only, with the production settings
   (DJANGO_SETTINGS_MODULE=tuyengiao.settings.prod, DEBUG off, a throw-away SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0 since there is no TLS proxy in front).
3. The load generator (threads + urllib, 127.0.0.1 only): unit i starts at i × 60 s / 300, so all 300
   start within one minute; each does what a client of the REST API does at the deadline:
       GET  /api/reporting/reports/<id>/          (the revision)
       POST /api/reporting/reports/<id>/save/     {revision, values: all 150 indicators}
       POST /api/reporting/reports/<id>/submit/   {revision, explanation}
   Every request has a 60 s timeout and the whole run a hard limit (SURGE_LIMIT_S); it stops by itself.
4. gunicorn is stopped (only the process started here), then the database is checked: every report
   submitted, every value stored as sent. A report is lost when it is not submitted or any of its 150
   values differs from what the client sent.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VAR = Path(os.environ.get("BENCH_VAR", ROOT / "var" / "bench"))
PG_BASE = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/tuyengiao_bench")
SURGE_DB = "tuyengiao_bench_surge"
PLAN = VAR / "surge.plan.json"
PERIOD = "2026-H2"
SPREAD_S = float(os.environ.get("SURGE_SPREAD_S", "60"))
SURGE_LIMIT_S = 300.0
REQUEST_TIMEOUT_S = 60.0
THREADS = 64
EXPLANATION = "Số liệu đã được đơn vị rà soát, đối chiếu."


def surge_url() -> str:
    return PG_BASE.rsplit("/", 1)[0] + "/" + SURGE_DB


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tuyengiao.settings.prod",
            "SECRET_KEY": "bench-surge-" + os.urandom(16).hex(), "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0", "DEBUG": "0", "TUYENGIAO_VAR": str(VAR), "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(BENCH_DIR)}


# --------------------------------------------------------------------------- inside Django: setup, verify


def setup() -> None:
    import random

    import django

    django.setup()
    import reporting_generate as G
    from django.core.management import call_command
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from tuyengiao.accounts.models import Grant, User
    from tuyengiao.accounts.roles import Role
    from tuyengiao.org.models import UnitType
    from tuyengiao.reporting import services
    from tuyengiao.reporting.models import Indicator, Period

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    with transaction.atomic():
        _root, receiving, units = G._tree()
        sections = G.padded_sections()
        regime = services.regime_create(by=None, unit_types=UnitType.objects.filter(code="dang-uy-xa"), data={
            "code": "surge-6thang", "name": "Báo cáo sơ kết 6 tháng công tác tuyên giáo (surge)",
            "frequency": "six_monthly", "receiving_unit": receiving, "deadline_days": 10, "cutoff_days": 0})
        G.demo._build_form(regime, sections, G.demo.RULES)
        regime.refresh_from_db()
        period = Period.objects.for_code(PERIOD)
        indicators = list(Indicator.objects.filter(form_id=regime.current_form_id).order_by("section__order", "order"))
        maker = G._Values(indicators, rng)
        users = []
        for u in units:
            user = User(username=f"surge_{u.code.lower()}", full_name=f"Văn thư {u.name}", home_unit=u)
            user.set_unusable_password()
            users.append(user)
        User.objects.bulk_create(users)
        users = list(User.objects.filter(username__startswith="surge_").order_by("id"))
        by_unit = {usr.home_unit_id: usr for usr in users}
        Grant.objects.bulk_create([Grant(user=by_unit[u.pk], unit=u, role=Role.REPORTER, valid_from=G.UNIT_START)
                                   for u in units])
        Token.objects.bulk_create([Token(user=usr, key=Token.generate_key()) for usr in users])
    tokens = dict(Token.objects.values_list("user_id", "key"))
    plan = []
    for u in units:
        user = by_unit[u.pk]
        report = services.report_get_or_create_draft(regime=regime, period=period, unit=u, by=user)
        values = {}
        for _ind_id, code, state, number, flag, _w in maker.rows(u, period, 1.0):
            if state == "missing":
                values[code] = None
            elif state == "not_applicable":
                values[code] = services.NOT_APPLICABLE
            elif flag is not None:
                values[code] = flag
            else:
                values[code] = number
        plan.append({"unit": u.pk, "report": report.pk, "token": tokens[user.pk], "values": values})
    PLAN.write_text(json.dumps({"regime": regime.pk, "period": period.pk, "units": plan}))
    print(f"  surge setup: {len(plan)} units, users, grants, tokens and drafts", file=sys.stderr)


def verify() -> dict:
    from decimal import Decimal

    import django

    django.setup()
    from tuyengiao.reporting.models import Report, ReportValue

    plan = json.loads(PLAN.read_text())
    reports = {r.pk: r for r in Report.objects.filter(pk__in=[p["report"] for p in plan["units"]])}
    stored: dict[int, dict] = {}
    for rid, code, state, number, flag, status, path in ReportValue.objects.filter(report_id__in=list(reports)).values_list(
            "report_id", "code", "state", "value_number", "value_bool", "status", "unit_path"):
        stored.setdefault(rid, {})[code] = (state, number, flag, status, path)
    lost, values_wrong, submitted = 0, 0, 0
    for p in plan["units"]:
        r = reports.get(p["report"])
        ok = r is not None and r.status == Report.Status.SUBMITTED and r.submitted_at is not None
        submitted += ok
        rows = stored.get(p["report"], {})
        for code, sent in p["values"].items():
            got = rows.get(code)
            if sent is None:
                good = got is not None and got[0] == "missing"
            elif sent == "not_applicable":
                good = got is not None and got[0] == "not_applicable"
            elif isinstance(sent, bool):
                good = got is not None and got[0] == "value" and got[2] is sent
            else:
                good = got is not None and got[0] == "value" and got[1] is not None and \
                    got[1].quantize(Decimal("0.0001")) == Decimal(str(sent)).quantize(Decimal("0.0001"))
            # The denormalised columns the roll-ups read must follow the report.
            good = good and got[3] == (r.status if r else None) and got[4] == (r.unit_path if r else None)
            if not good:
                values_wrong += 1
                ok = False
        lost += not ok
    return {"reports": len(plan["units"]), "submitted": submitted, "lost": lost, "values_wrong": values_wrong,
            "values_expected": sum(len(p["values"]) for p in plan["units"])}


# --------------------------------------------------------------------------- parent: database, server, load


def _recreate_db() -> str | None:
    import dj_database_url
    import psycopg

    c = dj_database_url.parse(PG_BASE)
    try:
        conn = psycopg.connect(host=c["HOST"] or "127.0.0.1", port=c["PORT"] or 5432, user=c["USER"] or None,
                               password=c["PASSWORD"] or None, dbname="postgres", connect_timeout=3, autocommit=True)
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable: {exc.__class__.__name__}: {str(exc).strip()[:200]}"
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SURGE_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{SURGE_DB}"')
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Client:
    def __init__(self, base: str):
        self.base = base
        self.lock = threading.Lock()
        self.samples: list[tuple[str, float, int, str]] = []  # (kind, seconds, status, error)

    def call(self, kind: str, method: str, path: str, token: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Token {token}", "Accept": "application/json",
            **({"Content-Type": "application/json"} if data is not None else {})})
        t0 = time.perf_counter()
        status, error, payload = 0, "", None
        try:
            with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_S) as resp:
                status = resp.status
                payload = json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            status, error = exc.code, exc.read()[:300].decode(errors="replace")
        except Exception as exc:  # noqa: BLE001 - timeouts, refused connections: all count as errors
            error = f"{exc.__class__.__name__}: {exc}"
        elapsed = time.perf_counter() - t0
        with self.lock:
            self.samples.append((kind, elapsed, status, error))
        return status, payload


def _unit_session(client: _Client, p: dict, start_at: float, deadline: float) -> bool:
    delay = start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    if time.monotonic() > deadline:
        return False
    rid, token = p["report"], p["token"]
    status, detail = client.call("get", "GET", f"/api/reporting/reports/{rid}/", token)
    if status != 200:
        return False
    status, saved = client.call("save", "POST", f"/api/reporting/reports/{rid}/save/", token,
                                {"revision": detail["revision"], "values": p["values"]})
    if status != 200 or saved.get("errors"):
        return False
    status, _ = client.call("submit", "POST", f"/api/reporting/reports/{rid}/submit/", token,
                            {"revision": saved["revision"], "explanation": EXPLANATION})
    return status == 200


def _pct(values: list[float], q: float) -> float:
    import math

    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


def _wait_ready(base: str, token: str, proc, limit: float = 60.0) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            req = urllib.request.Request(base + "/api/reporting/periods/", headers={"Authorization": f"Token {token}"})
            with urllib.request.urlopen(req, timeout=5) as resp:
                if resp.status == 200:
                    return True
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    return False


def run_surge(python: str = sys.executable) -> dict:
    """The whole surge; returns {"surge.…": {"value", "unit"}} for bench/results.json."""
    def put(out, name, value, unit, note=None):
        entry = {"value": None if value is None else (int(value) if unit == "count" else round(float(value), 3)),
                 "unit": unit}
        if note:
            entry["note"] = note
        out[f"surge.{name}"] = entry

    out: dict = {}
    why_not = _recreate_db()
    if why_not:
        put(out, "skipped", None, "count", why_not)
        return out
    VAR.mkdir(parents=True, exist_ok=True)
    env = _env(surge_url())
    print("== surge (PostgreSQL, gunicorn 2 sync workers, settings.prod) ==", file=sys.stderr)
    t0 = time.perf_counter()
    subprocess.run([python, str(Path(__file__).resolve()), "--setup"], env=env, cwd=ROOT, check=True)
    put(out, "setup_seconds", time.perf_counter() - t0, "s")
    plan = json.loads(PLAN.read_text())["units"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(VAR / "surge.gunicorn.log", "w")  # noqa: SIM115 - closed below
    gunicorn = Path(python).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "tuyengiao.wsgi", "--workers", "2", "--worker-class", "sync",
                             "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--access-logfile", "-"],
                            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if not _wait_ready(base, plan[0]["token"], proc):
            put(out, "errors", None, "count", "gunicorn did not answer; see var/bench/surge.gunicorn.log")
            return out
        client = _Client(base)
        n = len(plan)
        started = time.monotonic()
        deadline = started + SURGE_LIMIT_S
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [pool.submit(_unit_session, client, p, started + i * SPREAD_S / n, deadline)
                       for i, p in enumerate(plan)]
            done = [f.result() for f in futures]
        duration = time.monotonic() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the gunicorn master started above, and its workers
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
    samples = client.samples
    errors = [s for s in samples if not 200 <= s[2] < 300]
    lat = [s[1] for s in samples]
    put(out, "units", n, "count")
    put(out, "requests", len(samples), "count")
    put(out, "errors", len(errors), "count")
    put(out, "sessions_completed", sum(done), "count")
    put(out, "p50_ms", _pct(lat, 0.5), "ms")
    put(out, "p95_ms", _pct(lat, 0.95), "ms")
    put(out, "max_ms", max(lat) * 1000, "ms")
    for kind in ("get", "save", "submit"):
        ks = [s[1] for s in samples if s[0] == kind]
        if ks:
            put(out, f"{kind}.p50_ms", _pct(ks, 0.5), "ms")
            put(out, f"{kind}.p95_ms", _pct(ks, 0.95), "ms")
    put(out, "duration_s", duration, "s")
    put(out, "throughput_rps", len(samples) / duration, "req/s")
    put(out, "reports_per_minute", sum(done) / duration * 60, "count")
    if errors:
        (VAR / "surge.errors.txt").write_text("\n".join(f"{k} {st} {e}" for k, _t, st, e in errors[:200]))
    res = subprocess.run([python, str(Path(__file__).resolve()), "--verify"], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if res.returncode == 0:
        v = json.loads(res.stdout.strip().splitlines()[-1])
        put(out, "reports_submitted", v["submitted"], "count")
        put(out, "lost", v["lost"], "count")
        put(out, "values_wrong", v["values_wrong"], "count")
        put(out, "values_sent", v["values_expected"], "count")
    else:
        put(out, "lost", None, "count", "verification failed: " + res.stderr[-300:])
    print(f"  {len(samples)} requests in {duration:.1f} s, {len(errors)} errors, p50 {_pct(lat, .5):.0f} ms, "
          f"p95 {_pct(lat, .95):.0f} ms, lost {out.get('surge.lost', {}).get('value')}", file=sys.stderr)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--verify", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(BENCH_DIR))
    if args.setup:
        setup()
        return 0
    if args.verify:
        print(json.dumps(verify()))
        return 0
    results = run_surge()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
