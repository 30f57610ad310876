"""Writes of duty-division disputes (职责分工争议, spec §2.5, journey J5; docs/decisions/0026).

A member unit of a body (or its lead department) raises an objection about a matter, naming the other units
concerned and citing the work rules' task and the parties' 三定 duties. The department hosting the body's
office convenes a consultation: agreed → 编办 files the agreement (备案) and the dispute is settled; not
agreed → the host escalates to 编办 with the materials, and 编办 gives its division opinion (分工建议) or
refers it to the establishment committee (编委会), whose decision settles it. Settling writes a ledger event
of the kind 职责分工调整 citing the minutes, the opinion or the decision, revises the body's work rules
(`division.py`) and, where 编办 or the committee moves a boundary between departments' 三定 duties, moves them
(`org.duties.duty_move`). Work goes on under the old division meanwhile. Each stage has a deadline from the
policy (`POLICY_DEFAULTS`).

`actor=None` is the system (the demo, a job); otherwise who acts is checked here against the user's scope.
Every write is journaled and runs in a transaction that locks the dispute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yixie.core import audit
from yixie.core.audit import snapshot
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import UploadError, check_upload
from yixie.ledger import services as ledger
from yixie.ledger.choices import BodyStatus, EventKind
from yixie.ledger.models import Body, Document
from yixie.ledger.policy import Policy, PolicyViolation
from yixie.ledger.selectors import state_on
from yixie.ledger.state import dept_ref
from yixie.org.duties import duties_in_force, duty_move
from yixie.org.models import Department, DepartmentDuty
from yixie.org.scopes import scope_for

from . import division as work_rules_division
from .choices import OPEN_DISPUTE_STATUSES, DisputeFileKind, DisputeStatus, SettledBy, WorkRulesStatus
from .models import Consultation, Dispute, DisputeFile, WorkRulesTask

#: The actions of the dispute pages (registered in registration_disputes).
VIEW = "rules.dispute_view"
RAISE = "rules.dispute_raise"
HOST = "rules.dispute_host"
COORDINATE = "rules.dispute_coordinate"

#: Files kept with a dispute (minutes, materials, opinions, decisions).
FILE_TYPES = (".pdf", ".docx", ".ofd")
#: What links back to a dispute from the ledger and the work rules.
SOURCE_LABEL = "职责分工争议"

_SOURCE = "职责分工争议由办事机构所在部门组织协商，协商不成的提请机构编制部门协调（时限为本系统默认值，各地按本地职责分工协调办法调整）"

#: The policy keys of the stages' deadlines (days), with their national defaults: (value, severity, source,
#: label). Registered by `registration_disputes` (`ledger.policy.register_defaults`); kept in one dict so the
#: regulations library can cite the article behind each.
#: (value, severity, source, label, cite): the national defaults cite the product's own default statement
#: (no national regulation fixes these time limits); a city cites its own 职责分工协调办法 (the demo's 潍坊市 does).
_CITE = "yixie-defaults#第四条"
POLICY_DEFAULTS: dict[str, tuple[object, str, str, str, str]] = {
    "disputes.deadline.consultation": (30, "warning", _SOURCE, "职责争议：提出后组织协商的期限（天）", _CITE),
    "disputes.deadline.escalation": (15, "warning", _SOURCE, "职责争议：协商不成后提请编办协调的期限（天）", _CITE),
    "disputes.deadline.filing": (15, "warning", _SOURCE, "职责争议：协商一致后编办备案的期限（天）", _CITE),
    "disputes.deadline.opinion": (30, "warning", _SOURCE, "职责争议：编办提出协调意见的期限（天）", _CITE),
    "disputes.deadline.decision": (60, "warning", _SOURCE, "职责争议：编委会研究决定的期限（天）", _CITE),
}


class DisputeError(DomainError):
    pass


def _refuse(message: str, field: str | None = None):
    raise DisputeError(message, field)


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _system(actor) -> bool:
    return actor is None or getattr(actor, "is_superuser", False)


def dispute_url(dispute: Dispute) -> str:
    return reverse("rules:dispute", kwargs={"pk": dispute.pk})


def stage_due(region, key: str, start: date) -> date:
    """The day a stage is due: `start` plus the region's policy value of `key` (days)."""
    days = Policy.for_region(region)[key].value
    return start + timedelta(days=int(days or 0))


# ---------------------------------------------------------------- who acts

def _check_department(actor, action: str, department_id: int, message: str) -> None:
    if _system(actor):
        return
    scope = scope_for(actor, action)
    if not (scope.everything or department_id in scope.department_ids):
        _refuse(message)


def _check_host(actor, dispute: Dispute, what: str) -> None:
    body = dispute.body
    _check_department(actor, HOST, body.office_department_id,
                      f"{what}由{body.name}办事机构所在部门（{body.office_department.name}）办理。")


def _check_establishment(actor, dispute: Dispute, what: str) -> None:
    if _system(actor):
        return
    scope = scope_for(actor, COORDINATE)
    if not (scope.everything or dispute.region_id in scope.region_ids):
        _refuse(f"{what}由{dispute.region.name}编办办理。")


def _locked(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_for_update().select_related(
        "region", "body", "body__office_department", "body__lead_department", "raised_by").get(pk=dispute.pk)


def _check_version(dispute: Dispute, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != dispute.version:
        _refuse(f"争议“{dispute.matter}”已被他人办理或修改，请刷新页面，在最新情况上办理。", "version")


def _check_status(dispute: Dispute, allowed: tuple[str, ...], what: str) -> None:
    if dispute.status not in allowed:
        _refuse(f"争议“{dispute.matter}”当前为“{dispute.get_status_display()}”，不能{what}。")


def _bump(dispute: Dispute, fields: list[str]) -> None:
    dispute.version += 1
    dispute.save(update_fields=[*fields, "version", "updated_at"])


def _check_date(on: date | None, label: str, field: str, *, not_before: date | None = None,
                before_label: str = "") -> date:
    if on is None:
        _refuse(f"请填写{label}。", field)
    if on > _today():
        _refuse(f"{label}{format_date_zh(on)}晚于今天，请填写实际日期。", field)
    if not_before is not None and on < not_before:
        _refuse(f"{label}{format_date_zh(on)}早于{before_label}{format_date_zh(not_before)}。", field)
    return on


# ---------------------------------------------------------------- the body's units on a date

@dataclass(frozen=True)
class Units:
    """A body's units on a date, from the ledger: member units, the lead department, the office's host."""

    state: dict
    members: frozenset[int]
    lead: int | None
    host: int | None

    @property
    def all(self) -> frozenset[int]:
        return self.members | {i for i in (self.lead, self.host) if i}


def body_units(body: Body, on: date) -> Units | None:
    state = state_on(body, on)
    if state is None:
        return None
    lead = (state.get("lead_department") or {}).get("id")
    host = (state.get("office_department") or {}).get("id")
    return Units(state, frozenset(m["department_id"] for m in state.get("members", [])), lead, host)


def _units_or_refuse(body: Body, on: date, field: str = "body") -> Units:
    units = body_units(body, on)
    if units is None or units.state.get("status", BodyStatus.ACTIVE) != BodyStatus.ACTIVE:
        _refuse(f"{body.name}在{format_date_zh(on)}不在存续期内，不能处理其职责分工争议。", field)
    return units


def _check_division(dispute: Dispute, units: Units, principal, assisting) -> tuple[list, list]:
    principal, assisting = list(principal or []), list(assisting or [])
    if not principal:
        _refuse(f"请选择“{dispute.matter}”的主办单位。", "principal")
    p_ids = [d.pk for d in principal]
    if set(p_ids) & {d.pk for d in assisting}:
        both = "、".join(d.name for d in assisting if d.pk in p_ids)
        _refuse(f"{both}不能既是主办单位又是协办单位。", "assisting")
    for field, depts in (("principal", principal), ("assisting", assisting)):
        for d in depts:
            if d.pk not in units.all:
                _refuse(f"{d.name}不是{dispute.body.name}的成员单位、牵头部门或办事机构所在部门，不能承担其职责分工。",
                        field)
    return principal, assisting


def _outcome(principal, assisting) -> dict:
    return {"principal": [d.pk for d in principal], "assisting": [d.pk for d in assisting]}


# ---------------------------------------------------------------- raise

@transaction.atomic
def dispute_raise(*, actor, body: Body, raised_by: Department, matter: str, objection: str, parties,
                  cited_task: WorkRulesTask | None = None, cited_duties=(), on: date | None = None) -> Dispute:
    """A member unit (or the lead department) of `body` objects to the division of duties on `matter`."""
    on = on or _today()
    _check_department(actor, RAISE, raised_by.pk, f"只能以本单位名义提出异议，不能代{raised_by.name}提出。")
    matter, objection = (matter or "").strip(), (objection or "").strip()
    body = Body.objects.select_related("region", "office_department").get(pk=body.pk)
    units = _units_or_refuse(body, on)
    if raised_by.pk not in units.members and raised_by.pk != units.lead:
        _refuse(f"{raised_by.name}不是{body.name}的成员单位，不能对其职责分工提出异议。", "body")
    if not matter:
        _refuse("请填写争议事项。", "matter")
    if len(matter) > 200:
        _refuse("争议事项请控制在200字以内，具体情况写在异议内容中。", "matter")
    if not objection:
        _refuse(f"请写明对“{matter}”职责分工的异议内容。", "objection")
    parties = [p for p in parties or [] if p.pk != raised_by.pk]
    if not parties:
        _refuse("请选择涉及的其他单位（至少一个）。", "parties")
    for p in parties:
        if p.pk not in units.all:
            _refuse(f"{p.name}不是{body.name}的成员单位、牵头部门或办事机构所在部门，不能列为涉及单位。", "parties")
    if cited_task is not None:
        if not (cited_task.work_rules.body_id == body.pk and cited_task.work_rules.status == WorkRulesStatus.FILED):
            _refuse(f"所引用的工作任务不属于{body.name}已备案的工作规则。", "cited_task")
    cited_duties = list(cited_duties or [])
    if cited_duties:
        allowed = set(duties_in_force([raised_by.pk, *[p.pk for p in parties]], on).values_list("pk", flat=True))
        for duty in cited_duties:
            if duty.pk not in allowed:
                _refuse(f"所引用的三定职责“{duty.text[:30]}”不是提出单位或涉及单位{format_date_zh(on)}有效的职责。",
                        "cited_duties")
    dispute = Dispute.objects.create(
        region=body.region, body=body, matter=matter, raised_by=raised_by, raised_on=on, objection=objection,
        cited_task=cited_task, status=DisputeStatus.RAISED, raised_by_user=_user(actor),
        stage_due_on=stage_due(body.region, "disputes.deadline.consultation", on))
    dispute.parties.set(parties)
    dispute.cited_duties.set(cited_duties)
    audit.record(actor=actor, action="提出职责分工异议", target=dispute, body_id=body.pk,
                 after={**snapshot(dispute), "涉及单位": "、".join(p.name for p in parties),
                        "引用三定职责": [d.text[:60] for d in cited_duties]})
    return dispute


# ---------------------------------------------------------------- files

def _checked_file(uploaded, what: str, field: str = "file"):
    try:
        return check_upload(uploaded, allowed=FILE_TYPES, max_bytes=settings.YIXIE_UPLOAD_MAX_BYTES, what=what)
    except UploadError as exc:
        _refuse(exc.message, field)


def _store(instance, uploaded, checked, stem: str) -> None:
    instance.original_name, instance.file_type = checked.name, checked.file_type
    instance.size, instance.sha256 = checked.size, checked.sha256
    uploaded.seek(0)
    instance.file.save(f"{stem}{checked.ext}", uploaded, save=False)


def _add_file(actor, dispute: Dispute, kind: str, uploaded, what: str, field: str = "file") -> DisputeFile:
    checked = _checked_file(uploaded, what, field)
    f = DisputeFile(dispute=dispute, kind=kind, uploaded_by=_user(actor))
    _store(f, uploaded, checked, kind)
    f.save()
    audit.record(actor=actor, action="上传争议材料", target=dispute, body_id=dispute.body_id,
                 after={"文件": checked.name, "类型": DisputeFileKind(kind).label, "SHA-256": checked.sha256})
    return f


# ---------------------------------------------------------------- consultation (the host department)

@transaction.atomic
def consultation_record(*, actor, dispute: Dispute, held_on: date | None, present, agreed: bool, summary: str,
                        uploaded=None, principal=(), assisting=(),
                        expected_version: int | None = None) -> Consultation:
    """The host department records a consultation of the units concerned; agreed → the outcome division is
    recorded and the agreement waits to be filed with 编办."""
    dispute = _locked(dispute)
    _check_host(actor, dispute, "组织协商")
    _check_version(dispute, expected_version)
    _check_status(dispute, (DisputeStatus.RAISED,), "再登记协商情况")
    held_on = _check_date(held_on, "协商日期", "held_on", not_before=dispute.raised_on, before_label="提出日期")
    present = list(present or [])
    concerned = {dispute.raised_by_id, dispute.body.office_department_id,
                 *dispute.parties.values_list("pk", flat=True)}
    outside = [d.name for d in present if d.pk not in concerned]
    if outside:
        _refuse(f"{'、'.join(outside)}不是该争议的提出单位、涉及单位或办事机构所在部门。", "present")
    if len(present) < 2:
        _refuse("协商应至少有两个单位参加，请选择参加单位。", "present")
    summary = (summary or "").strip()
    if not summary:
        _refuse("请填写协商情况（各单位意见、协商结果）。", "summary")
    if agreed and uploaded is None:
        _refuse("协商一致的，请上传协商会议纪要（编办备案和台账登记以纪要为依据）。", "file")
    checked = _checked_file(uploaded, "会议纪要") if uploaded is not None else None
    c = Consultation(dispute=dispute, held_on=held_on, agreed=bool(agreed), summary=summary,
                     recorded_by=_user(actor))
    fields = ["status", "stage_due_on"]
    if agreed:
        units = _units_or_refuse(dispute.body, held_on, "held_on")
        principal, assisting = _check_division(dispute, units, principal, assisting)
        c.minutes = ledger.document_without_number_create(
            actor=actor, region=dispute.region, issuer=dispute.body.office_department.name, issued_on=held_on,
            title=f"关于{dispute.body.name}“{dispute.matter}”职责分工的协商会议纪要",
            note=f"职责分工争议协商纪要（{format_date_zh(held_on)}）")
        dispute.outcome = _outcome(principal, assisting)
        dispute.status = DisputeStatus.AGREED
        dispute.stage_due_on = stage_due(dispute.region, "disputes.deadline.filing", held_on)
        fields.append("outcome")
    else:
        dispute.stage_due_on = stage_due(dispute.region, "disputes.deadline.escalation", held_on)
    if checked is not None:
        _store(c, uploaded, checked, "minutes")
    c.save()
    c.present.set(present)
    if c.minutes is not None and checked is not None:
        uploaded.seek(0)
        ledger.document_attach_file(actor=actor, document=c.minutes, uploaded=uploaded)
    _bump(dispute, fields)
    audit.record(actor=actor, action="登记职责争议协商情况", target=dispute, body_id=dispute.body_id,
                 after={"协商日期": held_on, "参加单位": "、".join(d.name for d in present),
                        "结果": "协商一致" if agreed else "未达成一致", "协商情况": summary,
                        "分工": _division_label(principal, assisting) if agreed else "",
                        "纪要": checked.name if checked else ""})
    return c


def _division_label(principal, assisting) -> str:
    return "；".join(filter(None, ["主办：" + "、".join(d.name for d in principal),
                                   "协办：" + "、".join(d.name for d in assisting) if assisting else ""]))


# ---------------------------------------------------------------- escalation (the host department)

NOT_CONSULTED = "尚未登记协商情况，不能提请编办协调；请先组织成员单位协商。"
AGREED_NOT_ESCALATED = "成员单位已协商一致，应报编办备案，不能提请编办协调。"


@transaction.atomic
def dispute_escalate(*, actor, dispute: Dispute, on: date | None = None, note: str, uploads=(),
                     expected_version: int | None = None) -> Dispute:
    """Not agreed: the host department asks 编办 to coordinate, sending the materials."""
    dispute = _locked(dispute)
    _check_host(actor, dispute, "提请编办协调")
    _check_version(dispute, expected_version)
    if dispute.status == DisputeStatus.AGREED:
        _refuse(AGREED_NOT_ESCALATED)
    _check_status(dispute, (DisputeStatus.RAISED,), "提请编办协调")
    last = dispute.consultations.order_by("-held_on", "-id").first()
    if last is None:
        _refuse(NOT_CONSULTED)
    on = _check_date(on or _today(), "提请日期", "on", not_before=last.held_on, before_label="协商日期")
    note = (note or "").strip()
    if not note:
        _refuse("请写明提请协调的说明（分歧所在、各单位意见、办事机构的建议）。", "note")
    for uploaded in uploads or ():
        _add_file(actor, dispute, DisputeFileKind.MATERIALS, uploaded, "提请协调材料", "files")
    before = snapshot(dispute, ["status", "stage_due_on"])
    dispute.status, dispute.escalated_on, dispute.escalation_note = DisputeStatus.ESCALATED, on, note
    dispute.stage_due_on = stage_due(dispute.region, "disputes.deadline.opinion", on)
    _bump(dispute, ["status", "escalated_on", "escalation_note", "stage_due_on"])
    audit.record(actor=actor, action="提请编办协调职责分工争议", target=dispute, body_id=dispute.body_id, before=before,
                 after=snapshot(dispute, ["status", "escalated_on", "escalation_note", "stage_due_on"]))
    return dispute


# ---------------------------------------------------------------- settling

@dataclass(frozen=True)
class DutyMove:
    """A boundary moved between two departments' 三定 duties: `duty` (of `from_department`) ends, or none is
    named; `text` becomes a duty of `to_department`."""

    text: str
    to_department: Department
    duty: DepartmentDuty | None = None
    from_department: Department | None = None


def _division_entry(dispute: Dispute, principal, assisting) -> dict:
    return {"matter": dispute.matter, "principal": [dept_ref(d) for d in principal],
            "assisting": [dept_ref(d) for d in assisting]}


def _settle(*, actor, dispute: Dispute, on: date, by: str, principal, assisting, document: Document,
            note: str) -> None:
    """The division changes: a ledger event (职责分工调整) citing `document`, the work rules revised; the
    dispute keeps links to both. Called inside the writing service's transaction, on the locked dispute."""
    source = (SOURCE_LABEL, dispute_url(dispute))
    before = state_on(dispute.body, on) or {}
    division = [e for e in before.get("division") or [] if e.get("matter") != dispute.matter]
    division.append(_division_entry(dispute, principal, assisting))
    try:
        event, _findings = ledger.event_record(
            actor=actor, body=dispute.body, kind=EventKind.DIVISION, on=on, document=document,
            changes={"division": division}, note=note[:500], source=source)
    except PolicyViolation as exc:
        raise DisputeError(f"{dispute.body.name}的台账登记不符合规则，不能登记职责分工调整：{exc}", "on") from exc
    rules = work_rules_division.revise_for_division(
        actor=actor, body=dispute.body, matter=dispute.matter, cited_task_id=dispute.cited_task_id,
        principal=principal, assisting=assisting, on=on, reason=f"职责分工争议“{dispute.matter}”{SettledBy(by).label}",
        source=source)
    dispute.status, dispute.settled_by, dispute.settled_on = DisputeStatus.SETTLED, by, on
    dispute.ledger_event, dispute.work_rules, dispute.basis_document = event, rules, document
    dispute.outcome = _outcome(principal, assisting)
    dispute.stage_due_on = None


def _settle_fields() -> list[str]:
    return ["status", "settled_by", "settled_on", "ledger_event", "work_rules", "basis_document", "outcome",
            "stage_due_on"]


@transaction.atomic
def agreement_file(*, actor, dispute: Dispute, on: date | None = None,
                   expected_version: int | None = None) -> Dispute:
    """编办 files the agreement the units reached (备案): the dispute is settled and the division changes."""
    dispute = _locked(dispute)
    _check_establishment(actor, dispute, "协商一致的分工备案")
    _check_version(dispute, expected_version)
    _check_status(dispute, (DisputeStatus.AGREED,), "备案")
    agreed = dispute.consultations.filter(agreed=True).select_related("minutes").order_by("-held_on", "-id").first()
    on = _check_date(on or _today(), "备案日期", "on", not_before=agreed.held_on, before_label="协商日期")
    principal, assisting = _departments(dispute.outcome)
    before = snapshot(dispute, ["status"])
    dispute.filed_on = on
    _settle(actor=actor, dispute=dispute, on=on, by=SettledBy.CONSULTATION, principal=principal,
            assisting=assisting, document=agreed.minutes,
            note=f"职责分工争议“{dispute.matter}”经{dispute.body.office_department.name}组织协商一致，报编办备案")
    _bump(dispute, ["filed_on", *_settle_fields()])
    audit.record(actor=actor, action="职责分工协商一致备案", target=dispute, body_id=dispute.body_id, before=before,
                 after={"状态": dispute.get_status_display(), "备案日期": on,
                        "分工": _division_label(principal, assisting)})
    return dispute


def _departments(outcome: dict) -> tuple[list[Department], list[Department]]:
    ids = [*outcome.get("principal", []), *outcome.get("assisting", [])]
    by_id = Department.objects.in_bulk(ids)
    return ([by_id[i] for i in outcome.get("principal", []) if i in by_id],
            [by_id[i] for i in outcome.get("assisting", []) if i in by_id])


def _basis_document(*, actor, dispute: Dispute, number: str, issuer: str, title: str, on: date) -> Document:
    """The opinion's or the decision's document: by its 文号 where it has one (registered if new), else a
    document without one."""
    number, issuer, title = (number or "").strip(), (issuer or "").strip(), (title or "").strip()
    if not title:
        _refuse("请填写文件标题。", "document_title")
    try:
        if number:
            return ledger.document_get_or_create(actor=actor, region=dispute.region, number=number, issuer=issuer,
                                                 issued_on=on, title=title)
        return ledger.document_without_number_create(actor=actor, region=dispute.region, issuer=issuer,
                                                     issued_on=on, title=title)
    except DomainError as exc:
        field = {"number": "document_number", "issuer": "document_issuer", "title": "document_title",
                 "issued_on": "on"}.get(exc.field or "", "document_number")
        raise DisputeError(exc.message, field) from exc
    except Exception as exc:  # an unreadable 文号 (DocumentNumberError is a DomainError; this is belt and braces)
        raise DisputeError(f"文号“{number}”无法识别。", "document_number") from exc


def _move_duties(*, actor, dispute: Dispute, moves, on: date, basis: str) -> list[DepartmentDuty]:
    concerned = {dispute.raised_by_id, dispute.body.office_department_id,
                 *dispute.parties.values_list("pk", flat=True)}
    out = []
    for m in moves or ():
        if m.to_department.pk not in concerned:
            _refuse(f"{m.to_department.name}不是该争议的涉及单位，不能承接调整的职责。", "move_to")
        if m.duty is not None and m.duty.department_id not in concerned:
            _refuse("所选三定职责不属于该争议的涉及单位。", "move_duty")
        try:
            out.append(duty_move(actor=actor, duty=m.duty, text=m.text,
                                 from_department=m.duty.department if m.duty is not None else m.from_department,
                                 to_department=m.to_department, on=on, basis=basis,
                                 reason=f"职责分工争议“{dispute.matter}”",
                                 source=(SOURCE_LABEL, dispute_url(dispute))))
        except DomainError as exc:
            field = {"text": "move_text", "to_department": "move_to", "duty": "move_duty"}.get(exc.field or "",
                                                                                              "move_text")
            raise DisputeError(exc.message, field) from exc
    return out


def _decide(*, actor, dispute: Dispute, on: date, text: str, principal, assisting, document_number: str,
            document_issuer: str, document_title: str, moves, uploaded, by: str) -> Document:
    text = (text or "").strip()
    what = "协调意见" if by == SettledBy.OPINION else "编委会决定"
    if not text:
        _refuse(f"请填写{what}的内容。", "text")
    units = _units_or_refuse(dispute.body, on, "on")
    principal, assisting = _check_division(dispute, units, principal, assisting)
    document = _basis_document(actor=actor, dispute=dispute, number=document_number, issuer=document_issuer,
                               title=document_title, on=on)
    if uploaded is not None:
        _add_file(actor, dispute, DisputeFileKind.OPINION if by == SettledBy.OPINION else DisputeFileKind.DECISION,
                  uploaded, what)
        uploaded.seek(0)
        try:
            ledger.document_attach_file(actor=actor, document=document, uploaded=uploaded)
        except DomainError as exc:
            raise DisputeError(exc.message, "file") from exc
    basis = f"{document.title}（{document.number}）" if document.number else document.title
    _move_duties(actor=actor, dispute=dispute, moves=moves, on=on, basis=basis)
    _settle(actor=actor, dispute=dispute, on=on, by=by, principal=principal, assisting=assisting,
            document=document, note=f"职责分工争议“{dispute.matter}”：{what}——{text}")
    return document


@transaction.atomic
def opinion_give(*, actor, dispute: Dispute, on: date | None, text: str, principal, assisting=(),
                 document_number: str = "", document_issuer: str = "", document_title: str = "", moves=(),
                 uploaded=None, expected_version: int | None = None) -> Dispute:
    """编办's division opinion (协调意见、分工建议) on an escalated dispute: the dispute is settled, the division
    changes in the ledger and the work rules, and any 三定 duty it moves moves."""
    dispute = _locked(dispute)
    _check_establishment(actor, dispute, "提出协调意见")
    _check_version(dispute, expected_version)
    _check_status(dispute, (DisputeStatus.ESCALATED,), "提出协调意见")
    on = _check_date(on, "意见日期", "on", not_before=dispute.escalated_on, before_label="提请协调日期")
    before = snapshot(dispute, ["status"])
    _decide(actor=actor, dispute=dispute, on=on, text=text, principal=principal, assisting=assisting,
            document_number=document_number, document_issuer=document_issuer, document_title=document_title,
            moves=moves, uploaded=uploaded, by=SettledBy.OPINION)
    dispute.opinion, dispute.opinion_on = text.strip(), on
    _bump(dispute, ["opinion", "opinion_on", *_settle_fields()])
    audit.record(actor=actor, action="提出职责分工协调意见", target=dispute, body_id=dispute.body_id, before=before,
                 after={"状态": dispute.get_status_display(), "意见": dispute.opinion, "日期": on,
                        "依据文件": str(dispute.basis_document),
                        "分工": _division_label(*_departments(dispute.outcome))})
    return dispute


@transaction.atomic
def dispute_refer(*, actor, dispute: Dispute, on: date | None, note: str = "",
                  expected_version: int | None = None) -> Dispute:
    """编办 takes an escalated dispute to the establishment committee (编委会) for a decision."""
    dispute = _locked(dispute)
    _check_establishment(actor, dispute, "提交编委会研究")
    _check_version(dispute, expected_version)
    _check_status(dispute, (DisputeStatus.ESCALATED,), "提交编委会研究")
    on = _check_date(on, "提交日期", "on", not_before=dispute.escalated_on, before_label="提请协调日期")
    note = (note or "").strip()
    if not note:
        _refuse("请写明提交编委会研究的理由（如分歧较大、涉及三定职责调整）。", "note")
    dispute.status, dispute.referred_on = DisputeStatus.REFERRED, on
    dispute.opinion = note  # 编办's view in referring it (no opinion date: the committee decides)
    dispute.stage_due_on = stage_due(dispute.region, "disputes.deadline.decision", on)
    _bump(dispute, ["status", "referred_on", "opinion", "stage_due_on"])
    audit.record(actor=actor, action="职责分工争议提交编委会研究", target=dispute, body_id=dispute.body_id,
                 after={"提交日期": on, "理由": note}, reason=note)
    return dispute


@transaction.atomic
def decision_record(*, actor, dispute: Dispute, on: date | None, text: str, principal, assisting=(),
                    document_number: str = "", document_issuer: str = "", document_title: str = "", moves=(),
                    uploaded=None, expected_version: int | None = None) -> Dispute:
    """The establishment committee's decision on a referred dispute, recorded by 编办: settled like an opinion."""
    dispute = _locked(dispute)
    _check_establishment(actor, dispute, "登记编委会决定")
    _check_version(dispute, expected_version)
    _check_status(dispute, (DisputeStatus.REFERRED,), "登记编委会决定")
    on = _check_date(on, "决定日期", "on", not_before=dispute.referred_on, before_label="提交编委会日期")
    _decide(actor=actor, dispute=dispute, on=on, text=text, principal=principal, assisting=assisting,
            document_number=document_number, document_issuer=document_issuer, document_title=document_title,
            moves=moves, uploaded=uploaded, by=SettledBy.COMMITTEE)
    dispute.decision, dispute.decision_on = text.strip(), on
    _bump(dispute, ["decision", "decision_on", *_settle_fields()])
    audit.record(actor=actor, action="登记编委会职责分工决定", target=dispute, body_id=dispute.body_id,
                 after={"决定": dispute.decision, "日期": on, "依据文件": str(dispute.basis_document),
                        "分工": _division_label(*_departments(dispute.outcome))})
    return dispute


# ---------------------------------------------------------------- withdrawal (the raising unit)

@transaction.atomic
def dispute_withdraw(*, actor, dispute: Dispute, reason: str, expected_version: int | None = None) -> Dispute:
    dispute = _locked(dispute)
    _check_department(actor, RAISE, dispute.raised_by_id, f"只有提出单位（{dispute.raised_by.name}）可以撤回异议。")
    _check_version(dispute, expected_version)
    _check_status(dispute, tuple(OPEN_DISPUTE_STATUSES), "撤回")
    reason = (reason or "").strip()
    if not reason:
        _refuse("请写明撤回异议的原因。", "reason")
    before = snapshot(dispute, ["status"])
    dispute.status, dispute.withdrawn_reason, dispute.stage_due_on = DisputeStatus.WITHDRAWN, reason[:300], None
    _bump(dispute, ["status", "withdrawn_reason", "stage_due_on"])
    audit.record(actor=actor, action="撤回职责分工异议", target=dispute, body_id=dispute.body_id, before=before,
                 after={"状态": dispute.get_status_display()}, reason=reason)
    return dispute
