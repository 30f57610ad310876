"""Every step of joint approval. Each runs in one transaction that locks the application row; the
state graph is enforced by the model's transitions and concurrent saves by ConcurrentTransitionMixin,
so of two reviewers acting on the same step exactly one wins and the other is told.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from yixie.core import audit, proposals
from yixie.core.access import user_roles
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import UploadError, check_upload
from yixie.core.roles import DEPARTMENT_ROLES
from yixie.ledger import services as ledger
from yixie.ledger.choices import COUNTED_CATEGORIES, BodyFileKind, BodyStatus, EventKind
from yixie.ledger.docnumber import DocumentNumberError, issuer_for
from yixie.ledger.models import Body
from yixie.ledger.policy import check_region_may_hold_bodies
from yixie.org.scopes import scope_for

from .checklist import CHECKLIST_KEYS, describe, failed_items
from .choices import (
    APPLICATION_EVENT_KIND,
    STEP_ACTIONS,
    ApplicationKind,
    ApplicationStatus,
    AttachmentKind,
    Decision,
    Meeting,  # noqa: F401  (importable from here for older callers)
    ReviewStep,
)
from .models import Application, ApplicationFile, ApplicationLog, MemberConsent, Review

# Reads of one application live in `selectors`; importable from here for the callers of old.
from .selectors import (  # noqa: F401
    accepted_on,
    consent_missing,
    content_problems,
    current_state,
    high_overlaps,
    involves_personnel,
    leader_load_snapshot,
    may,
    meeting_for,
    meeting_held_on,
    meeting_label,
    overlap_evidence,
    policy_findings,
    proposal_merge_target,
    proposed_state,
    quota_findings,
    rule_findings,
    url_of,
)

S = ApplicationStatus


class ApprovalError(DomainError):
    """A refused action, with a Chinese message that says what and why."""


# ---------------------------------------------------------------- helpers

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


# ---------------------------------------------------------------- drafting

def _check_name_free(*, region, kind: str, body: Body | None, proposed: dict) -> None:
    """A proposed name may not be that of another body in force in the region (the ledger's own rule,
    `ledger.services.check_name_free`), checked from the draft on so a duplicate never reaches the meeting."""
    name = (proposed or {}).get("name") or ""
    if not name or kind in (ApplicationKind.ABOLISH, ApplicationKind.MERGE):
        return
    if body is not None and name == body.name:
        return
    try:
        ledger.check_name_free(region=region, name=name, on=timezone.localdate(),
                               exclude_body_id=body.pk if body is not None else None)
    except ledger.LedgerError as exc:
        raise ApprovalError(f"{exc.message}请修改拟设立的机构名称，或改为申请调整现有机构。", "name") from exc


def _check_replaces(*, region, kind: str, replaces, named=()) -> list[Body]:
    """撤一建一: only a new body names the bodies it replaces, and they are counted bodies (党委、政府议事协调
    机构) of its region in force — or ended since this application `named` them (abolished first). The form
    offers only those the user may see; this is the rule itself."""
    replaces = list(replaces or ())
    named_ids = {b.pk for b in named}
    if replaces and kind != ApplicationKind.ESTABLISH:
        raise ApprovalError("只有设立申请可以写明“撤一建一”被替代的机构。", "replaces")
    for b in replaces:
        if b.region_id != region.pk:
            raise ApprovalError(f"被替代的机构“{b.name}”不属于本区划。", "replaces")
        if b.status != BodyStatus.ACTIVE and b.pk not in named_ids:
            raise ApprovalError(f"被替代的机构“{b.name}”已{b.get_status_display()}，不能再作为“撤一建一”的被替代机构。",
                                "replaces")
        if b.category not in COUNTED_CATEGORIES:
            raise ApprovalError(f"“{b.name}”不是党委、政府议事协调机构，不计入总量，不能作为“撤一建一”的被替代机构。",
                                "replaces")
    return replaces


@transaction.atomic
def application_save(*, actor, app: Application | None, region, department, kind: str, body: Body | None,
                     reasons: str, proposed: dict, merge_bodies=(), proposal=None, rebase: bool = False,
                     expected_version: int | None = None, replaces=None) -> Application:
    """Create or edit a draft (also a returned application under revision). A new draft made from a
    proposal of the intake (`proposal`) takes it in, in the same transaction.

    A change of an existing body keeps the body's state it is drafted from (`base_state`, `base_version`):
    taken when the draft is made or names another body, and again on an edit made from the body's state
    now (`rebase`, the edit page shows `selectors.rebased_proposed`). `expected_version`: the body's version
    the page was opened at; if the body moved on since, `ledger.ConcurrentChange` says what changed.
    `replaces`: the bodies a new body replaces (撤一建一); None keeps those an edited draft names."""
    if app is not None:
        app = _lock(app)
        if app.status not in (S.DRAFT, S.RETURNED):
            raise ApprovalError(f"申请当前为“{STATUS_LABEL[app.status]}”，不能修改。")
    probe = app or Application(region=region, department=department)
    _require(actor, "application.draft", probe, "起草", department=True)
    refused = [f for f in check_region_may_hold_bodies(region) if f.is_error]
    if refused:
        raise ApprovalError(f"{refused[0].message}（依据：{refused[0].source}）", "region")
    if body is not None and body.region_id != region.pk:
        raise ApprovalError("涉及的机构不属于本区划。", "body")
    if kind != ApplicationKind.ESTABLISH and body is None:
        raise ApprovalError("请选择涉及的机构。", "body")
    if body is not None and expected_version is not None:
        ledger.check_version(body=body, expected_version=expected_version)
    _check_name_free(region=region, kind=kind, body=body, proposed=proposed)
    named = list(app.replaces.all()) if app is not None else []
    replaces = _check_replaces(region=region, kind=kind, replaces=named if replaces is None else replaces,
                               named=named)
    subject = proposed.get("name") or (body.name if body else "")
    title = f"关于{dict(ApplicationKind.choices)[kind].split('（')[0]}{subject}的申请"
    before = None
    if app is None:
        app = Application(region=region, department=department, drafted_by=actor)
    else:
        before = {"title": app.title, "reasons": app.reasons, "proposed": app.proposed}
        replaced_before = sorted(app.replaces.values_list("name", flat=True))
        if replaced_before:
            before["replaces"] = replaced_before
    if body is None or not proposed:
        app.base_state, app.base_version = {}, None
    elif rebase or not app.base_state or app.body_id != body.pk:
        app.base_state = ledger.state_on(body, timezone.localdate()) or {}
        app.base_version = Body.objects.filter(pk=body.pk).values_list("version", flat=True).get()
    app.kind, app.body, app.reasons, app.proposed, app.title = kind, body, reasons.strip(), proposed, title[:200]
    app.save()
    app.merge_bodies.set(list(merge_bodies))
    app.replaces.set(replaces)
    after = {"title": app.title, "reasons": app.reasons, "proposed": app.proposed}
    if replaces:
        after["replaces"] = sorted(b.name for b in replaces)
    audit.record(actor=actor, action="修改申请" if before else "起草申请", target=app, before=before,
                 after=after, body_id=app.body_id)
    if proposal is not None:
        if before is not None:
            raise ApprovalError("只有新起草的申请可以受理调整建议。")
        if kind == ApplicationKind.MERGE and proposal.kind == kind:
            # “X 并入 Y”: X among the merged bodies; Y (where 编办 named one) the body that survives
            target = proposal_merge_target(proposal)
            if proposal.body_id not in {b.pk for b in merge_bodies} or (target and body and body.pk != target):
                raise ApprovalError("申请的合并事项与调整建议不一致：建议的机构应为被合并的机构，并入其建议的存续机构。",
                                    "merge_bodies")
        elif proposal.body_id != (body.pk if body else None) or proposal.kind != kind:
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
    findings = rule_findings(app)  # the ledger's rules on the state and total-number control (撤一建一)
    problems += [f"{f.message}（依据：{f.source}）" if f.source not in f.message else f.message
                 for f in findings if f.is_error]
    if problems:
        raise ApprovalError("申请尚不能提交：" + "".join(problems))
    _check_name_free(region=app.region, kind=app.kind, body=app.body, proposed=app.proposed)
    app.findings_snapshot = [f.__dict__ | {"severity": str(f.severity)} for f in findings]
    if overlaps is not None:
        app.overlap_snapshot = overlaps(app)
    app.load_snapshot = leader_load_snapshot(app)
    app.involves_personnel = involves_personnel(app)
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
    if step not in STEP_ACTIONS:
        raise ApprovalError("未知的审批环节。")
    label = dict(ReviewStep.choices)[step]
    _require(actor, STEP_ACTIONS[step][0], app, f"办理“{label}”")
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
        high = high_overlaps(app)
        if decision == Decision.APPROVE and high and not opinion.strip():
            raise ApprovalError(f"提交时的比对显示{overlap_evidence(high)}，重复度较高；同意设立须在审核意见中写明理由"
                                "（如与该机构职责的区别、不能整合的原因）。", "opinion")
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
    """The meeting's decision: the Party committee's standing committee (市委常委会会议, 青州市委常委会会议 …)
    for the Party sequence, the government's executive meeting for the government's (`meeting_label`)."""
    app = _lock(app)
    _require(actor, "application.deliberate", app, "登记会议研究结果")
    _not_own(actor, app)
    if app.status != S.REVIEWED:
        raise ApprovalError(f"申请当前为“{STATUS_LABEL[app.status]}”，不在会议研究环节。")
    if held_on > timezone.localdate():
        raise ApprovalError(f"会议日期{format_date_zh(held_on)}不能晚于今天，请核对。", "held_on")
    accepted = accepted_on(app)
    if accepted is not None and held_on < accepted:
        raise ApprovalError(f"会议日期{format_date_zh(held_on)}早于两办受理此申请的日期{format_date_zh(accepted)}，"
                            "会议日期不能早于受理日期，请核对。", "held_on")
    if not session.strip() or not agenda_item.strip():
        raise ApprovalError("请填写会议届次和议题。", "agenda_item")
    pending = _pending(app, ReviewStep.DELIBERATION)
    meeting = meeting_for(app)
    details = {"meeting": meeting, "meeting_label": meeting_label(app.region, meeting), "held_on": held_on.isoformat(),
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


@transaction.atomic
def publish(*, actor, app: Application, number: str, issued_on: date, title: str, issuer: str = "",
            effective_on: date | None = None) -> Application:
    """两办发文: the document is registered and the ledger event written in the same transaction.

    The issuing office follows the number's 机关代字 (`ledger.docnumber.issuer_for`: 潍政字 → 潍坊市人民政府,
    潍政办字 → its general office); `issuer` is needed only where the 代字 is not the region's, and an issuer
    that contradicts the 代字 is refused.
    """
    app = _lock(app)
    _require(actor, "application.publish", app, "发文公布")
    _not_own(actor, app)
    if app.status != S.DECIDED:
        raise ApprovalError(f"申请当前为“{STATUS_LABEL[app.status]}”，不在发文环节。")
    pending = _pending(app, ReviewStep.PUBLICATION)
    met = meeting_held_on(app)
    if met is not None and issued_on < met:
        raise ApprovalError(f"成文日期{format_date_zh(issued_on)}早于会议研究日期{format_date_zh(met)}，发文不能早于会议研究，请核对。",
                            "issued_on")
    on = effective_on or issued_on
    # The caps again on the effective date: bodies set up since submission may have filled them (a refusing
    # cap only; 两办 can return or refuse the application from the same panel).
    over = [f for f in quota_findings(app, on, caps_only=True) if f.is_error]
    if over:
        raise ApprovalError("".join(f.message for f in over) + "可在“发文公布”栏的“不能发文时”中选择退回修改或不予同意。",
                            "number")
    try:
        expected = issuer_for(app.region, number)
    except DocumentNumberError as exc:
        raise ApprovalError(exc.message, "number") from exc
    issuer = issuer.strip()
    if expected and issuer and issuer != expected:
        raise ApprovalError(f"文号“{number.strip()}”的机关代字表明发文机关为“{expected}”，与填写的“{issuer}”不一致；"
                            "请核对文号，或不填发文机关。", "issuer")
    try:
        document = ledger.document_create(actor=actor, region=app.region, number=number, issuer=expected or issuer,
                                          issued_on=issued_on, title=title)
        event, body = _write_ledger(actor=actor, app=app, on=on, document=document)
    except ledger.ConcurrentChange as exc:
        raise ApprovalError(f"{exc.message}可在“发文公布”栏的“不能发文时”中选择退回修改。", exc.field,
                            code=exc.code) from exc
    except ledger.LedgerError as exc:
        raise ApprovalError(exc.message, exc.field) from exc
    except ledger.PolicyViolation as exc:
        raise ApprovalError("；".join(exc.messages)) from exc
    _propose_replaced_abolition(actor=actor, app=app, body=body, document=document)
    app.document, app.ledger_event, app.result_body, app.published_at = document, event, body, timezone.now()
    _close_review(pending, actor=actor, decision=Decision.APPROVE, details={"number": document.number})
    _transition(app, app.publish, actor=actor, action="发文公布", reason=document.number)
    return app


def _write_ledger(*, actor, app: Application, on: date, document):
    """The ledger's own services write the change: `body_establish` for a new body, `change_apply` otherwise."""
    kind = APPLICATION_EVENT_KIND[app.kind]
    if kind == EventKind.ESTABLISH:
        body, _ = ledger.body_establish(actor=actor, region=app.region, state=app.proposed, on=on,
                                        document=document, note=app.title, source=(app.number, url_of(app)))
        _hand_over_work_rules(actor=actor, app=app, body=body, document=document)
        return body.events.get(kind=EventKind.ESTABLISH), body
    event, _ = ledger.change_apply(
        actor=actor, body=app.body, kind=kind, on=on, proposed_state=proposed_state(app), document=document,
        note=app.title, merged=app.merge_bodies.all() if kind == EventKind.MERGE else (),
        source_label=app.number, source_url=url_of(app), base_state=app.base_state or None,
        base_version=app.base_version)
    if kind != EventKind.ABOLISH:
        _hand_over_work_rules(actor=actor, app=app, body=app.body, document=document)
    return event, app.body


def _propose_replaced_abolition(*, actor, app: Application, body: Body, document) -> None:
    """撤一建一: the new body is published; each body it replaces that is still in force gets an abolition
    proposal (the proposal intake), which its lead department turns into an application (or 编办 dismisses,
    e.g. where a merger is meant). Nothing is written to the ledger here: a body is abolished by its own
    document."""
    for replaced in app.replaces.filter(status=BodyStatus.ACTIVE).order_by("name"):
        proposals.proposal_raise(
            kind=ApplicationKind.ABOLISH, region_id=app.region_id, body_id=replaced.pk, body_label=replaced.name,
            reason=f"撤一建一：{body.name}已以{document.number}发文设立，其设立申请写明同时撤销或合并本机构；"
                   "请据此起草撤销（或合并）申请。",
            evidence={"application": app.number, "new_body": body.name, "document": document.number},
            source="撤一建一", source_ref=f"application:{app.pk}", source_url=url_of(app), actor=actor)


def _hand_over_work_rules(*, actor, app: Application, body: Body, document) -> None:
    """The draft work rules attached to the application are kept with the body and its publication document
    (a ledger `BodyFile`), so the body page shows them beside the filing deadline."""
    for f in app.files.filter(kind=AttachmentKind.RULES):
        with f.file.open("rb") as handle:
            ledger.body_file_add(actor=actor, body=body, kind=BodyFileKind.WORK_RULES_DRAFT,
                                 uploaded=File(handle, name=f.original_name), filed_on=document.issued_on,
                                 document=document, source=(app.number, url_of(app)))


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
