"""The benchmark suite: prepares the databases (once, cached) and prints every figure beside its floor.

    bash bench/run.sh --scale province            # both SQLite and PostgreSQL (make bench calls this)
    bash bench/run.sh --scale city --db sqlite --quick

For each database it (1) generates the data with ``yixie generate`` unless a database of the same
scale, seed and generator version is cached — SQLite under ``var/bench/yixie_<scale>_<seed>.sqlite3``,
PostgreSQL as ``yixie_bench_<scale>`` with a stamp file beside the SQLite ones — (2) applies any new
migration, (3) runs ``bench/measure.py`` in a fresh process, then prints one table for both. PostgreSQL:
``YIXIE_BENCH_PG_URL`` (server only, e.g. ``postgres://postgres@127.0.0.1:5432``), else the server
``scripts/ensure-postgres.sh`` finds or starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "bench"
BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python") if (BIN / "python").exists() else sys.executable
YIXIE = [PY, "-m", "yixie.manage"]
GENERATOR = ROOT / "src" / "yixie" / "demo" / "generate.py"


def say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------------------------------------- machine

def machine() -> dict:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 2**20
    except OSError:
        pass
    versions = subprocess.run(
        [PY, "-c", "import django, openpyxl, sklearn, sqlite3, sys; print(sys.version.split()[0], django.get_version(), "
                   "openpyxl.__version__, sklearn.__version__, sqlite3.sqlite_version)"],
        capture_output=True, text=True, check=True).stdout.split()
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": ram, "kernel": platform.release(),
            "python": versions[0], "django": versions[1], "openpyxl": versions[2], "sklearn": versions[3],
            "sqlite": versions[4], "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load": os.getloadavg()}


# ---------------------------------------------------------------------------------------------- databases

def generator_version() -> str:
    return hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:12]


def env_for(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "YIXIE_VAR_DIR": str(CACHE), "DJANGO_SETTINGS_MODULE": "yixie.settings",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("YIXIE_DEBUG", None)
    env["YIXIE_2FA_REQUIRED"] = "0"  # the bench logins sign in with the password alone (decision 0021)
    return env


def yixie(url: str, *args: str) -> None:
    subprocess.run([*YIXIE, *args], env=env_for(url), check=True, cwd=ROOT)


def generate(url: str, scale: str, seed: int) -> float:
    yixie(url, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    yixie(url, "generate", "--scale", scale, "--seed", str(seed))
    return time.perf_counter() - started


def stamp_ok(stamp: Path, scale: str, seed: int) -> dict | None:
    if not stamp.exists():
        return None
    data = json.loads(stamp.read_text())
    if (data.get("scale"), data.get("seed"), data.get("generator")) == (scale, seed, generator_version()):
        return data
    return None


def write_stamp(stamp: Path, scale: str, seed: int, seconds: float) -> dict:
    data = {"scale": scale, "seed": seed, "generator": generator_version(), "generated_seconds": seconds,
            "generated_at": dt.datetime.now().isoformat(timespec="seconds")}
    stamp.write_text(json.dumps(data, indent=1))
    return data


def ensure_sqlite(scale: str, seed: int, regenerate: bool) -> tuple[str, dict]:
    path = CACHE / f"yixie_{scale}_{seed}.sqlite3"
    stamp = path.with_name(path.name + ".json")
    url = f"sqlite:///{path}"
    data = None if regenerate else stamp_ok(stamp, scale, seed)
    if data is None or not path.exists():
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        say(f"== generating {scale} (seed {seed}) into {path.relative_to(ROOT)} ==")
        data = write_stamp(stamp, scale, seed, generate(url, scale, seed))
    else:
        say(f"== using cached {path.relative_to(ROOT)} (generated {data['generated_at']}) ==")
    yixie(url, "migrate", "--noinput", "-v0")
    return url, data


def pg_server() -> str:
    url = os.environ.get("YIXIE_BENCH_PG_URL")
    if not url:
        url = subprocess.run(["bash", str(ROOT / "scripts" / "ensure-postgres.sh")], capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()[-1]
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def ensure_postgres(scale: str, seed: int, regenerate: bool) -> tuple[str, dict]:
    import psycopg

    server = pg_server()
    # YIXIE_BENCH_PG_DB names another database (a second checkout measuring beside this one).
    name = os.environ.get("YIXIE_BENCH_PG_DB") or f"yixie_bench_{scale}"
    url = f"{server}/{name}"
    stamp = CACHE / f"{name}.pg.json"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone() is not None
        data = None if regenerate else stamp_ok(stamp, scale, seed)
        if exists and data is not None:
            with psycopg.connect(url) as db:
                try:
                    filled = db.execute("select count(*) from ledger_body").fetchone()[0] > 0
                except psycopg.Error:
                    filled = False
            if not filled:
                data = None
        if not exists or data is None:
            if exists:
                conn.execute(f'drop database "{name}" with (force)')
            conn.execute(f'create database "{name}"')
            say(f"== generating {scale} (seed {seed}) into PostgreSQL database {name} ==")
            data = write_stamp(stamp, scale, seed, generate(url, scale, seed))
        else:
            say(f"== using cached PostgreSQL database {name} (generated {data['generated_at']}) ==")
    yixie(url, "migrate", "--noinput", "-v0")
    return url, data


# ---------------------------------------------------------------------------------------------- report

def fmt_ms(v: float | None) -> str:
    if v is None:
        return "—"
    if v >= 10_000:
        return f"{v / 1000:,.1f} s"
    return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"


def table(results: dict[str, dict], machine_info: dict, scale: str, seed: int) -> str:
    m = machine_info
    lines = [
        f"# yixie benchmark — scale {scale}, seed {seed}, {m['date']}",
        "",
        f"machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']:.1f} GiB RAM, Linux {m['kernel']}; "
        f"load average at start {m['load'][0]:.1f}",
        f"software: Python {m['python']}, Django {m['django']}, openpyxl {m['openpyxl']}, scikit-learn {m['sklearn']}",
    ]
    for backend, res in results.items():
        f = res["facts"]
        gen = res["generated"]
        lines.append(
            f"{backend}: {f['db_version']}, database {f['db_size_mb']:,.0f} MB, generated in "
            f"{gen['generated_seconds']:.0f} s; {f['regions']:,} regions, {f['bodies']:,} bodies, {f['events']:,} events, "
            f"{f['memberships']:,} member rows, {f['applications']:,} applications; load average after "
            f"{res['load_after'][0]:.1f}")
    lines += ["", "All times in ms (median and 95th percentile of n runs); ratio = median / floor median.", ""]
    header = ("| measure | db | n | median | p95 | floor | floor median | ratio | peak RSS | target |")
    lines += [header, "|---|---|---:|---:|---:|---|---:|---:|---:|---|"]
    keys: list[str] = []
    for res in results.values():
        for row in res["rows"]:
            if row["key"] not in keys:
                keys.append(row["key"])
    for key in keys:
        for backend, res in results.items():
            row = next((r for r in res["rows"] if r["key"] == key), None)
            if row is None:
                continue
            ratio = f"{row['median'] / row['floor_median']:.1f}×" if row.get("floor_median") else ""
            mem = f"{row['peak_mb']:,.0f} MB" if "peak_mb" in row else ""
            if "floor_peak_mb" in row:
                mem += f" (floor {row['floor_peak_mb']:,.0f})"
            target = ""
            if "target" in row:
                target = f"{row['target']} {'✓' if row['target_ok'] else '✗ MISSED'}"
            if "same_top10" in row:
                target += (" · " if target else "") + ("top-10 = brute force" if row["same_top10"]
                                                       else "top-10 DIFFERS from brute force")
            if "renamed_found" in row:
                target += (" · " if target else "") + ("renamed body found first" if row["renamed_found"]
                                                       else "renamed body NOT found first")
            lines.append(
                f"| {row['label']} | {backend} | {row['n']} | {fmt_ms(row['median'])} | {fmt_ms(row['p95'])} | "
                f"{row.get('floor_label', '')} | {fmt_ms(row.get('floor_median'))} | {ratio} | {mem} | {target} |")
    lines += ["", "Queries per page (must not grow with the rows shown):", ""]
    for backend, res in results.items():
        f = res["facts"]
        lst = ", ".join(f"{k}: {v}" for k, v in f.get("list_queries", {}).items())
        det = ", ".join(f"{k}: {v}" for k, v in f.get("detail_queries", {}).items())
        const = len(set(f.get("list_queries", {}).values())) <= 1 and len(set(f.get("detail_queries", {}).values())) <= 1
        lines.append(f"- {backend}: list page (50 rows) — {lst}; detail page — {det}; to-do page: "
                     f"{f.get('todo_queries', '—')} → {'constant' if const else 'NOT constant'}")
    lines.append("")
    for backend, res in results.items():
        f = res["facts"]
        extra = []
        for row in res["rows"]:
            if row["key"] == "overlap_province":
                extra.append(f"province overlap index: first call (full build) {row['index_build_ms'] / 1000:.1f} s "
                             f"(candidates loaded in {row['candidates_load_ms']:.0f} ms)")
            if row["key"] == "overlap_city":
                extra.append(f"first find_overlaps(city) call (builds the index) {row['first_call_ms']:.0f} ms")
            if row["key"] in ("export", "import", "import_changed"):
                extra.append(f"{row['key']} peak RSS {row['peak_mb']:.0f} MB (+{row['growth_mb']:.0f} MB over the "
                             f"process before it)")
        if "rules_queries" in f:
            extra.append("制度保障 queries per page: " + ", ".join(f"{k} {v}" for k, v in f["rules_queries"].items()))
        if "jieba_load_ms" in f:
            extra.append(f"jieba + scikit-learn load {f['jieba_load_ms']:.0f} ms once per process")
        lines.append(f"- {backend}: " + "; ".join(extra))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="议协 benchmark suite")
    parser.add_argument("--scale", default="city", choices=["city", "province"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", default="both", choices=["both", "sqlite", "postgres"])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run, not for figures)")
    parser.add_argument("--regenerate", action="store_true", help="generate the databases again")
    parser.add_argument("--only", default="pages,excel,changes,overlap,campaigns,evaluation,rules",
                        help="comma list of: pages, excel, changes, overlap, campaigns, evaluation, rules")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    info = machine()
    say(f"议协 benchmark: {info['cpu']}, {info['cores']} cores, {info['ram_gib']:.1f} GiB, Python {info['python']}, "
        f"load average {info['load'][0]:.1f}")
    subprocess.run([*YIXIE, "collectstatic", "--noinput", "-v0"], env=env_for(f"sqlite:///{CACHE / 'static.sqlite3'}"),
                   check=True, cwd=ROOT)
    backends = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: dict[str, dict] = {}
    for backend in backends:
        url, generated = (ensure_sqlite if backend == "sqlite" else ensure_postgres)(args.scale, args.seed,
                                                                                      args.regenerate)
        out = CACHE / f"result_{args.scale}_{args.seed}_{backend}.json"
        say(f"== measuring on {backend} ==")
        cmd = [PY, str(ROOT / "bench" / "measure.py"), "--scale", args.scale, "--seed", str(args.seed), "--out",
               str(out), "--cache", str(CACHE), "--only", args.only]
        if args.quick:
            cmd.append("--quick")
        started = time.perf_counter()
        subprocess.run(cmd, env=env_for(url), check=True, cwd=ROOT)
        res = json.loads(out.read_text())
        res["generated"] = generated
        res["seconds"] = time.perf_counter() - started
        res["load_after"] = os.getloadavg()
        results["pg" if backend == "postgres" else backend] = res
        say(f"   ({backend} measured in {res['seconds']:.0f} s)")
    report = table(results, info, args.scale, args.seed)
    path = CACHE / f"report_{args.scale}_{args.seed}.md"
    path.write_text(report + "\n")
    say("")
    say(report)
    say(f"\n(also written to {path.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
