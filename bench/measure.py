"""The measurements against one database, each beside its floor (run by ``bench/suite.py``).

Runs in its own process because Django's settings read ``DATABASE_URL`` once. Writes a JSON file of
rows (median, p95, floor, target) and facts (query counts, top-10 agreement, data size). Nothing it does
changes the database: the import runs in a transaction that is rolled back.

    DATABASE_URL=… .venv/bin/python bench/measure.py --scale province --seed 2026 --out result.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

PAST = date(2021, 6, 30)
LIST_QUERY = {"category": "government", "q": "安全"}
EXPORT_BODIES = 30_000
IMPORT_ROWS = 10_000
TARGETS = {  # issue 4 item 3, at province scale on PostgreSQL (p95 unless said otherwise)
    "list_page": ("p95", 100), "detail_page": ("p95", 100), "asof_page": ("p95", 200), "asof_city": ("p95", 200), "import": ("max", 30_000), "overlap_province": ("p95", 300),
    "import_changed": ("max", 60_000),
    # issue 11: the campaign's progress board and statistics pages, and publishing a list of 10,000 changes
    "campaign_board": ("p95", 100), "campaign_stats": ("p95", 200), "campaign_publish": ("max", 60_000),
    # issue 12: a year's results for the province, the ranking page and a department's member-unit results
    "evaluation_results": ("max", 30_000), "evaluation_ranking": ("p95", 100), "evaluation_department": ("p95", 100),
    # issue 13: work rules list and overdue pages, disputes list, an article's page, a county's policy, a filing
    "rules_workrules_list": ("p95", 100), "rules_overdue": ("p95", 100), "rules_disputes": ("p95", 100),
    "rules_article": ("p95", 100), "rules_policy_county": ("p95", 10), "rules_file": ("p95", 500),
}
MEMORY_TARGETS = {"import": 500, "import_changed": 500, "campaign_publish": 500}
#: Bodies a published list changes in the publication bench (issue 11: < 60 s, < 500 MB).
PUBLISH_BODIES = 10_000
#: Existing bodies changed by one file in the round-trip bench (issue 9: < 60 s at province scale).
CHANGED_ROWS = 10_000


def log(message: str) -> None:
    print(f"  · {message}", flush=True)


# ---------------------------------------------------------------------------------------------- timing

def sample(fn: Callable[[], object], n: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def summary(xs: list[float]) -> dict:
    return {"n": len(xs), "median": statistics.median(xs), "p95": p95(xs), "max": max(xs)}


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def in_child(fn: Callable[[], dict]) -> dict:
    """Run `fn` in a forked child: its wall time, and its peak resident memory (absolute and added).

    The child resets its high-water mark (``/proc/self/clear_refs``) so the peak is its own, not the
    parent's earlier one.
    """
    from django.db import connections

    connections.close_all()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        try:
            try:
                Path("/proc/self/clear_refs").write_text("5")
            except OSError:
                pass
            base = _rss_kb("VmRSS")
            started = time.perf_counter()
            result = fn() or {}
            ms = (time.perf_counter() - started) * 1000
            peak = max(_rss_kb("VmHWM"), _rss_kb("VmRSS"))
            if not peak:
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            payload = {"ms": ms, "peak_mb": peak / 1024, "growth_mb": (peak - base) / 1024, **result}
        except BaseException:
            payload = {"error": traceback.format_exc()}
        os.write(w, json.dumps(payload).encode())
        os.close(w)
        os._exit(0)
    os.close(w)
    chunks = []
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    os.waitpid(pid, 0)
    out = json.loads(b"".join(chunks) or b'{"error": "child died"}')
    if "error" in out:
        raise RuntimeError(out["error"])
    return out


# ---------------------------------------------------------------------------------------------- SQL

def raw_sql(sql: str, params) -> Callable[[], int]:
    from django.db import connection

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return run


def captured(fn: Callable[[], object]) -> list[str]:
    """The SELECT statements `fn` runs (parameters inlined by the backend, so they replay as they are)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def replay(statements: list[str]) -> Callable[[], int]:
    from django.db import connection

    selects = []
    for s in statements:
        s = s.lstrip()
        if s.upper().startswith("DECLARE") and " FOR SELECT " in s.upper():  # a server-side cursor (.iterator())
            s = s[s.upper().index(" FOR SELECT ") + 5:]
        if s.upper().startswith(("SELECT", "WITH")):
            selects.append(s)

    def run() -> int:
        n = 0
        with connection.cursor() as cursor:
            for s in selects:
                cursor.execute(s)
                n += len(cursor.fetchall())
        return n

    return run


# ---------------------------------------------------------------------------------------------- the suite

class Suite:
    def __init__(self, scale: str, seed: int, cache: Path, quick: bool):
        self.scale, self.seed, self.cache, self.quick = scale, seed, cache, quick
        self.rows: list[dict] = []
        self.facts: dict = {}

    def runs(self, fn: Callable[[], dict], most: int, budget_s: float) -> list[dict]:
        """Up to `most` runs in forked children, fewer when they are slow (the whole suite keeps to ~15 min)."""
        if self.quick:
            most = 1
        out = [in_child(fn)]
        while len(out) < most and sum(r["ms"] for r in out) * (len(out) + 1) / len(out) < budget_s * 1000:
            out.append(in_child(fn))
        return out

    def reps(self, normal: int) -> int:
        return max(3, normal // 4) if self.quick else normal

    def add(self, key: str, label: str, xs: list[float], floor_label: str = "", floor: list[float] | None = None,
            **extra) -> dict:
        row = {"key": key, "label": label, **summary(xs), "floor_label": floor_label, **extra}
        if floor:
            fs = summary(floor)
            row.update(floor_median=fs["median"], floor_p95=fs["p95"], floor_n=fs["n"])
        if key in TARGETS:
            stat, limit = TARGETS[key]
            row["target"] = f"{stat} < {limit:,} ms"
            row["target_ok"] = row[stat] < limit
        if key in MEMORY_TARGETS and "peak_mb" in extra:
            row["target"] = row.get("target", "") + f", peak < {MEMORY_TARGETS[key]} MB"
            row["target_ok"] = row.get("target_ok", True) and extra["peak_mb"] < MEMORY_TARGETS[key]
        self.rows.append(row)
        floor_text = f"  (floor {row.get('floor_median', 0):.1f} ms)" if floor else ""
        log(f"{label}: median {row['median']:.1f} ms, p95 {row['p95']:.1f} ms{floor_text}")
        return row

    # ------------------------------------------------------------------ setup

    def setup(self) -> None:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yixie.settings")
        os.environ.setdefault("YIXIE_2FA_REQUIRED", "0")  # bench logins: password alone (decision 0021)
        django.setup()
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection

        from yixie.approvals.models import Application, Review
        from yixie.ledger.models import Body, LedgerEvent, Membership
        from yixie.org.models import Region, RoleAssignment

        assert not settings.DEBUG, "benchmarks run with DEBUG=False"
        User = get_user_model()
        self.bianban = User.objects.get(username="bench_bianban")
        self.admin = User.objects.get(username="bench_admin")
        self.city = RoleAssignment.objects.get(user=self.bianban).region
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("select version(), pg_database_size(current_database())")
                version, size = cursor.fetchone()
                version = " ".join(version.split()[:2])
            else:
                import sqlite3

                version = f"SQLite {sqlite3.sqlite_version}"
                size = Path(settings.DATABASES["default"]["NAME"]).stat().st_size
        self.facts.update(
            vendor=connection.vendor, db_version=version, db_size_mb=size / 2**20,
            regions=Region.objects.count(), bodies=Body.objects.count(), events=LedgerEvent.objects.count(),
            memberships=Membership.objects.count(), applications=Application.objects.count(),
            bench_city=f"{self.city.name} {self.city.code}",
            pending_for_bianban=Review.objects.filter(step="establishment", decision="", cancelled=False,
                                                      application__region__in=[self.city, *self.city.children.all()]
                                                      ).count(),
        )
        log(f"{version}, {size / 2**20:,.0f} MB, {self.facts['bodies']:,} bodies, bench city {self.facts['bench_city']}")

    def client(self):
        from django.test import Client

        c = Client()
        response = c.post("/login/", {"username": "bench_bianban", "password": "yixie-bench-2026"})
        assert response.status_code == 302, "bench_bianban cannot log in"
        return c

    # ------------------------------------------------------------------ pages and selectors

    def pages(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from yixie.ledger import selectors
        from yixie.ledger.filters import LedgerFilter
        from yixie.ledger.models import Body, LedgerEvent
        from yixie.ledger.views import PAGE_SIZE, _departments_for
        from yixie.org.scopes import regions_visible_to

        c = self.client()
        user = self.bianban
        user = type(user).objects.get(pk=user.pk)

        def get(url, params=None):
            r = c.get(url, params or {})
            assert r.status_code == 200, (url, r.status_code)
            return r

        def list_qs(params, on=None):
            rows = selectors.ledger_rows(user, on=on or timezone.localdate())
            regions = regions_visible_to(user, "ledger.view").filter(level__in=["city", "county"])
            flt = LedgerFilter(params, queryset=rows, regions=regions, departments=_departments_for(user))
            assert flt.is_valid()
            return flt.qs

        # The list page: 50 rows, a filter and a search.
        qs = list_qs(LIST_QUERY)
        total = qs.count()
        page_sql, page_params = qs[:PAGE_SIZE].query.sql_with_params()
        statements = captured(lambda: get("/ledger/", LIST_QUERY))
        xs = sample(lambda: get("/ledger/", LIST_QUERY), self.reps(40), warmup=3)
        floor = sample(raw_sql(page_sql, page_params), self.reps(40))
        self.add("list_page", "ledger list page, 50 rows, category + search", xs, "its main query, raw SQL", floor,
                 rows_on_page=min(PAGE_SIZE, total), matching=total)
        self.add("list_page_sql", f"  … all {len(statements)} queries of that page, raw SQL",
                 sample(replay(statements), self.reps(40)))
        counts = {
            "page 1": len(captured(lambda: get("/ledger/", LIST_QUERY))),
            "page 2": len(captured(lambda: get("/ledger/", {**LIST_QUERY, "page": 2}))),
            "no filter": len(captured(lambda: get("/ledger/"))),
            f"as of {PAST}": len(captured(lambda: get("/ledger/", {**LIST_QUERY, "on": PAST.isoformat()}))),
        }
        self.facts["list_queries"] = counts

        # A department clerk's pages: their department's bodies (lead, office or member) and documents.
        from django.test import Client

        clerk = Client()
        assert clerk.post("/login/", {"username": "bench_clerk", "password": "yixie-bench-2026"}).status_code == 302

        def clerk_get(url):
            r = clerk.get(url)
            assert r.status_code == 200, (url, r.status_code)
            return r

        for key, url, label in (("list_page_clerk", "/ledger/", "ledger list page of a department clerk"),
                                ("documents_page_clerk", "/ledger/documents/", "documents page of a department clerk"),
                                ("applications_page_clerk", "/approvals/", "applications page of a department clerk")):
            n_queries = len(captured(lambda url=url: clerk_get(url)))
            self.add(key, f"{label} ({n_queries} queries)", sample(lambda url=url: clerk_get(url), self.reps(30),
                                                                   warmup=3))

        # The detail page of the city body with the longest history, and of a small one for the count.
        from django.db.models import Count

        by_events = (LedgerEvent.objects.filter(region=self.city).values("body_id").annotate(n=Count("id"))
                     .order_by("-n", "body_id"))
        big = by_events[0]["body_id"]
        small = by_events.order_by("n", "body_id")[0]["body_id"]
        body_sql, body_params = (Body.objects.visible_to(user).select_related(
            "region", "lead_department", "office_department", "basis_document", "successor", "origin")
            .filter(pk=big).query.sql_with_params())
        url = f"/ledger/bodies/{big}/"
        statements = captured(lambda: get(url))
        xs = sample(lambda: get(url), self.reps(40), warmup=3)
        floor = sample(raw_sql(body_sql, body_params), self.reps(40))
        n_events = LedgerEvent.objects.filter(body_id=big).count()
        n_members = Body.objects.get(pk=big).memberships.count()
        self.add("detail_page", f"body detail page ({n_events} events, {n_members} members)", xs,
                 "its main query, raw SQL", floor)
        self.add("detail_page_sql", f"  … all {len(statements)} queries of that page, raw SQL",
                 sample(replay(statements), self.reps(40)))
        self.facts["detail_queries"] = {
            f"{n_events} events, {n_members} members": len(statements),
            f"{LedgerEvent.objects.filter(body_id=small).count()} event(s), "
            f"{Body.objects.get(pk=small).memberships.count()} members": len(captured(lambda: get(f"/ledger/bodies/{small}/"))),
        }

        # The ledger as of a past date: the city's own (selector) and the city with its counties (scoped).
        qs_city = selectors.bodies_as_of(region=self.city, on=PAST)
        sql, params = qs_city.query.sql_with_params()
        n_city = qs_city.count()
        xs = sample(lambda: list(selectors.bodies_as_of(region=self.city, on=PAST)), self.reps(30))
        self.add("asof_city", f"as-of {PAST}: bodies_as_of(city), {n_city} rows", xs, "same query, raw SQL",
                 sample(raw_sql(sql, params), self.reps(30)))
        qs_all = selectors.ledger_rows(user, on=PAST)
        sql, params = qs_all.query.sql_with_params()
        n_all = qs_all.count()
        xs = sample(lambda: list(selectors.ledger_rows(user, on=PAST)), self.reps(20))
        self.add("asof_selector", f"as-of {PAST}: ledger_rows(city + counties), {n_all} rows", xs,
                 "same query, raw SQL", sample(raw_sql(sql, params), self.reps(20)))
        qs = list_qs(LIST_QUERY, on=PAST)
        sql, params = qs[:PAGE_SIZE].query.sql_with_params()
        xs = sample(lambda: get("/ledger/", {**LIST_QUERY, "on": PAST.isoformat()}), self.reps(30))
        self.add("asof_page", f"ledger list page as of {PAST}, 50 rows", xs, "its main query, raw SQL",
                 sample(raw_sql(sql, params), self.reps(30)))

        # The busy 编办 reviewer's to-do list and page.
        from yixie.approvals.selectors import todo_for

        def todo():
            fresh = type(user).objects.get(pk=user.pk)  # scopes are cached per user object, as per request
            return todo_for(fresh)

        n_items = len(todo())
        statements = captured(todo)
        xs = sample(todo, self.reps(30))
        self.add("todo_selector", f"todo_for(bench_bianban), {n_items} items", xs,
                 f"its {len(statements)} queries, raw SQL", sample(replay(statements), self.reps(30)))
        statements = captured(lambda: get("/approvals/todo/"))
        xs = sample(lambda: get("/approvals/todo/"), self.reps(30))
        self.add("todo_page", f"to-do page, {n_items} items", xs, f"its {len(statements)} queries, raw SQL",
                 sample(replay(statements), self.reps(30)))
        self.facts["todo_queries"] = len(statements)
        connection.close()

    # ------------------------------------------------------------------ Excel

    def export_rows(self):
        from django.utils import timezone

        from yixie.ledger.models import LedgerEvent

        base = LedgerEvent.objects.in_force_on(timezone.localdate())
        ids = list(base.order_by("body_id").values_list("body_id", flat=True)[:EXPORT_BODIES])
        qs = base.filter(body_id__lte=ids[-1]).order_by("region__code", "category", "name", "id")
        return qs, len(ids)

    def excel(self) -> None:
        from django.utils import timezone
        from openpyxl import Workbook, load_workbook

        from yixie.ledger import excel

        tmp = Path(tempfile.mkdtemp(prefix="export-", dir=self.cache))
        out = tmp / "export.xlsx"
        _qs, n = self.export_rows()

        def export() -> dict:
            qs, _ = self.export_rows()
            excel.write_export(qs, on=timezone.localdate(), stream=out)
            return {"bytes": out.stat().st_size}

        runs = self.runs(export, 3, budget_s=120)

        src = load_workbook(out, read_only=True)
        sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in src.worksheets]
        src.close()

        def bare_write() -> dict:
            wb = Workbook(write_only=True)
            for title, rows in sheets:
                ws = wb.create_sheet(title=title)
                for row in rows:
                    ws.append(row)
            wb.save(tmp / "bare.xlsx")
            return {}

        floors = [in_child(bare_write) for _ in range(2 if self.quick else 3)]
        self.add("export", f"Excel export, {n:,} bodies (write_export)", [r["ms"] for r in runs],
                 "openpyxl write_only, same rows", [f["ms"] for f in floors],
                 peak_mb=max(r["peak_mb"] for r in runs), growth_mb=max(r["growth_mb"] for r in runs),
                 floor_peak_mb=max(f["peak_mb"] for f in floors), floor_growth_mb=max(f["growth_mb"] for f in floors),
                 file_mb=runs[0]["bytes"] / 2**20)
        sheets.clear()
        shutil.rmtree(tmp, ignore_errors=True)

        path = self.import_file()

        def run_import() -> dict:
            from django.db import transaction

            from yixie.ledger import excel

            with transaction.atomic():
                report = excel.import_workbook(path, actor=self.admin)
                transaction.set_rollback(True)
            return {"created": report.created, "total": report.total_rows,
                    "errors": [str(e) for e in report.errors[:5]]}

        def bare_read() -> dict:
            wb = load_workbook(path, read_only=True, data_only=True)
            n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
            wb.close()
            return {"rows": n}

        runs = self.runs(run_import, 3, budget_s=90)
        if runs[0]["errors"] or runs[0]["created"] != runs[0]["total"]:
            raise RuntimeError(f"import refused the bench file: {runs[0]['errors']}")
        floors = [in_child(bare_read) for _ in range(3)]
        self.add("import", f"Excel import, {runs[0]['created']:,} rows (import_workbook, rolled back)",
                 [r["ms"] for r in runs], "openpyxl read_only, same file", [f["ms"] for f in floors],
                 peak_mb=max(r["peak_mb"] for r in runs), growth_mb=max(r["growth_mb"] for r in runs),
                 floor_peak_mb=max(f["peak_mb"] for f in floors), floor_growth_mb=max(f["growth_mb"] for f in floors))

    def import_file(self) -> Path:
        """10,000 rows of the ledger as the export writes them, renamed so none clashes (cached per scale+seed).

        Every row is kept, also those whose 组长/副组长 hold a post with "、" in its title (市委常委、组织部部长):
        the export joins deputies with "、" and the import must split them back by the known posts.
        """
        from django.utils import timezone
        from openpyxl import Workbook, load_workbook

        from yixie.ledger import excel
        from yixie.ledger.choices import BodyStatus
        from yixie.ledger.models import LedgerEvent

        path = self.cache / f"import{IMPORT_ROWS // 1000}k_v3_{self.scale}_{self.seed}.xlsx"
        if path.exists():
            return path
        log(f"building the import file {path.name} (once)")
        qs = LedgerEvent.objects.in_force_on(timezone.localdate()).filter(status=BodyStatus.ACTIVE)
        ids = list(qs.order_by("body_id").values_list("body_id", flat=True)[: IMPORT_ROWS * 3 // 2])
        tmp = path.with_suffix(".tmp.xlsx")
        excel.write_export(qs.filter(body_id__lte=ids[-1]).order_by("region__code", "category", "name", "id"),
                           on=timezone.localdate(), stream=tmp)
        src = load_workbook(tmp, read_only=True)
        sheets = []
        for ws in src.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            header, body_rows = rows[0], rows[1:]
            sheets.append((ws.title, header, body_rows))
        src.close()
        out = Workbook(write_only=True)
        blank = [excel.HEADERS.index(h) for h in ("台账编号", "版本")]
        written, batch = 0, 1
        batches: dict[str, list] = {title: [] for title, _h, _r in sheets}
        while written < IMPORT_ROWS and any(r for _t, _h, r in sheets):
            batch += 1
            for title, _header, rows in sheets:
                for r in rows:
                    if written >= IMPORT_ROWS:
                        break
                    copy = [f"{r[0]}（第{batch}批）", *r[1:]]
                    for i in blank:  # copies of the bodies, not the bodies exported: no 台账编号, no 版本
                        copy[i] = None
                    batches[title].append(copy)
                    written += 1
        for title, header, _rows in sheets:
            ws = out.create_sheet(title=title)
            ws.append(header)
            for r in batches[title]:
                ws.append(r)
        out.save(path)
        tmp.unlink()
        return path

    # ------------------------------------------------------------------ the round trip

    def changes(self) -> None:
        """An exported file of 10,000 bodies, each with its duties changed (调整, dated, citing a document),
        imported back: preview and apply (rolled back). Target: < 60 s at province scale (issue 9)."""
        path, n = self.changed_file()

        def run_import() -> dict:
            from django.db import transaction

            from yixie.ledger import excel

            with transaction.atomic():
                report = excel.import_workbook(path, actor=self.admin)
                transaction.set_rollback(True)
            return {"changed": report.changed, "total": report.total_rows, "unchanged": report.unchanged,
                    "errors": [str(e) for e in (report.conflicts + report.errors)[:5]]}

        runs = self.runs(run_import, 2, budget_s=150)
        if runs[0]["errors"] or runs[0]["changed"] != n:
            raise RuntimeError(f"import refused the changed file: {runs[0]}")
        self.add("import_changed", f"Excel import of an export, {n:,} rows changed (events, rolled back)",
                 [r["ms"] for r in runs], peak_mb=max(r["peak_mb"] for r in runs),
                 growth_mb=max(r["growth_mb"] for r in runs))

    def changed_file(self) -> tuple[Path, int]:
        """The export of up to 10,000 active bodies, every row's duties changed by a 调整 of today (cached)."""
        from django.utils import timezone
        from openpyxl import Workbook, load_workbook

        from yixie.ledger import excel
        from yixie.ledger.choices import BodyStatus
        from yixie.ledger.models import LedgerEvent

        path = self.cache / f"changed{CHANGED_ROWS // 1000}k_v1_{self.scale}_{self.seed}.xlsx"
        meta = path.with_suffix(".json")
        if path.exists() and meta.exists():
            return path, json.loads(meta.read_text())["rows"]
        log(f"building the changed file {path.name} (once)")
        today = timezone.localdate()
        qs = LedgerEvent.objects.in_force_on(today).filter(status=BodyStatus.ACTIVE, effective_on__lte=today)
        ids = list(qs.order_by("body_id").values_list("body_id", flat=True)[:CHANGED_ROWS])
        tmp = path.with_suffix(".tmp.xlsx")
        excel.write_export(qs.filter(body_id__lte=ids[-1]).order_by("region__code", "category", "name", "id"),
                           on=today, stream=tmp)
        src = load_workbook(tmp, read_only=True)
        out = Workbook(write_only=True)
        col = {h: i for i, h in enumerate(excel.HEADERS)}
        n = 0
        for ws in src.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            dst = out.create_sheet(title=ws.title)
            dst.append(rows[0])
            for r in rows[1:]:
                r += [None] * (len(excel.HEADERS) - len(r))
                r[col["主要职责"]] = f"{r[col['主要职责']]}（{today.year}年调整：增加督促检查职责。）"
                r[col["变更事项"]] = "调整"
                r[col["变更日期"]] = f"{today.year}年{today.month}月{today.day}日"
                r[col["变更依据文件"]] = f"潍政办字〔{today.year}〕{900 + n // 1000}号《关于调整部分议事协调机构职责的通知》"
                dst.append(r)
                n += 1
        src.close()
        out.save(path)
        tmp.unlink()
        meta.write_text(json.dumps({"rows": n}))
        return path, n

    # ------------------------------------------------------------------ overlap

    def overlap(self) -> None:
        from overlap_bench import PROPOSALS

        from yixie.overlap import api as overlap
        from yixie.overlap import candidates as ov_candidates
        from yixie.overlap import index as ov_index

        city = self.city
        proposals = [(city.name + name[1:] if name.startswith("市") else name, duties) for name, duties in PROPOSALS]
        started = time.perf_counter()
        overlap.tokenize("预制菜")
        self.facts["jieba_load_ms"] = (time.perf_counter() - started) * 1000

        # (a) The product's path: find_overlaps against the application's region (the city), cached index.
        overlap.invalidate()
        started = time.perf_counter()
        overlap.find_overlaps(region=city, name=proposals[0][0], duties=proposals[0][1])
        first_ms = (time.perf_counter() - started) * 1000
        xs = []
        for _ in range(self.reps(5)):
            for name, duties in proposals:
                t = time.perf_counter()
                overlap.find_overlaps(region=city, name=name, duties=duties)
                xs.append((time.perf_counter() - t) * 1000)
        raw_city = ov_candidates._load_candidates(city, None, 3)
        names_city = [city.name, city.parent.name]
        brute, same = [], []
        for name, duties in proposals:
            t = time.perf_counter()
            ref = brute_force(raw_city, names_city, name, duties)
            brute.append((time.perf_counter() - t) * 1000)
            got = overlap.find_overlaps(region=city, name=name, duties=duties)
            same.append(_same_top(got, ref))
        self.add("overlap_city", f"overlap, find_overlaps(city): {len(raw_city)} candidates, cached index", xs,
                 "brute-force scan of the same candidates", brute, first_call_ms=first_ms, same_top10=all(same))
        self.facts["overlap_city_top10_same"] = same

        # (b) Every body of the province: find_overlaps(province, include_descendants=True), one cached index.
        province = city.parent
        while province.parent_id is not None:
            province = province.parent
        overlap.invalidate()
        t = time.perf_counter()
        overlap.find_overlaps(region=province, include_descendants=True, name=proposals[0][0], duties=proposals[0][1])
        build_ms = (time.perf_counter() - t) * 1000  # the first call: scope, fingerprint, load, cut every text
        index = ov_index._index_for(province, None, 3, True)
        n_bodies = sum(1 for c in index.candidates if c.kind == "body")
        n_depts = len(index.candidates) - n_bodies
        region_ids = sorted({rid for rid in ov_candidates._scope(province, True)[0]})
        t = time.perf_counter()
        raw = ov_candidates._load_candidates(region_ids, None, 3)
        load_ms = (time.perf_counter() - t) * 1000
        log(f"province index: {n_bodies:,} bodies + {n_depts:,} departments; first call (full build, texts cut "
            f"by jieba) {build_ms:,.0f} ms, candidates loaded in {load_ms:,.0f} ms")
        xs = []
        for _ in range(self.reps(4)):
            for name, duties in proposals:
                t = time.perf_counter()
                overlap.find_overlaps(region=province, include_descendants=True, name=name, duties=duties)
                xs.append((time.perf_counter() - t) * 1000)
        brute, same = [], []
        for name, duties in proposals[: 2 if self.quick else 5]:
            t = time.perf_counter()
            ref = brute_force(raw, list(index.region_names), name, duties)
            brute.append((time.perf_counter() - t) * 1000)
            same.append(_same_top(overlap.find_overlaps(region=province, include_descendants=True, name=name,
                                                        duties=duties), ref))
        self.add("overlap_province", f"overlap vs every body of the province: find_overlaps({province.name}, "
                 f"include_descendants=True), {n_bodies:,} bodies + {n_depts:,} depts, cached index", xs,
                 "brute-force scan (rapidfuzz + TF-IDF)", brute, same_top10=all(same), index_build_ms=build_ms,
                 candidates_load_ms=load_ms)
        self.facts["overlap_province_top10_same"] = same
        self.add("overlap_province_build", "… province index, first build in a process (every text cut by jieba)",
                 [build_ms])

        # A full build again in the same process (another day, or the cache dropped): tokens from the cache.
        xs = []
        for _ in range(2 if self.quick else 3):
            overlap.invalidate()
            t = time.perf_counter()
            overlap.find_overlaps(region=province, include_descendants=True, name=proposals[0][0],
                                  duties=proposals[0][1])
            xs.append((time.perf_counter() - t) * 1000)
        self.add("overlap_province_rebuild", "… province index rebuilt in the same process (tokens cached)", xs)

        # One ledger write (a body renamed), then the next call: the index is updated, not rebuilt. Each write
        # is rolled back; the update after the rollback is not timed.
        from django.db import transaction

        from yixie.ledger import services
        from yixie.ledger.choices import EventKind
        from yixie.ledger.models import Body

        victims = list(Body.objects.filter(region=city, status="active").order_by("id")[:10 if not self.quick else 3])
        xs, found = [], []
        for k, body in enumerate(victims):
            new_name = f"{city.name}低空飞行服务保障第{k + 1}工作专班"
            with transaction.atomic():
                services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=timezone_today(),
                                      changes={"name": new_name})
                t = time.perf_counter()
                got = overlap.find_overlaps(region=province, include_descendants=True, name=new_name, duties="")
                xs.append((time.perf_counter() - t) * 1000)
                found.append(bool(got) and got[0].id == body.pk)
                transaction.set_rollback(True)
            overlap.find_overlaps(region=province, include_descendants=True, name=new_name, duties="")
        self.add("overlap_province_update", "… after one ledger write (a body renamed): next find_overlaps, "
                 "index updated (fingerprint, stamps, one body loaded and cut)", xs, renamed_found=all(found))
        self.facts["overlap_update_found_renamed"] = found
        self._proposals = proposals


    # ------------------------------------------------------------------ review campaigns (issue 11)

    def campaigns(self) -> None:
        """The progress board and the statistics page of a campaign over the bench city and its counties, and
        the publication of a list that changes 10,000 bodies (everything rolled back)."""
        from django.db import transaction
        from django.urls import reverse

        from yixie.campaigns import services as cs
        from yixie.campaigns.choices import Action, Reason
        from yixie.campaigns.models import CampaignItem

        client = self.client()
        today = timezone_today()
        with transaction.atomic():
            campaign = cs.campaign_open(
                actor=self.bianban, region=self.city, year=2099, title=f"{self.city.name}调整规范行动（基准测试）",
                categories=["party", "government", "joint", "taskforce"], snapshot_on=today,
                deadlines={"reporting": today.isoformat()}, counties=list(self.city.children.filter(level="county")))
            items = list(campaign.items.order_by("id"))
            for k, it in enumerate(items):  # half reported, a mix of actions
                if k % 2:
                    continue
                it.action = [Action.KEEP, Action.ABOLISH, Action.KEEP, Action.TO_JOINT][k // 2 % 4]
                it.reason = Reason.WEAKENED
            CampaignItem.objects.bulk_update(items, ["action", "reason"], batch_size=500)
            n_items = len(items) + sum(p.items.count() for p in campaign.parts.all())
            n_parts = campaign.parts.count()
            board_url = reverse("campaigns:detail", args=[campaign.pk])
            stats_url = reverse("campaigns:stats", args=[campaign.pk])
            for url in (board_url, stats_url):
                assert client.get(url).status_code == 200, url
            board = sample(lambda: client.get(board_url), self.reps(40))
            stats = sample(lambda: client.get(stats_url), self.reps(40))
            transaction.set_rollback(True)
        self.add("campaign_board", f"campaign progress board (city + {n_parts} county parts, {n_items:,} bodies), bianban", board)
        self.add("campaign_stats", f"campaign statistics page ({n_items:,} bodies, before/after, charts' data)", stats)

        def publish() -> dict:
            return self._publish_many(PUBLISH_BODIES)

        runs = self.runs(publish, 2, budget_s=150)
        self.add("campaign_publish", f"publish a list changing {runs[0]['changed']:,} bodies (abolish, rename, "
                 "downgrade; one transaction, rolled back)", [r["publish_ms"] for r in runs],
                 peak_mb=max(r["publish_peak_mb"] for r in runs), growth_mb=max(r["growth_mb"] for r in runs))

    # ------------------------------------------------------------------ the yearly evaluation (issue 12)

    def evaluation(self) -> None:
        """A year's evaluation in every region of the province (one per region, as each 编办 runs its own):
        a self-evaluation per body in force with its figures, a member score per member unit with the lead
        department's points, all built in bulk; then `results_compute` for every region (timed: the year's
        results for the province), the bench city's ranking page as its 编办, and the member-unit results
        page of the department of `bench_clerk`. Everything in one transaction, rolled back."""
        import random
        from decimal import Decimal

        from django.db import transaction
        from django.db.models import F
        from django.test import Client
        from django.urls import reverse

        from yixie.evaluation import results
        from yixie.evaluation.models import (
            Evaluation,
            Indicator,
            IndicatorSystem,
            MemberScore,
            SelfEvaluation,
        )
        from yixie.ledger.choices import BodyStatus
        from yixie.ledger.models import Body, Membership
        from yixie.org.models import Region, RoleAssignment

        rng = random.Random(self.seed)
        today = timezone_today()
        scale = [{"grade": "高效", "min": 85}, {"grade": "平稳", "min": 60}, {"grade": "缺失", "min": 0}]
        year = 2098
        with transaction.atomic():
            started = time.perf_counter()
            bodies = list(Body.objects.filter(status=BodyStatus.ACTIVE).values(
                "id", "region_id", "name", "category", "legal_ground", "lead_department_id", "office_department_id"))
            regions = sorted({b["region_id"] for b in bodies})
            evaluations = {}
            member_ids = {}
            for region in Region.objects.filter(pk__in=regions):
                system = IndicatorSystem.objects.create(region=region, year=year, title=f"{region.name}基准测试指标体系")
                Indicator.objects.bulk_create([
                    Indicator(system=system, target="body", dimension="results", name="召开会议", weight=30,
                              method="count", source="meetings_held", norm=4, order=1),
                    Indicator(system=system, target="body", dimension="results", name="重点任务完成", weight=40,
                              method="ratio", source="tasks_done_ratio", order=2),
                    Indicator(system=system, target="body", dimension="regularity", name="建立工作机制", weight=30,
                              method="yesno", source="mechanisms", order=3),
                    *[Indicator(system=system, target="member", dimension=d, name=n, weight=w, method="points",
                                order=10 + k)
                      for k, (d, n, w) in enumerate([("cooperation", "协调配合", 40), ("information", "信息共享", 30),
                                                     ("delivery", "任务落实", 30)])]])
                member_ids[region.pk] = list(system.indicators.filter(target="member").order_by("order")
                                             .values_list("id", flat=True))
                evaluations[region.pk] = Evaluation.objects.create(
                    region=region, year=year, carried_out_in=year + 1, title=f"{region.name}{year}年度评价（基准测试）",
                    system=system, opened_on=today, deadline=today, scoring_deadline=today)
            ses = []
            for b in bodies:
                planned = rng.choice([0, 3, 5, 8, 10])
                ses.append(SelfEvaluation(
                    evaluation=evaluations[b["region_id"]], body_id=b["id"], department_id=b["office_department_id"],
                    lead_department_id=b["lead_department_id"], name=b["name"], category=b["category"],
                    legal_ground=b["legal_ground"], status="submitted", meetings_held=rng.choice([0, 1, 2, 4, 6, 9]),
                    tasks_planned=planned, tasks_done=rng.randint(0, planned), documents_issued=rng.randint(0, 5),
                    mechanisms="工作规则" if rng.random() < 0.7 else ""))
            SelfEvaluation.objects.bulk_create(ses, batch_size=2000)
            region_of = {b["id"]: b["region_id"] for b in bodies}
            lead_of = {b["id"]: b["lead_department_id"] for b in bodies}
            rows = []
            for body_id, dept_id in (Membership.objects.filter(body__status=BodyStatus.ACTIVE)
                                     .exclude(department_id=F("body__lead_department_id"))
                                     .values_list("body_id", "department_id").iterator(chunk_size=20_000)):
                ids = member_ids[region_of[body_id]]
                pts = [rng.randint(20, 40), rng.randint(15, 30), rng.randint(15, 30)]
                total = Decimal(sum(pts))
                rows.append(MemberScore(evaluation=evaluations[region_of[body_id]], body_id=body_id,
                                        department_id=dept_id, lead_department_id=lead_of[body_id],
                                        scores={str(i): str(p) for i, p in zip(ids, pts, strict=True)},
                                        total=total, grade=results.member_grade(scale, total, Decimal(100)),
                                        comment="配合较好"))
            MemberScore.objects.bulk_create(rows, batch_size=5000)
            n_bodies, n_scores = len(ses), len(rows)
            del ses, rows
            log(f"built {len(evaluations)} evaluations, {n_bodies:,} self-evaluations, {n_scores:,} member scores "
                f"in {time.perf_counter() - started:.0f} s")
            try:
                Path("/proc/self/clear_refs").write_text("5")
            except OSError:
                pass
            started = time.perf_counter()
            for ev in evaluations.values():
                results.results_compute(ev)
            compute_ms = (time.perf_counter() - started) * 1000
            peak = max(_rss_kb("VmHWM"), _rss_kb("VmRSS"))
            # The worst case: every member unit's total and grade to be written again (scores imported, say).
            MemberScore.objects.filter(evaluation__year=year).update(total=None, grade="")
            started = time.perf_counter()
            for ev in evaluations.values():
                results.results_compute(ev)
            rewrite_ms = (time.perf_counter() - started) * 1000
            city_ev = evaluations[self.city.pk]
            city_n = city_ev.self_evaluations.count()
            client = self.client()
            ranking_url = reverse("evaluation:ranking", args=[city_ev.pk])
            clerk_dept = RoleAssignment.objects.filter(user__username="bench_clerk").values_list(
                "department_id", flat=True).first()
            clerk_ev = Evaluation.objects.get(year=year, region__departments__id=clerk_dept)
            clerk = Client()
            assert clerk.post("/login/", {"username": "bench_clerk", "password": "yixie-bench-2026"}).status_code == 302
            mine_url = reverse("evaluation:my_results", args=[clerk_ev.pk])
            joined = MemberScore.objects.filter(evaluation=clerk_ev, department_id=clerk_dept).count()
            for c, url in ((client, ranking_url), (clerk, mine_url)):
                assert c.get(url).status_code == 200, url
            q_ranking = len(captured(lambda: client.get(ranking_url)))
            q_mine = len(captured(lambda: clerk.get(mine_url)))
            ranking = sample(lambda: client.get(ranking_url), self.reps(40))
            mine = sample(lambda: clerk.get(mine_url), self.reps(40))
            transaction.set_rollback(True)
        self.add("evaluation_results", f"results of a year for the province: {len(evaluations)} evaluations, "
                 f"{n_bodies:,} bodies, {n_scores:,} member scores (results_compute, rolled back)", [compute_ms],
                 peak_mb=peak / 1024)
        self.add("evaluation_results_rewrite", f"  … again with every member score's total and grade to write "
                 f"({n_scores:,} rows)", [rewrite_ms])
        self.add("evaluation_ranking", f"evaluation ranking page of the bench city ({city_n:,} bodies, 50 a page, "
                 f"{q_ranking} queries), 编办", ranking)
        self.add("evaluation_department", f"a department's member-unit results page ({joined} bodies joined, "
                 f"{q_mine} queries), bench_clerk", mine)

    # ------------------------------------------------------------------ 制度保障 (issue 13)

    #: Disputes built per region holding bodies (issue 13: "a few thousand" across the province: 153 × 20).
    RULES_DISPUTES_PER_REGION = 20
    #: Filings timed (each on another body of the bench city, each rolled back).
    RULES_FILINGS = 20

    def rules(self) -> None:
        """制度保障 at scale. Inside one transaction, rolled back: a filed work rules version (tasks with their
        主办/协办 units, every member unit's duties) for each body whose filing date the ledger holds (~85% of the
        generated bodies; one in ten with an earlier, superseded version), a draft, submitted or returned version
        for a third of the rest, and 20 duty disputes per region (3,060 across the province) (parties, consultations, every
        stage), all built in bulk; then 编办's work rules list and 逾期未备案 pages and the disputes list of the
        bench city's 编办, the page of the most cited national article, `Policy.for_region` for a county, and
        filing one version (`services.submit` + `services.file_rules`, each filing rolled back)."""
        import random
        from collections import Counter
        from datetime import timedelta

        from django.db import connection, transaction
        from django.urls import reverse
        from django.utils import timezone

        from yixie.ledger.choices import BodyStatus
        from yixie.ledger.models import Article, Body, Membership, PolicyValue
        from yixie.ledger.policy import NATIONAL_DEFAULTS, Policy, resolve_cites
        from yixie.rules.choices import DisputeStatus, SettledBy, TaskRole, WorkRulesStatus
        from yixie.rules.models import (
            Consultation,
            Dispute,
            MemberDuty,
            TaskAssignment,
            WorkRules,
            WorkRulesTask,
        )

        rng = random.Random(self.seed)
        today = timezone_today()
        now = timezone.now()
        with transaction.atomic():
            started = time.perf_counter()
            bodies = list(Body.objects.values("id", "region_id", "status", "established_on", "work_rules_filed_on",
                                              "lead_department_id", "office_department_id"))
            members: dict[int, list[int]] = {}
            for body_id, dept_id in (Membership.objects.order_by("body_id", "order", "id")
                                     .values_list("body_id", "department_id").iterator(chunk_size=50_000)):
                members.setdefault(body_id, []).append(dept_id)
            meetings = ["原则上每年召开1次，必要时可临时召开", "原则上每半年召开1次", "根据工作需要不定期召开"]
            office_meetings = ["原则上每季度召开1次", "原则上每月召开1次", "根据工作需要召开"]
            filed_on_of: dict[int, object] = {}
            versions: list[WorkRules] = []
            for b in bodies:
                if b["work_rules_filed_on"] is not None:
                    filed_on = b["work_rules_filed_on"]
                    if rng.random() < 0.1 and filed_on + timedelta(days=400) < today:
                        versions.append(WorkRules(
                            body_id=b["id"], revision=1, status=WorkRulesStatus.SUPERSEDED, filed_on=filed_on,
                            full_meeting=rng.choice(meetings), office_meeting=rng.choice(office_meetings),
                            office_duties="负责日常工作，督促落实会议议定事项。", original_name="工作规则.pdf",
                            file_type="PDF", submitted_at=now, reviewed_at=now))
                        filed_on = filed_on + timedelta(days=rng.randint(365, 900))
                        filed_on = min(filed_on, today)
                    filed_on_of[b["id"]] = filed_on
                    versions.append(WorkRules(
                        body_id=b["id"], revision=2 if filed_on != b["work_rules_filed_on"] else 1,
                        status=WorkRulesStatus.FILED, filed_on=filed_on, full_meeting=rng.choice(meetings),
                        office_meeting=rng.choice(office_meetings),
                        office_duties="负责日常工作，组织协调成员单位落实会议议定事项，督促检查工作进展。",
                        original_name="工作规则.pdf", file_type="PDF", size=120_000, submitted_at=now,
                        reviewed_at=now))
                elif b["status"] == BodyStatus.ACTIVE and rng.random() < 0.35:
                    versions.append(WorkRules(
                        body_id=b["id"], revision=1, status=rng.choice([WorkRulesStatus.DRAFT, WorkRulesStatus.SUBMITTED,
                                                                        WorkRulesStatus.RETURNED]),
                        full_meeting=rng.choice(meetings), office_meeting=rng.choice(office_meetings),
                        original_name="工作规则（送审稿）.docx", file_type="DOCX", submitted_at=now))
            WorkRules.objects.bulk_create(versions, batch_size=5000)
            del versions
            # Content for every version but the superseded ones (they keep theirs in real life; the pages read none).
            wr_rows = list(WorkRules.objects.exclude(status=WorkRulesStatus.SUPERSEDED).values_list("id", "body_id"))
            n_versions = WorkRules.objects.count()
            lead_of = {b["id"]: b["lead_department_id"] for b in bodies}
            tasks = []
            for wr_id, _body_id in wr_rows:
                for k in range(4):
                    tasks.append(WorkRulesTask(work_rules_id=wr_id, ordinal=k + 1,
                                               text=f"第{k + 1}项重点工作：统筹推进、督促落实、信息报送"))
            WorkRulesTask.objects.bulk_create(tasks, batch_size=10_000)
            n_tasks = len(tasks)
            del tasks
            body_of_wr = dict(wr_rows)
            assignments = []
            for task_id, wr_id in WorkRulesTask.objects.values_list("id", "work_rules_id").iterator(chunk_size=50_000):
                units = [u for u in members.get(body_of_wr[wr_id], []) if u != lead_of[body_of_wr[wr_id]]]
                assignments.append(TaskAssignment(task_id=task_id, department_id=lead_of[body_of_wr[wr_id]],
                                                  role=TaskRole.PRINCIPAL))
                for u in rng.sample(units, min(2, len(units))):
                    assignments.append(TaskAssignment(task_id=task_id, department_id=u, role=TaskRole.ASSISTING))
            TaskAssignment.objects.bulk_create(assignments, batch_size=10_000)
            n_assignments = len(assignments)
            del assignments
            duties = [MemberDuty(work_rules_id=wr_id, department_id=d, duties="负责本部门职责范围内的相关工作，"
                                 "按照分工抓好落实，及时报送工作进展情况。")
                      for wr_id, body_id in wr_rows for d in members.get(body_id, [])]
            MemberDuty.objects.bulk_create(duties, batch_size=10_000)
            n_duties = len(duties)
            del duties
            log(f"built {n_versions:,} work rules versions ({len(filed_on_of):,} filed), {n_tasks:,} tasks, "
                f"{n_assignments:,} assignments, {n_duties:,} member duties in {time.perf_counter() - started:.0f} s")

            # Duty disputes across the province: bodies drawn at random among those with two member units or more.
            started = time.perf_counter()
            active = [b for b in bodies if b["status"] == BodyStatus.ACTIVE and len(members.get(b["id"], [])) >= 2]
            statuses = ([DisputeStatus.RAISED] * 30 + [DisputeStatus.AGREED] * 10 + [DisputeStatus.ESCALATED] * 15
                        + [DisputeStatus.REFERRED] * 5 + [DisputeStatus.SETTLED] * 35 + [DisputeStatus.WITHDRAWN] * 5)
            disputes, party_sets = [], []
            n_regions = len({b["region_id"] for b in active})
            for k in range(self.RULES_DISPUTES_PER_REGION * n_regions):
                b = rng.choice(active)
                units = members[b["id"]]
                raised_by, other = rng.sample(units, 2)
                status = rng.choice(statuses)
                raised_on = today - timedelta(days=rng.randint(1, 1500))
                settled = status == DisputeStatus.SETTLED
                by = rng.choice([SettledBy.CONSULTATION, SettledBy.OPINION, SettledBy.OPINION, SettledBy.COMMITTEE]) \
                    if settled else ""
                escalated = status in (DisputeStatus.ESCALATED, DisputeStatus.REFERRED) or by in (
                    SettledBy.OPINION, SettledBy.COMMITTEE)
                disputes.append(Dispute(
                    region_id=b["region_id"], body_id=b["id"], matter=f"第{k + 1}号争议事项：监管职责划分",
                    raised_by_id=raised_by, raised_on=raised_on, objection="该项工作不属于本单位三定职责，应由其他单位主办。",
                    status=status, stage_due_on=raised_on + timedelta(days=30) if status in (
                        DisputeStatus.RAISED, DisputeStatus.AGREED, DisputeStatus.ESCALATED, DisputeStatus.REFERRED)
                    else None,
                    escalated_on=raised_on + timedelta(days=20) if escalated else None,
                    opinion="由主管部门主办，其他单位协办。" if by == SettledBy.OPINION else "",
                    opinion_on=raised_on + timedelta(days=45) if by == SettledBy.OPINION else None,
                    settled_by=by, settled_on=raised_on + timedelta(days=50) if settled else None,
                    outcome={"principal": [other], "assisting": [raised_by]} if settled else {}))
                party_sets.append((raised_by, other, b["lead_department_id"]))
            Dispute.objects.bulk_create(disputes, batch_size=2000)
            through = Dispute.parties.through
            through.objects.bulk_create([through(dispute_id=d.pk, department_id=u)
                                         for d, units in zip(disputes, party_sets, strict=True)
                                         for u in dict.fromkeys(units)], batch_size=10_000)
            consultations, present = [], []
            for d, units in zip(disputes, party_sets, strict=True):
                failed = d.status in (DisputeStatus.ESCALATED, DisputeStatus.REFERRED) or d.settled_by in (
                    SettledBy.OPINION, SettledBy.COMMITTEE) or (d.status == DisputeStatus.RAISED and rng.random() < 0.3)
                agreed = d.status == DisputeStatus.AGREED or d.settled_by == SettledBy.CONSULTATION
                if failed or agreed:
                    consultations.append(Consultation(dispute=d, held_on=d.raised_on + timedelta(days=10),
                                                      agreed=agreed, summary="召集有关单位协商。"))
                    present.append(units)
            Consultation.objects.bulk_create(consultations, batch_size=2000)
            cthrough = Consultation.present.through
            cthrough.objects.bulk_create([cthrough(consultation_id=c.pk, department_id=u)
                                          for c, units in zip(consultations, present, strict=True)
                                          for u in dict.fromkeys(units)], batch_size=10_000)
            log(f"built {len(disputes):,} disputes, {len(consultations):,} consultations in "
                f"{time.perf_counter() - started:.0f} s")
            n_disputes = len(disputes)
            del disputes, consultations
            if connection.vendor == "postgresql":  # as autovacuum would after such a load
                with connection.cursor() as cursor:
                    for table in ("rules_workrules", "rules_workrulestask", "rules_taskassignment",
                                  "rules_memberduty", "rules_dispute", "rules_dispute_parties",
                                  "rules_consultation", "rules_consultation_present", "ledger_body"):
                        cursor.execute(f"ANALYZE {table}")

            client = self.client()
            city_ids = [self.city.pk, *self.city.children.values_list("pk", flat=True)]
            city_active = Body.objects.filter(region_id__in=city_ids, status=BodyStatus.ACTIVE)
            n_city = city_active.count()
            n_city_filed = city_active.filter(work_rules_filed_on__isnull=False).count()

            def page(key: str, url: str, label: str, params=None):
                assert client.get(url, params or {}).status_code == 200, url
                n_queries = len(captured(lambda: client.get(url, params or {})))
                # the same page's queries on page 2 (constant, not growing with the rows)
                second = {**(params or {}), "page": 2}
                pages_queries[key] = (n_queries, len(captured(lambda: client.get(url, second))))
                self.add(key, f"{label} ({n_queries} queries), bench_bianban",
                         sample(lambda: client.get(url, params or {}), self.reps(40), warmup=3))
                return n_queries

            pages_queries: dict[str, tuple[int, int]] = {}

            from yixie.rules import selectors as rsel

            n_overdue = rsel.overdue_rows(self.bianban).count()
            q_list = page("rules_workrules_list", reverse("rules:workrules_list"),
                          f"work rules list page, 50 rows of the city + counties' {n_city:,} bodies in force "
                          f"({n_city_filed:,} filed)")
            page("rules_workrules_list_filter", reverse("rules:workrules_list"),
                 "  … filtered to 待备案", {"status": WorkRulesStatus.SUBMITTED})
            q_overdue = page("rules_overdue", reverse("rules:workrules_overdue"),
                             f"逾期未备案 page, {n_overdue:,} bodies overdue, 50 a page")
            n_city_disputes = Dispute.objects.filter(region_id__in=city_ids).count()
            q_disputes = page("rules_disputes", reverse("rules:disputes"),
                              f"disputes list page, the city + counties' {n_city_disputes:,} of {n_disputes:,} "
                              f"disputes in {n_regions} regions, 50 a page")
            page("rules_disputes_overdue", reverse("rules:disputes"), "  … filtered to overdue stages",
                 {"overdue": "1"})

            # The most cited national article: by the national defaults' cites and the national policy rows.
            cites = resolve_cites(v.get("cite", "") for v in NATIONAL_DEFAULTS.values())
            counts = Counter(cites[v["cite"]] for v in NATIONAL_DEFAULTS.values() if v.get("cite") in cites)
            counts.update(PolicyValue.objects.filter(region__isnull=True, article__isnull=False)
                          .values_list("article_id", flat=True))
            article_id, n_cites = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            article = Article.objects.select_related("version__regulation").get(pk=article_id)
            q_article = page("rules_article", reverse("ledger:article_detail", args=[article_id]),
                             f"article page of the most cited national article ({article.version.regulation.code}"
                             f"#{article.number}, cited by {n_cites} rules)")
            county = self.city.children.filter(level="county").order_by("code").first()
            # Each call on a county fetched afresh beforehand (untimed), as a request holds it: its parents not cached.
            fresh = [type(county).objects.get(pk=county.pk) for _ in range(self.reps(200) + 6)]
            n_q_policy = len(captured(lambda: Policy.for_region(fresh.pop())))
            self.add("rules_policy_county", f"Policy.for_region({county.name}), a county ({n_q_policy} queries: its "
                     "city and province, the cited articles, the policy rows)",
                     sample(lambda: Policy.for_region(fresh.pop()), self.reps(200), warmup=5))
            self.facts["rules_queries"] = {"work rules list": q_list, "overdue": q_overdue, "disputes": q_disputes,
                                           "article": q_article, "policy_for_region": n_q_policy,
                                           "pages 1 and 2": {k: list(v) for k, v in pages_queries.items()}}

            # Filing one version: a complete first version drafted (untimed) for a body of the bench city with
            # none, then submit + file_rules timed; each filing rolled back, its files in a temporary directory.
            filing, n_members = self._rules_filings(today)
            transaction.set_rollback(True)
        if connection.vendor == "postgresql":  # the rolled-back rows' space made reusable for the next run
            with connection.cursor() as cursor:
                for table in ("rules_workrules", "rules_workrulestask", "rules_taskassignment", "rules_memberduty",
                              "rules_dispute", "rules_dispute_parties", "rules_consultation",
                              "rules_consultation_present"):
                    cursor.execute(f"VACUUM {table}")
        self.add("rules_file", f"file one work rules version: services.submit + services.file_rules "
                 f"(a first version, 4 tasks, ~{n_members} member units, the .docx kept twice; rolled back)",
                 [t + f for t, f in filing])
        self.add("rules_file_submit", "  … of which services.submit", [t for t, _f in filing])
        self.add("rules_file_file", "  … of which services.file_rules", [f for _t, f in filing])

    def _rules_filings(self, today) -> tuple[list[tuple[float, float]], int]:
        import io
        import zipfile

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import transaction
        from django.test.utils import override_settings

        from yixie.ledger.choices import BodyStatus
        from yixie.ledger.models import Body
        from yixie.rules import services as rs

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
            zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document '
                        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
        docx = buf.getvalue()
        candidates = list(Body.objects.filter(region=self.city, status=BodyStatus.ACTIVE, work_rules__isnull=True)
                          .order_by("id")[: max(3, self.reps(self.RULES_FILINGS))])
        tmp = Path(tempfile.mkdtemp(prefix="rules-files-", dir=self.cache))
        out, sizes = [], []
        try:
            with override_settings(MEDIA_ROOT=str(tmp)):
                for k, body in enumerate(candidates):
                    with transaction.atomic():
                        units = rs.allowed_units(body)
                        members = [d.pk for d in rs.member_units(body)]
                        sizes.append(len(members))
                        wr = rs.draft_create(actor=self.bianban, body=body)
                        tasks = [rs.TaskRow(f"第{n + 1}项重点工作", [body.lead_department_id],
                                            [u for u in list(units)[n * 2 + 1: n * 2 + 3] if u != body.lead_department_id])
                                 for n in range(4)]
                        wr = rs.draft_save(actor=self.bianban, work_rules=wr, expected_version=wr.version,
                                           texts={"full_meeting": "原则上每年召开1次", "office_meeting": "原则上每季度召开1次",
                                                  "office_duties": "负责日常工作。"},
                                           tasks=tasks, member_duties={d: "按照分工抓好落实。" for d in members},
                                           uploaded=SimpleUploadedFile(f"工作规则{k}.docx", docx))
                        t0 = time.perf_counter()
                        wr = rs.submit(actor=self.bianban, work_rules=wr, expected_version=wr.version)
                        t1 = time.perf_counter()
                        rs.file_rules(actor=self.bianban, work_rules=wr, expected_version=wr.version, on=today)
                        t2 = time.perf_counter()
                        out.append(((t1 - t0) * 1000, (t2 - t1) * 1000))
                        transaction.set_rollback(True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return out[2:] if len(out) > 4 else out, round(statistics.median(sizes)) if sizes else 0

    def _publish_many(self, n: int) -> dict:
        """In a forked child: a campaign whose settled list changes `n` bodies of the province, published
        through `campaign_publish` (the bulk change path) and rolled back. Only the publication is timed; the
        peak memory is the publication's (the high-water mark is reset before it)."""
        from datetime import timedelta

        from django.db import transaction

        from yixie.campaigns import services as cs
        from yixie.campaigns.choices import Action, Meeting, Phase
        from yixie.campaigns.models import Campaign, CampaignItem, Deliberation, DepartmentReport
        from yixie.ledger.choices import BodyStatus
        from yixie.ledger.models import LedgerEvent

        today = timezone_today()
        with transaction.atomic():
            events = list(LedgerEvent.objects.filter(is_void=False, valid_until__isnull=True,
                                                     status=BodyStatus.ACTIVE, effective_on__lt=today,
                                                     category__in=["party", "government"])
                          .order_by("body_id").only("id", "body_id", "name", "category", "sequence",
                                                    "lead_department_id", "state")[:n])
            campaign = Campaign.objects.create(
                region=self.city, year=2098, title="基准测试清单", categories=["party", "government"],
                snapshot_on=today - timedelta(days=1), phase=Phase.DELIBERATION, opinion_on=today - timedelta(days=1))
            reports = {}
            for e in events:
                if e.lead_department_id not in reports:
                    reports[e.lead_department_id] = DepartmentReport.objects.create(
                        campaign=campaign, department_id=e.lead_department_id, status="submitted")
            actions = [Action.ABOLISH, Action.RENAME, Action.TO_JOINT, Action.ABOLISH]
            CampaignItem.objects.bulk_create([
                CampaignItem(campaign=campaign, body_id=e.body_id, department_id=e.lead_department_id,
                             report=reports[e.lead_department_id], name=e.name, category=e.category,
                             sequence=e.sequence, state=e.state, state_event_id=e.pk, action=actions[k % 4],
                             final_action=actions[k % 4],
                             final_new_name=f"{e.name}（规范后{k}）" if actions[k % 4] == Action.RENAME else "")
                for k, e in enumerate(events)], batch_size=1000)
            for m in (Meeting.PARTY, Meeting.GOVERNMENT):
                Deliberation.objects.create(campaign=campaign, meeting=m, held_on=today)
            try:
                Path("/proc/self/clear_refs").write_text("5")
            except OSError:
                pass
            base = _rss_kb("VmRSS")
            started = time.perf_counter()
            campaign = cs.campaign_publish(actor=self.admin, campaign=campaign, number=f"基准发〔{today.year}〕9999号",
                                           issuer="基准测试", issued_on=today, title="基准测试清单")
            ms = (time.perf_counter() - started) * 1000
            peak = max(_rss_kb("VmHWM"), _rss_kb("VmRSS"))
            transaction.set_rollback(True)
        return {"publish_ms": ms, "publish_peak_mb": peak / 1024, "publish_growth_mb": (peak - base) / 1024,
                "changed": campaign.events_applied}


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def _same_top(got, ref) -> bool:
    return [(m.kind, m.id) for m in got[:10]] == [(k, i) for _s, k, i in ref[:10]]


def brute_force(raw: list[dict], region_names: list[str], name: str, duties: str, top: int = 10):
    """The overlap score of every candidate computed from scratch (no index, no cache): TF-IDF fitted on
    all candidates' duties, name similarity with rapidfuzz on every name; the scoring rules of
    `yixie.overlap.search` (the same formula, so the top-10 must agree)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from yixie.overlap import names as ov_names
    from yixie.overlap import search as ov_search
    from yixie.overlap import text as ov_text

    prefixes = ov_names._region_prefixes(region_names)
    extra_stop = frozenset(p for p in prefixes if len(p) >= 2)
    vec = TfidfVectorizer(analyzer=lambda text: ov_text._terms(text, extra_stop), sublinear_tf=True, norm="l2",
                          smooth_idf=True)
    matrix = vec.fit_transform([r.get("duties") or "" for r in raw]).tocsr()
    q = vec.transform([duties]).tocsr()
    cos = np.asarray((matrix @ q.T).todense()).ravel()
    for i, r in enumerate(raw):
        if r["kind"] == "department":
            sentences = [s for s in ov_text._SENTENCE.split(r["duties"]) if len(s) >= 8]
            if sentences:
                sc = np.asarray((vec.transform(sentences) @ q.T).todense()).ravel()
                cos[i] = max(cos[i], ov_search.SENTENCE_WEIGHT * float(sc.max()))
    qnames = [ov_names._name(name, prefixes, is_main=True)]
    out = []
    for i, r in enumerate(raw):
        dept = r["kind"] == "department"
        names = [ov_names._name(label, prefixes, is_main=main, short=short, department=dept)
                 for label, main, short in r["names"] if label and label.strip()]
        n_score, _alias = ov_names._name_score(qnames, names)
        d = min(1.0, max(0.0, float(cos[i])))
        score = ov_search._combine(
            n_score ** ov_search.NAME_EXPONENT * (ov_search.DEPARTMENT_NAME_WEIGHT if dept else 1.0), d)
        if score > ov_search.MIN_SCORE:
            out.append((round(score, 4), r["kind"], r["id"], r["name"]))
    out.sort(key=lambda x: (-x[0], x[1] != "body", x[3], x[2]))
    return [(s, k, i) for s, k, i, _n in out[:top]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cache", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="pages,excel,changes,overlap,campaigns,evaluation,rules")
    args = parser.parse_args()
    suite = Suite(args.scale, args.seed, Path(args.cache), args.quick)
    suite.setup()
    for part in args.only.split(","):
        started = time.perf_counter()
        getattr(suite, part)()
        log(f"[{part} done in {time.perf_counter() - started:.0f} s]")
    Path(args.out).write_text(json.dumps({"rows": suite.rows, "facts": suite.facts}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
