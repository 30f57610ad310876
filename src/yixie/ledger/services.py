"""Every write to the ledger goes through these functions (views, imports, the demo and, later,
the approval workflow call them). Each runs in one transaction, checks the rules, and audits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yixie.core import audit, bulk
from yixie.core.audit import snapshot
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import UploadError, check_upload
from yixie.org.models import Department, Post, Region

from . import selectors
from . import state as st
from .choices import ENDED_STATUSES, BodyFileKind, BodyStatus, EventKind
from .docnumber import DocumentNumberError, issuer_for, parse_document_number
from .models import Body, BodyFile, Document, DocumentFile, LeaderSeat, LedgerEvent, Membership
from .policy import Finding, Policy, PolicyViolation, check_departments_exist, refuse_on_errors

# Pure reads live in `selectors`; importable from here for the callers of old (the Excel import).
from .selectors import (  # noqa: F401
    active_name_spans,
    name_clash_on,
    names_spans_by_body,
    policy_findings,
    state_on,
)


class LedgerError(DomainError):
    """A write refused for a reason a clerk can act on; `message` is Chinese and says what and where."""


class ConcurrentChange(LedgerError):
    """The body moved on since the page (or the application) was based on it: someone else's change would be
    written over. `message` says who changed what when; `version` is the body's version now, for the form
    to carry so that a second submit, after the clerk has checked, applies on top."""

    def __init__(self, message: str, field: str | None = None, *, version: int):
        super().__init__(message, field, code="concurrent_change")
        self.version = version


def _check_version(body: Body, expected_version: int | None) -> None:
    """Refuse a write based on an older version of the (locked) body; `None` skips the check (internal callers)."""
    if expected_version is None or body.version == expected_version:
        return
    raise ConcurrentChange(selectors.concurrent_change_message(body, expected_version), version=body.version)


def check_version(*, body: Body, expected_version: int | None) -> None:
    """For a capability that drafts from a body's state (an application): refuse with `ConcurrentChange`
    when the body moved on since its page was opened at `expected_version`."""
    _check_version(Body.objects.select_for_update().get(pk=body.pk), expected_version)


def _bump_version(body: Body) -> int:
    """The one place a body's version moves on: every write to the body calls it (through `_replay` for
    events), in the write's transaction. The audit entry of the write records the new version."""
    Body.objects.filter(pk=body.pk).update(version=F("version") + 1)
    body.version = Body.objects.filter(pk=body.pk).values_list("version", flat=True).get()
    return body.version


# ---------------------------------------------------------------- documents

ALLOWED_FILE_TYPES = (".pdf", ".ofd", ".docx")


def document_create(*, actor, region: Region, number: str, issuer: str, issued_on: date, title: str,
                    note: str = "") -> Document:
    doc = _new_document(region=region, number=number, issuer=issuer, issued_on=issued_on, title=title, note=note)
    with transaction.atomic():
        if Document.objects.filter(number=doc.number).exists():
            raise LedgerError(_number_taken(doc.number), "number")
        doc.save()
        audit.record(actor=actor, **_document_audit(doc))
    return doc


def document_without_number_create(*, actor, region: Region, issuer: str, issued_on: date, title: str,
                                   note: str = "") -> Document:
    """A document that has no 文号 — a consultation's minutes (会议纪要), a record of an agreement — kept as a
    ledger document so an event can cite it (a change of the division of duties, docs/decisions/0026)."""
    if not (issuer or "").strip():
        raise LedgerError("请填写形成该文件的单位。", "issuer")
    if not (title or "").strip():
        raise LedgerError("请填写文件标题。", "title")
    doc = Document(region=region, number="", issuer=issuer.strip()[:100], issued_on=issued_on,
                   title=title.strip()[:300], note=(note or "").strip()[:300])
    with transaction.atomic():
        doc.save()
        audit.record(actor=actor, **_document_audit(doc))
    return doc


@dataclass(frozen=True)
class NewDocument:
    """One document for `documents_create_bulk` to register."""

    region: Region
    number: str
    issuer: str
    issued_on: date
    title: str
    note: str = ""


@transaction.atomic
def documents_create_bulk(*, actor, items: Sequence[NewDocument]) -> list[Document]:
    """Register many documents at once, all or nothing, by the rules of `document_create`.

    The first refused item raises `ItemRefused`; otherwise the documents and their audit entries are
    written with multi-row inserts.
    """
    docs: list[Document] = []
    seen: set[str] = set()
    for i, it in enumerate(items):
        try:
            doc = _new_document(region=it.region, number=it.number, issuer=it.issuer, issued_on=it.issued_on,
                                title=it.title, note=it.note)
            if doc.number in seen:
                raise LedgerError(_number_taken(doc.number), "number")
        except LedgerError as exc:
            raise ItemRefused(i, exc) from exc
        seen.add(doc.number)
        docs.append(doc)
    numbers = [d.number for d in docs]
    taken: set[str] = set()
    for i in range(0, len(numbers), 500):
        taken |= set(Document.objects.filter(number__in=numbers[i:i + 500]).values_list("number", flat=True))
    for i, number in enumerate(numbers):
        if number in taken:
            raise ItemRefused(i, LedgerError(_number_taken(number), "number"))
    Document.objects.bulk_create(docs, batch_size=BULK_BATCH)
    audit.record_many([audit.entry(actor=actor, **_document_audit(d)) for d in docs])
    return docs


def _new_document(*, region: Region, number: str, issuer: str, issued_on: date, title: str, note: str) -> Document:
    """A document checked and unsaved: its 文号 readable and canonical, its year the issue date's."""
    try:
        parsed, _notes = parse_document_number(number)
    except DocumentNumberError as exc:
        raise LedgerError(exc.message, "number") from exc
    canonical = parsed.canonical
    if parsed.year != issued_on.year:
        raise LedgerError(f"文号“{canonical}”中的年份{parsed.year}与成文日期{format_date_zh(issued_on)}不一致。",
                          "issued_on")
    if not issuer.strip():
        issuer = issuer_for(region, parsed) or ""
    if not issuer.strip():
        raise LedgerError(f"请填写发文机关（文号“{canonical}”的机关代字“{parsed.agency}”不是{region.name}或其上级的代字，"
                          "无法自动确定）。", "issuer")
    if not title.strip():
        raise LedgerError("请填写文件标题。", "title")
    return Document(region=region, number=canonical, issuer=issuer.strip(), issued_on=issued_on, title=title.strip(),
                    note=note.strip())


def _number_taken(number: str) -> str:
    return f"文号“{number}”已登记，不能重复登记。"


def _document_audit(doc: Document) -> dict:
    return {"action": "登记文件", "target": doc, "after": snapshot(doc)}


def document_get_or_create(*, actor, region: Region, number: str, issuer: str, issued_on: date,
                           title: str) -> Document:
    """The document with this number, registering it first if the ledger does not know it yet."""
    parsed, _ = parse_document_number(number)
    existing = Document.objects.filter(number=parsed.canonical).first()
    if existing is not None:
        return existing
    return document_create(actor=actor, region=region, number=number, issuer=issuer, issued_on=issued_on,
                           title=title)


def document_attach_file(*, actor, document: Document, uploaded) -> DocumentFile:
    """Attach a PDF, OFD or DOCX; its name, size and actual content are checked before it is kept."""
    try:
        checked = check_upload(uploaded, allowed=ALLOWED_FILE_TYPES, max_bytes=settings.YIXIE_UPLOAD_MAX_BYTES)
    except UploadError as exc:
        raise LedgerError(exc.message, "file") from exc
    with transaction.atomic():
        df = DocumentFile(document=document, original_name=checked.name, file_type=checked.file_type,
                          size=checked.size, sha256=checked.sha256, uploaded_by=_user(actor))
        df.file.save(f"{checked.sha256[:16]}{checked.ext}", uploaded, save=False)
        df.save()
        audit.record(actor=actor, action="上传附件", target=document,
                     after={"附件": checked.name, "大小": checked.size, "SHA-256": checked.sha256})
    return df


# ---------------------------------------------------------------- bodies and events

def _today() -> date:
    return timezone.localdate()


def check_name_free(*, region: Region, name: str, on: date, exclude_body_id: int | None = None) -> None:
    """No other active body of the region may bear the name on `on` or at any later date."""
    spans = active_name_spans(region.pk, [name], exclude_body_id=exclude_body_id)
    when = name_clash_on(spans.get(name, ()), on)
    if when is not None:
        raise LedgerError(_name_taken(region, name, when), "name")


def _name_taken(region: Region, name: str, when: date) -> str:
    return f"{region.name}在{format_date_zh(when)}已有同名机构“{name}”，不能重名。"


@dataclass(frozen=True)
class Refs:
    """Departments and posts by id: what a state's references are checked against. A department is
    (region id, name, established_on, ended_on); a post (region id, name). Department entries of only
    (region id, name) are taken as having no dates."""

    departments: dict[int, tuple]
    posts: dict[int, tuple[int, str]]

    @classmethod
    def of(cls, departments: Iterable[Department], posts: Iterable[Post]) -> Refs:
        """From instances already in memory (an importer's directory of a region)."""
        return cls({d.pk: (d.region_id, d.name, d.established_on, d.ended_on) for d in departments},
                   {p.pk: (p.region_id, p.name) for p in posts})

    @classmethod
    def load(cls, states: Iterable[dict]) -> Refs:
        """Every department and post the states refer to, in a query per model (and per 1,000 ids)."""
        dept_ids: set[int] = set()
        post_ids: set[int] = set()
        for state in states:
            dept_ids |= _department_ids(state)
            post_ids |= {s["post_id"] for s in state.get("leaders", [])}
        refs = cls({}, {})
        for model, ids, into, columns in (
                (Department, dept_ids, refs.departments, ("id", "region_id", "name", "established_on", "ended_on")),
                (Post, post_ids, refs.posts, ("id", "region_id", "name"))):
            ordered = sorted(ids)
            for i in range(0, len(ordered), 1000):
                for pk, *values in model.objects.filter(id__in=ordered[i:i + 1000]).values_list(*columns):
                    into[pk] = tuple(values)
        return refs

    def department_dates(self) -> dict[int, tuple[str, date | None, date | None]]:
        """(name, established_on, ended_on) by department id, for `policy.check_departments_exist`."""
        return {pk: (v[1], *(tuple(v[2:4]) if len(v) >= 4 else (None, None))) for pk, v in self.departments.items()}


def _department_ids(state: dict) -> set[int]:
    ids = {state[k]["id"] for k in ("lead_department", "office_department") if state.get(k)}
    return ids | {m["department_id"] for m in state.get("members", [])}


def validate_state_refs(state: dict, region: Region, refs: Refs | None = None, *, on: date | None = None) -> None:
    """Departments and posts must belong to the body's region; the fields a body cannot lack are there;
    and, given the event's effective date `on`, every department the state names exists on that date
    (`policy.check_departments_exist`).

    `refs` (see `Refs`) saves the queries when the caller already has the departments and posts at hand.
    """
    refs = refs if refs is not None else Refs.load([state])
    for dept_id in sorted(_department_ids(state)):
        dept_region, dept_name = refs.departments.get(dept_id, (None, f"编号{dept_id}"))[:2]
        if dept_region != region.pk:
            raise LedgerError(f"部门“{dept_name}”不属于{region.name}，不能作为该机构的牵头、办事或成员单位。")
    for post_id in sorted({s["post_id"] for s in state.get("leaders", [])}):
        post_region, post_name = refs.posts.get(post_id, (None, f"编号{post_id}"))
        if post_region != region.pk:
            raise LedgerError(f"领导职务“{post_name}”不属于{region.name}。")
    member_ids = [m["department_id"] for m in state.get("members", [])]
    if len(member_ids) != len(set(member_ids)):
        raise LedgerError("成员单位有重复，请检查。", "members")
    if not state.get("name"):
        raise LedgerError("请填写机构名称。", "name")
    if not state.get("lead_department"):
        raise LedgerError("请选择牵头部门。", "lead_department")
    if not (state.get("duties") or "").strip():
        raise LedgerError("请填写主要职责。", "duties")
    if state.get("ends_on") and not state.get("is_temporary"):
        raise LedgerError("常设机构不应填写存续期限；如为临时机构，请勾选“临时机构”。", "ends_on")
    if on is not None:
        for f in check_departments_exist(state, on, refs.department_dates()):
            raise LedgerError(f.message, f.field)


@transaction.atomic
def body_establish(*, actor, region: Region, state: dict, on: date, document: Document | None = None,
                   note: str = "", origin: Body | None = None,
                   source: tuple[str, str] | None = None) -> tuple[Body, list[Finding]]:
    """Record a body's setup (设立): the body, its first ledger event, and the audit entry."""
    policy = Policy.for_region(region)
    findings = policy_findings(state, region, policy)
    refuse_on_errors(findings)
    validate_state_refs(state, region, on=on)
    check_name_free(region=region, name=state["name"], on=on)
    # A new body has one event: its state is the setup's, in force from `on` on (what `_replay` derives).
    body = _new_body(region=region, state=state, on=on, document=document, origin=origin, policy=policy)
    body.save()
    _new_body_event(body, state, actor=actor, on=on, document=document, note=note, source=source).save()
    bulk.insert_rows(LeaderSeat, SEAT_COLUMNS, seat_rows(body.pk, state))
    bulk.insert_rows(Membership, MEMBER_COLUMNS, member_rows(body.pk, state))
    audit.record(actor=actor, **_establish_audit(body, state, note))
    return body, findings


#: Bodies written per round of multi-row inserts by `bodies_establish_bulk`.
BULK_BATCH = 1000


@dataclass(frozen=True)
class NewBody:
    """One body for `bodies_establish_bulk` to set up."""

    region: Region
    state: dict
    on: date
    document: Document | None = None


class ItemRefused(Exception):
    """`bodies_establish_bulk` (or `bodies_change_bulk`) refused `items[index]`; `error` is a `LedgerError` or a `PolicyViolation`."""

    def __init__(self, index: int, error: LedgerError | PolicyViolation):
        self.index = index
        self.error = error
        super().__init__(f"item {index}: {error}")


@transaction.atomic
def bodies_establish_bulk(*, actor, items: Sequence[NewBody], note: str = "", source: tuple[str, str] | None = None,
                          refs: Refs | None = None, batch_size: int | None = None,
                          progress: Callable[[int], None] | None = None) -> list[Body]:
    """Set up many bodies at once, all or nothing: the same rows as `body_establish` one after the other.

    Every item is checked first, in order, by the same rules (policy, references, the name rule — a name
    set up by an earlier item is taken for the later ones); the first refused item raises `ItemRefused`
    and nothing is written. Then the rows are written per `batch_size` (`BULK_BATCH`) items with multi-row inserts
    (bodies, setup events, seats, member units, one audit entry per body), calling `progress(done)`
    after each batch. `refs` (see `Refs`) saves the reference queries when the caller has them.
    """
    batch_size = batch_size or BULK_BATCH
    policies: dict[int, Policy] = {}
    refs = refs if refs is not None else Refs.load(it.state for it in items)
    by_region: dict[int, set[str]] = defaultdict(set)
    for it in items:
        by_region[it.region.pk].add(it.state.get("name", ""))
    spans = {region_id: active_name_spans(region_id, names) for region_id, names in by_region.items()}
    for i, it in enumerate(items):
        policy = policies.get(it.region.pk) or policies.setdefault(it.region.pk, Policy.for_region(it.region))
        try:
            refuse_on_errors(policy_findings(it.state, it.region, policy))
            validate_state_refs(it.state, it.region, refs, on=it.on)
            taken = spans[it.region.pk][it.state["name"]]
            when = name_clash_on(taken, it.on)
            if when is not None:
                raise LedgerError(_name_taken(it.region, it.state["name"], when), "name")
        except (LedgerError, PolicyViolation) as exc:
            raise ItemRefused(i, exc) from exc
        taken.append((it.on, None))

    created: list[Body] = []
    for start in range(0, len(items), batch_size):
        chunk = items[start:start + batch_size]
        bodies = [_new_body(region=it.region, state=it.state, on=it.on, document=it.document, origin=None,
                            policy=policies[it.region.pk]) for it in chunk]
        Body.objects.bulk_create(bodies)
        pairs = list(zip(bodies, chunk, strict=True))
        bulk.insert_objects(LedgerEvent, [
            _new_body_event(b, it.state, actor=actor, on=it.on, document=it.document, note=note, source=source)
            for b, it in pairs])
        bulk.insert_rows(LeaderSeat, SEAT_COLUMNS, [r for b, it in pairs for r in seat_rows(b.pk, it.state)])
        bulk.insert_rows(Membership, MEMBER_COLUMNS, [r for b, it in pairs for r in member_rows(b.pk, it.state)])
        audit.record_many([audit.entry(actor=actor, **_establish_audit(b, it.state, note)) for b, it in pairs])
        created += bodies
        if progress is not None:
            progress(len(created))
    return created


def _new_body(*, region: Region, state: dict, on: date, document: Document | None, origin: Body | None,
              policy: Policy) -> Body:
    """A body just set up, unsaved: its columns are its setup state's."""
    body = Body(region=region, established_on=on, basis_document=document, origin=origin)
    _project_columns(body, state)
    body.ended_on = on if body.status in ENDED_STATUSES else None
    body.work_rules_due_on = date.fromordinal(on.toordinal() + int(policy["work_rules.deadline_days"].value))
    return body


def _new_body_event(body: Body, state: dict, *, actor, on: date, document: Document | None, note: str,
                    source: tuple[str, str] | None) -> LedgerEvent:
    """A saved body's setup event, unsaved: its state is the setup state, in force until a later event."""
    return LedgerEvent(body=body, kind=EventKind.ESTABLISH, effective_on=on, document=document, note=note,
                       changes=state, state=state, valid_until=None, recorded_by=_user(actor), **_source(source),
                       **_denormalised(body, state))


def _establish_audit(body: Body, state: dict, note: str) -> dict:
    return {"action": "设立机构", "target": body, "after": state, "reason": note, "body_id": body.pk}


REQUIRED_CHANGES = {
    EventKind.RENAME: ("name",),
    EventKind.REAFFILIATE: ("lead_department", "office_department", "sequence", "category"),
    EventKind.MEMBERS: ("members",),
    EventKind.DOWNGRADE: ("category", "form"),
    EventKind.DIVISION: ("division", "members"),
}


def _checked_change(*, body: Body, kind: str, on: date, changes: dict, before: dict | None, has_later: bool,
                    refs: Refs | None = None, policy: Policy | None = None) -> tuple[dict, list[Finding]]:
    """The rules of one dated change of a body (`event_record` and `bodies_change_bulk` both call this):
    the state after it and the policy's findings, or `LedgerError` / `PolicyViolation`."""
    kind_label = EventKind(kind).label
    if kind == EventKind.ESTABLISH:
        raise LedgerError("“设立”事项只能在新增机构时登记。", "kind")
    if on < body.established_on:
        raise LedgerError(f"{kind_label}日期{format_date_zh(on)}早于该机构设立日期{format_date_zh(body.established_on)}。",
                          "effective_on")
    if before is None:
        raise LedgerError(f"{format_date_zh(on)}该机构尚未设立。", "effective_on")
    if before.get("status") in ENDED_STATUSES:
        raise LedgerError(f"该机构在{format_date_zh(on)}已{st.display_value('status', before['status'])}，不能再登记{kind_label}。",
                          "effective_on")
    ends_body = kind in (EventKind.ABOLISH, EventKind.MERGE, EventKind.DERECOGNISE)
    if ends_body and has_later:
        raise LedgerError(f"该机构在{format_date_zh(on)}之后还有登记的事项，不能在此日期{kind_label}；请先核对后续事项。",
                          "effective_on")
    if kind == EventKind.MERGE:
        successor = changes.get("successor")
        if not successor:
            raise LedgerError("合并须指明并入的机构。", "successor")
        if successor.get("id") == body.pk:
            raise LedgerError("机构不能并入自身。", "successor")
    for key in REQUIRED_CHANGES.get(kind, ()):
        if key in changes and changes[key] != before.get(key):
            break
    else:
        if kind in REQUIRED_CHANGES:
            labels = "、".join(st.STATE_FIELDS[k] for k in REQUIRED_CHANGES[kind])
            raise LedgerError(f"{kind_label}须改变{labels}中的至少一项。", "changes")
    if kind == EventKind.ADJUST and not any(changes.get(k) != before.get(k) for k in changes):
        raise LedgerError("调整事项没有改变任何内容。", "changes")
    after = st.apply_changes(before, kind, changes)
    findings: list[Finding] = []
    if not ends_body:
        validate_state_refs(after, body.region, refs, on=on)
        findings = policy_findings(after, body.region, policy)
        refuse_on_errors(findings)
    return after, findings


@transaction.atomic
def event_record(*, actor, body: Body, kind: str, on: date, document: Document | None = None,
                 changes: dict | None = None, note: str = "",
                 source: tuple[str, str] | None = None,
                 expected_version: int | None = None) -> tuple[LedgerEvent, list[Finding]]:
    """Record one dated change in a body's history; later states are re-derived if it slots in the past.

    `expected_version`: the body's version the change was made from (a form's); if the body moved on since,
    `ConcurrentChange` says what changed and nothing is written."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    _check_version(body, expected_version)
    changes = dict(changes or {})
    before = state_on(body, on)
    has_later = body.events.filter(is_void=False, effective_on__gt=on).exists()
    after, findings = _checked_change(body=body, kind=kind, on=on, changes=changes, before=before,
                                      has_later=has_later)
    kind_label = EventKind(kind).label
    if kind not in (EventKind.ABOLISH, EventKind.MERGE, EventKind.DERECOGNISE):
        if after["name"] != before["name"]:
            check_name_free(region=body.region, name=after["name"], on=on, exclude_body_id=body.pk)
    seq = body.events.filter(effective_on=on).count()
    event = LedgerEvent.objects.create(body=body, kind=kind, effective_on=on, seq=seq, document=document,
                                       note=note, changes=changes, recorded_by=_user(actor),
                                       **_source(source), **_denormalised(body, after))
    _replay(body, keep_aliases="aliases" not in changes)
    if kind == EventKind.SPLIT:
        # The new bodies point at their origin, so "what became of it" always has an answer.
        for ref in changes.get("split_into", []):
            Body.objects.filter(pk=ref["id"], region=body.region).update(origin=body)
    audit.record(actor=actor, action=f"登记{kind_label}", target=body, before=before,
                 after={**after, "version": body.version}, reason=note, body_id=body.pk)
    event.refresh_from_db()
    return event, findings


@dataclass(frozen=True)
class BodyChange:
    """One dated change of an existing body for `bodies_change_bulk` (what `event_record` takes)."""

    body_id: int
    kind: str
    on: date
    changes: dict
    document: Document | None = None
    #: This change's own note (its reason); empty: the call's `note`.
    note: str = ""


_PROJECTED = ["name", "short_name", "aliases", "former_names", "category", "form", "sequence", "legal_ground",
              "lead_department", "office_department", "duties", "is_temporary", "ends_on", "end_condition",
              "upper_counterpart", "task_scope", "extra_members_approved", "status", "successor", "ended_on",
              "updated_at"]


@transaction.atomic
def bodies_change_bulk(*, actor, items: Sequence[BodyChange], note: str = "", source: tuple[str, str] | None = None,
                       batch_size: int | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Record many dated changes of existing bodies at once, all or nothing: the rows `event_record` writes.

    Each item is checked first, in order, by `event_record`'s rules (`_checked_change`, the name rule); the
    first refused one raises `ItemRefused`. A change dated on or after the body's latest event is appended
    without a replay (its state is the latest state with the change laid over it, the latest event's
    `valid_until` becomes its date, the body's projection is rewritten when it is in force today), written
    with multi-row inserts per `batch_size` items; one dated before the body's latest event slots into the
    past and goes through `event_record` (a replay). One change per body. Returns the number of events.
    """
    batch_size = batch_size or BULK_BATCH
    ids = [it.body_id for it in items]
    if len(set(ids)) != len(ids):
        seen: set[int] = set()
        for i, body_id in enumerate(ids):
            if body_id in seen:
                raise ItemRefused(i, LedgerError("同一机构在一次导入中只能登记一项变更。", "changes"))
            seen.add(body_id)
    bodies: dict[int, Body] = {}
    current: dict[int, LedgerEvent] = {}
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        bodies.update((b.pk, b) for b in Body.objects.select_for_update().select_related("region").filter(pk__in=part))
        current.update((e.body_id, e) for e in LedgerEvent.objects.filter(
            body_id__in=part, is_void=False, valid_until__isnull=True).only("id", "body_id", "effective_on", "seq",
                                                                              "state"))
    # Every department and post the changed states name, in a query per model (not two per item).
    refs = Refs.load(st.apply_changes(current[it.body_id].state, it.kind, it.changes)
                     for it in items if it.body_id in current)
    policies: dict[int, Policy] = {}
    fast: list[tuple[BodyChange, Body, LedgerEvent, dict]] = []
    slow: list[tuple[int, BodyChange, Body]] = []
    # The name rule for every renamed body at once: one query per region (not one per item), and two items
    # of one file may not take the same new name.
    renamed: dict[int, set[str]] = defaultdict(set)
    for it in items:
        if it.body_id in bodies and it.body_id in current and it.changes.get("name") \
                and it.changes["name"] != current[it.body_id].state.get("name"):
            renamed[bodies[it.body_id].region_id].add(it.changes["name"])
    name_spans = {region_id: names_spans_by_body(region_id, names) for region_id, names in renamed.items()}
    taken_here: dict[tuple[int, str], int] = {}
    for i, it in enumerate(items):
        body = bodies.get(it.body_id)
        if body is None or it.body_id not in current:
            raise ItemRefused(i, LedgerError("台账中没有该机构。", "body"))
        cur = current[it.body_id]
        if it.on < cur.effective_on:
            slow.append((i, it, body))
            continue
        policy = policies.get(body.region_id) or policies.setdefault(body.region_id, Policy.for_region(body.region))
        try:
            after, _findings = _checked_change(body=body, kind=it.kind, on=it.on, changes=dict(it.changes),
                                               before=cur.state, has_later=False, refs=refs, policy=policy)
            if it.kind not in (EventKind.ABOLISH, EventKind.MERGE, EventKind.DERECOGNISE) \
                    and after["name"] != cur.state["name"]:
                spans = [(a, b) for body_id, a, b in name_spans.get(body.region_id, {}).get(after["name"], ())
                         if body_id != body.pk]
                when = name_clash_on(spans, it.on)
                if when is not None:
                    raise LedgerError(_name_taken(body.region, after["name"], when), "name")
                key = (body.region_id, after["name"])
                if key in taken_here:
                    raise LedgerError(f"“{after['name']}”在本次变更中已用于另一个机构，不能重名。", "name")
                taken_here[key] = body.pk
        except (LedgerError, PolicyViolation) as exc:
            raise ItemRefused(i, exc) from exc
        fast.append((it, body, cur, after))
    same_day = [b.pk for it, b, cur, _a in fast if cur.effective_on == it.on]
    seqs: dict[tuple[int, date], int] = defaultdict(int)
    for i in range(0, len(same_day), 500):
        for body_id, on in LedgerEvent.objects.filter(body_id__in=same_day[i:i + 500]).values_list("body_id",
                                                                                                  "effective_on"):
            seqs[(body_id, on)] += 1
    today = _today()
    done = 0
    for start in range(0, len(fast), batch_size):
        chunk = fast[start:start + batch_size]
        bulk.insert_objects(LedgerEvent, [
            LedgerEvent(body=b, kind=it.kind, effective_on=it.on, seq=seqs[(b.pk, it.on)], document=it.document,
                        note=(it.note or note)[:500], changes=dict(it.changes), state=after, valid_until=None, recorded_by=_user(actor),
                        **_source(source), **_denormalised(b, after))
            for it, b, _cur, after in chunk])
        ended: dict[date, list[int]] = defaultdict(list)
        for it, _b, cur, _after in chunk:
            ended[it.on].append(cur.pk)
        for on, event_ids in ended.items():
            LedgerEvent.objects.filter(pk__in=event_ids).update(valid_until=on)
        now = [(b, after, it.on) for it, b, _cur, after in chunk if it.on <= today]
        for b, after, on in now:
            _project_columns(b, after)
            b.ended_on = on if b.status in ENDED_STATUSES else None
            b.updated_at = timezone.now()
        if now:
            bulk.update_objects(Body, [b for b, _a, _o in now], _PROJECTED)
            projected = [b.pk for b, _a, _o in now]
            LeaderSeat.objects.filter(body_id__in=projected).delete()
            Membership.objects.filter(body_id__in=projected).delete()
            bulk.insert_rows(LeaderSeat, SEAT_COLUMNS, [r for b, a, _o in now for r in seat_rows(b.pk, a)])
            bulk.insert_rows(Membership, MEMBER_COLUMNS, [r for b, a, _o in now for r in member_rows(b.pk, a)])
        # Every changed body's version moves on, as `_bump_version` does for one (`_replay` is skipped here).
        Body.objects.filter(pk__in=[b.pk for _it, b, _cur, _after in chunk]).update(version=F("version") + 1)
        for _it, b, _cur, _after in chunk:
            b.version += 1
        audit.record_many([audit.entry(actor=actor, action=f"登记{EventKind(it.kind).label}", target=b,
                                       before=cur.state, after={**after, "version": b.version},
                                       reason=(it.note or note)[:500],
                                       body_id=b.pk)
                           for it, b, cur, after in chunk])
        done += len(chunk)
        if progress is not None:
            progress(done)
    for i, it, body in slow:
        try:
            event_record(actor=actor, body=body, kind=it.kind, on=it.on, document=it.document,
                         changes=dict(it.changes), note=(it.note or note)[:500], source=source)
        except (LedgerError, PolicyViolation) as exc:
            raise ItemRefused(i, exc) from exc
        done += 1
        if progress is not None:
            progress(done)
    return len(items)


@transaction.atomic
def body_merge(*, actor, bodies: list[Body], into: Body, on: date, document: Document | None = None,
               note: str = "", source: tuple[str, str] | None = None) -> list[LedgerEvent]:
    """Merge bodies into a survivor: each merged body ends and points at it (what became of it is answerable)."""
    if not bodies:
        raise LedgerError("请至少选择一个被合并的机构。", "bodies")
    survivor_state = state_on(into, on)
    if survivor_state is None or survivor_state.get("status") in ENDED_STATUSES:
        raise LedgerError(f"并入的机构“{into.name}”在{format_date_zh(on)}不处于存续状态。", "into")
    events = []
    for b in bodies:
        event, _ = event_record(actor=actor, body=b, kind=EventKind.MERGE, on=on, document=document,
                                changes={"successor": {"id": into.pk, "name": survivor_state["name"]}}, note=note,
                                source=source)
        events.append(event)
    return events


@transaction.atomic
def change_apply(*, actor, body: Body, kind: str, on: date, proposed_state: dict | None = None,
                 document: Document | None = None, note: str = "", merged: Iterable[Body] = (),
                 source_label: str = "", source_url: str = "", base_state: dict | None = None,
                 base_version: int | None = None) -> tuple[LedgerEvent, list[Finding]]:
    """Apply an approved change of an existing body (an application, a campaign's list): the one public
    write a capability calls. The caller says what was approved (`kind`, and the body's state after it);
    the ledger decides which event that is and what it records (`state.event_for_change`: an adjustment of
    the member units only is a 成员调整, of the name only a 更名), checks every rule and writes it. A merger
    ends the `merged` bodies into `body` (the first of their events is returned). A new body is
    `body_establish`.

    `base_state` is the body's state the change was drafted from (`base_version` its version): the change
    is then what the caller changed from it (`state.rebase`), laid over the body's state now, so changes
    recorded in between that it does not touch are kept; a field changed both in between and by the
    caller, to different values, is refused with `ConcurrentChange` naming the field and the values.
    """
    source = (source_label, source_url) if (source_label or source_url) else None
    if kind == EventKind.ESTABLISH:
        raise LedgerError("“设立”只能登记新机构，不能用于已有机构。", "kind")
    if kind == EventKind.MERGE:
        events = body_merge(actor=actor, bodies=list(merged), into=body, on=on, document=document, note=note,
                            source=source)
        return events[0], []
    changes: dict = {}
    if kind in st.KIND_KEYS:
        if not proposed_state:
            raise LedgerError(f"{EventKind(kind).label}须写明调整后的内容。", "changes")
        body = Body.objects.select_for_update().get(pk=body.pk)
        before = state_on(body, on)
        if before is None:
            raise LedgerError(f"{format_date_zh(on)}该机构尚未设立。", "effective_on")
        if base_state:
            proposed_state, conflicts = st.rebase(kind, base_state, proposed_state, before)
            if conflicts:
                raise ConcurrentChange(selectors.conflict_message(body, conflicts, base_version), conflicts[0][0],
                                       version=body.version)
        kind, changes = st.event_for_change(kind, before, proposed_state)
    return event_record(actor=actor, body=body, kind=kind, on=on, document=document, changes=changes, note=note,
                        source=source)


@transaction.atomic
def event_void(*, actor, event: LedgerEvent, reason: str, expected_version: int | None = None) -> None:
    """Void a mistaken event (it stays on record, marked void) and re-derive the body's states."""
    if not reason.strip():
        raise LedgerError("作废须写明原因。", "reason")
    if event.kind == EventKind.ESTABLISH:
        raise LedgerError("“设立”事项不能作废；如整条机构登记有误，请登记“不再认定”。")
    body = Body.objects.select_for_update().get(pk=event.body_id)
    _check_version(body, expected_version)
    event.is_void = True
    event.void_reason = reason.strip()
    event.save(update_fields=["is_void", "void_reason"])
    _replay(body)
    audit.record(actor=actor, action="作废事项", target=body, before={"事项": str(event)},
                 after={"作废": True, "version": body.version}, reason=reason, body_id=event.body_id)


def body_update_aliases(*, actor, body: Body, aliases: list[str], reason: str = "",
                        expected_version: int | None = None) -> Body:
    """Aliases (别名) are a recording aid, not a change of the body: filed without a ledger event.
    `expected_version` as for `event_record`."""
    with transaction.atomic():
        body = Body.objects.select_for_update().get(pk=body.pk)
        _check_version(body, expected_version)
        before = body.alias_list
        cleaned = list(dict.fromkeys(a.strip() for a in aliases if a.strip()))
        body.aliases = "\n".join(cleaned)
        body.save(update_fields=["aliases", "updated_at"])
        # Keep the current event's search text in step so that searches find the alias.
        current = body.events.filter(is_void=False, valid_until__isnull=True).first()
        if current is not None:
            current.state = {**current.state, "aliases": cleaned}
            current.search_text = st.search_text(current.state)
            current.save(update_fields=["state", "search_text"])
        _bump_version(body)
        audit.record(actor=actor, action="修改别名", target=body, before={"aliases": before},
                     after={"aliases": cleaned, "version": body.version}, reason=reason, body_id=body.pk)
    return body


def work_rules_file(*, actor, body: Body, filed_on: date, uploaded=None, expected_version: int | None = None) -> Body:
    """Record that the body's work rules were filed with 编办 on `filed_on`, with the filed text
    (`uploaded`, kept as a `BodyFile`) where one is given. `expected_version` as for `event_record`."""
    with transaction.atomic():
        body = Body.objects.select_for_update().get(pk=body.pk)
        _check_version(body, expected_version)
        before = {"work_rules_filed_on": body.work_rules_filed_on}
        body.work_rules_filed_on = filed_on
        body.save(update_fields=["work_rules_filed_on", "updated_at"])
        _bump_version(body)
        audit.record(actor=actor, action="工作规则备案", target=body, before=before,
                     after={"work_rules_filed_on": filed_on, "version": body.version}, body_id=body.pk)
        if uploaded is not None:
            body_file_add(actor=actor, body=body, kind=BodyFileKind.WORK_RULES, uploaded=uploaded, filed_on=filed_on)
    return body


def body_file_add(*, actor, body: Body, kind: str, uploaded, filed_on: date, document: Document | None = None,
                  source: tuple[str, str] | None = None) -> BodyFile:
    """Keep a file with a body (its work rules, draft or filed), checked like every upload; `document` and
    `source` = (label, url) say where it came from (the publication document, the application)."""
    if kind not in BodyFileKind.values:
        raise LedgerError("未知的机构文件类型。", "kind")
    try:
        checked = check_upload(uploaded, allowed=ALLOWED_FILE_TYPES, max_bytes=settings.YIXIE_UPLOAD_MAX_BYTES,
                               what="文件")
    except UploadError as exc:
        raise LedgerError(exc.message, "file") from exc
    label, url = source or ("", "")
    with transaction.atomic():
        bf = BodyFile(body=body, kind=kind, original_name=checked.name, file_type=checked.file_type,
                      size=checked.size, sha256=checked.sha256, filed_on=filed_on, document=document,
                      source_label=label[:60], source_url=url[:200], uploaded_by=_user(actor))
        bf.file.save(f"{checked.sha256[:16]}{checked.ext}", uploaded, save=False)
        bf.save()
        audit.record(actor=actor, action="保存机构文件", target=body,
                     after={"文件": checked.name, "类型": dict(BodyFileKind.choices)[kind], "日期": filed_on,
                            "来源": label, "SHA-256": checked.sha256}, body_id=body.pk)
    return bf


# ---------------------------------------------------------------- derivation

def _source(source: tuple[str, str] | None) -> dict:
    if not source:
        return {}
    return {"source_label": source[0][:100], "source_url": source[1][:200]}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _denormalised(body: Body, state: dict) -> dict:
    return {
        "region_id": body.region_id,
        "name": state["name"],
        "category": state["category"],
        "sequence": state["sequence"],
        "status": state.get("status", BodyStatus.ACTIVE),
        "lead_department_id": state["lead_department"]["id"],
        "office_department_id": (state.get("office_department") or state["lead_department"])["id"],
        "is_temporary": bool(state.get("is_temporary")),
        "ends_on": date.fromisoformat(state["ends_on"]) if state.get("ends_on") else None,
        "search_text": st.search_text(state),
        "department_keys": st.department_keys(state),
    }


def _replay(body: Body, *, keep_aliases: bool = True) -> None:
    """Re-derive every event's state in effective order, then project today's state onto the Body.

    Aliases filed without an event (`body_update_aliases`) are kept in today's and later states unless
    `keep_aliases` is false (the event being recorded sets the aliases itself)."""
    filed_aliases = body.alias_list
    events = list(body.events.filter(is_void=False).order_by("effective_on", "seq", "id"))
    state: dict = {}
    for i, ev in enumerate(events):
        state = dict(ev.changes) if ev.kind == EventKind.ESTABLISH else st.apply_changes(state, ev.kind, ev.changes)
        ev.state = state
        for k, v in _denormalised(body, state).items():
            setattr(ev, k, v)
        ev.valid_until = events[i + 1].effective_on if i + 1 < len(events) else None
    today = _today()
    if keep_aliases and events:
        first_kept = max([i for i, ev in enumerate(events) if ev.effective_on <= today], default=0)
        for ev in events[first_kept:]:
            if ev.state.get("aliases") != filed_aliases:
                ev.state = {**ev.state, "aliases": filed_aliases}
                ev.search_text = st.search_text(ev.state)
    LedgerEvent.objects.bulk_update(
        events,
        ["state", "valid_until", "name", "category", "sequence", "status", "lead_department_id",
         "office_department_id", "is_temporary", "ends_on", "search_text", "department_keys"],
    )
    body.events.filter(is_void=True).update(valid_until=None)
    current = None
    for ev in events:
        if ev.effective_on <= today:
            current = ev
    if current is None and events:
        current = events[0]  # set up with a future date: show its planned state
    if current is not None:
        _project(body, current)
    _bump_version(body)


def _project_columns(body: Body, state: dict) -> None:
    body.name = state["name"]
    body.short_name = state.get("short_name", "")
    if state.get("aliases") is not None:
        body.aliases = "\n".join(state.get("aliases") or [])
    body.former_names = "\n".join(state.get("former_names") or [])
    body.category = state["category"]
    body.form = state["form"]
    body.sequence = state["sequence"]
    body.legal_ground = state["legal_ground"]
    body.lead_department_id = state["lead_department"]["id"]
    body.office_department_id = (state.get("office_department") or state["lead_department"])["id"]
    body.duties = state.get("duties", "")
    body.is_temporary = bool(state.get("is_temporary"))
    body.ends_on = date.fromisoformat(state["ends_on"]) if state.get("ends_on") else None
    body.end_condition = state.get("end_condition", "")
    body.upper_counterpart = state.get("upper_counterpart", "")
    body.task_scope = state.get("task_scope", "single")
    body.extra_members_approved = bool(state.get("extra_members_approved"))
    body.status = state.get("status", BodyStatus.ACTIVE)
    body.successor_id = (state.get("successor") or {}).get("id")


def _project(body: Body, event: LedgerEvent) -> None:
    state = event.state
    _project_columns(body, state)
    body.ended_on = event.effective_on if body.status in ENDED_STATUSES else None
    # Only the projected columns: the version and the columns no event derives (work rules) are not
    # written back from a body read before them.
    body.save(update_fields=PROJECTED_FIELDS)
    # Seats and memberships are a projection of the state: rebuilt, never the record themselves.
    body.leader_seats.all().delete()
    body.memberships.all().delete()
    bulk.insert_rows(LeaderSeat, SEAT_COLUMNS, seat_rows(body.pk, state))
    bulk.insert_rows(Membership, MEMBER_COLUMNS, member_rows(body.pk, state))


PROJECTED_FIELDS = ["name", "short_name", "aliases", "former_names", "category", "form", "sequence", "legal_ground",
                    "lead_department", "office_department", "duties", "is_temporary", "ends_on", "end_condition",
                    "upper_counterpart", "task_scope", "extra_members_approved", "status", "successor", "ended_on",
                    "updated_at"]
SEAT_COLUMNS = ("body_id", "role", "post_id", "order")
MEMBER_COLUMNS = ("body_id", "department_id", "role", "order")


def seat_rows(body_id: int, state: dict) -> list[tuple]:
    """The body's `LeaderSeat` rows (SEAT_COLUMNS) for a state: its leaders in order."""
    return [(body_id, s["role"], s["post_id"], i) for i, s in enumerate(state["leaders"])]


def member_rows(body_id: int, state: dict) -> list[tuple]:
    """The body's `Membership` rows (MEMBER_COLUMNS) for a state: its member units in order."""
    return [(body_id, m["department_id"], m["role"], i) for i, m in enumerate(state["members"])]


# ---------------------------------------------------------------- for writers beside the services
# The demo generator writes a whole city's events and bodies in bulk, and tests check that bodies written
# another way are what the services derive: both use these instead of the private helpers above.


def event_columns(*, body, state: dict) -> dict:
    """The columns a `LedgerEvent` copies from its state for queries, as every service writes them.

    `body` may be anything with the body's `region_id` (a bulk writer has no saved `Body` yet).
    """
    return _denormalised(body, state)


def project_columns(*, body: Body, state: dict) -> None:
    """Copy a state onto the `Body`'s own columns, as the services project today's state; not saved."""
    _project_columns(body, state)


def replay(*, body: Body) -> None:
    """Re-derive the states of `body`'s events in effective order and project today's onto the body."""
    _replay(body)


def export_journal(*, actor, on: date, rows: int, query: str = "") -> None:
    """An export is a sensitive read: who took which part of the ledger, as of when (the client address
    comes with the entry)."""
    audit.record(actor=actor, action=audit.EXPORT, target=None, target_type="ledger.export", target_id="",
                 target_label=f"台账导出（截至{format_date_zh(on)}，{rows}个机构）",
                 after={"截至": on.isoformat(), "机构数": rows, "筛选": query[:500]})


# ---------------------------------------------------------------- rule values (编办; docs/decisions/0021)

def parse_policy_value(key: str, raw: str):
    """A rule value typed by its national default: 是/否 for yes-no rules, a number for caps and time
    limits, empty only where the default is empty (no quota), the default's word where it has one."""
    from .policy import NATIONAL_DEFAULTS, POLICY_LABELS

    if key not in NATIONAL_DEFAULTS:
        raise LedgerError(f"没有名为“{key}”的管理规则。", "key")
    default = NATIONAL_DEFAULTS[key]["value"]
    label = POLICY_LABELS.get(key, key)
    text = (raw or "").strip()
    if isinstance(default, bool):
        if text in {"1", "是", "true", "True"}:
            return True
        if text in {"0", "否", "false", "False"}:
            return False
        raise LedgerError(f"“{label}”的取值只能是“是”或“否”。", "value")
    if not text:
        if default is None:
            return None
        raise LedgerError(f"请填写“{label}”的取值。", "value")
    if isinstance(default, str) and text == default:
        return text
    try:
        number = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            words = f"或“{default}”" if isinstance(default, str) else ""
            raise LedgerError(f"“{label}”的取值应为数字{words}，您填写的是“{text[:30]}”。", "value") from None
    if number < 0:
        raise LedgerError(f"“{label}”的取值不能为负数。", "value")
    return number


@transaction.atomic
def policy_value_set(*, actor, region: Region, key: str, value, severity: str, reason: str, article=None,
                     note: str = ""):
    """编办 sets a rule's value for its region (an override of the national default or of the region
    above), citing the article it rests on: one the region may cite (national, or of the region or a region
    above it, in a version in force; `regulations.citable_articles`). The row's `source` is the article's
    citation, with an optional note; audited with the value and the article before and after, and the reason."""
    from .choices import Severity
    from .models import PolicyValue
    from .policy import NATIONAL_DEFAULTS
    from .regulations import citable_articles

    if key not in NATIONAL_DEFAULTS:
        raise LedgerError(f"没有名为“{key}”的管理规则。", "key")
    note, reason = (note or "").strip(), (reason or "").strip()
    if article is None:
        raise LedgerError("请选择该取值依据的制度条款。", "article")
    cited = citable_articles(region).filter(pk=getattr(article, "pk", article)).first()
    if cited is None:
        raise LedgerError(f"所选条款不是{region.name}可以引用的现行条款（须为全国通用或本地区、上级制定的现行版本条款）。",
                          "article")
    if not reason:
        raise LedgerError("请填写调整理由。", "reason")
    if severity not in Severity.values:
        raise LedgerError("请选择处理方式。", "severity")
    source = cited.citation + (f"：{note}" if note else "")
    row = PolicyValue.objects.select_for_update().filter(region=region, key=key).first()
    before = _policy_snapshot(row) if row is not None else None
    row = row or PolicyValue(region=region, key=key)
    row.value, row.severity, row.source, row.article = value, severity, source[:300], cited
    row.save()
    audit.record(actor=actor, action="调整管理规则", target=row, before=before, after=_policy_snapshot(row),
                 reason=reason)
    return row


def _policy_snapshot(row) -> dict:
    """A policy row for the audit log, with the article it cites in words."""
    data = snapshot(row)
    if row.article_id:
        from .models import Article

        article = Article.objects.select_related("version__regulation").get(pk=row.article_id)
        data["依据条文"] = f"{article.citation}（{article.version.label}）"
    return data
