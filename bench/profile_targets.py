"""Why the missed targets are missed, and what the proposed fixes would gain (docs/performance.md).

For each missed target: a cProfile summary, then "what if" runs that monkeypatch the proposed change in
this process only (no file is changed) and time it beside the code as it is. Run against a generated
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
from datetime import date, timedelta
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

    from yixie.core import audit
    from yixie.ledger import excel, services
    from yixie.ledger import state as st
    from yixie.ledger.choices import EventKind
    from yixie.ledger.models import Body, LeaderSeat, LedgerEvent, Membership
    from yixie.ledger.policy import Policy, check_body_state, refuse_on_errors

    files = sorted((ROOT / "var" / "bench").glob("import10k_*.xlsx"))
    if not files:
        print("no import file: run the suite first")
        return
    n_rows = 300
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
    small = Path("/tmp") / "yixie-import-slice.xlsx"
    out.save(small)
    admin = get_user_model().objects.get(username="bench_admin")

    def run(after: Callable[[], None] | None = None) -> tuple[float, int, object]:
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            t = time.perf_counter()
            report = excel.import_workbook(small, actor=admin)
            if after is not None:
                after()
            ms = (time.perf_counter() - t) * 1000
            transaction.set_rollback(True)
        assert report.ok, report.errors[:3]
        return ms, len(ctx), report

    policies: dict[int, Policy] = {}
    validate = getattr(services, "validate_state_refs", None) or services._validate_state_refs
    if not hasattr(services, "validate_state_refs"):
        services.validate_state_refs = validate
    name_free = getattr(services, "check_name_free", None) or services._check_name_free

    def lean_establish(*, actor, region, state, on, document=None, note="", origin=None, source=None):
        """body_establish without replaying a body that has one event, with the policy cached per region
        and without validating again what the import's check phase validated."""
        policy = policies.get(region.pk) or policies.setdefault(region.pk, Policy.for_region(region))
        findings = check_body_state(state, region=region, policy=policy)
        refuse_on_errors(findings)
        name_free(region=region, name=state["name"], on=on)
        body = Body(region=region, established_on=on, basis_document=document, origin=origin)
        services._project_columns(body, state)
        body.work_rules_due_on = date.fromordinal(on.toordinal() + int(policy["work_rules.deadline_days"].value))
        body.save()
        LedgerEvent.objects.create(body=body, kind=EventKind.ESTABLISH, effective_on=on, document=document,
                                   note=note, changes=state, state=state, valid_until=None,
                                   recorded_by=services._user(actor), **services._source(source),
                                   **services._denormalised(body, state))
        LeaderSeat.objects.bulk_create(LeaderSeat(body=body, role=s["role"], post_id=s["post_id"], order=i)
                                       for i, s in enumerate(state["leaders"]))
        Membership.objects.bulk_create(Membership(body=body, department_id=m["department_id"], role=m["role"],
                                                  order=i) for i, m in enumerate(state["members"]))
        audit.record(actor=actor, action="设立机构", target=body, after=state, reason=note, body_id=body.pk)
        return body, findings

    print(f"\n== Excel import: a {n_rows}-row slice of the bench file, rolled back")
    ms, queries, _ = run()
    print(f"   as it is: {ms:,.0f} ms = {ms / n_rows:.1f} ms/row, {queries / n_rows:.1f} statements/row "
          f"→ 10,000 rows ≈ {ms / n_rows * 10:.0f} s")
    original, original_validate = services.body_establish, validate
    services.body_establish = lean_establish
    excel.services.body_establish = lean_establish
    ms2, queries2, _ = run()
    print(f"   lean body_establish (no replay of a one-event body, policy cached, refs validated once): "
          f"{ms2:,.0f} ms = {ms2 / n_rows:.1f} ms/row, {queries2 / n_rows:.1f} statements/row "
          f"→ 10,000 rows ≈ {ms2 / n_rows * 10:.0f} s")
    buffer: list[tuple] = []

    def buffered_establish(*, actor, region, state, on, document=None, note="", origin=None, source=None):
        """Rules checked per row (in memory); the rows written together at the end (flush)."""
        policy = policies.get(region.pk) or policies.setdefault(region.pk, Policy.for_region(region))
        findings = check_body_state(state, region=region, policy=policy)
        refuse_on_errors(findings)
        buffer.append((actor, region, state, on, document, note, source, policy))
        return None, findings

    def flush() -> None:
        from yixie.core.models import AuditEntry

        bodies = []
        for _actor, region, state, on, document, _note, _source, policy in buffer:
            b = Body(region=region, established_on=on, basis_document=document)
            services._project_columns(b, state)
            b.work_rules_due_on = date.fromordinal(on.toordinal() + int(policy["work_rules.deadline_days"].value))
            bodies.append(b)
        Body.objects.bulk_create(bodies, batch_size=1000)
        events, seats, members, entries = [], [], [], []
        for b, (actor, _region, state, on, document, note, source, _p) in zip(bodies, buffer, strict=True):
            events.append(LedgerEvent(body=b, kind=EventKind.ESTABLISH, effective_on=on, document=document, note=note,
                                      changes=state, state=state, recorded_by=services._user(actor),
                                      **services._source(source), **services._denormalised(b, state)))
            seats += [LeaderSeat(body=b, role=s["role"], post_id=s["post_id"], order=i)
                      for i, s in enumerate(state["leaders"])]
            members += [Membership(body=b, department_id=m["department_id"], role=m["role"], order=i)
                        for i, m in enumerate(state["members"])]
            entries.append(AuditEntry(actor=services._user(actor), action="设立机构", target_type="ledger.body",
                                      target_id=str(b.pk), target_label=b.name, body_id=b.pk,
                                      after=audit._jsonable(state), reason=note))
        for model, rows in ((LedgerEvent, events), (LeaderSeat, seats), (Membership, members),
                            (AuditEntry, entries)):
            model.objects.bulk_create(rows, batch_size=1000)
        buffer.clear()

    services.body_establish = buffered_establish
    excel.services.body_establish = buffered_establish
    ms3, queries3, _ = run(after=flush)
    print(f"   batched writes (rules per row in memory, bulk_create per 1,000): {ms3:,.0f} ms = "
          f"{ms3 / n_rows:.1f} ms/row, {queries3 / n_rows:.1f} statements/row → 10,000 rows ≈ {ms3 / n_rows * 10:.0f} s")

    def refs_in_memory(state: dict, region) -> None:
        """What validate_state_refs checks, without a query: the importer found every department and
        post in the region's own directory, so only duplicates and required fields are left to check."""
        ids = [m["department_id"] for m in state.get("members", [])]
        if len(ids) != len(set(ids)) or not state.get("name") or not state.get("lead_department"):
            raise services.LedgerError("成员单位有重复，请检查。", "members")

    def flush_executemany() -> None:
        """flush(), but the JSON-heavy rows by executemany instead of Django 5.2's UNNEST bulk insert."""
        from yixie.core.models import AuditEntry
        from yixie.demo.generate import _Writer

        bodies = []
        for _actor, region, state, on, document, _note, _source, policy in buffer:
            b = Body(region=region, established_on=on, basis_document=document)
            services._project_columns(b, state)
            b.work_rules_due_on = date.fromordinal(on.toordinal() + int(policy["work_rules.deadline_days"].value))
            bodies.append(b)
        Body.objects.bulk_create(bodies, batch_size=1000)
        writer = _Writer()
        entries = []
        for b, (actor, _region, state, on, document, note, source, _p) in zip(bodies, buffer, strict=True):
            writer.add(LedgerEvent(body=b, kind=EventKind.ESTABLISH, effective_on=on, document=document, note=note,
                                   changes=state, state=state, recorded_by=services._user(actor),
                                   recorded_at=timezone.now(), **services._source(source),
                                   **services._denormalised(b, state)))
            for i, s in enumerate(state["leaders"]):
                writer.add_row(LeaderSeat, (b.pk, s["role"], s["post_id"], i))
            for i, m in enumerate(state["members"]):
                writer.add_row(Membership, (b.pk, m["department_id"], m["role"], i))
            entries.append(AuditEntry(
                actor=services._user(actor), action="设立机构", target_type="ledger.body", target_id=str(b.pk),
                target_label=b.name, body_id=b.pk, after=audit._jsonable(state), reason=note, at=timezone.now()))
        writer.flush()
        writer._insert_objects(AuditEntry, entries)
        buffer.clear()

    from django.utils import timezone

    from yixie.ledger.models import Document

    known_docs: dict[str, Document] = {}
    checker_known, document_for = excel._Checker.document_known, excel._document_for

    def preload(numbers) -> None:
        for d in Document.objects.filter(number__in=list(numbers)):
            known_docs[d.number] = d

    def document_known(self, number: str) -> bool:
        if not known_docs:  # one query for every 文号 of the file (the bench file's are all registered)
            preload({parse(r) for sheet in src_numbers for r in sheet})
        return number in known_docs

    def doc_for(p, checker, documents, actor):
        return known_docs.get(p.doc_number) if p.doc_number else None

    from yixie.ledger.docnumber import parse_document_number

    def parse(text: str) -> str:
        return parse_document_number(excel._split_document(text)[0])[0].canonical

    wb = load_workbook(small, read_only=True)
    src_numbers = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        col = rows[0].index("依据文件")
        src_numbers.append([r[col] for r in rows[1:] if r[col]])
    wb.close()
    excel.services.validate_state_refs = refs_in_memory
    excel._Checker.document_known, excel._document_for = document_known, doc_for
    ms4, queries4, _ = run(after=flush_executemany)
    if os.environ.get("YIXIE_PROFILE_BATCHED"):
        profile(lambda: run(after=flush_executemany), r"excel.py|profile_targets.py.*flush|generate.py.*_insert|"
                r"state.py|policy.py", n=1, lines=16)
    print(f"   + references and 文号 resolved in memory, JSON rows by executemany: {ms4:,.0f} ms = {ms4 / n_rows:.1f} ms/row, "
          f"{queries4 / n_rows:.1f} statements/row → 10,000 rows ≈ {ms4 / n_rows * 10:.0f} s")
    split_names = excel._Checker.__dict__["split_names"]

    def split_names_bounded(text: str, known) -> list[str]:
        """split_names, trying joins only as wide as the most 、 in a known name (+1), not every width."""
        pieces = excel._split_list(text)
        width = 1 + max((k.count("、") for k in known), default=0)
        items, i = [], 0
        while i < len(pieces):
            for j in range(min(len(pieces), i + width), i + 1, -1):
                joined = "、".join(pieces[i:j])
                if excel._key(excel._member_role(joined)[0]) in known:
                    items.append(joined)
                    i = j
                    break
            else:
                items.append(pieces[i])
                i += 1
        return items

    excel._Checker.split_names = staticmethod(split_names_bounded)
    ms5, queries5, _ = run(after=flush_executemany)
    print(f"   + split_names with a bounded join window: {ms5:,.0f} ms = {ms5 / n_rows:.1f} ms/row "
          f"→ 10,000 rows ≈ {ms5 / n_rows * 10:.0f} s")
    excel._Checker.split_names = split_names
    excel._Checker.document_known, excel._document_for = checker_known, document_for
    excel.services.validate_state_refs = original_validate
    services.body_establish = original
    excel.services.body_establish = original
    _ = st, timedelta
    print("-- where the time goes as it is (cProfile)")
    profile(lambda: run(), r"excel.py.*(import_workbook|\(check\))|services.py|policy.py.*for_region|audit.py",
            n=1, lines=16)


# ---------------------------------------------------------------------------------------------- overlap

def overlap_() -> None:
    from django.db import transaction
    from overlap_bench import PROPOSALS

    from yixie.ledger import overlap, services
    from yixie.ledger.choices import EventKind
    from yixie.ledger.models import Body
    from yixie.org.models import Region, RoleAssignment

    city = RoleAssignment.objects.get(user__username="bench_bianban").region
    province = Region.objects.get(parent__isnull=True, pk__in=[city.parent_id, city.pk])
    props = [(city.name + n[1:], d) for n, d in PROPOSALS]

    def find(name: str, duties: str):
        return overlap.find_overlaps(region=province, include_descendants=True, name=name, duties=duties)

    overlap.invalidate()
    t = time.perf_counter()
    find(*props[0])
    index = overlap._index_for(province, None, 3, True)
    print(f"\n== overlap against the province: {len(index.candidates):,} candidates, first call (full build, every "
          f"text cut) {time.perf_counter() - t:.1f} s")
    print(f"   find_overlaps(province, include_descendants=True), 5 proposals  "
          f"{timed(lambda: [find(n, d) for n, d in props], n=6, warmup=1)}  (per 5)")
    print("-- where a query goes (cProfile, 5 proposals × 4)")
    profile(lambda: [find(n, d) for n, d in props], r"overlap.py|cdist|_fingerprint", n=4, lines=10)

    def rebuild():
        overlap.invalidate()
        find(*props[0])

    print(f"   full build again, tokens cached        {timed(rebuild, n=2, warmup=0)}")
    print("-- where a build with cached tokens goes (cProfile)")
    profile(rebuild, r"overlap.py.*(_update_index|_tokens|_terms|_tf_rows|_candidate|_load_candidates|_stamps)",
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
    profile(one_write, r"overlap.py.*(_index_for|_update_index|_stamps|_fingerprint|_load_candidates|_weighted|"
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
