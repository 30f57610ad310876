"""Reads of the evaluation's results (part B): what a user may see, the lead department's scoring worklist,
a member unit's own results, the ranking, the candidates, the supervision rows and the charts' counts.

Grouped queries throughout: a page costs the same number of queries for 10 bodies or 10,000. A department
sees the rows it gave (as lead department) and its own rows as a member unit, never another member unit's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Case, Count, F, IntegerField, Max, Q, Value, When
from django.http import Http404
from django.utils import timezone

from yixie.ledger.choices import BodyCategory
from yixie.org.models import Department
from yixie.org.scopes import scope_for

from . import scoring
from .choices import DEFAULT_SCALE, PROPOSAL_KINDS, Target
from .models import Evaluation, Indicator, MemberScore, ScoringReopening, SelfEvaluation
from .results import MANAGE_ACTION, SCORE_ACTION, SOURCE, member_grade

RESULTS_ACTION = "evaluation.results"
RANKING_ACTION = "evaluation.ranking"
TENTH = Decimal("0.1")


# ---- scope ------------------------------------------------------------------------------------------------------

def evaluations_visible_to(user, action: str = RESULTS_ACTION):
    """Region roles: their regions' evaluations; a department: its own region's."""
    return scope_for(user, action).restrict(
        Evaluation.objects.select_related("region", "system"),
        regions=lambda ids: Q(region_id__in=ids), departments=lambda s: Q(region_id__in=s.department_region_ids))


def evaluation_for_user(user, pk: int, action: str = RESULTS_ACTION) -> Evaluation:
    evaluation = evaluations_visible_to(user, action).filter(pk=pk).first()
    if evaluation is None:
        raise Http404("该年度评价不存在，或不在您的管辖范围内。")
    return evaluation


def may(user, action: str, evaluation: Evaluation) -> bool:
    """Whether the user holds a region role's `action` over the evaluation's region."""
    scope = scope_for(user, action)
    return scope.everything or evaluation.region_id in scope.region_ids


def may_manage(user, evaluation: Evaluation) -> bool:
    return may(user, MANAGE_ACTION, evaluation)


def department_ids(user, action: str = SCORE_ACTION) -> frozenset[int]:
    return scope_for(user, action).department_ids


def user_departments(user, evaluation: Evaluation, action: str = RESULTS_ACTION):
    """The departments (of the evaluation's region) a department user works for."""
    return Department.objects.filter(pk__in=department_ids(user, action), region_id=evaluation.region_id) \
        .order_by("order", "id")


def self_evaluation_for_user(user, evaluation: Evaluation, pk: int) -> SelfEvaluation:
    """A body's result: region roles over the region see every one; a department those it hosts or leads."""
    qs = evaluation.self_evaluations.select_related("body", "department", "lead_department")
    if not may(user, RESULTS_ACTION, evaluation):
        ids = department_ids(user, RESULTS_ACTION)
        qs = qs.filter(Q(department_id__in=ids) | Q(lead_department_id__in=ids))
    se = qs.filter(pk=pk).first()
    if se is None:
        raise Http404("该机构的评价结果不存在，或不在您的管辖范围内。")
    return se


def member_scores_for_user(user, self_evaluation: SelfEvaluation):
    """The member-unit scores of a body a user may see: all for region roles and for the lead department
    (it gave them); for another department, its own row only."""
    qs = (MemberScore.objects.filter(evaluation_id=self_evaluation.evaluation_id, body_id=self_evaluation.body_id)
          .select_related("department", "scored_by").order_by("department__order", "department_id"))
    if may(user, RESULTS_ACTION, self_evaluation.evaluation):
        return qs
    ids = department_ids(user, RESULTS_ACTION)
    if self_evaluation.lead_department_id in ids:
        return qs
    return qs.filter(department_id__in=ids)


# ---- the lead department's scoring ------------------------------------------------------------------------------

def scoring_worklist(user) -> list[dict]:
    """Per evaluation and body the user's departments lead: member units to score and scored (one query)."""
    ids = department_ids(user, SCORE_ACTION)
    if not ids:
        return []
    rows = (MemberScore.objects.filter(lead_department_id__in=ids).exclude(department_id=F("lead_department_id"))
            .values("evaluation_id", "evaluation__title", "evaluation__year", "evaluation__scoring_deadline",
                    "evaluation__status", "body_id", "body__name", "lead_department__name")
            .annotate(units=Count("id"), scored=Count("id", filter=Q(total__isnull=False)))
            .order_by("-evaluation__year", "evaluation_id", "body__name"))
    return list(rows)


def scoring_progress(evaluation: Evaluation, today=None) -> dict:
    """Per lead department (编办's view): member units to score, scored, and how long 编办 let it score after the
    deadline (准予补评); late = past the deadline (or the reopening) with units left. Two queries."""
    today = today or timezone.localdate()
    counts = (MemberScore.objects.filter(evaluation=evaluation).exclude(department_id=F("lead_department_id"))
              .values("lead_department_id", "lead_department__name", "lead_department__order")
              .annotate(units=Count("id"), scored=Count("id", filter=Q(total__isnull=False)))
              .order_by("lead_department__order", "lead_department_id"))
    reopened = dict(ScoringReopening.objects.filter(evaluation=evaluation).values("department_id")
                    .annotate(until=Max("until")).values_list("department_id", "until").order_by())
    past = bool(evaluation.scoring_deadline and today > evaluation.scoring_deadline)
    rows = []
    for c in counts:
        until = reopened.get(c["lead_department_id"])
        left = c["units"] - c["scored"]
        department = Department(pk=c["lead_department_id"], name=c["lead_department__name"])
        rows.append({"department": department, "units": c["units"], "scored": c["scored"],
                     "left": left, "reopened_until": until,
                     "late": bool(left and past and not (until and until >= today))})
    return {"rows": rows, "past": past, "units": sum(r["units"] for r in rows),
            "scored": sum(r["scored"] for r in rows), "left": sum(r["left"] for r in rows)}


def scoring_todo_count(user) -> int:
    ids = department_ids(user, SCORE_ACTION)
    if not ids:
        return 0
    return (MemberScore.objects.filter(lead_department_id__in=ids, total__isnull=True, evaluation__status__in=(
        "open", "checking")).exclude(department_id=F("lead_department_id")).values("evaluation_id", "body_id")
        .distinct().count())


def scoring_rows(user, evaluation: Evaluation, body_id: int) -> list[MemberScore]:
    """The member units of one body the user's department scores (404 when it does not lead the body)."""
    ids = department_ids(user, SCORE_ACTION)
    rows = list(MemberScore.objects.filter(evaluation=evaluation, body_id=body_id, lead_department_id__in=ids)
                .exclude(department_id=F("lead_department_id"))
                .select_related("department", "body", "lead_department", "scored_by")
                .order_by("department__order", "department_id"))
    if not rows:
        raise Http404("您的部门不是该机构的牵头部门，或该机构没有需要评价的成员单位。")
    return rows


def indicators_of(evaluation: Evaluation, target: str = Target.MEMBER) -> list[Indicator]:
    return list(Indicator.objects.filter(system_id=evaluation.system_id, target=target).order_by("order", "id"))


# ---- a member unit's own results (我单位评价结果) ----------------------------------------------------------------

def department_results(evaluation: Evaluation, department: Department) -> dict:
    """One department's results as a member unit across every body it sits in (its rows only), and the
    bodies it leads. Three queries."""
    rows = list(MemberScore.objects.filter(evaluation=evaluation, department=department)
                .select_related("body", "lead_department").order_by("body__name", "body_id"))
    scale = evaluation.system.scale if evaluation.system_id else DEFAULT_SCALE
    full = sum((Decimal(w) for w in Indicator.objects.filter(system_id=evaluation.system_id, target=Target.MEMBER)
                .values_list("weight", flat=True)), Decimal("0"))
    scored = [r.total for r in rows if r.total is not None]
    mean = _q(sum(scored, Decimal("0")) / len(scored)) if scored else None
    led = SelfEvaluation.objects.filter(evaluation=evaluation, lead_department=department).count()
    return {"department": department, "rows": rows, "joined": len(rows), "scored": len(scored), "mean": mean,
            "grade": member_grade(scale, mean, full), "led": led, "full": full}


def _q(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)


# ---- ranking, candidates --------------------------------------------------------------------------------------

CATEGORY_LABELS = dict(BodyCategory.choices)


def category_counts(evaluation: Evaluation) -> list[dict]:
    """Each category of the evaluation: bodies, per grade, exemplary, candidates (one grouped query)."""
    rows = (evaluation.self_evaluations.values("category", "grade")
            .annotate(n=Count("id"), exemplary=Count("id", filter=Q(exemplary=True)),
                      candidates=Count("id", filter=~Q(candidate="")))
            .order_by())
    out: dict[str, dict] = {}
    for r in rows:
        c = out.setdefault(r["category"], {"category": r["category"],
                                           "label": CATEGORY_LABELS.get(r["category"], r["category"]),
                                           "bodies": 0, "grades": defaultdict(int), "exemplary": 0, "candidates": 0})
        c["bodies"] += r["n"]
        c["grades"][r["grade"] or ""] += r["n"]
        c["exemplary"] += r["exemplary"]
        c["candidates"] += r["candidates"]
    order = list(CATEGORY_LABELS)
    return sorted(out.values(), key=lambda c: order.index(c["category"]) if c["category"] in order else 99)


def ranking(evaluation: Evaluation, category: str | None = None):
    """The bodies by category and rank (a queryset: the page slices it)."""
    qs = evaluation.self_evaluations.select_related("lead_department").only(
        "id", "evaluation_id", "body_id", "name", "category", "legal_ground", "status", "score", "self_score",
        "adjusted_score", "grade", "rank", "exemplary", "exemplary_note", "candidate", "candidate_exempt",
        "meetings_held", "tasks_planned", "lead_department__name", "lead_department__id")
    if category:
        qs = qs.filter(category=category)
    # The categories in the ledger's order (党委, 政府, 联席会议 …), as the table of categories above shows them.
    order = Case(*(When(category=c, then=Value(i)) for i, c in enumerate(CATEGORY_LABELS)), default=Value(99),
                 output_field=IntegerField())
    return qs.order_by(order, F("rank").asc(nulls_last=True), "name", "id")


def candidates(evaluation: Evaluation):
    """Bodies listed as candidates for abolition: those to propose first, the exempt ones after."""
    return (evaluation.self_evaluations.exclude(candidate="").select_related("lead_department")
            .order_by("candidate_exempt", "category", "name", "id"))


# ---- the supervision rows (机关职能运行监管) ---------------------------------------------------------------------

@dataclass
class SupervisionRow:
    department_id: int
    name: str
    uscc: str
    led: int = 0
    joined: int = 0
    scored: int = 0
    mean: Decimal | None = None
    grade: str = ""


def supervision_rows(evaluation: Evaluation) -> list[SupervisionRow]:
    """Per department of the evaluation: bodies led, bodies joined as a member unit, its mean member score
    and the grade of that mean. Four queries whatever the number of departments."""
    led = dict(evaluation.self_evaluations.values("lead_department_id").annotate(n=Count("id"))
               .values_list("lead_department_id", "n").order_by())
    joined = {r["department_id"]: r for r in MemberScore.objects.filter(evaluation=evaluation)
              .values("department_id").annotate(n=Count("id"), scored=Count("total"), mean=Avg("total")).order_by()}
    full = sum((Decimal(w) for w in Indicator.objects.filter(system_id=evaluation.system_id, target=Target.MEMBER)
                .values_list("weight", flat=True)), Decimal("0"))
    scale = evaluation.system.scale
    ids = set(led) | set(joined)
    rows = []
    for d in Department.objects.filter(pk__in=ids).order_by("order", "id").only("id", "name", "uscc"):
        j = joined.get(d.pk, {})
        mean = _q(j.get("mean"))
        rows.append(SupervisionRow(d.pk, d.name, d.uscc or "", led.get(d.pk, 0), j.get("n", 0), j.get("scored", 0),
                                   mean, member_grade(scale, mean, full)))
    return rows


# ---- the charts ----------------------------------------------------------------------------------------------------

def grade_counts(evaluations) -> dict:
    """Grades by category and year across evaluations (one grouped query):
    {"years": [...], "categories": [...], "grades": [...], "counts": {(year, category, grade): n}}."""
    rows = (SelfEvaluation.objects.filter(evaluation__in=evaluations)
            .values("evaluation__year", "category", "grade").annotate(n=Count("id")).order_by())
    counts, years, cats = {}, set(), set()
    for r in rows:
        counts[(r["evaluation__year"], r["category"], r["grade"] or "")] = r["n"]
        years.add(r["evaluation__year"])
        cats.add(r["category"])
    order = list(CATEGORY_LABELS)
    return {"years": sorted(years), "categories": sorted(cats, key=lambda c: order.index(c) if c in order else 99),
            "counts": counts}


def scale_grades(evaluation: Evaluation | None) -> list[str]:
    scale = evaluation.system.scale if evaluation is not None else DEFAULT_SCALE
    return [b["grade"] for b in sorted(scale, key=lambda b: -float(b["min"]))]


def proposed_kinds(evaluation: Evaluation, body_ids) -> dict[int, list[str]]:
    """The proposals already drafted from this evaluation, per body (their kinds), in one query."""
    from yixie.core.models import Proposal

    out: dict[int, list[str]] = {}
    for body_id, kind in (Proposal.objects.filter(source=SOURCE, source_ref=f"evaluation:{evaluation.pk}",
                                                  body_id__in=list(body_ids))
                          .order_by("id").values_list("body_id", "kind")):
        out.setdefault(body_id, []).append(PROPOSAL_KINDS.get(kind, kind))
    return out


def proposals_of(self_evaluation: SelfEvaluation):
    """The proposals drafted from this evaluation about this body (open or handled)."""
    from yixie.core.models import Proposal

    return Proposal.objects.filter(source=SOURCE, source_ref=f"evaluation:{self_evaluation.evaluation_id}",
                                   body_id=self_evaluation.body_id).order_by("-raised_at", "-id")


def proposal_counts(evaluation: Evaluation) -> dict:
    """The adjustment proposals drafted from this evaluation, counted by kind and by status (one grouped
    query): {"total": n, "kinds": [(label, n), …] in PROPOSAL_KINDS order, "statuses": [(label, n), …]}."""
    from yixie.core.models import Proposal, ProposalStatus

    rows = (Proposal.objects.filter(source=SOURCE, source_ref=f"evaluation:{evaluation.pk}")
            .values("kind", "status").annotate(n=Count("id")).order_by())
    kinds: dict[str, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    for r in rows:
        kinds[r["kind"]] += r["n"]
        statuses[r["status"]] += r["n"]
    order = list(PROPOSAL_KINDS) + sorted(k for k in kinds if k not in PROPOSAL_KINDS)
    return {"total": sum(kinds.values()),
            "kinds": [(PROPOSAL_KINDS.get(k, k), kinds[k]) for k in order if kinds.get(k)],
            "statuses": [(label, statuses[v]) for v, label in ProposalStatus.choices if statuses.get(v)]}


def body_lines(evaluation: Evaluation, self_evaluation: SelfEvaluation):
    """The points of each body indicator of a self-evaluation (for its result page)."""
    indicators = indicators_of(evaluation, Target.BODY)
    total, lines, pending = scoring.body_score(indicators, self_evaluation)
    return total, lines, pending
