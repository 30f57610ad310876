#!/usr/bin/env bash
# Runs the whole suite on SQLite and on PostgreSQL; installs and starts what the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

bash scripts/ensure-browser.sh
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export YIXIE_VAR_DIR="${YIXIE_VAR_DIR:-$PWD/var}/test"
mkdir -p "$YIXIE_VAR_DIR"

echo "== ruff =="
$BIN/ruff check src

echo "== floors (import-linter contracts in pyproject.toml) =="
$BIN/lint-imports --no-cache

echo "== tests on SQLite =="
env -u DATABASE_URL $BIN/pytest "$@"

echo "== tests on PostgreSQL =="
PG_URL="$(bash scripts/ensure-postgres.sh)"
DATABASE_URL="$PG_URL" $BIN/pytest "$@"
