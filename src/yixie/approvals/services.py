"""Every step of joint approval. Each runs in one transaction that locks the application row; the
state graph is enforced by the model's transitions and concurrent saves by ConcurrentTransitionMixin,
so of two reviewers acting on the same step exactly one wins and the other is told.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from yixie.core import audit, proposals
from yixie.core.access import user_roles
from yixie.core.errors import DomainError
from yixie.core.files import UploadError, check_upload
from yixie.core.roles import DEPARTMENT_ROLES
from yixie.ledger import services as ledger
from yixie.ledger import state as st
from yixie.ledger.choices import BodyCategory, BodyStatus, EventKind
from yixie.ledger.models import Body
from yixie.ledger.policy import Finding
from yixie.org.scopes import scope_for

from .checklist import CHECKLIST_KEYS, describe, failed_items
from .choices import ApplicationKind, ApplicationStatus, AttachmentKind, Decision, Meeting, ReviewStep
from .models import Application, ApplicationFile, ApplicationLog, MemberConsent, Review

S = ApplicationStatus


class ApprovalError(DomainError):
    """A refused action, with a Chinese message that says what and why."""


# ---------------------------------------------------------------- helpers

def may(user, action: str, app: Application, *, department: bool = False) -> bool:
    """Whether the user's roles allow `action` on this application (its region, or with `department`
    its applicant department): what the services require and the pages ask before offering a button."""
    scope = scope_for(user, action)
    if scope.everything:
        return True
    if department:
        return app.department_id in scope.department_ids
    return app.region_id in scope.region_ids


def _require(user, action: str, app: Application, what: str, *, department: bool = False) -> None:
    if not may(user, action, app, department=department):
        raise ApprovalError(f"您无权{what}此申请。")


def _not_own(user, app: Application) -> None:
    """A department cannot approve its own application."""
    if user.is_superuser:
        return
    for a in user_roles(user):
        if a.role in DEPARTMENT_ROLES and a.department_id == app.department_id:
            raise ApprovalError("申请部门的人员不能审核、审批本部门的申请。")


STATUS_LABEL = dict(ApplicationStatus.choices)


def _transition(app: Application, method: Callable, *, actor, action: str, reason: str = "") -> None:
    before = app.status
    try:
        method()
    except TransitionNotAllowed as exc:
        raise ApprovalError(f"申请当前为“{STATUS_LABEL[before]}”，不能{action}。") from exc
    app.status_changed_at = timezone.now()
    try:
        app.save()
    except ConcurrentTransition as exc:
        raise ApprovalError(f"此申请已被他人处理（状态已变化），您的“{action}”未生效，请刷新后查看。") from exc
    ApplicationLog.objects.create(application=app, actor=_user(actor), action=action, from_status=before,
                                  to_status=app.status, reason=reason)
    audit.record(actor=actor, action=f"申请{action}", target=app, before={"状态": STATUS_LABEL[before]},
                 after={"状态": STATUS_LABEL[app.status]}, reason=reason, body_id=app.body_id)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(app: Application) -> Application:
    return Application.objects.select_for_update().get(pk=app.pk)


def _open_review(app: Application, step: str) -> Review:
    review, created = Review.objects.get_or_create(application=app, step=step, round=app.round)
    if not created and review.cancelled:
        review.cancelled = False
        review.started_at = timezone.now()
        review.save(update_fields=["cancelled", "started_at"])
    return review


def _pending(app: Application, step: str) -> Review:
    review = app.reviews.filter(step=step, round=app.round, decision="", cancelled=False).first()
    if review is None:
        label = dict(ReviewStep.choices)[step]
        raise ApprovalError(f"“{label}”环节不在办理中（可能已由他人办理），请刷新后查看。")
    return review


def _close_review(review: Review, *, actor, decision: str, opinion: str = "", checklist=None, details=None):
    review.decision = decision
    review.opinion = opinion
    review.reviewer = _user(actor)
    review.decided_at = timezone.now()
    if checklist is not None:
        review.checklist = checklist
    if details is not None:
        review.details = details
    review.save()


def _cancel_other_reviews(app: Application) -> None:
    app.reviews.filter(round=app.round, decision="").update(cancelled=True)


def url_of(app: Application) -> str:
    return reverse("approvals:detail", args=[app.pk])


# ---------------------------------------------------------------- content checks

def proposed_state(app: Application) -> dict | None:
    """The body's state as it would be after the application (None for abolition and merger)."""
    if app.kind == ApplicationKind.ESTABLISH:
        return app.proposed or None
    if app.kind in (ApplicationKind.ABOLISH, ApplicationKind.MERGE):
        return None
    return app.proposed or None


def current_state(app: Application) -> dict | None:
    if not app.body_id:
        return None
    return ledger.state_on(app.body, timezone.localdate())


def policy_findings(app: Application) -> list[Finding]:
    state = proposed_state(app)
    if not state:
        return []
    return ledger.policy_findings(state, app.region)


def content_problems(app: Application) -> list[str]:
    """What the application still lacks before it can be submitted (the form asks for what the kind needs)."""
    problems = []
    if not app.reasons.strip():
        problems.append("请填写申请理由和依据。")
    if app.kind != ApplicationKind.ESTABLISH and not app.body_id:
        problems.append("请选择涉及的机构。")
    if app.kind == ApplicationKind.MERGE and not app.merge_bodies.exists():
        problems.append("合并须选择被合并的机构。")
    state = proposed_state(app)
    if app.kind not in (ApplicationKind.ABOLISH, ApplicationKind.MERGE):
        if not state:
            problems.append("请填写拟设立或调整后的内容。")
        else:
            for key, label in (("name", "名称"), ("duties", "职责任务"), ("lead_department", "牵头部门"),
                               ("office_department", "办事机构所在部门")):
                if not state.get(key):
                    problems.append(f"请填写{label}。")
            before = current_state(app)
            kind = {ApplicationKind.ADJUST: EventKind.ADJUST, ApplicationKind.RENAME: EventKind.RENAME,
                    ApplicationKind.REAFFILIATE: EventKind.REAFFILIATE,
                    ApplicationKind.DOWNGRADE: EventKind.DOWNGRADE}.get(app.kind)
            if kind and before is not None and not st.changes_between(kind, before, state):
                problems.append(f"申请{app.get_kind_display()}，但拟调整后的内容与现状相同。")
    if app.kind == ApplicationKind.ESTABLISH and not app.files.filter(kind=AttachmentKind.RULES).exists():
        problems.append("请上传草拟的工作规则。")
    if app.body_id and app.body.status != BodyStatus.ACTIVE:
        problems.append(f"“{app.body.name}”已不处于存续状态。")
    return problems


def consent_missing(app: Application) -> list[str]:
    """Member units of a 联席会议 yet to agree to close it (spec §3.8)."""
    if app.kind != ApplicationKind.ABOLISH or not app.body_id or app.body.category != BodyCategory.JOINT_MEETING:
        return []
    agreed = set(app.consents.filter(agreed=True).values_list("department_id", flat=True))
    return [m.department.name for m in app.body.memberships.select_related("department")
            if m.department_id not in agreed]


def _involves_personnel(app: Application) -> bool:
    state = proposed_state(app)
    if state is None:
        return False
    if app.kind == ApplicationKind.ESTABLISH:
        return bool(state.get("leaders"))
    return st.leaders_changed(current_state(app), state)


# ---------------------------------------------------------------- drafting

@transaction.atomic
def application_save(*, actor, app: Application | None, region, department, kind: str, body: Body | None,
                     reasons: str, proposed: dict, merge_bodies=(), proposal=None) -> Application:
    """Create or edit a draft (also a returned application under revision). A new draft made from a
    proposal of the intake (`proposal`) takes it in, in the same transaction."""
    if app is not None:
        app = _lock(app)
        if app.status not in (S.DRAFT, S.RETURNED):
            raise ApprovalError(f"申请当前为“{STATUS_LABEL[app.status]}”，不能修改。")
    probe = app or Application(region=region, department=department)
    _require(actor, "application.draft", probe, "起草", department=True)
    if not region.may_hold_bodies:
        raise ApprovalError(f"{region.name}为乡镇（街道），不得设立议事协调机构。")
    if body is not None and body.region_id != region.pk:
        raise ApprovalError("涉及的机构不属于本区划。", "body")
    if kind != ApplicationKind.ESTABLISH and body is None:
        raise ApprovalError("请选择涉及的机构。", "body")
    subject = proposed.get("name") or (body.name if body else "")
    title = f"关于{dict(ApplicationKind.choices)[kind].split('（')[0]}{subject}的申请"
    before = None
    if app is None:
        app = Application(region=region, department=department, drafted_by=actor)
    else:
        before = {"title": app.title, "reasons": app.reasons, "proposed": app.proposed}
    app.kind, app.body, app.reasons, app.proposed, app.title = kind, body, reasons.strip(), proposed, title[:200]
    app.save()
    app.merge_bodies.set(list(merge_bodies))
    audit.record(actor=actor, action="修改申请" if before else "起草申请", target=app, before=before,
                 after={"title": app.title, "reasons": app.reasons, "proposed": app.proposed}, body_id=app.body_id)
    if proposal is not None:
        if before is not None:
            raise ApprovalError("只有新起草的申请可以受理调整建议。")
        if proposal.body_id != (body.pk if body else None) or proposal.kind != kind:
            raise ApprovalError("申请的事项或机构与调整建议不一致。", "body")
        try:
            proposals.proposal_take(proposal=proposal, taker="approvals", ref=f"application:{app.pk}", actor=actor,
                                    note=f"已起草申请：{app.title}")
        except DomainError as exc:
            raise ApprovalError(exc.message) from exc
    return app


def attach(*, actor, app: Application, kind: str, uploaded) -> ApplicationFile:
    _require(actor, "application.draft", app, "上传材料", department=True)
    if app.status not in (S.DRAFT, S.RETURNED):
        raise ApprovalError("申请已提交，不能再上传材料；如需补充，请待退回后上传。")
    try:
        checked = check_upload(uploaded, allowed=(".pdf", ".ofd", ".docx"), max_bytes=settings.YIXIE_UPLOAD_MAX_BYTES,
                               what="材料")
    except UploadError as exc:
        raise ApprovalError(exc.message, "file") from exc
    with transaction.atomic():
        f = ApplicationFile(application=app, kind=kind, original_name=checked.name, file_type=checked.file_type,
                            size=checked.size, sha256=checked.sha256, uploaded_by=actor)
        f.file.save(f"{checked.sha256[:16]}{checked.ext}", uploaded, save=False)
        f.save()
        audit.record(actor=actor, action="上传申请材料", target=app, after={"材料": checked.name, "类型": kind})
    return f


# ---------------------------------------------------------------- the flow

@transaction.atomic
def submit(*, actor, app: Application, overlaps: Callable[[Application], list] | None = None) -> Application:
    """The department's HR section submits: content complete, rules pass, overlaps recorded as evidence."""
    app = _lock(app)
    _require(actor, "application.submit", app, "提交", department=True)
    if app.status not in (S.DRAFT, S.RETURNED):
        raise ApprovalError(f"申请当前为“{STATUS_LABEL[app.status]}”，不能提交。")
    problems = content_problems(app)
    missing = consent_missing(app)
    if missing:
        problems.append(f"撤销部门间联席会议须经全体成员单位同意，尚未同意的：{'、'.join(missing)}。")
    findings = policy_findings(app)
    problems += [f"{f.message}（依据：{f.source}）" for f in findings if f.is_error]
    if problems:
        raise ApprovalError("申请尚不能提交：" + "".join(problems))
    app.findings_snapshot = [f.__dict__ | {"severity": str(f.severity)} for f in findings]
    if overlaps is not None:
        app.overlap_snapshot = overlaps(app)
    app.involves_personnel = _involves_personnel(app)
    app.round += 1
    app.submitted_at = timezone.now()
    _transition(app, app.submit, actor=actor, action="提交")
    _open_review(app, ReviewStep.ACCEPTANCE)
    return app


@transaction.atomic
def withdraw(*, actor, app: Application, reason: str = "") -> Application:
    app = _lock(app)
    _require(actor, "application.draft", app, "撤回", department=True)
    _cancel_other_reviews(app)
    _transition(app, app.withdraw, actor=actor, action="撤回", reason=reason)
    return app


@transaction.atomic
def accept(*, actor, app: Application, opinion: str = "") -> Application:
    """两办受理: opens 编办 review, and 组织部 review where leader posts are involved, in parallel."""
    app = _lock(app)
    _require(actor, "application.accept", app, "受理")
    _not_own(actor, app)
    review = _pending(app, ReviewStep.ACCEPTANCE) if app.status == S.SUBMITTED else None
    _transition(app, app.accept, actor=actor, action="受理", reason=opinion)
    _close_review(review, actor=actor, decision=Decision.APPROVE, opinion=opinion)
    _open_review(app, ReviewStep.ESTABLISHMENT)
    if app.involves_personnel:
        _open_review(app, ReviewStep.PERSONNEL)
    return app


STEP_ACTION = {
    ReviewStep.ACCEPTANCE: "application.accept",
    ReviewStep.ESTABLISHMENT: "application.review_establishment",
    ReviewStep.PERSONNEL: "application.review_personnel",
    ReviewStep.DELIBERATION: "application.deliberate",
    ReviewStep.PUBLICATION: "application.publish",
}
STEP_STATUS = {
    ReviewStep.ACCEPTANCE: S.SUBMITTED,
    ReviewStep.ESTABLISHMENT: S.IN_REVIEW,
    ReviewStep.PERSONNEL: S.IN_REVIEW,
    ReviewStep.DELIBERATION: S.REVIEWED,
    ReviewStep.PUBLICATION: S.DECIDED,
}


def _checklist_answers(checklist: dict | None) -> dict:
    answers = {}
    for key in CHECKLIST_KEYS:
        item = (checklist or {}).get(key) or {}
        holds = item.get("holds")
        answers[key] = {"holds": holds if holds in (True, False) else None, "note": str(item.get("note", ""))[:300]}
    return answers


@transaction.atomic
def review(*, actor, app: Application, step: str, decision: str, opinion: str = "", checklist: dict | None = None,
           recommended_form: str = "") -> Application:
    """A reviewer's decision on their step: approve, return for revision, refuse, or (编办) recommend another form."""
    app = _lock(app)
    if step not in STEP_ACTION:
        raise ApprovalError("未知的审批环节。")
    label = dict(ReviewStep.choices)[step]
    _require(actor, STEP_ACTION[step], app, f"办理“{label}”")
    _not_own(actor, app)
    if app.status != STEP_STATUS[step]:
        raise ApprovalError(f"申请当前为“{STATUS_LABEL[app.status]}”，不在“{label}”环节。")
    if decision == Decision.APPROVE and step not in (ReviewStep.ESTABLISHMENT, ReviewStep.PERSONNEL):
        raise ApprovalError(f"“{label}”环节的同意请使用受理、登记会议结果或发文操作。")
    if decision not in Decision.values:
        raise ApprovalError("请选择审核意见。", "decision")
    pending = _pending(app, step)
    if decision in (Decision.RETURN, Decision.REFUSE, Decision.RECOMMEND) and not opinion.strip():
        raise ApprovalError("退回、不予同意或建议改设其他形式，须写明理由。", "opinion")
    answers = None
    if step == ReviewStep.ESTABLISHMENT:
        answers = _checklist_answers(checklist)
        unanswered = [k for k in CHECKLIST_KEYS if answers[k]["holds"] is None]
        if unanswered and decision in (Decision.APPROVE, Decision.REFUSE):
            raise ApprovalError(f"请逐项填写审核要点，尚未填写{len(unanswered)}项：{describe(unanswered)}。", "checklist")
        failed = failed_items(answers)
        if decision == Decision.APPROVE and failed:
            raise ApprovalError(f"审核要点显示不符合设立条件，不能同意：{describe(failed)}。", "checklist")
        if decision == Decision.REFUSE:
            if not failed:
                raise ApprovalError("不予同意须援引至少一项不符合的设立条件或禁止情形。", "checklist")
            opinion = f"{opinion.strip()}（不符合：{describe(failed)}）"
    elif decision == Decision.RECOMMEND:
        raise ApprovalError("只有编办审核可以建议改设其他形式。")
    if decision == Decision.RECOMMEND and not recommended_form:
        raise ApprovalError("请选择建议改设的形式。", "recommended_form")

    _close_review(pending, actor=actor, decision=decision, opinion=opinion, checklist=answers)
    if decision == Decision.APPROVE:
        if step in (ReviewStep.ESTABLISHMENT, ReviewStep.PERSONNEL):
            if not app.reviews.filter(round=app.round, step__in=[ReviewStep.ESTABLISHMENT, ReviewStep.PERSONNEL],
                                      decision="", cancelled=False).exists():
                _transition(app, app.complete_reviews, actor=actor, action="审核通过")
                _open_review(app, ReviewStep.DELIBERATION)
            else:
                ApplicationLog.objects.create(application=app, actor=_user(actor), action=f"{label}同意",
                                              from_status=app.status, to_status=app.status, reason=opinion)
        return app
    app.last_reason = f"{label}：{opinion.strip()}"
    if decision == Decision.RECOMMEND:
        app.recommended_form = recommended_form
    _cancel_other_reviews(app)
    if decision == Decision.REFUSE:
        _transition(app, app.refuse, actor=actor, action=f"{label}不予同意", reason=opinion)
    else:
        action = f"{label}建议改设其他形式" if decision == Decision.RECOMMEND else f"{label}退回修改"
        _transition(app, app.return_for_revision, actor=actor, action=action, reason=opinion)
    return app


@transaction.atomic
def deliberate(*, actor, app: Application, held_on: date, session: str, agenda_item: str, approved: bool,
               opinion: str = "") -> Application:
    """The meeting's decision: 市委常委会会议 for the Party sequence, 市政府常务会议 for the government's."""
    app = _lock(app)
    _require(actor, "application.deliberate", app, "登记会议研究结果")
    _not_own(actor, app)
    if app.status != S.REVIEWED:
        raise ApprovalError(f"申请当前为“{STATUS_LABEL[app.status]}”，不在会议研究环节。")
    if held_on > timezone.localdate():
        raise ApprovalError("会议日期不能晚于今天。", "held_on")
    if not session.strip() or not agenda_item.strip():
        raise ApprovalError("请填写会议届次和议题。", "agenda_item")
    pending = _pending(app, ReviewStep.DELIBERATION)
    meeting = meeting_for(app)
    details = {"meeting": meeting, "meeting_label": dict(Meeting.choices)[meeting], "held_on": held_on.isoformat(),
               "session": session.strip(), "agenda_item": agenda_item.strip()}
    _close_review(pending, actor=actor, decision=Decision.APPROVE if approved else Decision.REFUSE,
                  opinion=opinion, details=details)
    if approved:
        _transition(app, app.decide, actor=actor, action="会议研究同意", reason=f"{details['meeting_label']}{session}")
        _open_review(app, ReviewStep.PUBLICATION)
    else:
        app.last_reason = f"会议研究：{opinion}"
        _transition(app, app.refuse, actor=actor, action="会议研究不同意", reason=opinion)
    return app


def meeting_for(app: Application) -> str:
    state = proposed_state(app) or current_state(app) or {}
    return Meeting.PARTY if state.get("sequence") == "party" else Meeting.GOVERNMENT


@transaction.atomic
def publish(*, actor, app: Application, number: str, issuer: str, issued_on: date, title: str,
            effective_on: date | None = None) -> Application:
    """两办发文: the document is registered and the ledger event written in the same transaction."""
    app = _lock(app)
    _require(actor, "application.publish", app, "发文公布")
    _not_own(actor, app)
    if app.status != S.DECIDED:
        raise ApprovalError(f"申请当前为“{STATUS_LABEL[app.status]}”，不在发文环节。")
    pending = _pending(app, ReviewStep.PUBLICATION)
    on = effective_on or issued_on
    try:
        document = ledger.document_create(actor=actor, region=app.region, number=number, issuer=issuer,
                                          issued_on=issued_on, title=title)
        event, body = _write_ledger(actor=actor, app=app, on=on, document=document)
    except ledger.LedgerError as exc:
        raise ApprovalError(exc.message, exc.field) from exc
    except ledger.PolicyViolation as exc:
        raise ApprovalError("；".join(exc.messages)) from exc
    app.document, app.ledger_event, app.result_body, app.published_at = document, event, body, timezone.now()
    _close_review(pending, actor=actor, decision=Decision.APPROVE, details={"number": document.number})
    _transition(app, app.publish, actor=actor, action="发文公布", reason=document.number)
    return app


def _write_ledger(*, actor, app: Application, on: date, document):
    source = (app.number, url_of(app))
    note = app.title
    if app.kind == ApplicationKind.ESTABLISH:
        body, _ = ledger.body_establish(actor=actor, region=app.region, state=app.proposed, on=on,
                                        document=document, note=note, source=source)
        return body.events.get(kind=EventKind.ESTABLISH), body
    body = app.body
    if app.kind == ApplicationKind.ABOLISH:
        event, _ = ledger.event_record(actor=actor, body=body, kind=EventKind.ABOLISH, on=on, document=document,
                                       note=note, source=source)
        return event, body
    if app.kind == ApplicationKind.MERGE:
        events = ledger.body_merge(actor=actor, bodies=list(app.merge_bodies.all()), into=body, on=on,
                                   document=document, note=note, source=source)
        return events[0], body
    kind = {ApplicationKind.ADJUST: EventKind.ADJUST, ApplicationKind.RENAME: EventKind.RENAME,
            ApplicationKind.REAFFILIATE: EventKind.REAFFILIATE, ApplicationKind.DOWNGRADE: EventKind.DOWNGRADE}[app.kind]
    before = ledger.state_on(body, on)
    if before is None:
        raise ApprovalError(f"{on}时该机构尚未设立。")
    changes = st.changes_between(kind, before, app.proposed)
    if kind == EventKind.ADJUST and changes.keys() == {"members"}:
        kind = EventKind.MEMBERS
    event, _ = ledger.event_record(actor=actor, body=body, kind=kind, on=on, document=document, changes=changes,
                                   note=note, source=source)
    return event, body


@transaction.atomic
def record_consent(*, actor, app: Application, department, agreed: bool, note: str = "") -> MemberConsent:
    """A member unit records whether it agrees to close the 联席会议."""
    app = _lock(app)
    scope = scope_for(actor, "application.consent")
    if not scope.everything and department.pk not in scope.department_ids:
        raise ApprovalError("只能登记本部门的意见。")
    if not app.body_id or not app.body.memberships.filter(department=department).exists():
        raise ApprovalError(f"{department.name}不是该联席会议的成员单位。")
    if app.status not in (S.DRAFT, S.RETURNED, S.SUBMITTED):
        raise ApprovalError("申请已进入审核，不能再修改成员单位意见。")
    consent, _ = MemberConsent.objects.update_or_create(
        application=app, department=department,
        defaults={"agreed": agreed, "note": note[:300], "recorded_by": actor})
    audit.record(actor=actor, action="登记成员单位意见", target=app,
                 after={"部门": department.name, "同意": agreed, "说明": note}, body_id=app.body_id)
    return consent
