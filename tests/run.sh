#!/usr/bin/env bash
# Runs the whole suite: SQLite always; PostgreSQL when reachable (or required); browser tests when
# Chromium is present (or required). REQUIRE_POSTGRES=1 / REQUIRE_BROWSER=1 turn a skip into a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=tuyengiao.settings.test
export TUYENGIAO_VAR="${TUYENGIAO_VAR:-$PWD/var}"
mkdir -p "$TUYENGIAO_VAR"
PG_URL="${DATABASE_URL_PG:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tuyengiao}}"
unset DATABASE_URL

browser_args=()
if [ -x /usr/bin/chromium ]; then
  export TUYENGIAO_BROWSER=1
elif [ "${REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "FAIL: Chromium (/usr/bin/chromium) is required but missing"; exit 1
else
  echo "Chromium not found: browser tests will be skipped"; browser_args=(-m "not browser")
fi

status=0
echo "== Suite on SQLite =="
$BIN/pytest -q --create-db "${browser_args[@]}" "$@" || status=$?
[ $status -eq 5 ] && status=0

pg_ok=0
if $BIN/python - "$PG_URL" <<'PY' 2>/dev/null; then pg_ok=1; fi
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
psycopg.connect(host=c["HOST"], port=c["PORT"] or 5432, user=c["USER"], password=c["PASSWORD"], dbname="postgres", connect_timeout=3).close()
PY
if [ $pg_ok = 1 ]; then
  echo "== Suite on PostgreSQL =="
  # Browser tests drive the same pages; once (on SQLite) is enough, and keeps the run short.
  DATABASE_URL="$PG_URL" $BIN/pytest -q --create-db -m "not browser" "$@" || { s=$?; [ $s -ne 5 ] && status=$s; }
elif [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "FAIL: PostgreSQL is required but not reachable at $PG_URL"; status=1
else
  echo "PostgreSQL not reachable: skipped the PostgreSQL run"
fi
exit $status
