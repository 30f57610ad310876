"""Writes of the work rules (工作规则, spec §2.5, §3 rule 6; docs/decisions/0026): drafted by the department that
hosts the body's office (its 业务科室 clerk; 编办 may too), submitted by its 组织人事科室 (the approvals' pattern:
the clerk drafts, the HR section submits), filed (备案) or returned with reasons by 编办. A revision is a new
draft copying the filed version; the filed version it replaces becomes superseded when the revision is filed.

Every write is audited, inside one transaction, on the row locked; a form carries the version it was opened at
and a stale one is refused (`WorkRules.version`). Refusals are `WorkRulesError` with a Chinese message and the
form field it is about. Duty-dispute writes live in their own module (services_disputes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yixie.core import audit
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import UploadError, check_upload
from yixie.ledger import services as ledger
from yixie.ledger.choices import BodyStatus
from yixie.ledger.models import Body
from yixie.org.models import Department
from yixie.org.scopes import scope_for

from .choices import TaskRole, WorkRulesKind, WorkRulesStatus
from .models import MemberDuty, TaskAssignment, WorkRules, WorkRulesTask

#: the rules file: Word or PDF, checked by content (core.files)
ALLOWED_FILE_TYPES = (".docx", ".pdf")
EDITABLE = (WorkRulesStatus.DRAFT, WorkRulesStatus.RETURNED)
OPEN = (WorkRulesStatus.DRAFT, WorkRulesStatus.SUBMITTED, WorkRulesStatus.RETURNED)
TEXTS = ("full_meeting", "office_meeting", "meeting_notes", "office_duties", "revision_reason")


class WorkRulesError(DomainError):
    """A refused write to a body's work rules."""


@dataclass
class TaskRow:
    """One task as a form (or the demo) gives it: its text and the ids of the units leading and assisting."""

    text: str
    principal: list[int] = field(default_factory=list)
    assisting: list[int] = field(default_factory=list)


# ---------------------------------------------------------------- who may write (services check it too)

def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def may(actor, body: Body, action: str) -> bool:
    """Whether `actor` holds `action` for this body: a region role in the body's region (or above), or the
    department that hosts the body's office. Internal callers (no user: the demo, a migration) may."""
    if _user(actor) is None:
        return True
    scope = scope_for(actor, action)
    return scope.everything or body.region_id in scope.region_ids or body.office_department_id in scope.department_ids


def _require(actor, body: Body, action: str, what: str) -> None:
    if not may(actor, body, action):
        raise WorkRulesError(f"您无权{what}“{body.name}”的工作规则：由办事机构所在部门"
                             f"（{body.office_department.name}）或{body.region.name}编办办理。")


def _lock(work_rules: WorkRules, expected_version: int | None) -> WorkRules:
    wr = WorkRules.objects.select_for_update().select_related("body__region", "body__office_department").get(
        pk=work_rules.pk)
    if expected_version is not None and wr.version != expected_version:
        raise WorkRulesError(f"“{wr}”在您打开此页之后已被修改（当前为第{wr.version}次保存，"
                             f"您打开时为第{expected_version}次），为免覆盖他人的修改，本次提交未保存。"
                             "请刷新页面，核对后重新填写。", "version")
    return wr


def _bump(wr: WorkRules, fields: list[str]) -> None:
    wr.version += 1
    wr.save(update_fields=[*fields, "version", "updated_at"])


def _summary(wr: WorkRules) -> dict:
    return {"状态": wr.get_status_display(), "名称": wr.get_kind_display(), "修订次序": wr.revision,
            "任务数": wr.tasks.count(), "文件": wr.original_name}


# ---------------------------------------------------------------- the units of a body

def allowed_units(body: Body) -> dict[int, Department]:
    """The units a task or a duty may name: the member units (ledger Membership), the lead department and the
    department hosting the office, in the ledger's order."""
    ids = [body.lead_department_id, body.office_department_id,
           *body.memberships.order_by("order", "id").values_list("department_id", flat=True)]
    depts = Department.objects.in_bulk(ids)
    return {i: depts[i] for i in dict.fromkeys(ids) if i in depts}


def member_units(body: Body) -> list[Department]:
    """The member units of the body (the ones the work rules must give a duty)."""
    return [m.department for m in body.memberships.select_related("department").order_by("order", "id")]


# ---------------------------------------------------------------- draft

@transaction.atomic
def draft_create(*, actor, body: Body, kind: str = WorkRulesKind.RULES, revision_reason: str = "") -> WorkRules:
    """A new version of the body's work rules to edit: the first (empty) or a revision copying the version in
    force (its meeting system, office duties, tasks with their units and the member units' duties). Refused
    while another version is being drafted, submitted or returned (finish that one first)."""
    body = Body.objects.select_for_update().select_related("region", "office_department").get(pk=body.pk)
    _require(actor, body, "workrules.draft", "起草")
    if body.status != BodyStatus.ACTIVE:
        raise WorkRulesError(f"“{body.name}”已不在设立状态（{body.get_status_display()}），不再制定工作规则。")
    if kind not in WorkRulesKind.values:
        raise WorkRulesError("请选择工作规则或工作细则。", "kind")
    pending = body.work_rules.filter(status__in=OPEN).first()
    if pending is not None:
        raise WorkRulesError(f"“{body.name}”已有一版{pending.get_status_display()}的{pending.get_kind_display()}"
                             f"（第{pending.revision}版），请在该版本上继续办理。", "kind")
    filed = body.work_rules.filter(status=WorkRulesStatus.FILED).order_by("-revision").first()
    revision_reason = (revision_reason or "").strip()
    if filed is not None and not revision_reason:
        raise WorkRulesError(f"“{body.name}”已有备案的工作规则（第{filed.revision}版），修订须写明修订原因。",
                             "revision_reason")
    revision = (body.work_rules.aggregate(m=Max("revision"))["m"] or 0) + 1
    wr = WorkRules.objects.create(body=body, revision=revision, kind=kind, previous=filed,
                                  revision_reason=revision_reason[:300], drafted_by=_user(actor))
    if filed is not None:
        for f in ("full_meeting", "office_meeting", "meeting_notes", "office_duties"):
            setattr(wr, f, getattr(filed, f))
        wr.save()
        _copy_content(filed, wr)
    audit.record(actor=actor, action="起草工作规则" if filed is None else "修订工作规则", target=wr,
                 after=_summary(wr), reason=revision_reason, body_id=body.pk)
    return wr


def _copy_content(source: WorkRules, target: WorkRules) -> None:
    tasks = list(source.tasks.prefetch_related("assignments"))
    new = WorkRulesTask.objects.bulk_create(WorkRulesTask(work_rules=target, ordinal=t.ordinal, text=t.text)
                                            for t in tasks)
    TaskAssignment.objects.bulk_create(TaskAssignment(task=n, department_id=a.department_id, role=a.role)
                                       for t, n in zip(tasks, new, strict=True) for a in t.assignments.all())
    MemberDuty.objects.bulk_create(MemberDuty(work_rules=target, department_id=d.department_id, duties=d.duties)
                                   for d in source.member_duties.all())


def _check_file(uploaded):
    try:
        return check_upload(uploaded, allowed=ALLOWED_FILE_TYPES, max_bytes=settings.YIXIE_UPLOAD_MAX_BYTES,
                            what="工作规则文件")
    except UploadError as exc:
        raise WorkRulesError(exc.message, "file") from exc


@transaction.atomic
def draft_save(*, actor, work_rules: WorkRules, expected_version: int | None, kind: str | None = None,
               texts: dict | None = None, tasks: list[TaskRow] | None = None,
               member_duties: dict[int, str] | None = None, uploaded=None) -> WorkRules:
    """Save what the form holds: the name (kind), the meeting system and office duties (`texts`), the tasks
    (replacing those of the draft; rows with no text and no unit are dropped), each member unit's duties and
    the rules file (.docx or .pdf, checked by content and size). Only a draft or a returned version is edited.
    The units named must be the body's (members, the lead, the host); completeness is checked on submit."""
    wr = _lock(work_rules, expected_version)
    body = wr.body
    _require(actor, body, "workrules.draft", "修改")
    if wr.status not in EDITABLE:
        raise WorkRulesError(f"“{wr}”{wr.get_status_display()}，不能再修改。", "version")
    changed: list[str] = []
    if kind is not None:
        if kind not in WorkRulesKind.values:
            raise WorkRulesError("请选择工作规则或工作细则。", "kind")
        wr.kind = kind
        changed.append("kind")
    for name, value in (texts or {}).items():
        if name not in TEXTS:
            continue
        limit = WorkRules._meta.get_field(name).max_length
        value = (value or "").strip()
        if limit and len(value) > limit:
            raise WorkRulesError(f"“{WorkRules._meta.get_field(name).verbose_name}”不超过{limit}字。", name)
        setattr(wr, name, value)
        changed.append(name)
    units = allowed_units(body)
    if tasks is not None:
        rows = _clean_tasks(tasks, units)
        wr.tasks.all().delete()  # a draft's own rows (a version past its draft is never edited)
        for ordinal, row in enumerate(rows, 1):
            task = WorkRulesTask.objects.create(work_rules=wr, ordinal=ordinal, text=row.text)
            TaskAssignment.objects.bulk_create(
                [TaskAssignment(task=task, department_id=d, role=TaskRole.PRINCIPAL) for d in row.principal]
                + [TaskAssignment(task=task, department_id=d, role=TaskRole.ASSISTING) for d in row.assisting])
    if member_duties is not None:
        members = {d.pk for d in member_units(body)}
        outside = [units.get(d) or d for d in member_duties if d not in members]
        if outside:
            raise WorkRulesError(f"{_names(outside)}不是“{body.name}”的成员单位，不能填写成员单位职责。",
                                 "member_duties")
        wr.member_duties.all().delete()
        MemberDuty.objects.bulk_create(MemberDuty(work_rules=wr, department_id=d, duties=(text or "").strip())
                                       for d, text in member_duties.items() if (text or "").strip())
    if uploaded is not None:
        checked = _check_file(uploaded)
        wr.original_name, wr.file_type, wr.size, wr.sha256 = checked.name, checked.file_type, checked.size, \
            checked.sha256
        wr.file.save(f"{checked.sha256[:16]}{checked.ext}", uploaded, save=False)
        changed += ["file", "original_name", "file_type", "size", "sha256"]
    _bump(wr, changed)
    audit.record(actor=actor, action="修改工作规则", target=wr, after=_summary(wr), body_id=body.pk)
    return wr


def _names(depts) -> str:
    return "、".join(f"“{getattr(d, 'name', d)}”" for d in depts)


def _clean_tasks(tasks: list[TaskRow], units: dict[int, Department]) -> list[TaskRow]:
    rows = []
    for n, row in enumerate(tasks, 1):
        text = (row.text or "").strip()
        principal, assisting = list(dict.fromkeys(row.principal)), list(dict.fromkeys(row.assisting))
        if not text and not principal and not assisting:
            continue
        if not text:
            raise WorkRulesError(f"第{n}行工作任务选了单位但没有填写任务内容。", f"task_{n - 1}_text")
        if len(text) > 300:
            raise WorkRulesError(f"第{n}行工作任务不超过300字。", f"task_{n - 1}_text")
        outside = [d for d in principal + assisting if d not in units]
        if outside:
            names = Department.objects.filter(pk__in=outside).values_list("name", flat=True)
            raise WorkRulesError(f"第{n}行“{text}”：{_names(names) or '所选单位'}既不是成员单位，也不是牵头部门或"
                                 "办事机构所在部门，不能承担该机构的工作任务。", f"task_{n - 1}_principal")
        both = [units[d] for d in principal if d in assisting]
        if both:
            raise WorkRulesError(f"第{n}行“{text}”：{_names(both)}不能既主办又协办。", f"task_{n - 1}_assisting")
        rows.append(TaskRow(text, principal, assisting))
    return rows


# ---------------------------------------------------------------- submit, file, return

def completeness_problems(wr: WorkRules) -> list[tuple[str, str]]:
    """What keeps a version from being submitted, as (message, field): no file, a task with no 主办 unit, a unit
    that is not the body's, a member unit with no duty (neither a duty text nor a task)."""
    body = wr.body
    problems: list[tuple[str, str]] = []
    if not wr.file:
        problems.append((f"请上传“{body.name}”的{wr.get_kind_display()}文件（.docx 或 .pdf）后再报送。", "file"))
    units = allowed_units(body)
    tasks = list(wr.tasks.prefetch_related("assignments__department"))
    duty_ids = {d.department_id for d in wr.member_duties.all() if d.duties.strip()}
    assigned: set[int] = set()
    for t in tasks:
        roles = [a.role for a in t.assignments.all()]
        if TaskRole.PRINCIPAL not in roles:
            problems.append((f"工作任务“{t.text}”没有主办单位，请指定主办单位。", "tasks"))
        outside = [a.department for a in t.assignments.all() if a.department_id not in units]
        if outside:
            problems.append((f"工作任务“{t.text}”的{_names(outside)}既不是成员单位，也不是牵头部门或办事机构所在部门。",
                             "tasks"))
        assigned |= {a.department_id for a in t.assignments.all()}
    idle = [d for d in member_units(body) if d.pk not in duty_ids and d.pk not in assigned]
    if idle:
        problems.append((f"成员单位{_names(idle)}在工作规则中没有职责（既没有填写成员单位职责，也没有承担工作任务），"
                         "请为其写明职责或分配任务。", "member_duties"))
    return problems


def _at(on: date | None):
    """The moment of a step: now, or noon of a back-dated day (the demo's history)."""
    if on is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(12, 0)))


@transaction.atomic
def submit(*, actor, work_rules: WorkRules, expected_version: int | None, on: date | None = None) -> WorkRules:
    """The host department's HR section (or 编办) submits the version to 编办 for filing (`on`: back-dated)."""
    wr = _lock(work_rules, expected_version)
    _require(actor, wr.body, "workrules.submit", "报送")
    if wr.status not in EDITABLE:
        raise WorkRulesError(f"“{wr}”{wr.get_status_display()}，不能再报送。", "version")
    problems = completeness_problems(wr)
    if problems:
        raise WorkRulesError("未报送：" + "；".join(m for m, _f in problems), problems[0][1])
    before = wr.get_status_display()
    wr.status, wr.submitted_at, wr.submitted_by = WorkRulesStatus.SUBMITTED, _at(on), _user(actor)
    _bump(wr, ["status", "submitted_at", "submitted_by"])
    audit.record(actor=actor, action="报送工作规则备案", target=wr, before={"状态": before}, after=_summary(wr),
                 body_id=wr.body_id)
    return wr


@transaction.atomic
def file_rules(*, actor, work_rules: WorkRules, expected_version: int | None, on: date | None = None,
         note: str = "") -> WorkRules:
    """编办 files (备案) a submitted version on `on` (default today): the version filed before it becomes
    superseded, and the ledger records the filing date with the file (`ledger.services.work_rules_file`)."""
    on = on or timezone.localdate()
    wr = _lock(work_rules, expected_version)
    _require_review(actor, wr)
    if wr.status != WorkRulesStatus.SUBMITTED:
        raise WorkRulesError(f"“{wr}”{wr.get_status_display()}，只有待备案的工作规则可以备案。", "version")
    if on < wr.body.established_on:
        raise WorkRulesError(f"备案日期{format_date_zh(on)}早于机构设立日期{format_date_zh(wr.body.established_on)}。",
                             "filed_on")
    if on > timezone.localdate():
        raise WorkRulesError("备案日期不能晚于今天。", "filed_on")
    superseded = list(WorkRules.objects.select_for_update().filter(body_id=wr.body_id,
                                                                   status=WorkRulesStatus.FILED).exclude(pk=wr.pk))
    for old in superseded:
        old.status = WorkRulesStatus.SUPERSEDED
        _bump(old, ["status"])
        audit.record(actor=actor, action="工作规则被修订", target=old, before={"状态": "已备案"},
                     after={"状态": old.get_status_display(), "修订为": f"第{wr.revision}版"}, body_id=wr.body_id)
    wr.status, wr.filed_on = WorkRulesStatus.FILED, on
    wr.reviewed_at, wr.reviewed_by, wr.review_note = _at(on), _user(actor), (note or "").strip()
    _bump(wr, ["status", "filed_on", "reviewed_at", "reviewed_by", "review_note"])
    with wr.file.open("rb") as handle:
        ledger.work_rules_file(actor=actor, body=wr.body, filed_on=on, uploaded=File(handle, name=wr.original_name))
    audit.record(actor=actor, action="工作规则备案", target=wr, before={"状态": "待备案"},
                 after={**_summary(wr), "备案日期": on}, reason=note, body_id=wr.body_id)
    return wr


@transaction.atomic
def return_rules(*, actor, work_rules: WorkRules, expected_version: int | None, reason: str,
                 on: date | None = None) -> WorkRules:
    """编办 returns a submitted version with its reasons (required); the host department edits and submits again."""
    wr = _lock(work_rules, expected_version)
    _require_review(actor, wr)
    reason = (reason or "").strip()
    if not reason:
        raise WorkRulesError("退回修改须写明理由（哪些内容需要修改）。", "reason")
    if wr.status != WorkRulesStatus.SUBMITTED:
        raise WorkRulesError(f"“{wr}”{wr.get_status_display()}，只有待备案的工作规则可以退回。", "version")
    wr.status, wr.reviewed_at, wr.reviewed_by, wr.review_note = (WorkRulesStatus.RETURNED, _at(on), _user(actor),
                                                                 reason)
    _bump(wr, ["status", "reviewed_at", "reviewed_by", "review_note"])
    audit.record(actor=actor, action="退回工作规则", target=wr, before={"状态": "待备案"}, after=_summary(wr),
                 reason=reason, body_id=wr.body_id)
    return wr


def _require_review(actor, wr: WorkRules) -> None:
    if _user(actor) is None:
        return
    scope = scope_for(actor, "workrules.review")
    if not (scope.everything or wr.body.region_id in scope.region_ids):
        raise WorkRulesError(f"“{wr.body.name}”的工作规则由{wr.body.region.name}编办备案。")
