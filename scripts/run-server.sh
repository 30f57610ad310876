#!/usr/bin/env bash
# `make run`: the web server in the foreground and one job worker (django-q2's `qcluster`, docs/decisions/0009)
# in the background; stopping the server (Ctrl-C, or a signal to this script) stops the worker too.
#   usage: scripts/run-server.sh HOST PORT [gunicorn options…]
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
HOST="$1"; PORT="$2"; shift 2

"$BIN/yixie" jobs_sync --verbosity 0
"$BIN/yixie" qcluster &
WORKER=$!
stop_worker() {
    if kill -0 "$WORKER" 2>/dev/null; then
        kill -TERM "$WORKER" 2>/dev/null
        # the worker finishes the job in hand (a few seconds), then stops; don't wait for ever
        for _ in $(seq 1 30); do kill -0 "$WORKER" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$WORKER" 2>/dev/null
    fi
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/gunicorn" yixie.wsgi:application -c deploy/gunicorn.conf.py --bind "$HOST:$PORT" "$@" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER; exit 130' INT
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER; exit 143' TERM
wait "$SERVER"
