#!/usr/bin/env bash
# Prints a DATABASE_URL for a PostgreSQL the tests may use, starting one if none is running.
set -euo pipefail
if [ -n "${YIXIE_TEST_PG_URL:-}" ]; then echo "$YIXIE_TEST_PG_URL"; exit 0; fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "postgres://postgres@127.0.0.1:5432/yixie"; exit 0
fi
# The machine's cluster may only be stopped: start it.
if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  if pg_isready -q -h 127.0.0.1 -p 5432; then echo "postgres://postgres@127.0.0.1:5432/yixie"; exit 0; fi
fi
# Otherwise a throwaway cluster of our own.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
fi
PGBIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
DIR=/tmp/yixie-pg
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  mkdir -p "$DIR" && chown postgres "$DIR"
  runuser -u postgres -- "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
fi
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/data" -o "-p 55432 -k $DIR -c listen_addresses=127.0.0.1" -l "$DIR/log" -w start >/dev/null 2>&1 || true
echo "postgres://postgres@127.0.0.1:55432/yixie"
