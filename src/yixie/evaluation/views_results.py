"""Pages of the evaluation's results (part B): the lead department's scoring, a member unit's own results,
the ranking, candidates, 典型标杆, the departments' results and their Excel export, the charts, and the
proposal form. Thin views: reads from `result_selectors`, writes through `results`; every id from the URL,
form or query string goes through the user's scope (out of scope: 404)."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yixie.core import registry
from yixie.core.access import requires, user_can
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.ledger.choices import BodyStatus, LegalGround
from yixie.ledger.models import Body
from yixie.org.models import Department
from yixie.org.scopes import regions_visible_to

from . import result_selectors as sel
from . import results
from .choices import PROPOSAL_KINDS, Target
from .forms_results import ExemplaryForm, ProposalForm, ScoringReopenForm
from .models import Evaluation

PAGE_SIZE = 50
LEGAL_GROUNDS = dict(LegalGround.choices)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULTS, RANKING, SCORE, MANAGE = sel.RESULTS_ACTION, sel.RANKING_ACTION, results.SCORE_ACTION, results.MANAGE_ACTION


def _id(raw) -> int:
    raw = str(raw or "")
    return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) <= 18 else 0


# ---- the index -------------------------------------------------------------------------------------------------

@requires(RESULTS)
@require_GET
def results_index(request):
    u = request.user
    evaluations = list(sel.evaluations_visible_to(u).order_by("-year", "region__code")[:50])
    rows = [{"e": e, "ranking": sel.may(u, RANKING, e)} for e in evaluations]
    return render(request, "evaluation/results/index.html", {
        "rows": rows, "can_score": user_can(u, SCORE), "can_charts": user_can(u, RANKING),
        "departments": bool(sel.department_ids(u, RESULTS))})


# ---- the lead department's scoring -----------------------------------------------------------------------------

@requires(SCORE)
@require_GET
def scoring(request):
    rows = sel.scoring_worklist(request.user)
    return render(request, "evaluation/results/scoring.html", {"rows": rows})


def _score_rows_context(rows, indicators, data=None, errors=None):
    """One entry per member unit: its fields (value kept as typed), comment, version and errors."""
    out = []
    for row in rows:
        prefix = f"r{row.pk}-"
        row_errors = (errors or {}).get(row.pk, {})
        fields = []
        for ind in indicators:
            name = f"{prefix}score_{ind.pk}"
            value = data.get(name, "") if data is not None else (row.scores or {}).get(str(ind.pk), "")
            fields.append({"indicator": ind, "name": name, "value": value,
                           "error": row_errors.get(f"score_{ind.pk}", "")})
        out.append({"row": row, "prefix": prefix, "fields": fields,
                    "comment": data.get(f"{prefix}comment", "") if data is not None else row.comment,
                    "version": data.get(f"{prefix}version", row.version) if data is not None else row.version,
                    "error": row_errors.get("__all__", "") or next(
                        (m for f, m in row_errors.items() if not f.startswith("score_")), "")})
    return out


@requires(SCORE)
@require_http_methods(["GET", "POST"])
def score_body(request, pk: int, body_pk: int):
    u = request.user
    evaluation = sel.evaluation_for_user(u, pk, SCORE)
    rows = sel.scoring_rows(u, evaluation, body_pk)
    indicators = sel.indicators_of(evaluation)
    errors = None
    if request.method == "POST":
        entries = {}
        for row in rows:
            prefix = f"r{row.pk}-"
            version = request.POST.get(f"{prefix}version", "")
            scores = {str(i.pk): request.POST.get(f"{prefix}score_{i.pk}", "").strip() for i in indicators}
            comment = request.POST.get(f"{prefix}comment", "")[:2000]
            if not any(scores.values()) and not comment.strip() and row.total is None:
                continue  # a member unit left blank: not scored yet
            entries[row.pk] = {"scores": scores, "comment": comment,
                               "version": int(version) if version.isdecimal() and len(version) <= 9 else -1}
        try:
            saved, errors = results.member_scores_save(actor=u, rows=rows, entries=entries)
        except DomainError as exc:
            saved, errors = [], {rows[0].pk: {"__all__": exc.message}}
        if not errors:
            left = sum(1 for r in rows if r.total is None and r.pk not in entries)
            messages.success(request, f"已保存“{rows[0].body.name}”{len(saved)}个成员单位的评价"
                                      + (f"，还有{left}个未评价。" if left else "。"))
            return redirect("evaluation:scoring")
        messages.error(request, "评分未保存：请按提示修改标红的内容（已填写的内容仍保留在页面上）。")
    context = {"evaluation": evaluation, "body": rows[0].body, "lead": rows[0].lead_department,
               "indicators": indicators, "rows": _score_rows_context(rows, indicators,
                                                                    request.POST if errors else None, errors),
               "full": results.member_full_marks(indicators)}
    return render(request, "evaluation/results/score_body.html", context, status=400 if errors else 200)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def scoring_reopen(request, pk: int):
    """编办 lets a lead department score its member units after the scoring deadline (准予补评)."""
    u = request.user
    evaluation = sel.evaluation_for_user(u, pk, MANAGE)
    if not sel.may_manage(u, evaluation):
        raise Http404
    progress = sel.scoring_progress(evaluation)
    # offered: the lead departments with member units still to score (the service checks the rest)
    departments = Department.objects.filter(pk__in=[r["department"].pk for r in progress["rows"] if r["left"]]
                                            ).order_by("order", "id")
    initial = {"until": timezone.localdate() + timedelta(days=7)}
    if _id(request.GET.get("department")):
        initial["department"] = _id(request.GET.get("department"))
    form = ScoringReopenForm(request.POST or None, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            row = results.member_scoring_reopen(actor=u, evaluation=evaluation, department=c["department"],
                                                until=c["until"], reason=c["reason"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已准予{row.department.name}补评至{format_date_zh(row.until)}。")
            return redirect(reverse("evaluation:detail", args=[evaluation.pk]) + "#scoring")
    return render(request, "evaluation/results/scoring_reopen.html",
                  {"evaluation": evaluation, "form": form, "progress": progress, "closed": evaluation.status == "closed",
                   "none_left": not departments.exists()},
                  status=400 if form.errors else 200)


# ---- a member unit's own results -------------------------------------------------------------------------------

@requires(RESULTS)
@require_GET
def my_results(request, pk: int):
    u = request.user
    evaluation = sel.evaluation_for_user(u, pk, RESULTS)
    departments = list(sel.user_departments(u, evaluation))
    if not departments:
        raise Http404("您不是本区划部门的经办人，没有“我单位评价结果”。")
    department = next((d for d in departments if d.pk == _id(request.GET.get("department"))), departments[0])
    data = sel.department_results(evaluation, department)
    indicators = sel.indicators_of(evaluation)
    _with_cells(data["rows"], indicators)
    return render(request, "evaluation/results/department.html", {
        "evaluation": evaluation, "d": data, "departments": departments, "mine": True, "indicators": indicators})


@requires(RANKING)
@require_GET
def department_detail(request, pk: int, dept_pk: int):
    evaluation = _ranking_evaluation(request.user, pk)
    department = Department.objects.filter(pk=dept_pk, region_id=evaluation.region_id).first()
    if department is None:
        raise Http404("该部门不属于本次评价的区划。")
    data = sel.department_results(evaluation, department)
    indicators = sel.indicators_of(evaluation)
    _with_cells(data["rows"], indicators)
    return render(request, "evaluation/results/department.html", {
        "evaluation": evaluation, "d": data, "mine": False, "indicators": indicators})


# ---- the ranking and the candidates ----------------------------------------------------------------------------

def _ranking_evaluation(user, pk: int) -> Evaluation:
    evaluation = sel.evaluation_for_user(user, pk, RANKING)
    if not sel.may(user, RANKING, evaluation):
        raise Http404
    return evaluation


def _labels(rows) -> None:
    for se in rows:
        se.category_label = sel.CATEGORY_LABELS.get(se.category, se.category)
        se.legal_ground_label = LEGAL_GROUNDS.get(se.legal_ground, se.legal_ground)


@requires(RANKING)
@require_GET
def ranking(request, pk: int):
    u = request.user
    evaluation = _ranking_evaluation(u, pk)
    categories = sel.category_counts(evaluation)
    category = request.GET.get("category") or ""
    if category and category not in {c["category"] for c in categories}:
        category = ""
    grade = request.GET.get("grade") or ""
    qs = sel.ranking(evaluation, category or None)
    grades = sel.scale_grades(evaluation)
    if grade in grades:
        qs = qs.filter(grade=grade)
    else:
        grade = ""
    if request.GET.get("exemplary") == "1":
        qs = qs.filter(exemplary=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _labels(page)
    for c in categories:
        c["by_grade"] = [(g, c["grades"].get(g, 0)) for g in grades]
        c["ungraded"] = c["grades"].get("", 0)
    return render(request, "evaluation/results/ranking.html", {
        "evaluation": evaluation, "categories": categories, "category": category, "grade": grade, "grades": grades,
        "exemplary_only": request.GET.get("exemplary") == "1", "page": page,
        "can_manage": sel.may_manage(u, evaluation), "proposals": sel.proposal_counts(evaluation),
        "candidates": evaluation.self_evaluations.exclude(candidate="").aggregate(
            n=Count("id"), exempt=Count("id", filter=Q(candidate_exempt=True)))})


@requires(MANAGE)
@require_POST
def compute(request, pk: int):
    u = request.user
    evaluation = _ranking_evaluation(u, pk)
    try:
        evaluation = results.results_request(actor=u, evaluation=evaluation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if evaluation.results_status == "done":
            messages.success(request, "评价结果已计算完成。")
        elif evaluation.results_status == "failed":
            messages.error(request, f"评价结果未能计算：{evaluation.results_error}")
        else:
            messages.info(request, "已开始计算评价结果，全省规模约需半分钟，请稍后刷新页面。")
    return redirect("evaluation:ranking", pk=evaluation.pk)


def _step(request, pk: int, fn, ok: str):
    """One of 编办's steps of the year's evaluation (a POST from the results page), refused or done in Chinese."""
    u = request.user
    evaluation = _ranking_evaluation(u, pk)
    try:
        fn(actor=u, evaluation=evaluation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("evaluation:ranking", pk=evaluation.pk)


@requires(MANAGE)
@require_POST
def close_reporting(request, pk: int):
    return _step(request, pk, results.reporting_close, "自评填报已结束，进入审核评分阶段。")


@requires(MANAGE)
@require_POST
def publish(request, pk: int):
    return _step(request, pk, results.results_publish, "评价结果已发布。")


@requires(RANKING)
@require_GET
def candidate_list(request, pk: int):
    u = request.user
    evaluation = _ranking_evaluation(u, pk)
    page = Paginator(sel.candidates(evaluation), PAGE_SIZE).get_page(request.GET.get("page"))
    _labels(page)
    proposed = sel.proposed_kinds(evaluation, [se.body_id for se in page])
    for se in page:
        se.proposed = proposed.get(se.body_id, [])
    return render(request, "evaluation/results/candidates.html", {
        "evaluation": evaluation, "page": page, "can_manage": sel.may_manage(u, evaluation)})


# ---- one body's result, 典型标杆, proposals -------------------------------------------------------------------

@requires(RESULTS)
@require_GET
def result_detail(request, pk: int, se_pk: int):
    u = request.user
    evaluation = sel.evaluation_for_user(u, pk, RESULTS)
    se = sel.self_evaluation_for_user(u, evaluation, se_pk)
    total, lines, pending = sel.body_lines(evaluation, se)
    can_manage = sel.may_manage(u, evaluation)
    proposals = list(sel.proposals_of(se)) if sel.may(u, RESULTS, evaluation) else []
    for p in proposals:
        p.kind_label = PROPOSAL_KINDS.get(p.kind, p.kind)
        p.takers = _takers(u, p)
    indicators = sel.indicators_of(evaluation)
    member_scores = _with_cells(list(sel.member_scores_for_user(u, se)), indicators)
    return render(request, "evaluation/results/result.html", {
        "evaluation": evaluation, "se": se, "lines": lines, "computed": total, "pending": pending,
        "member_scores": member_scores, "member_indicators": indicators,
        "category_label": sel.CATEGORY_LABELS.get(se.category, se.category),
        "legal_ground_label": LEGAL_GROUNDS.get(se.legal_ground, se.legal_ground),
        "can_manage": can_manage, "can_ranking": sel.may(u, RANKING, evaluation),
        "exemplary_form": ExemplaryForm(initial={"note": se.exemplary_note}), "proposals": proposals})


def _with_cells(rows, indicators):
    for r in rows:
        r.cells = [(r.scores or {}).get(str(i.pk), "") for i in indicators]
    return rows


def _takers(user, proposal) -> list[dict]:
    """Where a registered taker (the approval workflow, a campaign) takes an open proposal in, for the takers
    this user may use — the intake's registry, never the other capability's code."""
    if proposal.status != "open":
        return []
    return [{"label": t.label, "url": t.url(proposal)} for t in registry.PROPOSAL_TAKERS
            if (not t.kinds or proposal.kind in t.kinds) and user_can(user, t.action)]


@requires(MANAGE)
@require_POST
def exemplary(request, pk: int, se_pk: int):
    u = request.user
    evaluation = _ranking_evaluation(u, pk)
    se = sel.self_evaluation_for_user(u, evaluation, se_pk)
    form = ExemplaryForm(request.POST)
    try:
        if request.POST.get("unmark"):
            results.exemplary_unmark(actor=u, self_evaluation=se)
            messages.success(request, f"已取消“{se.name}”的典型标杆。")
        elif form.is_valid():
            results.exemplary_mark(actor=u, self_evaluation=se, note=form.cleaned_data["note"])
            messages.success(request, f"已将“{se.name}”标记为典型标杆。")
        else:
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("evaluation:result_detail", pk=evaluation.pk, se_pk=se.pk)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def propose(request, pk: int, se_pk: int):
    u = request.user
    evaluation = _ranking_evaluation(u, pk)
    se = sel.self_evaluation_for_user(u, evaluation, se_pk)
    departments = Department.objects.filter(region_id=evaluation.region_id).exclude(pk=se.lead_department_id) \
        .order_by("order", "id")
    bodies = Body.objects.filter(region_id=evaluation.region_id, status=BodyStatus.ACTIVE).exclude(pk=se.body_id) \
        .order_by("name")
    initial = {}
    if request.GET.get("kind") in PROPOSAL_KINDS:
        initial["kind"] = request.GET["kind"]
    if se.candidate and not se.candidate_exempt:
        initial.setdefault("kind", "abolish")
        initial["reason"] = f"{se.get_candidate_display()}，作用发挥不明显。"
    form = ProposalForm(request.POST or None, departments=departments, bodies=bodies, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            proposal = results.proposal_draft(actor=u, self_evaluation=se, kind=c["kind"], reason=c["reason"],
                                              new_name=c["new_name"], new_department=c["new_department"],
                                              merge_into=c["merge_into"], task_finished=c["task_finished"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已提出调整建议：{PROPOSAL_KINDS[proposal.kind]}“{se.name}”，"
                                      f"牵头部门（{se.lead_department.name}）可据此起草申请，编办也可纳入正在进行的调整规范行动。")
            return redirect(reverse("evaluation:result_detail", args=[evaluation.pk, se.pk]) + "#proposals")
    return render(request, "evaluation/results/propose.html", {
        "evaluation": evaluation, "se": se, "form": form, "exempt_abolish": se.candidate_exempt,
        "existing": list(sel.proposals_of(se))}, status=400 if form.errors else 200)


# ---- the departments' results and the supervision export -----------------------------------------------------

@requires(RANKING)
@require_GET
def supervision(request, pk: int):
    evaluation = _ranking_evaluation(request.user, pk)
    rows = sel.supervision_rows(evaluation)
    return render(request, "evaluation/results/supervision.html", {
        "evaluation": evaluation, "rows": rows, "chart": _member_chart(rows)})


@requires(RANKING)
@require_GET
def supervision_export(request, pk: int):
    """The sheet the organ-function supervision system (机关职能运行监管) takes: one row per department."""
    from openpyxl import Workbook

    from yixie.ledger.excel.template import text_cell

    evaluation = _ranking_evaluation(request.user, pk)
    rows = sel.supervision_rows(evaluation)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("议事协调机构履职评价")
    ws.append(["序号", "部门名称", "统一社会信用代码", "评价年度", "牵头机构数", "参与机构数（成员单位）",
               "已评价机构数", "成员单位平均得分", "等次"])
    for k, r in enumerate(rows, start=1):
        ws.append([k, text_cell(ws, r.name), text_cell(ws, r.uscc) if r.uscc else "", evaluation.year, r.led,
                   r.joined, r.scored, float(r.mean) if r.mean is not None else None, text_cell(ws, r.grade or "未评价")])
    tmp = tempfile.TemporaryFile()
    wb.save(tmp)
    tmp.seek(0)
    from yixie.core import audit

    audit.record(actor=request.user, action=audit.EXPORT, target=evaluation,
                 reason=f"导出{evaluation.title}机关职能运行监管数据（{len(rows)}个部门）")
    response = FileResponse(tmp, content_type=XLSX)
    filename = f"{evaluation.title}_机关职能运行监管.xlsx"
    response["Content-Disposition"] = (f"attachment; filename=\"evaluation-{evaluation.pk}-supervision.xlsx\"; "
                                       f"filename*=UTF-8''{quote(filename)}")
    return response


# ---- charts ---------------------------------------------------------------------------------------------------

#: The departments a member-unit chart shows: those with the lowest mean score (the table has them all).
CHART_DEPARTMENTS = 15
#: Short category names for the charts' axes.
SHORT_CATEGORY = {"party": "党委", "government": "政府", "joint": "联席会议", "taskforce": "工作专班",
                  "mechanism": "协调机制", "special": "专项小组"}


def _member_chart(rows, most: int = CHART_DEPARTMENTS) -> dict | None:
    """The departments with the lowest mean member score, the lowest on top."""
    scored = [r for r in rows if r.mean is not None]
    if not scored:
        return None
    scored = sorted(scored, key=lambda r: (r.mean, r.name))[:most][::-1]
    return {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 8, "right": 40, "bottom": 8, "top": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100}, "yAxis": {"type": "category", "data": [r.name for r in scored]},
        "series": [{"type": "bar", "name": "成员单位平均得分", "data": [float(r.mean) for r in scored],
                    "label": {"show": True, "position": "right"}}],
    }


@requires(RANKING)
@require_GET
def charts(request):
    u = request.user
    regions = list(regions_visible_to(u, RANKING).filter(
        id__in=sel.evaluations_visible_to(u, RANKING).values("region_id")).order_by("code"))
    region = next((r for r in regions if r.pk == _id(request.GET.get("region"))), regions[0] if regions else None)
    evaluations = list(sel.evaluations_visible_to(u, RANKING).filter(region=region).order_by("year")) if region else []
    latest = evaluations[-1] if evaluations else None
    chosen = next((e for e in evaluations if e.pk == _id(request.GET.get("evaluation"))), latest)
    counts = sel.grade_counts(evaluations)
    grades = sel.scale_grades(latest)
    labels = sel.CATEGORY_LABELS
    table = [{"year": y, "category": labels.get(c, c), "short": SHORT_CATEGORY.get(c, labels.get(c, c)),
              "grades": [counts["counts"].get((y, c, g), 0) for g in grades],
              "ungraded": counts["counts"].get((y, c, ""), 0)}
             for y in counts["years"] for c in counts["categories"]]
    grade_chart = None
    if table:
        x = [f"{t['short']}\n{t['year']}年" for t in table]
        grade_chart = {
            "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
            "grid": {"left": 8, "right": 16, "bottom": 8, "top": 36, "containLabel": True},
            "xAxis": {"type": "category", "data": x, "axisLabel": {"interval": 0}},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [{"type": "bar", "stack": "grades", "name": g, "data": [t["grades"][i] or None for t in table],
                        "label": {"show": True}} for i, g in enumerate(grades)]}
    rows = sel.supervision_rows(chosen) if chosen else []
    return render(request, "evaluation/results/charts.html", {
        "regions": regions, "region": region, "evaluations": evaluations, "chosen": chosen, "grades": grades,
        "table": table, "grade_chart": grade_chart, "member_chart": _member_chart(rows), "rows": rows,
        "member_target": Target.MEMBER})

