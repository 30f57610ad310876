"""The evaluation's results (多方评价, part B): the lead department's scores of its member units, the year's
results (a score, a grade and a rank per body; candidates for abolition), 典型标杆, and the adjustment
proposals 编办 drafts from them.

Every write here is a service: it checks who may do it, refuses in Chinese naming the field, and journals
what it changed. The arithmetic is `scoring`'s (one place for it). The proposals go through the intake of
`yixie.core.proposals` — the evaluation never imports the approval workflow or the campaigns."""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from yixie.core import audit, jobs
from yixie.core import proposals as core_proposals
from yixie.core.audit import snapshot
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.people import user_label
from yixie.ledger.choices import LegalGround
from yixie.ledger.models import Body
from yixie.org.models import Department
from yixie.org.scopes import scope_for

from . import scoring
from .choices import PROPOSAL_KINDS, Candidate, EvaluationStatus, Target
from .models import Evaluation, Indicator, MemberScore, ScoringReopening, SelfEvaluation

logger = logging.getLogger(__name__)

#: Bodies set up for emergency command or because the upper level requires them: listed as candidates when
#: they held no meeting or listed no task, never proposed for abolition (issue 12 item 5).
EXEMPT_GROUNDS = frozenset({LegalGround.EMERGENCY, LegalGround.UPPER})
#: The proposals' source, as the intake's lists show it.
SOURCE = "多方评价"
#: Rows per bulk update of the results job (Django's `bulk_update`; PostgreSQL's VALUES list).
BATCH = 1000
PG_BATCH = 5000
SCORE_ACTION = "evaluation.member_score"
MANAGE_ACTION = "evaluation.results_manage"
CRASHED = "结果计算时出现意外错误，已有的结果没有改动。请稍后重新计算；如仍出错，请联系系统管理员（错误已记录）。"


class ResultsError(DomainError):
    """A write of the evaluation's results refused by a rule."""


def _refuse(message: str, field: str | None = None, code: str = "") -> None:
    raise ResultsError(message, field, code=code)


def member_indicators(evaluation: Evaluation) -> list[Indicator]:
    return list(Indicator.objects.filter(system_id=evaluation.system_id, target=Target.MEMBER)
                .order_by("order", "id"))


def member_full_marks(indicators) -> Decimal:
    return sum((Decimal(i.weight) for i in indicators if i.target == Target.MEMBER), Decimal("0"))


def member_grade(scale, total: Decimal | None, full: Decimal) -> str:
    """A member unit's grade: its points as a share of the member indicators' full marks, on the system's
    scale (kept in hundredths, like a body's score)."""
    if total is None:
        return ""
    percent = total if not full or full == 100 else Decimal(total) * 100 / full
    return scoring.grade_for(scale, percent)


def _may_manage(actor, evaluation: Evaluation) -> bool:
    scope = scope_for(actor, MANAGE_ACTION)
    return scope.everything or evaluation.region_id in scope.region_ids


def _check_manager(actor, evaluation: Evaluation, what: str) -> None:
    if not _may_manage(actor, evaluation):
        _refuse(f"只有{evaluation.region.name if evaluation.region_id else ''}编办可以{what}。", code="not_manager")


# ---- member-unit scoring (成员单位发挥作用评价) ---------------------------------------------------------------

def member_score_save(*, actor, score_row: MemberScore, scores: dict, comment: str = "",
                      version: int | None = None, on=None) -> MemberScore:
    """The lead department scores one member unit of one of its bodies on the member indicators.

    Refused: anyone but the lead department (its business or HR section), the lead department scoring
    itself, after the scoring deadline or once the results are published, a figure that is not a number or
    outside 0–weight (on the field `score_<indicator id>`), and a row changed by someone else since the form
    was opened (`version`)."""
    with transaction.atomic():
        row = (MemberScore.objects.select_for_update(of=("self",))
               .select_related("evaluation__system", "evaluation__region", "department", "lead_department", "body")
               .get(pk=score_row.pk))
        evaluation = row.evaluation
        # The system (actor None: the demo's history, a job) scores for departments without a login.
        departments = scope_for(actor, SCORE_ACTION).department_ids if actor is not None else {row.lead_department_id}
        if row.lead_department_id not in departments:
            _refuse(f"只有牵头部门（{row.lead_department.name}）可以评价“{row.body.name if row.body_id else row}”"
                    "的成员单位。", code="not_lead")
        if row.department_id == row.lead_department_id:
            _refuse(f"{row.department.name}是该机构的牵头部门，牵头部门不能评价本单位。", code="self_scoring")
        if evaluation.status == EvaluationStatus.CLOSED:
            _refuse(f"{evaluation.title}的结果已发布，不能再修改成员单位评价。", code="closed")
        today = on or timezone.localdate()  # `on`: the day it is scored (the demo's history), else today
        if evaluation.scoring_deadline and today > evaluation.scoring_deadline:
            until = scoring_reopened_until(evaluation, row.lead_department_id)
            if not until or until < today:
                extra = f"（编办准予补评至{format_date_zh(until)}，已过期）" if until else ""
                _refuse(f"成员单位评价已于{format_date_zh(evaluation.scoring_deadline)}截止{extra}，不能再评分；"
                        "如需补评，请联系编办准予补评。", code="late")
        if version is not None and row.version != version:
            who = user_label(row.scored_by) if row.scored_by_id else "他人"
            _refuse(f"该评分已被{who}修改，请重新打开页面核对后再保存（您填写的内容仍在页面上）。", code="version")
        indicators = member_indicators(evaluation)
        if not indicators:
            _refuse("本年度指标体系没有成员单位评价指标，不能评分。", code="no_indicators")
        total, clean = scoring.member_total(indicators, scores)
        before = snapshot(row, ["scores", "total", "grade", "comment"])
        row.scores = clean
        row.total = total
        row.grade = member_grade(evaluation.system.scale, total, member_full_marks(indicators))
        row.comment = (comment or "").strip()
        row.scored_by = actor if getattr(actor, "pk", None) else None
        row.scored_at = timezone.now()
        row.version = row.version + 1
        row.save(update_fields=["scores", "total", "grade", "comment", "scored_by", "scored_at", "version",
                                "updated_at"])
        audit.record(actor=actor, action="成员单位评价打分", target=row, before=before,
                     after=snapshot(row, ["scores", "total", "grade", "comment"]), body_id=row.body_id,
                     reason=f"{row.lead_department.name}评价{row.department.name}：{total}分")
    return row


def scoring_reopened_until(evaluation: Evaluation, department_id: int):
    """The last day 编办 let the lead department score after the deadline (None if never)."""
    return (ScoringReopening.objects.filter(evaluation=evaluation, department_id=department_id)
            .order_by("-until").values_list("until", flat=True).first())


def member_scoring_reopen(*, actor, evaluation: Evaluation, department: Department, until, reason: str,
                          on=None) -> ScoringReopening:
    """编办 lets a lead department score its member units after the scoring deadline, until a day, for a stated
    reason (准予补评); journaled. Refused: anyone but the region's 编办, no reason, a day already past, once the
    results are published, a department that leads no body of this evaluation."""
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().select_related("region").get(pk=evaluation.pk)
        _check_manager(actor, ev, "准予补评")
        reason = (reason or "").strip()
        if not reason:
            _refuse(f"请写明准予{department.name}补评的理由。", "reason")
        if until is None:
            _refuse("请填写补评截止日期。", "until")
        today = on or timezone.localdate()
        if until < today:
            _refuse(f"补评截止日期{format_date_zh(until)}早于今天。", "until")
        if ev.status == EvaluationStatus.CLOSED:
            _refuse(f"{ev.title}的结果已发布，不能再准予补评。", code="closed")
        if not MemberScore.objects.filter(evaluation=ev, lead_department=department).exclude(
                department_id=F("lead_department_id")).exists():
            _refuse(f"{department.name}在本次评价中没有需要评价的成员单位。", "department")
        row = ScoringReopening.objects.create(evaluation=ev, department=department, until=until, reason=reason,
                                              granted_by=actor if getattr(actor, "pk", None) else None)
        audit.record(actor=actor, action="准予补评成员单位", target=ev,
                     after={"牵头部门": department.name, "补评截止日期": until.isoformat()}, reason=reason)
    return row


def member_scores_save(*, actor, rows: list[MemberScore], entries: dict[int, dict], on=None) -> tuple[list, dict]:
    """Save the scores of many member units of one body (the scoring form), all or nothing: each row through
    `member_score_save`. `entries`: row id → {"scores", "comment", "version"}; rows without an entry are left
    as they are (not scored yet). Returns (saved rows, errors: row id → {field: message}), every bad figure
    of every row named (each indicator checked on its own by `scoring.member_total`); when any is refused,
    nothing is saved."""
    errors: dict[int, dict[str, str]] = {}
    saved = []
    by_pk = {r.pk: r for r in rows}
    if not entries:
        _refuse("请至少填写一个成员单位的得分。", code="empty")
    indicators = member_indicators(rows[0].evaluation) if rows else []
    for pk, e in entries.items():
        for ind in indicators:
            try:
                scoring.member_total([ind], e.get("scores", {}))
            except DomainError as exc:
                errors.setdefault(pk, {})[exc.field or "__all__"] = exc.message
    if errors:
        return [], errors
    with transaction.atomic():
        sid = transaction.savepoint()
        for pk, e in entries.items():
            try:
                with transaction.atomic():
                    saved.append(member_score_save(actor=actor, score_row=by_pk[pk], scores=e.get("scores", {}),
                                                   comment=e.get("comment", ""), version=e.get("version"), on=on))
            except DomainError as exc:
                errors.setdefault(pk, {})[exc.field or "__all__"] = exc.message
        if errors:
            transaction.savepoint_rollback(sid)
            return [], errors
        transaction.savepoint_commit(sid)
    return saved, errors


# ---- the year's results -----------------------------------------------------------------------------------------

def candidate_of(meetings_held, tasks_planned) -> str:
    """Why a body is a candidate for abolition: no meeting in the year, or no task listed; else ""."""
    if meetings_held == 0:
        return Candidate.NO_MEETING
    if not tasks_planned:
        return Candidate.NO_TASKS
    return ""


def _ranks(rows: list[tuple[int, Decimal | None]]) -> dict[int, int]:
    """Standard competition ranks (1, 2, 2, 4) by score, highest first; rows without a score get none."""
    scored = sorted((r for r in rows if r[1] is not None), key=lambda r: -r[1])
    ranks, last, last_rank = {}, None, 0
    for i, (pk, score) in enumerate(scored, start=1):
        if score != last:
            last, last_rank = score, i
        ranks[pk] = last_rank
    return ranks


SE_FIELDS = ("id", "category", "legal_ground", "meetings_held", "documents_issued", "problems_coordinated",
             "tasks_planned", "tasks_done", "mechanisms", "grades", "prefill", "adjusted_score", "self_score",
             "score", "grade", "rank", "candidate", "candidate_exempt")
SE_RESULT_FIELDS = ["self_score", "score", "grade", "rank", "candidate", "candidate_exempt"]


def results_compute(evaluation: Evaluation, *, actor=None) -> dict:
    """Compute the year's results: each body's score (the checked score where 编办 adjusted it, else its
    self-evaluation's), grade on the system's scale, rank within its category, and whether it is a candidate
    for abolition (exempt when set up for emergency command or by the upper level's requirement); each
    member unit's total and grade. A fixed number of queries plus one update per 1,000 changed rows (5,000 on PostgreSQL).

    Returns counts: {"bodies", "member_scores", "changed_bodies", "changed_member_scores", "candidates"}."""
    system = evaluation.system
    scale = system.scale
    indicators = list(system.indicators.all().order_by("target", "order", "id"))
    members = [i for i in indicators if i.target == Target.MEMBER]
    full = member_full_marks(members)
    with transaction.atomic():
        ses = list(SelfEvaluation.objects.filter(evaluation=evaluation).only(*SE_FIELDS).order_by("id"))
        computed: dict[int, tuple] = {}
        by_category: dict[str, list] = defaultdict(list)
        for se in ses:
            self_score, _lines, _pending = scoring.body_score(indicators, se)
            score = se.adjusted_score if se.adjusted_score is not None else self_score
            candidate = candidate_of(se.meetings_held, se.tasks_planned)
            exempt = bool(candidate) and se.legal_ground in EXEMPT_GROUNDS
            computed[se.pk] = (self_score, score, scoring.grade_for(scale, score), candidate, exempt)
            by_category[se.category].append((se.pk, score))
        ranks: dict[int, int] = {}
        for rows in by_category.values():
            ranks.update(_ranks(rows))
        changed = []
        for se in ses:
            self_score, score, grade, candidate, exempt = computed[se.pk]
            new = (self_score, score, grade, ranks.get(se.pk), candidate, exempt)
            old = (se.self_score, se.score, se.grade, se.rank, se.candidate, se.candidate_exempt)
            if new != old:
                (se.self_score, se.score, se.grade, se.rank, se.candidate, se.candidate_exempt) = new
                changed.append(se)
        _bulk_set(SelfEvaluation, changed, SE_RESULT_FIELDS)

        # Member units: a total from the points given (none while not scored), its grade.
        # `member_total` and the grade are pure functions of the points: computed once per distinct set of
        # points (a few thousand in a province), not once per row (400,000).
        totals: dict[tuple, Decimal | None] = {}
        grades: dict[Decimal | None, str] = {}
        keys = [(str(i.pk), i.pk) for i in members]
        changed_ms, n_ms = [], 0
        for ms in (MemberScore.objects.filter(evaluation=evaluation).only("id", "scores", "total", "grade")
                   .order_by("id").iterator(chunk_size=5000)):
            n_ms += 1
            points = ms.scores or {}
            key = tuple(points.get(k, points.get(pk)) for k, pk in keys)
            if key not in totals:
                total = None
                if points and members:
                    try:
                        total, _clean = scoring.member_total(members, points)
                    except DomainError:
                        total = None  # incomplete points (an indicator added later): not scored
                totals[key] = total
            total = totals[key]
            if total not in grades:
                grades[total] = member_grade(scale, total, full)
            grade = grades[total]
            if total != ms.total or grade != ms.grade:
                ms.total, ms.grade = total, grade
                changed_ms.append(ms)
        _bulk_set(MemberScore, changed_ms, ["total", "grade"])
        counts = {"bodies": len(ses), "member_scores": n_ms, "changed_bodies": len(changed),
                  "changed_member_scores": len(changed_ms),
                  "candidates": sum(1 for c in computed.values() if c[3])}
        Evaluation.objects.filter(pk=evaluation.pk).update(
            results_status="done", results_at=timezone.now(), results_error="", version=F("version") + 1)
        audit.record(actor=actor, action="计算评价结果", target=evaluation, after=counts,
                     reason=f"{evaluation.title}：{len(ses)}个机构、{n_ms}个成员单位评价")
    return counts


def _bulk_set(model, rows: list, fields: list[str]) -> None:
    """Write `fields` of many rows. On PostgreSQL one UPDATE … FROM (VALUES …) per 5,000 rows (Django's
    `bulk_update` builds a CASE per field and row: 400,000 member scores took minutes); elsewhere
    `bulk_update` in batches of 1,000."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for i in range(0, len(rows), BATCH):
            model.objects.bulk_update(rows[i:i + BATCH], fields)
        return
    qn = connection.ops.quote_name
    cols = [model._meta.get_field(f) for f in fields]
    row_sql = "(" + ", ".join(["%s::bigint"] + [f"%s::{c.db_type(connection)}" for c in cols]) + ")"
    sets = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in cols)
    names = ", ".join(["id"] + [qn(c.column) for c in cols])
    with connection.cursor() as cursor:
        for i in range(0, len(rows), PG_BATCH):
            chunk = rows[i:i + PG_BATCH]
            params = []
            for r in chunk:
                params.append(r.pk)
                params.extend(c.get_db_prep_value(getattr(r, c.attname), connection) for c in cols)
            cursor.execute(f"UPDATE {qn(model._meta.db_table)} AS t SET {sets} FROM (VALUES "
                           f"{', '.join([row_sql] * len(chunk))}) AS v({names}) WHERE t.id = v.id", params)


def results_request(*, actor, evaluation: Evaluation) -> Evaluation:
    """Claim the computation of the year's results (one claim wins) and queue the job that does it."""
    _check_manager(actor, evaluation, "计算评价结果")
    if evaluation.status == EvaluationStatus.CLOSED:
        _refuse(f"{evaluation.title}的结果已发布，不能重新计算。", code="closed")
    claimed = Evaluation.objects.filter(pk=evaluation.pk).exclude(results_status__in=("queued", "running")).update(
        results_status="queued", results_error="", version=F("version") + 1)
    if not claimed:
        _refuse("评价结果正在计算中，请稍后刷新页面查看。", code="running")
    jobs.enqueue_on_commit(run_results_job, evaluation.pk, getattr(actor, "pk", None),
                           q_options={"task_name": f"evaluation-results-{evaluation.pk}", "group": "evaluation"})
    evaluation.refresh_from_db()
    return evaluation


def run_results_job(evaluation_id: int, actor_id: int | None = None) -> None:
    """The background job: compute the results, keeping the state and any refusal on the evaluation."""
    from django.contrib.auth import get_user_model

    evaluation = Evaluation.objects.select_related("system").filter(pk=evaluation_id).first()
    if evaluation is None or evaluation.results_status != "queued":
        return  # handed out again after it ended: nothing to do
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    Evaluation.objects.filter(pk=evaluation_id, results_status="queued").update(results_status="running")
    try:
        results_compute(evaluation, actor=actor)
    except DomainError as exc:
        Evaluation.objects.filter(pk=evaluation_id).update(results_status="failed", results_error=exc.message)
    except Exception:
        logger.exception("computing the results of evaluation %s failed", evaluation_id)
        Evaluation.objects.filter(pk=evaluation_id).update(results_status="failed", results_error=CRASHED)


# ---- 典型标杆 -------------------------------------------------------------------------------------------------

def _locked_se(self_evaluation: SelfEvaluation) -> SelfEvaluation:
    return (SelfEvaluation.objects.select_for_update(of=("self",)).select_related("evaluation__region")
            .get(pk=self_evaluation.pk))


def reporting_close(*, actor, evaluation: Evaluation, on=None) -> Evaluation:
    """编办 closes the self-evaluations' reporting (自评填报 → 审核评分): after the deadline, or before it once every
    self-evaluation is in. Those never submitted stay listed as not reported; nothing more can be drafted."""
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _check_manager(actor, ev, "结束自评填报")
        if ev.status != EvaluationStatus.OPEN:
            _refuse(f"{ev.title}已处于“{ev.get_status_display()}”阶段。", code="status")
        today = on or timezone.localdate()
        waiting = ev.self_evaluations.exclude(status__in=("submitted", "checked")).count()
        if today <= ev.deadline and waiting:
            _refuse(f"自评报送截止日期为{format_date_zh(ev.deadline)}，还有{waiting}个机构的自评未报送，截止前不能结束填报。",
                    code="early")
        before = snapshot(ev, ["status"])
        ev.status = EvaluationStatus.CHECKING
        ev.version += 1
        ev.save(update_fields=["status", "version", "updated_at"])
        audit.record(actor=actor, action="结束自评填报", target=ev, before=before, after=snapshot(ev, ["status"]),
                     reason=f"未报送{waiting}个" if waiting else "")
    return ev


def results_publish(*, actor, evaluation: Evaluation, on=None) -> Evaluation:
    """编办 publishes the year's results (审核评分 → 结果已发布): every submitted self-evaluation checked and the
    results computed after the last check. From then on scores and self-evaluations are closed."""
    with transaction.atomic():
        ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _check_manager(actor, ev, "发布评价结果")
        if ev.status != EvaluationStatus.CHECKING:
            _refuse(f"{ev.title}处于“{ev.get_status_display()}”阶段：结束自评填报、审核完成后才能发布结果。",
                    code="status")
        unchecked = ev.self_evaluations.filter(status="submitted").count()
        if unchecked:
            _refuse(f"还有{unchecked}个机构的自评未审核完成，不能发布结果。", code="unchecked")
        returned = ev.self_evaluations.filter(status="returned").count()
        if returned:
            _refuse(f"还有{returned}个机构的自评已退回补充、尚未重新报送，不能发布结果。", code="returned")
        if ev.results_status != "done":
            _refuse("请先计算评价结果，再发布。", code="no_results")
        last_check = ev.self_evaluations.exclude(checked_at=None).order_by("-checked_at").values_list(
            "checked_at", flat=True).first()
        last_score = MemberScore.objects.filter(evaluation=ev).exclude(scored_at=None).order_by(
            "-scored_at").values_list("scored_at", flat=True).first()
        latest = max([t for t in (last_check, last_score) if t], default=None)
        if latest and ev.results_at and latest > ev.results_at:
            _refuse("结果计算之后又有审核或评分，请重新计算结果后再发布。", code="stale_results")
        before = snapshot(ev, ["status", "published_on"])
        ev.status = EvaluationStatus.CLOSED
        ev.published_on = on or timezone.localdate()
        ev.version += 1
        ev.save(update_fields=["status", "published_on", "version", "updated_at"])
        audit.record(actor=actor, action="发布评价结果", target=ev, before=before,
                     after=snapshot(ev, ["status", "published_on"]))
    return ev


def exemplary_mark(*, actor, self_evaluation: SelfEvaluation, note: str = "") -> SelfEvaluation:
    """编办 marks a body as a 典型标杆 of the year (with what makes it one)."""
    with transaction.atomic():
        se = _locked_se(self_evaluation)
        _check_manager(actor, se.evaluation, "标记典型标杆")
        note = (note or "").strip()
        if len(note) > 300:
            _refuse("标杆说明不能超过300字。", "note")
        before = snapshot(se, ["exemplary", "exemplary_note"])
        se.exemplary, se.exemplary_note = True, note
        se.version += 1
        se.save(update_fields=["exemplary", "exemplary_note", "version", "updated_at"])
        audit.record(actor=actor, action="标记典型标杆", target=se, before=before,
                     after=snapshot(se, ["exemplary", "exemplary_note"]), body_id=se.body_id, reason=note)
    return se


def exemplary_unmark(*, actor, self_evaluation: SelfEvaluation, note: str = "") -> SelfEvaluation:
    with transaction.atomic():
        se = _locked_se(self_evaluation)
        _check_manager(actor, se.evaluation, "取消典型标杆")
        before = snapshot(se, ["exemplary", "exemplary_note"])
        se.exemplary, se.exemplary_note = False, ""
        se.version += 1
        se.save(update_fields=["exemplary", "exemplary_note", "version", "updated_at"])
        audit.record(actor=actor, action="取消典型标杆", target=se, before=before,
                     after=snapshot(se, ["exemplary", "exemplary_note"]), body_id=se.body_id, reason=note.strip())
    return se


# ---- adjustment proposals (through the intake) ------------------------------------------------------------------

def result_url(self_evaluation: SelfEvaluation) -> str:
    return reverse("evaluation:result_detail", args=[self_evaluation.evaluation_id, self_evaluation.pk])


def _evidence(se: SelfEvaluation) -> dict:
    ev = se.evaluation
    return {"evaluation_id": ev.pk, "evaluation": ev.title, "year": ev.year, "category": se.category,
            "score": f"{se.score}" if se.score is not None else None,
            "self_score": f"{se.self_score}" if se.self_score is not None else None,
            "grade": se.grade, "rank": se.rank, "meetings_held": se.meetings_held,
            "documents_issued": se.documents_issued, "tasks": se.tasks_planned, "tasks_done": se.tasks_done,
            "candidate": se.candidate, "candidate_label": se.get_candidate_display() if se.candidate else "",
            "candidate_exempt": se.candidate_exempt, "exemplary": se.exemplary, "proposed_by": "编办"}


def _evidence_text(se: SelfEvaluation) -> str:
    ev = se.evaluation
    parts = [f"{ev.year}年度评价"]
    if se.score is not None:
        parts.append(f"得分{se.score}分")
    if se.grade:
        parts.append(f"等次“{se.grade}”")
    if se.rank:
        parts.append(f"类别内第{se.rank}名")
    parts.append(f"全年召开会议{se.meetings_held if se.meetings_held is not None else '未填报'}次")
    parts.append(f"年度重点任务{se.tasks_planned if se.tasks_planned else 0}项")
    if se.candidate:
        parts.append(f"列为撤销候选（{se.get_candidate_display()}）")
    return "，".join(parts) + "。"


def proposal_draft(*, actor, self_evaluation: SelfEvaluation, kind: str, reason: str, new_name: str = "",
                   new_department: Department | None = None, merge_into: Body | None = None,
                   task_finished: bool = False):
    """编办 drafts an adjustment proposal (撤销, 更名, 调整隶属关系, 合并) from a body's result, with the evaluation
    as evidence. It reaches the lead department as a pre-filled application draft (the approval workflow
    takes it in) or becomes an item of a running campaign — through `core.proposals`, never by import.

    The text of the proposal says 编办建议 and the evidence, since it becomes the application's reasons."""
    se = (SelfEvaluation.objects.select_related("evaluation__region", "body", "lead_department")
          .get(pk=self_evaluation.pk))
    evaluation = se.evaluation
    _check_manager(actor, evaluation, "提出调整建议")
    if kind not in PROPOSAL_KINDS:
        _refuse("请选择建议事项：撤销、更名、调整隶属关系或合并。", "kind")
    reason = (reason or "").strip()
    if not reason:
        _refuse("请说明提出调整建议的理由。", "reason")
    exempt = se.candidate_exempt or (bool(se.candidate) and se.legal_ground in EXEMPT_GROUNDS)
    if kind == "abolish" and exempt and not task_finished:
        # Listed, not proposed: its low activity alone is no ground. Its task having ended (a census done, a
        # campaign over) is — 编办 says so explicitly, and the proposal carries it.
        ground = "应急指挥类机构" if se.legal_ground == LegalGround.EMERGENCY else "上级明确要求设立的机构"
        _refuse(f"“{se.name}”是{ground}，列为撤销候选仅供掌握情况，不因运行情况提出撤销建议；"
                "如其工作任务已经完成，请勾选“工作任务已经完成”并写明理由。", "kind", code="exempt")
    evidence = _evidence(se)
    if kind == "abolish" and exempt:
        evidence["task_finished"] = True
    body = se.body
    if kind == "rename":
        new_name = (new_name or "").strip()
        if not new_name:
            _refuse("建议更名的，请填写建议的新名称。", "new_name")
        if new_name == body.name:
            _refuse("建议的新名称与现名称相同。", "new_name")
        evidence["new_name"] = new_name
    if kind == "reaffiliate":
        if new_department is None:
            _refuse("建议调整隶属关系的，请选择建议的牵头部门。", "new_department")
        if new_department.region_id != body.region_id:
            _refuse(f"{new_department.name}不属于{evaluation.region.name}，不能作为牵头部门。", "new_department")
        if new_department.pk == se.lead_department_id:
            _refuse(f"{new_department.name}已是该机构的牵头部门。", "new_department")
        evidence["new_department"] = {"id": new_department.pk, "name": new_department.name}
    if kind == "merge":
        if merge_into is None:
            _refuse("建议合并的，请选择并入的机构。", "merge_into")
        if merge_into.pk == body.pk:
            _refuse("不能与本机构合并。", "merge_into")
        if merge_into.region_id != body.region_id:
            _refuse(f"“{merge_into.name}”不属于{evaluation.region.name}，不能并入。", "merge_into")
        evidence["merge_into"] = {"id": merge_into.pk, "name": merge_into.name}
    what = {"abolish": f"建议撤销“{se.name}”",
            "rename": f"建议将“{se.name}”更名为“{new_name}”",
            "reaffiliate": f"建议将“{se.name}”调整隶属关系，改由{getattr(new_department, 'name', '')}牵头",
            "merge": f"建议将“{se.name}”并入“{getattr(merge_into, 'name', '')}”"}[kind]
    text = f"【编办建议·{evaluation.title}】{what}。\n理由：{reason}\n评价依据：{_evidence_text(se)}"
    return core_proposals.proposal_raise(
        kind=kind, region_id=body.region_id, body_id=body.pk, body_label=se.name, reason=text, source=SOURCE,
        source_ref=f"evaluation:{evaluation.pk}", source_url=result_url(se), evidence=evidence, actor=actor)

