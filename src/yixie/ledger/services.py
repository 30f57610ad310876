"""Every write to the ledger goes through these functions (views, imports, the demo and, later,
the approval workflow call them). Each runs in one transaction, checks the rules, and audits.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yixie.core import audit
from yixie.core.audit import snapshot
from yixie.core.dates import format_date_zh
from yixie.core.files import UploadError, check_upload
from yixie.org.models import Department, Post, Region

from . import state as st
from .choices import ENDED_STATUSES, BodyStatus, EventKind
from .docnumber import DocumentNumberError, parse_document_number
from .models import Body, Document, DocumentFile, LeaderSeat, LedgerEvent, Membership
from .policy import Finding, Policy, check_body_state, refuse_on_errors


class LedgerError(Exception):
    """A write refused for a reason a clerk can act on; `message` is Chinese and says what and where."""

    def __init__(self, message: str, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(message)


# ---------------------------------------------------------------- documents

ALLOWED_FILE_TYPES = (".pdf", ".ofd", ".docx")


def document_create(*, actor, region: Region, number: str, issuer: str, issued_on: date, title: str,
                    note: str = "") -> Document:
    try:
        parsed, _notes = parse_document_number(number)
    except DocumentNumberError as exc:
        raise LedgerError(exc.message, "number") from exc
    canonical = parsed.canonical
    if parsed.year != issued_on.year:
        raise LedgerError(f"文号“{canonical}”中的年份{parsed.year}与成文日期{format_date_zh(issued_on)}不一致。",
                          "issued_on")
    if not issuer.strip():
        raise LedgerError("请填写发文机关。", "issuer")
    if not title.strip():
        raise LedgerError("请填写文件标题。", "title")
    with transaction.atomic():
        if Document.objects.filter(number=canonical).exists():
            raise LedgerError(f"文号“{canonical}”已登记，不能重复登记。", "number")
        doc = Document.objects.create(region=region, number=canonical, issuer=issuer.strip(), issued_on=issued_on,
                                      title=title.strip(), note=note.strip())
        audit.record(actor=actor, action="登记文件", target=doc, after=snapshot(doc))
    return doc


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
    clash = (
        LedgerEvent.objects.filter(is_void=False, region=region, name=name, status=BodyStatus.ACTIVE)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on))
        .exclude(body_id=exclude_body_id)
        .order_by("effective_on")
        .first()
    )
    if clash is not None:
        when = on if clash.effective_on <= on else clash.effective_on
        raise LedgerError(f"{region.name}在{format_date_zh(when)}已有同名机构“{name}”，不能重名。", "name")


def validate_state_refs(state: dict, region: Region) -> None:
    """Departments and posts must belong to the body's region."""
    dept_ids = {state[k]["id"] for k in ("lead_department", "office_department") if state.get(k)}
    dept_ids |= {m["department_id"] for m in state.get("members", [])}
    if dept_ids:
        bad = Department.objects.filter(id__in=dept_ids).exclude(region=region)
        if bad.exists():
            raise LedgerError(f"部门“{bad.first().name}”不属于{region.name}，不能作为该机构的牵头、办事或成员单位。")
    post_ids = {s["post_id"] for s in state.get("leaders", [])}
    if post_ids:
        bad_posts = Post.objects.filter(id__in=post_ids).exclude(region=region)
        if bad_posts.exists():
            raise LedgerError(f"领导职务“{bad_posts.first().name}”不属于{region.name}。")
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


def policy_findings(state: dict, region: Region) -> list[Finding]:
    return check_body_state(state, region=region, policy=Policy.for_region(region))


@transaction.atomic
def body_establish(*, actor, region: Region, state: dict, on: date, document: Document | None = None,
                   note: str = "", origin: Body | None = None,
                   source: tuple[str, str] | None = None) -> tuple[Body, list[Finding]]:
    """Record a body's setup (设立): the body, its first ledger event, and the audit entry."""
    findings = policy_findings(state, region)
    refuse_on_errors(findings)
    validate_state_refs(state, region)
    check_name_free(region=region, name=state["name"], on=on)
    body = Body(region=region, established_on=on, basis_document=document, origin=origin)
    _project_columns(body, state)
    body.save()
    LedgerEvent.objects.create(body=body, kind=EventKind.ESTABLISH, effective_on=on, document=document, note=note,
                               changes=state, recorded_by=_user(actor), **_source(source),
                               **_denormalised(body, state))
    _replay(body)
    deadline = Policy.for_region(region)["work_rules.deadline_days"].value
    body.work_rules_due_on = date.fromordinal(on.toordinal() + int(deadline))
    body.save(update_fields=["work_rules_due_on"])
    audit.record(actor=actor, action="设立机构", target=body, after=state, reason=note, body_id=body.pk)
    return body, findings


REQUIRED_CHANGES = {
    EventKind.RENAME: ("name",),
    EventKind.REAFFILIATE: ("lead_department", "office_department", "sequence", "category"),
    EventKind.MEMBERS: ("members",),
    EventKind.DOWNGRADE: ("category", "form"),
}


def state_on(body: Body, on: date) -> dict | None:
    event = body.events.in_force_on(on).order_by("-effective_on", "-seq", "-id").first()
    return event.state if event else None


@transaction.atomic
def event_record(*, actor, body: Body, kind: str, on: date, document: Document | None = None,
                 changes: dict | None = None, note: str = "",
                 source: tuple[str, str] | None = None) -> tuple[LedgerEvent, list[Finding]]:
    """Record one dated change in a body's history; later states are re-derived if it slots in the past."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    changes = dict(changes or {})
    kind_label = EventKind(kind).label
    if kind == EventKind.ESTABLISH:
        raise LedgerError("“设立”事项只能在新增机构时登记。", "kind")
    if on < body.established_on:
        raise LedgerError(f"{kind_label}日期{format_date_zh(on)}早于该机构设立日期{format_date_zh(body.established_on)}。",
                          "effective_on")
    before = state_on(body, on)
    if before is None:
        raise LedgerError(f"{format_date_zh(on)}该机构尚未设立。", "effective_on")
    if before.get("status") in ENDED_STATUSES:
        raise LedgerError(f"该机构在{format_date_zh(on)}已{st.display_value('status', before['status'])}，不能再登记{kind_label}。",
                          "effective_on")
    ends_body = kind in (EventKind.ABOLISH, EventKind.MERGE, EventKind.DERECOGNISE)
    if ends_body and body.events.filter(is_void=False, effective_on__gt=on).exists():
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
        validate_state_refs(after, body.region)
        findings = policy_findings(after, body.region)
        refuse_on_errors(findings)
        if after["name"] != before["name"]:
            check_name_free(region=body.region, name=after["name"], on=on, exclude_body_id=body.pk)
    seq = body.events.filter(effective_on=on).count()
    event = LedgerEvent.objects.create(body=body, kind=kind, effective_on=on, seq=seq, document=document,
                                       note=note, changes=changes, recorded_by=_user(actor),
                                       **_source(source), **_denormalised(body, after))
    _replay(body)
    if kind == EventKind.SPLIT:
        # The new bodies point at their origin, so "what became of it" always has an answer.
        for ref in changes.get("split_into", []):
            Body.objects.filter(pk=ref["id"], region=body.region).update(origin=body)
    audit.record(actor=actor, action=f"登记{kind_label}", target=body, before=before, after=after, reason=note,
                 body_id=body.pk)
    event.refresh_from_db()
    return event, findings


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
def event_void(*, actor, event: LedgerEvent, reason: str) -> None:
    """Void a mistaken event (it stays on record, marked void) and re-derive the body's states."""
    if not reason.strip():
        raise LedgerError("作废须写明原因。", "reason")
    if event.kind == EventKind.ESTABLISH:
        raise LedgerError("“设立”事项不能作废；如整条机构登记有误，请登记“不再认定”。")
    event.is_void = True
    event.void_reason = reason.strip()
    event.save(update_fields=["is_void", "void_reason"])
    _replay(event.body)
    audit.record(actor=actor, action="作废事项", target=event.body, before={"事项": str(event)},
                 after={"作废": True}, reason=reason, body_id=event.body_id)


def body_update_aliases(*, actor, body: Body, aliases: list[str], reason: str = "") -> Body:
    """Aliases (别名) are a recording aid, not a change of the body: filed without a ledger event."""
    with transaction.atomic():
        body = Body.objects.select_for_update().get(pk=body.pk)
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
        audit.record(actor=actor, action="修改别名", target=body, before={"aliases": before},
                     after={"aliases": cleaned}, reason=reason, body_id=body.pk)
    return body


def work_rules_file(*, actor, body: Body, filed_on: date) -> Body:
    with transaction.atomic():
        body = Body.objects.select_for_update().get(pk=body.pk)
        before = {"work_rules_filed_on": body.work_rules_filed_on}
        body.work_rules_filed_on = filed_on
        body.save(update_fields=["work_rules_filed_on", "updated_at"])
        audit.record(actor=actor, action="工作规则备案", target=body, before=before,
                     after={"work_rules_filed_on": filed_on}, body_id=body.pk)
    return body


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


def _replay(body: Body) -> None:
    """Re-derive every event's state in effective order, then project today's state onto the Body."""
    events = list(body.events.filter(is_void=False).order_by("effective_on", "seq", "id"))
    state: dict = {}
    for i, ev in enumerate(events):
        state = dict(ev.changes) if ev.kind == EventKind.ESTABLISH else st.apply_changes(state, ev.kind, ev.changes)
        ev.state = state
        for k, v in _denormalised(body, state).items():
            setattr(ev, k, v)
        ev.valid_until = events[i + 1].effective_on if i + 1 < len(events) else None
    LedgerEvent.objects.bulk_update(
        events,
        ["state", "valid_until", "name", "category", "sequence", "status", "lead_department_id",
         "office_department_id", "is_temporary", "ends_on", "search_text", "department_keys"],
    )
    body.events.filter(is_void=True).update(valid_until=None)
    today = _today()
    current = None
    for ev in events:
        if ev.effective_on <= today:
            current = ev
    if current is None and events:
        current = events[0]  # set up with a future date: show its planned state
    if current is not None:
        _project(body, current)


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
    body.save()
    # Seats and memberships are a projection of the state: rebuilt, never the record themselves.
    body.leader_seats.all().delete()
    body.memberships.all().delete()
    LeaderSeat.objects.bulk_create(
        LeaderSeat(body=body, role=s["role"], post_id=s["post_id"], order=i) for i, s in enumerate(state["leaders"])
    )
    Membership.objects.bulk_create(
        Membership(body=body, department_id=m["department_id"], role=m["role"], order=i)
        for i, m in enumerate(state["members"])
    )
