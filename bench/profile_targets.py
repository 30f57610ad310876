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
    profile(lambda: run(), r"excel.py.*(import_workbook|_read_sheets|\(check\)|split_names|preload)|"
                           r"services.py.*(bodies_establish_bulk|validate_state_refs|_new_body)|bulk.py|audit.py|"
                           r"policy.py.*check_body_state|query.py.*bulk_create", n=1, lines=18)


# ---------------------------------------------------------------------------------------------- overlap

def overlap_() -> None:
    import numpy as np
    from overlap_bench import PROPOSALS
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cdist

    from yixie.ledger import overlap
    from yixie.org.models import Region, RoleAssignment

    city = RoleAssignment.objects.get(user__username="bench_bianban").region
    props = [(city.name + n[1:], d) for n, d in PROPOSALS]
    raw = []
    for r in Region.objects.filter(level__in=["city", "county"]).order_by("code"):
        raw += overlap._load_candidates(r, None, 3)
    t = time.perf_counter()
    index = overlap._build_index(raw, [r.name for r in Region.objects.all()])
    print(f"\n== overlap against the province: {len(raw):,} candidates, index built in "
          f"{time.perf_counter() - t:.1f} s")

    def run_all(fn) -> Callable[[], None]:
        def go():
            for n, d in props:
                fn(index, name=n, duties=d)
        return go

    print(f"   as it is (5 proposals)                 {timed(run_all(overlap._query), n=4, warmup=1)}  (per 5)")
    shared = overlap._shared_terms
    overlap._shared_terms = lambda *a, **k: ()
    print(f"   shared terms only for the 10 shown     {timed(run_all(overlap._query), n=4, warmup=1)}  (per 5)")
    overlap._shared_terms = shared

    # Vectorised names: every name's spec (and its bigrams as one string) scored in one C call.
    names = [(i, n) for i, c in enumerate(index.candidates) for n in c.names]
    owner = np.array([i for i, _n in names])
    codes: dict[str, int] = {}

    def grams(s: str) -> str:
        return "".join(chr(0xF0000 + codes.setdefault(b, len(codes))) for b in overlap._bigrams(s))

    specs = [n.spec for _i, n in names]
    bspecs = [grams(s) for s in specs]
    norms = np.array([n.norm for _i, n in names], dtype=object)
    cores = np.array([n.core for _i, n in names], dtype=object)
    abbr = np.array([n.abbreviation for _i, n in names])
    is_dept = np.array([c.kind == "department" for c in index.candidates])
    n_cand = len(index.candidates)

    def fast_query(index, *, name, duties, top=10):
        qn = overlap._name(name, index.prefixes, is_main=True)
        sim = (cdist([qn.spec], specs, scorer=Indel.normalized_similarity, dtype=np.float64)[0]
               + cdist([grams(qn.spec)], bspecs, scorer=Indel.normalized_similarity, dtype=np.float64)[0]) / 2
        exact = norms == qn.norm
        sim = np.where(exact | ((cores == qn.core) & ~abbr & (not qn.abbreviation)), 1.0,
                       np.where(abbr | qn.abbreviation, 0.0, sim))
        name_score = np.zeros(n_cand)
        np.maximum.at(name_score, owner, np.round(sim, 9))
        cos = np.zeros(n_cand)
        qvec = index.vectorizer.transform([duties]).tocsr()
        if qvec.nnz:
            cos = (index.matrix @ qvec.T).toarray().ravel()
            if index.chunks is not None:
                np.maximum.at(cos, np.array(index.chunk_owner),
                              overlap.SENTENCE_WEIGHT * (index.chunks @ qvec.T).toarray().ravel())
        d = np.clip(cos, 0, 1)
        n = name_score ** overlap.NAME_EXPONENT * np.where(is_dept, overlap.DEPARTMENT_NAME_WEIGHT, 1.0)
        score = overlap.W_MAX * np.maximum(n, d) + (1 - overlap.W_MAX) * (n + d) / 2
        best = np.argpartition(-score, 50)[:50]
        rows = [(round(float(score[i]), 4), index.candidates[i].kind != "body", index.candidates[i].name, i)
                for i in best if score[i] > overlap.MIN_SCORE]
        rows.sort(key=lambda r: (-r[0], r[1], r[2]))
        return [(index.candidates[i].kind, index.candidates[i].id) for *_x, i in rows[:top]]

    same = all([(m.kind, m.id) for m in overlap._query(index, name=n, duties=d)] == fast_query(index, name=n, duties=d)
               for n, d in props)
    print(f"   vectorised (cdist names, numpy scores, shared terms for 10 only): "
          f"{timed(run_all(fast_query), n=6, warmup=1)}  (per 5); same top-10 as _query: {same}")
    print("-- where the index build goes (cProfile)")
    profile(lambda: overlap._build_index(raw, [r.name for r in Region.objects.all()]),
            r"overlap.py.*(_build_index|_terms|_name\)|_add_word)|jieba/__init__.py.*lcut|text.py.*fit_transform",
            n=1, lines=8)


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
