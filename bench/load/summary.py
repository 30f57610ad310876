"""Prints the figures of a locust run from its CSV files and exits non-zero on any error.

    python bench/load/summary.py PREFIX [--label TEXT]

PREFIX is what was passed to `locust --csv`: PREFIX_stats.csv, PREFIX_failures.csv and
PREFIX_exceptions.csv are read. Stdlib only, so it runs with any Python.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _ms(value: str) -> str:
    try:
        return f"{float(value):.0f}"
    except ValueError:
        return value or "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prefix")
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    stats = _rows(Path(f"{args.prefix}_stats.csv"))
    failures = _rows(Path(f"{args.prefix}_failures.csv"))
    exceptions = _rows(Path(f"{args.prefix}_exceptions.csv"))
    if not stats:
        print(f"no statistics found at {args.prefix}_stats.csv: locust did not run", file=sys.stderr)
        return 2

    head = f"{'request':<42} {'reqs':>6} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}"
    print()
    print(f"== load: {args.label} ==" if args.label else "== load ==")
    print("latencies in ms, measured by the client on loopback (server time plus network stack)")
    print(head)
    print("-" * len(head))
    total = None
    for r in stats:
        if r["Name"] == "Aggregated":
            total = r
            continue
        print(f"{r['Type'] + ' ' + r['Name']:<42.42} {r['Request Count']:>6} {r['Failure Count']:>6} "
              f"{float(r['Requests/s']):>7.1f} {_ms(r['50%']):>6} {_ms(r['95%']):>6} {_ms(r['99%']):>6} "
              f"{_ms(r['Max Response Time']):>6}")
    errors = 0
    requests = 0
    if total is not None:
        print("-" * len(head))
        print(f"{'all requests':<42} {total['Request Count']:>6} {total['Failure Count']:>6} "
              f"{float(total['Requests/s']):>7.1f} {_ms(total['50%']):>6} {_ms(total['95%']):>6} "
              f"{_ms(total['99%']):>6} {_ms(total['Max Response Time']):>6}")
        errors = int(total["Failure Count"])
        requests = int(total["Request Count"])
    for f in failures:
        print(f"ERROR {f['Occurrences']}x {f['Method']} {f['Name']}: {f['Error']}")
    for e in exceptions:
        print(f"EXCEPTION {e.get('Count', '?')}x {e.get('Message', '')}")
    errors += sum(int(e.get("Count") or 1) for e in exceptions)
    print(f"requests: {requests}  errors: {errors}")
    if requests == 0:
        print("no request was made", file=sys.stderr)
        return 2
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
