"""Why the missed targets are missed, and what the proposed fixes would gain (docs/performance.md).

For each missed target: a cProfile summary, then "what if" runs that monkeypatch the proposed change in
this process only (no file is changed) and time it beside the code as it is. The import's fixes are
real now (services.bodies_establish_bulk): `import` times and profiles the code as it is. Run against a generated
database (the suite's cache), e.g.:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yixie_bench_province YIXIE_VAR_DIR=var/bench \\
        .venv/bin/python bench/profile_targets.py pages import overlap asof
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def timed(fn: Callable[[], object], n: int = 30, warmup: int = 3) -> str:
    for _ in range(warmup):
        fn()
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t) * 1000)
    xs.sort()
    return f"median {statistics.median(xs):7.1f} ms   p95 {xs[max(0, int(0.95 * n) - 1)]:7.1f} ms"


def profile(fn: Callable[[], object], pattern: str, n: int = 10, lines: int = 12) -> None:
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(n):
        fn()
    pr.disable()
    out = io.StringIO()
    pstats.Stats(pr, stream=out).sort_stats("cumulative").print_stats(pattern, lines)
    print("\n".join(line[:170] for line in out.getvalue().splitlines() if line.strip())[-4000:])


def setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yixie.settings")
    os.environ.setdefault("YIXIE_2FA_REQUIRED", "0")  # bench logins: password alone (decision 0021)
    django.setup()


# ---------------------------------------------------------------------------------------------- pages

def pages() -> None:
    from django.db.models import Count
    from django.test import Client

    from yixie.approvals import selectors as approvals_selectors
    from yixie.core import context_processors
    from yixie.ledger import views as ledger_views
    from yixie.ledger.models import LedgerEvent
    from yixie.org.models import Department, RoleAssignment

    c = Client()
    assert c.post("/login/", {"username": "bench_bianban", "password": "yixie-bench-2026"}).status_code == 302
    city = RoleAssignment.objects.get(user__username="bench_bianban").region
    big = (LedgerEvent.objects.filter(region=city).values("body_id").annotate(n=Count("id"))
           .order_by("-n", "body_id")[0]["body_id"])
    pages = {"list": ("/ledger/", {"category": "government", "q": "安全"}), "detail": (f"/ledger/bodies/{big}/", {})}

    def count_only(user) -> int:
        """The badge as a count: the to-do list's querysets counted, nothing materialised."""
        from yixie.approvals.models import Review
        from yixie.org.scopes import scope_for

        visible = approvals_selectors.applications_visible_to(user)
        n = 0
        for step, (action, _label) in approvals_selectors.STEP_ACTIONS.items():
            scope = scope_for(user, action)
            if scope.empty:
                continue
            qs = Review.objects.filter(decision="", cancelled=False, step=step, application__in=visible)
            if not scope.everything:
                qs = qs.filter(application__region_id__in=scope.region_ids)
            n += qs.order_by().count()
        return n

    counters = list(context_processors.TODO_COUNTERS)
    departments_for = ledger_views._departments_for
    print("\n== list and detail pages (server time through the Django test client)")
    for key, (url, params) in pages.items():
        print(f"-- {key}: {url} {params}")

        def get(url=url, params=params):
            return c.get(url, params)

        print(f"   as it is                               {timed(get)}")
        context_processors.TODO_COUNTERS[:] = [count_only]
        print(f"   nav badge counted (no todo_for)        {timed(get)}")
        if key == "list":
            ledger_views._departments_for = lambda user: Department.objects.none()
            print(f"   + no <option> per department           {timed(get)}")
            ledger_views._departments_for = departments_for
        context_processors.TODO_COUNTERS[:] = counters
    print("-- where the list page's time goes (cProfile, 10 requests)")
    url, params = pages["list"]
    profile(lambda: c.get(url, params), r"views.py.*body_list|todo_for|widgets.py.*\(render\)|paginator|"
                                        r"loader.py.*render_to_string|context_processors", lines=14)


# ---------------------------------------------------------------------------------------------- import

def import_() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from openpyxl import Workbook, load_workbook

    from yixie.ledger import excel

    files = sorted((ROOT / "var" / "bench").glob("import10k_*.xlsx"))
    if not files:
        print("no import file: run the suite first")
        return
    n_rows = int(os.environ.get("YIXIE_PROFILE_IMPORT_ROWS", "1000"))
    src = load_workbook(files[-1], read_only=True)
    out = Workbook(write_only=True)
    left = n_rows
    for ws in src.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        o = out.create_sheet(ws.title)
        o.append(rows[0])
        for r in rows[1:1 + left]:
            o.append(r)
        left -= min(left, len(rows) - 1)
    src.close()
    small = Path("/tmp") / "yixie-import-slice.xlsx"
    out.save(small)
    admin = get_user_model().objects.get(username="bench_admin")

    def run() -> tuple[float, int]:
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            t = time.perf_counter()
            report = excel.import_workbook(small, actor=admin)
            ms = (time.perf_counter() - t) * 1000
            transaction.set_rollback(True)
        assert report.ok, report.errors[:3]
        return ms, len(ctx)

    print(f"\n== Excel import: a {n_rows}-row slice of the bench file, rolled back "
          "(check phase, then services.bodies_establish_bulk)")
    run()  # warm-up: imports, the first region's directory and policy
    for _ in range(2):
        ms, queries = run()
        print(f"   {ms:,.0f} ms = {ms / n_rows:.2f} ms/row, {queries / n_rows:.2f} statements/row "
              f"→ 10,000 rows ≈ {ms / n_rows * 10:.0f} s")
    print("-- where the time goes (cProfile)")
    profile(lambda: run(), r"excel/\w+\.py.*(import_workbook|_read_sheets|\(check\)|split_names|preload)|"
                           r"services.py.*(bodies_establish_bulk|validate_state_refs|_new_body)|bulk.py|audit.py|"
                           r"policy.py.*check_body_state|query.py.*bulk_create", n=1, lines=18)


# ---------------------------------------------------------------------------------------------- overlap

def overlap_() -> None:
    from django.db import transaction
    from overlap_bench import PROPOSALS

    from yixie.ledger import services
    from yixie.ledger.choices import EventKind
    from yixie.ledger.models import Body
    from yixie.org.models import Region, RoleAssignment
    from yixie.overlap import api as overlap
    from yixie.overlap import index as ov_index

    city = RoleAssignment.objects.get(user__username="bench_bianban").region
    province = Region.objects.get(parent__isnull=True, pk__in=[city.parent_id, city.pk])
    props = [(city.name + n[1:], d) for n, d in PROPOSALS]

    def find(name: str, duties: str):
        return overlap.find_overlaps(region=province, include_descendants=True, name=name, duties=duties)

    overlap.invalidate()
    t = time.perf_counter()
    find(*props[0])
    index = ov_index._index_for(province, None, 3, True)
    print(f"\n== overlap against the province: {len(index.candidates):,} candidates, first call (full build, every "
          f"text cut) {time.perf_counter() - t:.1f} s")
    print(f"   find_overlaps(province, include_descendants=True), 5 proposals  "
          f"{timed(lambda: [find(n, d) for n, d in props], n=6, warmup=1)}  (per 5)")
    print("-- where a query goes (cProfile, 5 proposals × 4)")
    profile(lambda: [find(n, d) for n, d in props], r"overlap/\w+\.py|cdist|_fingerprint", n=4, lines=10)

    def rebuild():
        overlap.invalidate()
        find(*props[0])

    print(f"   full build again, tokens cached        {timed(rebuild, n=2, warmup=0)}")
    print("-- where a build with cached tokens goes (cProfile)")
    profile(rebuild, r"overlap/\w+\.py.*(_update_index|_tokens|_terms|_tf_rows|_candidate|_load_candidates|_stamps)",
            n=1, lines=10)

    body = Body.objects.filter(region=city, status="active").order_by("id").first()

    def one_write():
        with transaction.atomic():
            services.event_record(actor=None, body=body, kind=EventKind.RENAME, on=date.today(),
                                  changes={"name": f"{city.name}低空飞行服务保障工作专班"})
            t = time.perf_counter()
            find(f"{city.name}低空飞行服务保障工作专班", "")
            took = time.perf_counter() - t
            transaction.set_rollback(True)
        find(*props[0])  # the rollback is a change too
        return took

    took = sorted(one_write() for _ in range(5))
    print(f"   next call after one write (rename), incremental update: median {took[2] * 1000:.0f} ms, "
          f"max {took[-1] * 1000:.0f} ms")
    print("-- where the update after a write goes (cProfile)")
    profile(one_write, r"overlap/\w+\.py.*(_index_for|_update_index|_stamps|_fingerprint|_load_candidates|_weighted|"
            r"_tf_rows)", n=2, lines=10)


# ---------------------------------------------------------------------------------------------- as of

def asof() -> None:
    from django.contrib.auth import get_user_model

    from yixie.ledger import selectors

    user = get_user_model().objects.get(username="bench_bianban")
    on = date(2021, 6, 30)
    print("\n== ledger_rows(city + counties) as of 2021-06-30, materialised")
    print(f"   as it is                               {timed(lambda: list(selectors.ledger_rows(user, on=on)), 15)}")
    print(f"   .defer('changes')                      "
          f"{timed(lambda: list(selectors.ledger_rows(user, on=on).defer('changes')), 15)}")


def main() -> None:
    setup()
    parts = sys.argv[1:] or ["pages", "import", "overlap", "asof"]
    for part in parts:
        {"pages": pages, "import": import_, "overlap": overlap_, "asof": asof}[part]()


if __name__ == "__main__":
    main()
