#!/usr/bin/env bash
# The benchmark suite (issue 4): `make bench` runs `bash bench/run.sh`.
#
#   bash bench/run.sh [--scale city|province] [--seed N] [--db both|sqlite|postgres] [--quick] [--regenerate]
#
# Generates each database once (cached in var/bench/, keyed by scale, seed and generator version; the
# PostgreSQL one is yixie_bench_<scale>), then measures on SQLite and PostgreSQL and prints a table of
# medians and 95th percentiles, each beside its floor. Set YIXIE_BENCH_PG_URL=postgres://user@host:port
# to use another PostgreSQL server, YIXIE_BENCH_PG_DB=name another database. See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  echo "run 'make install' first (no .venv)" >&2
  exit 1
fi
exec .venv/bin/python bench/suite.py "$@"
