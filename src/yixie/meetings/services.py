"""Writes of the meetings register: meetings, their decisions, documents issued in a body's name.

The host department of the body's office (Body.office_department) keeps the register; the establishment
office of the region may record too. Who may call each write is checked here as well as in the views (the
demo and jobs call with `actor=None`, the system). Every refusal is a `DomainError` whose Chinese message
says what and where, and names the form field it is about. Nothing is deleted: a wrong entry is voided with
a reason, and keeps its row (the evaluation and the journal still see it was there).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yixie.core import audit
from yixie.core.audit import snapshot
from yixie.core.dates import format_date_zh, format_datetime_zh
from yixie.core.errors import DomainError
from yixie.core.files import IMAGE_TYPES, UploadError, check_upload
from yixie.ledger.models import Body
from yixie.org.models import Department, Post

from . import selectors
from .choices import DecisionStatus, MeetingKind
from .models import BodyDocument, Meeting, MeetingDecision

#: Files a clerk may attach: minutes and documents as PDF, OFD (版式文件) or Word.
FILE_TYPES = (".pdf", ".ofd", ".docx", *IMAGE_TYPES)  # minutes and notices are often scans


class MeetingError(DomainError):
    pass


def _refuse(message: str, field: str | None = None, *, code: str = "") -> None:
    raise MeetingError(message, field, code=code)


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def may_record(actor, body: Body) -> bool:
    """Whether the actor keeps this body's register (`selectors.may_record`), or is the system (`actor=None`)."""
    return actor is None or selectors.may_record(actor, body)


def _check_actor(actor, body: Body) -> None:
    if not may_record(actor, body):
        _refuse(f"“{body.name}”的会议和发文由办事机构所在部门{body.office_department.name}或编办登记，"
                "您不能登记或修改。", code="not_host")


def _check_date(body: Body, on: date | None, field: str, what: str) -> date:
    """A date of the body's life, not in the future: on or after its establishment, before its end."""
    if on is None:
        _refuse(f"请填写{what}。", field)
    if on > _today():
        _refuse(f"{what}{format_date_zh(on)}晚于今天，不能登记尚未发生的事项。", field, code="future")
    if on < body.established_on:
        _refuse(f"{what}{format_date_zh(on)}早于“{body.name}”的设立时间{format_date_zh(body.established_on)}。",
                field, code="before_established")
    if body.ended_on is not None and on >= body.ended_on:
        _refuse(f"{what}{format_date_zh(on)}不早于“{body.name}”的撤销时间{format_date_zh(body.ended_on)}"
                f"（{body.get_status_display()}），机构已不再以该名义开展工作。", field, code="after_ended")
    return on


def _text(value: str, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        _refuse(f"请填写{label}。", field)
    if len(value) > max_length:
        _refuse(f"{label}不能超过{max_length}个字（现有{len(value)}个字）。", field)
    return value


def _check_posts(body: Body, chair_post: Post | None, posts: Iterable[Post]) -> list[Post]:
    if chair_post is not None and chair_post.region_id != body.region_id:
        _refuse(f"主持人职务“{chair_post.name}”不是{body.region.name}的领导职务，"
                f"“{body.name}”的会议只能由本级领导主持。", "chair_post", code="post_region")
    posts = list(posts)
    wrong = [p.name for p in posts if p.region_id != body.region_id]
    if wrong:
        _refuse(f"参会领导职务“{'、'.join(wrong)}”不是{body.region.name}的领导职务。", "posts", code="post_region")
    return posts


def _check_departments(body: Body, departments: Iterable[Department], on: date) -> list[Department]:
    departments = list(departments)
    wrong = [d.name for d in departments if d.region_id != body.region_id]
    if wrong:
        _refuse(f"参会单位“{'、'.join(wrong)}”不是{body.region.name}的部门。", "departments", code="department_region")
    gone = [d.name for d in departments if not d.exists_on(on)]
    if gone:
        _refuse(f"参会单位“{'、'.join(gone)}”在{format_date_zh(on)}不存在（尚未设立或已撤销）。", "departments",
                code="department_gone")
    return departments


def _checked_file(upload, field: str, what: str):
    try:
        return check_upload(upload, allowed=FILE_TYPES, max_bytes=settings.YIXIE_UPLOAD_MAX_BYTES, what=what)
    except UploadError as exc:
        _refuse(exc.message, field, code="file")


def _stale(row, expected_version: int | None, what: str) -> None:
    """A form opened at an older version is refused, not saved over someone else's change."""
    if expected_version is not None and expected_version != row.version:
        _refuse(f"您打开本页后，{what}已于{format_datetime_zh(row.updated_at)}被他人修改"
                f"（现为第{row.version}版），您这次填写的内容尚未保存。请核对后再次保存。", code="stale")


def _meeting_snapshot(m: Meeting) -> dict:
    data = snapshot(m, ["body", "kind", "held_on", "title", "chair_post", "chair_label", "topics", "minutes_name",
                        "is_void", "void_reason", "version"])
    data["departments"] = sorted(d.name for d in m.departments.all())
    data["posts"] = sorted(p.name for p in m.posts.all())
    return data


def _meeting_fields(body: Body, *, kind: str, held_on: date | None, title: str, chair_post: Post | None,
                    chair_label: str, departments, posts, topics: str) -> dict:
    if kind not in MeetingKind.values:
        _refuse("请选择会议类型（全体会议、办公室会议或专题会议）。", "kind")
    held_on = _check_date(body, held_on, "held_on", "会议日期")
    title = _text(title, "title", "会议名称", 200)
    chair_label = _text(chair_label, "chair_label", "主持人", 60, required=False)
    if chair_post is None and not chair_label:
        _refuse(f"请选择“{title}”的主持人职务，或在主持人不是领导职务时填写主持人。", "chair_post")
    posts = _check_posts(body, chair_post, posts)
    departments = _check_departments(body, departments, held_on)
    return {"kind": kind, "held_on": held_on, "title": title, "chair_post": chair_post, "chair_label": chair_label,
            "departments": departments, "posts": posts, "topics": (topics or "").strip()}


def _no_twin(body: Body, held_on: date, title: str, exclude: int | None = None) -> None:
    twins = Meeting.objects.filter(body=body, held_on=held_on, title=title, is_void=False)
    if exclude:
        twins = twins.exclude(pk=exclude)
    if twins.exists():
        _refuse(f"“{body.name}”{format_date_zh(held_on)}的“{title}”已登记，不要重复登记。", "title", code="twin")


def _lock_body(body: Body) -> Body:
    return Body.objects.select_for_update().select_related("region", "office_department").get(pk=body.pk)


@transaction.atomic
def meeting_record(*, actor, body: Body, kind: str, held_on: date | None, title: str, chair_post: Post | None = None,
                   chair_label: str = "", departments: Iterable[Department] = (), posts: Iterable[Post] = (),
                   topics: str = "", minutes=None, decisions: Iterable[str] = ()) -> Meeting:
    """Register one meeting of the body (the host department or 编办), with its decisions (texts; each is then
    followed until carried out)."""
    body = _lock_body(body)
    _check_actor(actor, body)
    f = _meeting_fields(body, kind=kind, held_on=held_on, title=title, chair_post=chair_post,
                        chair_label=chair_label, departments=departments, posts=posts, topics=topics)
    _no_twin(body, f["held_on"], f["title"])
    checked = _checked_file(minutes, "minutes", "会议纪要") if minutes else None
    m = Meeting(body=body, region_id=body.region_id, kind=f["kind"], held_on=f["held_on"], title=f["title"],
                chair_post=f["chair_post"], chair_label=f["chair_label"], topics=f["topics"],
                recorded_by=_user(actor))
    if checked is not None:
        m.minutes.save(checked.name, minutes, save=False)
        m.minutes_name = checked.name
    m.save()
    m.departments.set(f["departments"])
    m.posts.set(f["posts"])
    audit.record(actor=actor, action="登记会议", target=m, after=_meeting_snapshot(m), body_id=body.pk)
    for text in (t for t in decisions if t and t.strip()):  # blank lines are no decisions
        try:
            decision_add(actor=actor, meeting=m, text=text)
        except MeetingError as exc:
            raise MeetingError(exc.message, "decisions", code=exc.code) from None
    return m


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (Meeting.objects.select_for_update().select_related("body__region", "body__office_department")
            .get(pk=meeting.pk))


@transaction.atomic
def meeting_edit(*, actor, meeting: Meeting, expected_version: int | None, kind: str, held_on: date | None,
                 title: str, chair_post: Post | None = None, chair_label: str = "",
                 departments: Iterable[Department] = (), posts: Iterable[Post] = (), topics: str = "",
                 minutes=None) -> Meeting:
    """Correct a registered meeting. `expected_version` is the version the form was opened at: a save over
    someone else's later change is refused. A new minutes file replaces the old one (the journal keeps both
    names); no file keeps the one there."""
    m = _lock_meeting(meeting)
    body = m.body
    _check_actor(actor, body)
    if m.is_void:
        _refuse(f"“{m.title}”的登记已作废（{m.void_reason}），不能再修改。", code="void")
    _stale(m, expected_version, f"“{m.title}”的登记")
    f = _meeting_fields(body, kind=kind, held_on=held_on, title=title, chair_post=chair_post,
                        chair_label=chair_label, departments=departments, posts=posts, topics=topics)
    _no_twin(body, f["held_on"], f["title"], exclude=m.pk)
    early = m.decisions.filter(Q(due_on__lt=f["held_on"]) | Q(done_on__lt=f["held_on"])).order_by("id").first()
    if early is not None:
        when = early.done_on if early.done_on and early.done_on < f["held_on"] else early.due_on
        what = "落实日期" if when == early.done_on else "落实时限"
        _refuse(f"议定事项“{early}”的{what}{format_date_zh(when)}早于新的会议日期{format_date_zh(f['held_on'])}。",
                "held_on", code="decision_before_meeting")
    checked = _checked_file(minutes, "minutes", "会议纪要") if minutes else None
    before = _meeting_snapshot(m)
    for name in ("kind", "held_on", "title", "chair_post", "chair_label", "topics"):
        setattr(m, name, f[name])
    if checked is not None:
        m.minutes.save(checked.name, minutes, save=False)
        m.minutes_name = checked.name
    m.version += 1
    m.save()
    m.departments.set(f["departments"])
    m.posts.set(f["posts"])
    audit.record(actor=actor, action="修改会议登记", target=m, before=before, after=_meeting_snapshot(m),
                 body_id=body.pk)
    return m


@transaction.atomic
def meeting_void(*, actor, meeting: Meeting, reason: str, expected_version: int | None = None) -> Meeting:
    """Void a wrong entry (never delete it): it stays in the register, marked, and counts nowhere."""
    m = _lock_meeting(meeting)
    _check_actor(actor, m.body)
    if m.is_void:
        _refuse(f"“{m.title}”的登记已于此前作废（{m.void_reason}）。", code="void")
    _stale(m, expected_version, f"“{m.title}”的登记")
    reason = _text(reason, "reason", f"作废“{m.title}”的原因", 300)
    before = _meeting_snapshot(m)
    m.is_void = True
    m.void_reason = reason
    m.version += 1
    m.save()
    audit.record(actor=actor, action="作废会议登记", target=m, before=before, after=_meeting_snapshot(m),
                 reason=reason, body_id=m.body_id)
    return m


# ---------------------------------------------------------------- decisions (议定事项)

@transaction.atomic
def decision_add(*, actor, meeting: Meeting, text: str, department: Department | None = None,
                 due_on: date | None = None) -> MeetingDecision:
    """A decision of the meeting, to be followed until it is carried out."""
    m = _lock_meeting(meeting)
    body = m.body
    _check_actor(actor, body)
    if m.is_void:
        _refuse(f"“{m.title}”的登记已作废，不能再增加议定事项。", code="void")
    text = _text(text, "text", "议定事项", 2000)
    if department is not None and department.region_id != body.region_id:
        _refuse(f"牵头落实单位“{department.name}”不是{body.region.name}的部门。", "department",
                code="department_region")
    if due_on is not None and due_on < m.held_on:
        _refuse(f"落实时限{format_date_zh(due_on)}早于会议日期{format_date_zh(m.held_on)}。", "due_on")
    d = MeetingDecision.objects.create(meeting=m, body=body, text=text, department=department, due_on=due_on)
    audit.record(actor=actor, action="登记议定事项", target=d, after=snapshot(d), body_id=body.pk)
    return d


def _lock_decision(decision: MeetingDecision) -> MeetingDecision:
    return (MeetingDecision.objects.select_for_update()
            .select_related("meeting", "body__region", "body__office_department").get(pk=decision.pk))


@transaction.atomic
def decision_done(*, actor, decision: MeetingDecision, done_on: date | None, note: str,
                  expected_version: int | None = None) -> MeetingDecision:
    """Mark a decision carried out, on a day and with a word on how."""
    d = _lock_decision(decision)
    _check_actor(actor, d.body)
    what = f"议定事项“{d.text[:30]}”"
    if d.meeting.is_void:
        _refuse(f"{what}所属的会议登记已作废。", code="void")
    if d.status == DecisionStatus.DONE:
        _refuse(f"{what}已于{format_date_zh(d.done_on)}落实。", code="done")
    _stale(d, expected_version, what)
    if done_on is None:
        _refuse(f"请填写{what}的落实日期。", "done_on")
    if done_on > _today():
        _refuse(f"落实日期{format_date_zh(done_on)}晚于今天。", "done_on", code="future")
    if done_on < d.meeting.held_on:
        _refuse(f"落实日期{format_date_zh(done_on)}早于会议日期{format_date_zh(d.meeting.held_on)}。", "done_on")
    note = _text(note, "note", f"{what}的落实情况", 2000)
    before = snapshot(d)
    d.status = DecisionStatus.DONE
    d.done_on = done_on
    d.done_note = note
    d.version += 1
    d.save()
    audit.record(actor=actor, action="议定事项已落实", target=d, before=before, after=snapshot(d), body_id=d.body_id)
    return d


@transaction.atomic
def decision_reopen(*, actor, decision: MeetingDecision, reason: str,
                    expected_version: int | None = None) -> MeetingDecision:
    """A decision marked done too early goes back to open (the journal keeps when and how it was closed)."""
    d = _lock_decision(decision)
    _check_actor(actor, d.body)
    what = f"议定事项“{d.text[:30]}”"
    if d.status != DecisionStatus.DONE:
        _refuse(f"{what}尚未落实，无需重新打开。", code="open")
    _stale(d, expected_version, what)
    reason = _text(reason, "reason", f"重新打开{what}的原因", 300)
    before = snapshot(d)
    d.status = DecisionStatus.OPEN
    d.done_on = None
    d.done_note = ""
    d.version += 1
    d.save()
    audit.record(actor=actor, action="议定事项重新列为未落实", target=d, before=before, after=snapshot(d),
                 reason=reason, body_id=d.body_id)
    return d


# ---------------------------------------------------------------- documents issued in the body's name

def _document_fields(body: Body, *, number: str, title: str, issued_on: date | None, to_lower_levels: bool,
                     approved: bool, approval_note: str) -> dict:
    number = _text(number, "number", "文号", 60, required=False)
    title = _text(title, "title", "文件标题", 200)
    issued_on = _check_date(body, issued_on, "issued_on", "印发日期")
    approval_note = _text(approval_note, "approval_note", "批准情况", 200, required=False)
    if approved and not approval_note:
        _refuse(f"“{title}”已经批准的，请写明批准文件或批准情况。", "approval_note")
    return {"number": number, "title": title, "issued_on": issued_on, "to_lower_levels": bool(to_lower_levels),
            "approved": bool(approved), "approval_note": approval_note}


def _no_twin_number(body: Body, number: str, exclude: int | None = None) -> None:
    if not number:
        return
    twins = BodyDocument.objects.filter(region_id=body.region_id, number=number, is_void=False)
    if exclude:
        twins = twins.exclude(pk=exclude)
    twin = twins.select_related("body").first()
    if twin is not None:
        _refuse(f"文号“{number}”已登记（{twin.body.name}：{twin.title}），同一文号不能重复登记。", "number",
                code="twin")


def _rule3(doc: BodyDocument) -> str:
    return "未经批准以议事协调机构名义向下级发文（规则3）" if doc.unapproved_to_lower else ""


@transaction.atomic
def document_record(*, actor, body: Body, number: str, title: str, issued_on: date | None,
                    to_lower_levels: bool = False, approved: bool = False, approval_note: str = "",
                    file=None) -> BodyDocument:
    """Register a document issued in the body's own name. One issued to lower levels without approval breaks
    spec §3 rule 3; it is still registered (it was issued), and it shows as such everywhere."""
    body = _lock_body(body)
    _check_actor(actor, body)
    f = _document_fields(body, number=number, title=title, issued_on=issued_on, to_lower_levels=to_lower_levels,
                         approved=approved, approval_note=approval_note)
    _no_twin_number(body, f["number"])
    checked = _checked_file(file, "file", "文件") if file else None
    doc = BodyDocument(body=body, region_id=body.region_id, recorded_by=_user(actor), **f)
    if checked is not None:
        doc.file.save(checked.name, file, save=False)
        doc.file_name = checked.name
    doc.save()
    audit.record(actor=actor, action="登记机构发文", target=doc, after=snapshot(doc), reason=_rule3(doc),
                 body_id=body.pk)
    return doc


def _lock_document(document: BodyDocument) -> BodyDocument:
    return (BodyDocument.objects.select_for_update().select_related("body__region", "body__office_department")
            .get(pk=document.pk))


@transaction.atomic
def document_edit(*, actor, document: BodyDocument, expected_version: int | None, number: str, title: str,
                  issued_on: date | None, to_lower_levels: bool = False, approved: bool = False,
                  approval_note: str = "", file=None) -> BodyDocument:
    doc = _lock_document(document)
    body = doc.body
    _check_actor(actor, body)
    if doc.is_void:
        _refuse(f"“{doc.title}”的登记已作废（{doc.void_reason}），不能再修改。", code="void")
    _stale(doc, expected_version, f"“{doc.title}”的登记")
    f = _document_fields(body, number=number, title=title, issued_on=issued_on, to_lower_levels=to_lower_levels,
                         approved=approved, approval_note=approval_note)
    _no_twin_number(body, f["number"], exclude=doc.pk)
    checked = _checked_file(file, "file", "文件") if file else None
    before = snapshot(doc)
    for name, value in f.items():
        setattr(doc, name, value)
    if checked is not None:
        doc.file.save(checked.name, file, save=False)
        doc.file_name = checked.name
    doc.version += 1
    doc.save()
    audit.record(actor=actor, action="修改机构发文登记", target=doc, before=before, after=snapshot(doc),
                 reason=_rule3(doc), body_id=body.pk)
    return doc


@transaction.atomic
def document_void(*, actor, document: BodyDocument, reason: str,
                  expected_version: int | None = None) -> BodyDocument:
    doc = _lock_document(document)
    _check_actor(actor, doc.body)
    if doc.is_void:
        _refuse(f"“{doc.title}”的登记已于此前作废（{doc.void_reason}）。", code="void")
    _stale(doc, expected_version, f"“{doc.title}”的登记")
    reason = _text(reason, "reason", f"作废“{doc.title}”的原因", 300)
    before = snapshot(doc)
    doc.is_void = True
    doc.void_reason = reason
    doc.version += 1
    doc.save()
    audit.record(actor=actor, action="作废机构发文登记", target=doc, before=before, after=snapshot(doc),
                 reason=reason, body_id=doc.body_id)
    return doc
