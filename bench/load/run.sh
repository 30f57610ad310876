#!/usr/bin/env bash
# Load test: gunicorn on loopback, driven by locust (headless) from a second process for a bounded time.
#
#   bash bench/load/run.sh                 # a fresh SQLite database loaded with `yixie demo`
#   bash bench/load/run.sh --postgres      # a fresh PostgreSQL database (yixie_load) loaded with the demo
#   bash bench/load/run.sh --postgres postgres://postgres@127.0.0.1:5432/yixie_load
#
# Environment: LOAD_DURATION (60s), LOAD_USERS (20), LOAD_SPAWN_RATE (5), LOAD_WORKERS (4 gunicorn
# workers), LOAD_PORT (a free port), LOAD_PG_URL (the database --postgres recreates; its name must
# contain "load"), LOAD_KEEP=1 keeps the work folder (database, logs, CSV), LOAD_WARMUP=0 skips warming
# the workers first (see warmup.py), YIXIE_LOAD_WAIT ("0.1,0.5" think time), YIXIE_LOAD_CLERKS /
# YIXIE_LOAD_REVIEWERS (demo logins, see locustfile.py).
# Prints requests/s, latency percentiles and errors; exits non-zero if any request failed.
# Needs locust in the project's venv: .venv/bin/pip install -e '.[bench]'.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
BIN="$ROOT/.venv/bin"

DB=sqlite
PG_URL="${LOAD_PG_URL:-postgres://postgres@127.0.0.1:5432/yixie_load}"
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) DB=postgres; if [ $# -gt 1 ] && [[ "$2" == postgres* ]]; then PG_URL="$2"; shift; fi ;;
    --sqlite) DB=sqlite ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

DURATION="${LOAD_DURATION:-60s}"
USERS="${LOAD_USERS:-20}"
SPAWN_RATE="${LOAD_SPAWN_RATE:-5}"
WORKERS="${LOAD_WORKERS:-4}"
HOST=127.0.0.1  # never anything but loopback
PORT="${LOAD_PORT:-$("$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

if [ ! -x "$BIN/locust" ]; then
  echo "locust is not installed: $BIN/pip install -e '.[bench]'" >&2
  exit 2
fi

WORK="$(mktemp -d /tmp/yixie-load.XXXXXX)"
GUNICORN_PID=""
cleanup() {
  local rc=$?
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  if [ "${LOAD_KEEP:-0}" = 1 ]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

export YIXIE_VAR_DIR="$WORK/var"
export YIXIE_SECRET_KEY="load-test-$(date +%s)-$RANDOM$RANDOM-not-for-production"
export YIXIE_ALLOWED_HOSTS="127.0.0.1,localhost"
export YIXIE_DEBUG=0
export YIXIE_LOG_LEVEL=WARNING
# The demo logins sign in with the password alone (two-factor is for people, not for locust; 0021).
export YIXIE_2FA_REQUIRED=0
unset YIXIE_IMPORT_INLINE 2>/dev/null || true
mkdir -p "$YIXIE_VAR_DIR"

if [ "$DB" = postgres ]; then
  export DATABASE_URL="$PG_URL"
  echo "== database: PostgreSQL $(echo "$PG_URL" | sed 's#//[^@]*@#//#') (recreated) =="
  "$BIN/python" - "$PG_URL" <<'PY'
import sys
from urllib.parse import urlsplit

import psycopg

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
if "load" not in name:
    sys.exit(f"refusing to recreate database {name!r}: a load-test database's name must contain 'load'")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
PY
else
  unset DATABASE_URL
  echo "== database: SQLite $YIXIE_VAR_DIR/yixie.sqlite3 (fresh) =="
fi

started=$(date +%s)
"$BIN/yixie" migrate --noinput -v0
"$BIN/yixie" collectstatic --noinput -v0
"$BIN/yixie" demo 2>&1 | tail -1
echo "data loaded in $(( $(date +%s) - started )) s"

echo "== gunicorn: $WORKERS workers on http://$HOST:$PORT/ =="
"$BIN/gunicorn" yixie.wsgi:application --workers "$WORKERS" --bind "$HOST:$PORT" --log-level warning \
  > "$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
ready=0
for _ in $(seq 1 100); do
  if "$BIN/python" -c "import sys, urllib.request; urllib.request.urlopen('http://$HOST:$PORT/login/', timeout=2); sys.exit(0)" 2>/dev/null; then
    ready=1; break
  fi
  kill -0 "$GUNICORN_PID" 2>/dev/null || break
  sleep 0.2
done
if [ "$ready" != 1 ]; then
  echo "gunicorn did not start:" >&2; cat "$WORK/gunicorn.log" >&2; exit 1
fi

if [ "${LOAD_WARMUP:-1}" = 1 ]; then
  "$BIN/python" bench/load/warmup.py "http://$HOST:$PORT" "$WORKERS"
fi

echo "== locust: $USERS users (spawn rate $SPAWN_RATE/s) for $DURATION =="
echo "machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GB RAM"
set +e
"$BIN/locust" -f bench/load/locustfile.py --headless --only-summary \
  --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" --stop-timeout 10 \
  --host "http://$HOST:$PORT" --csv "$WORK/locust" --loglevel WARNING > "$WORK/locust.log" 2>&1
locust_rc=$?
"$BIN/python" bench/load/summary.py "$WORK/locust" \
  --label "$DB, gunicorn $WORKERS workers, $USERS users, $DURATION"
summary_rc=$?
set -e

# Django's error log and gunicorn's (worker timeouts, crashes) both go to gunicorn.log.
server_errors=$(grep -c -E "Traceback|WORKER TIMEOUT|Worker .* (was sent|exited)" "$WORK/gunicorn.log" || true)
if [ "$server_errors" != 0 ]; then
  echo "server logged $server_errors errors:"; grep -B2 -A20 -m3 -E "Traceback|WORKER TIMEOUT|Worker " "$WORK/gunicorn.log"
fi
if [ "$locust_rc" != 0 ] && [ "$summary_rc" = 0 ]; then
  echo "locust exited with $locust_rc:"; tail -20 "$WORK/locust.log"
fi
if [ "$summary_rc" != 0 ] || [ "$locust_rc" != 0 ] || [ "$server_errors" != 0 ]; then
  echo "LOAD TEST FAILED"
  exit 1
fi
echo "LOAD TEST PASSED: no errors"
