"""Writes of the yearly evaluation (多方评价).

Part A: indicator systems (data per region and evaluation year, frozen once that year's evaluation opens),
opening a year's evaluation (one self-evaluation per body, pre-filled from the register and the ledger),
the host department's self-evaluation (its business section drafts, its HR section submits before the
deadline) and the check by 编办 with 两办 and 组织部.

Who may call each is decided by the views (the registered actions and the user's scope) and checked again
here where the rule is about *which* department or office writes (`actor=None` is the system: the demo, a
job). Every write is journaled and runs in a transaction that locks the row it changes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from yixie.core import audit, bulk
from yixie.core.audit import snapshot
from yixie.core.dates import format_date_zh
from yixie.core.errors import DomainError
from yixie.core.files import IMAGE_TYPES, UploadError, check_upload
from yixie.ledger.choices import BodyCategory, BodyStatus
from yixie.ledger.models import Body, LedgerEvent
from yixie.meetings.selectors import register_figures
from yixie.org.models import Region
from yixie.org.scopes import scope_for

from . import scoring
from .choices import (
    GRADE_LEVELS,
    CheckVerdict,
    Dimension,
    EvaluationStatus,
    Method,
    Office,
    SelfStatus,
    Source,
    Target,
)
from .models import (
    Evaluation,
    EvaluationCheck,
    EvidenceFile,
    Indicator,
    IndicatorSystem,
    MemberScore,
    SelfEvaluation,
)


class EvaluationError(DomainError):
    pass


def _today() -> date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _refuse(message: str, field: str | None = None):
    raise EvaluationError(message, field)


def _system_actor(actor) -> bool:
    return actor is None or getattr(actor, "is_superuser", False)


#: The categories an evaluation covers (协调机制 are not 议事协调机构 and are left out).
EVALUATED_CATEGORIES = [BodyCategory.PARTY, BodyCategory.GOVERNMENT, BodyCategory.JOINT_MEETING,
                        BodyCategory.TASK_FORCE, BodyCategory.SPECIAL_GROUP]
#: The dimensions each target's indicators belong to.
DIMENSIONS_OF = {Target.BODY: [Dimension.RESULTS, Dimension.REGULARITY, Dimension.COORDINATION],
                 Target.MEMBER: [Dimension.COOPERATION, Dimension.INFORMATION, Dimension.DELIVERY]}
#: The figures each method can read.
SOURCES_OF = {
    Method.COUNT: {Source.MEETINGS_HELD, Source.DOCUMENTS_ISSUED, Source.PROBLEMS_COORDINATED},
    Method.RATIO: {Source.TASKS_DONE_RATIO, Source.DECISIONS_DONE_RATIO},
    Method.YESNO: {Source.WORK_RULES_FILED, Source.MECHANISMS, Source.NO_UNAPPROVED_DOCUMENTS},
    Method.GRADE: set(),
    Method.POINTS: set(),
}
#: The self-evaluation's figures (form field → label), each a whole number.
FIGURES = {"meetings_held": "召开会议次数", "documents_issued": "印发文件数", "problems_coordinated": "协调解决问题数",
           "tasks_planned": "年度重点任务数", "tasks_done": "完成重点任务数"}
TEXTS = ("mechanisms", "duties_performed", "highlights", "shortcomings", "next_plan")
#: What must be written before the HR section submits.
REQUIRED_TEXTS = {"highlights": "成绩亮点", "shortcomings": "问题短板", "next_plan": "下一年度工作打算"}
#: Files accepted as evidence (会议纪要、工作总结、台账表格).
EVIDENCE_TYPES = (".pdf", ".ofd", ".docx", ".xlsx", *IMAGE_TYPES)

#: The default indicator system: (target, dimension, name, weight, method, source, norm, guidance).
DEFAULT_INDICATORS = [
    (Target.BODY, Dimension.RESULTS, "召开会议", 10, Method.COUNT, Source.MEETINGS_HELD, 2,
     "全年召开全体会议、办公室会议或专题会议，达到2次得满分，不足按比例计分。"),
    (Target.BODY, Dimension.RESULTS, "年度重点任务完成", 15, Method.RATIO, Source.TASKS_DONE_RATIO, None,
     "完成重点任务数占年度重点任务数的比例计分。"),
    (Target.BODY, Dimension.RESULTS, "协调解决问题", 10, Method.COUNT, Source.PROBLEMS_COORDINATED, 5,
     "协调解决跨部门问题达到5个得满分，不足按比例计分。"),
    (Target.BODY, Dimension.RESULTS, "印发文件", 5, Method.COUNT, Source.DOCUMENTS_ISSUED, 1,
     "以机构名义印发工作要点、实施方案等文件。"),
    (Target.BODY, Dimension.REGULARITY, "工作规则报备", 10, Method.YESNO, Source.WORK_RULES_FILED, None,
     "制定工作规则并报编办备案。"),
    (Target.BODY, Dimension.REGULARITY, "规范发文", 10, Method.YESNO, Source.NO_UNAPPROVED_DOCUMENTS, None,
     "未经批准不得以机构名义向下级部门发文。"),
    (Target.BODY, Dimension.REGULARITY, "工作机制", 10, Method.YESNO, Source.MECHANISMS, None,
     "建立责任清单、信息报送、督办落实等工作机制。"),
    (Target.BODY, Dimension.COORDINATION, "议定事项落实", 15, Method.RATIO, Source.DECISIONS_DONE_RATIO, None,
     "会议议定事项已落实的比例（防止议而不决、议而不行）。"),
    (Target.BODY, Dimension.COORDINATION, "协调成效", 15, Method.GRADE, "", None,
     "由编办会同两办、组织部审核时评定等次（好、较好、一般、差）。"),
    (Target.MEMBER, Dimension.COOPERATION, "协调配合", 40, Method.POINTS, "", None,
     "由牵头部门按0至40分评价成员单位参加会议、配合协调的情况。"),
    (Target.MEMBER, Dimension.INFORMATION, "信息共享", 30, Method.POINTS, "", None,
     "由牵头部门按0至30分评价成员单位报送信息、共享数据的情况。"),
    (Target.MEMBER, Dimension.DELIVERY, "任务落实", 30, Method.POINTS, "", None,
     "由牵头部门按0至30分评价成员单位落实分工任务的情况。"),
]


# ======================================================================== indicator systems

def _check_manager(actor, region_id: int, what: str) -> None:
    """编办 of the region (or above it) manages the region's systems and evaluations."""
    if _system_actor(actor):
        return
    scope = scope_for(actor, "evaluation.manage")
    if not (scope.everything or region_id in scope.region_ids):
        _refuse(f"{what}只能由本级编办办理。")


def _locked_system(system: IndicatorSystem) -> IndicatorSystem:
    return IndicatorSystem.objects.select_for_update().select_related("region").get(pk=system.pk)


def _not_frozen(system: IndicatorSystem) -> None:
    if system.is_frozen:
        _refuse(f"“{system.title}”已于{format_date_zh(timezone.localdate(system.frozen_at))}随{system.year}年度评价"
                "部署而冻结，不能再修改；如需调整，请以它为基础新建下一年度的指标体系。")


def _bump_system(system: IndicatorSystem) -> None:
    system.version += 1
    system.save(update_fields=["version", "frozen_at", "scale", "updated_at"])


def _check_version(obj, expected_version: int | None, what: str) -> None:
    if expected_version is not None and expected_version != obj.version:
        _refuse(f"{what}已被他人修改，请刷新页面，在最新内容上修改。", "version")


@transaction.atomic
def system_create(*, actor, region: Region, year: int, title: str, copy_from: IndicatorSystem | None = None,
                  source: str = "") -> IndicatorSystem:
    """A region's system for an evaluation year: a copy of another year's (`copy_from`) or the default."""
    _check_manager(actor, region.pk, "评价指标体系")
    title = (title or "").strip()
    if not title:
        _refuse("请填写指标体系名称。", "title")
    if not year or year < 2000 or year > 2100:
        _refuse("评价年度应在2000年到2100年之间。", "year")
    if IndicatorSystem.objects.filter(region=region, year=year).exists():
        _refuse(f"{region.name}{year}年度的评价指标体系已经建立，可在指标体系列表中打开修改。", "year")
    system = IndicatorSystem.objects.create(
        region=region, year=year, title=title, based_on=copy_from, source=(source or "").strip()[:300],
        scale=list(copy_from.scale) if copy_from is not None else scoring.check_scale(IndicatorSystem().scale))
    if copy_from is not None:
        rows = [Indicator(system=system, target=i.target, dimension=i.dimension, name=i.name, weight=i.weight,
                          method=i.method, source=i.source, norm=i.norm, guidance=i.guidance, order=i.order)
                for i in copy_from.indicators.order_by("target", "order", "id")]
    else:
        rows = [Indicator(system=system, target=t, dimension=d, name=n, weight=Decimal(w), method=m, source=s,
                          norm=Decimal(norm) if norm is not None else None, guidance=g, order=k)
                for k, (t, d, n, w, m, s, norm, g) in enumerate(DEFAULT_INDICATORS, start=1)]
    Indicator.objects.bulk_create(rows)
    audit.record(actor=actor, action="新建评价指标体系", target=system, after=snapshot(system),
                 reason=f"沿用{copy_from.title}" if copy_from is not None else "按默认指标体系建立")
    return system


def _decimal(raw, label: str, field: str, *, low=Decimal("0"), high=Decimal("100"), required=True) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        if required:
            _refuse(f"请填写{label}。", field)
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        _refuse(f"{label}“{str(raw)[:20]}”不是数字。", field)
    if not value.is_finite() or value < low or value > high:
        _refuse(f"{label}{str(raw)[:20]}超出范围：应在{low}到{high}之间。", field)
    return value.quantize(Decimal("0.1"))


def _check_indicator(*, target: str, dimension: str, name: str, weight, method: str, source: str, norm) -> dict:
    name = (name or "").strip()
    if target not in Target.values:
        _refuse("请选择评价对象（机构运行成效或成员单位发挥作用）。", "target")
    if not name:
        _refuse("请填写指标名称。", "name")
    if dimension not in DIMENSIONS_OF[target]:
        allowed = "、".join(Dimension(d).label for d in DIMENSIONS_OF[target])
        _refuse(f"指标“{name}”的维度应为{allowed}之一。", "dimension")
    w = _decimal(weight, f"指标“{name}”的分值", "weight")
    if w <= 0:
        _refuse(f"指标“{name}”的分值应大于0。", "weight")
    if method not in Method.values:
        _refuse(f"请选择指标“{name}”的计分方式。", "method")
    source = source or ""
    if target == Target.MEMBER:
        if method != Method.POINTS:
            _refuse(f"成员单位指标“{name}”由牵头部门按0至分值打分，计分方式应为“{Method.POINTS.label}”。", "method")
        if source:
            _refuse(f"成员单位指标“{name}”由牵头部门打分，不读取数据来源。", "source")
    elif method == Method.POINTS:
        _refuse(f"“{Method.POINTS.label}”只用于成员单位指标；机构运行成效指标“{name}”请选择其他计分方式。", "method")
    elif source not in SOURCES_OF[method] and not (method == Method.GRADE and not source):
        if method == Method.GRADE:
            _refuse(f"等次评定的指标“{name}”由编办审核时评定，不读取数据来源。", "source")
        wanted = "、".join(Source(s).label for s in sorted(SOURCES_OF[method]))
        _refuse(f"“{Method(method).label}”的指标“{name}”应从这些数据来源中选择：{wanted}。", "source")
    n = None
    if method == Method.COUNT and target == Target.BODY:
        n = _decimal(norm, f"指标“{name}”的标准值", "norm", high=Decimal("100000"))
        if n <= 0:
            _refuse(f"指标“{name}”的标准值应大于0（达到标准值得满分）。", "norm")
    return {"target": target, "dimension": dimension, "name": name, "weight": w, "method": method,
            "source": source, "norm": n}


@transaction.atomic
def indicator_add(*, actor, system: IndicatorSystem, target: str, dimension: str, name: str, weight, method: str,
                  source: str = "", norm=None, guidance: str = "", expected_version: int | None = None) -> Indicator:
    system = _locked_system(system)
    _check_manager(actor, system.region_id, "评价指标")
    _not_frozen(system)
    _check_version(system, expected_version, f"“{system.title}”")
    clean = _check_indicator(target=target, dimension=dimension, name=name, weight=weight, method=method,
                             source=source, norm=norm)
    last = system.indicators.filter(target=clean["target"]).order_by("-order").values_list("order", flat=True).first()
    ind = Indicator.objects.create(system=system, guidance=(guidance or "").strip(), order=(last or 0) + 1, **clean)
    _bump_system(system)
    audit.record(actor=actor, action="增加评价指标", target=ind, after=snapshot(ind), reason=system.title)
    return ind


@transaction.atomic
def indicator_edit(*, actor, indicator: Indicator, dimension: str, name: str, weight, method: str, source: str = "",
                   norm=None, guidance: str = "", expected_version: int | None = None) -> Indicator:
    system = _locked_system(indicator.system)
    _check_manager(actor, system.region_id, "评价指标")
    _not_frozen(system)
    _check_version(system, expected_version, f"“{system.title}”")
    ind = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = snapshot(ind)
    clean = _check_indicator(target=ind.target, dimension=dimension, name=name, weight=weight, method=method,
                             source=source, norm=norm)
    for k, v in clean.items():
        setattr(ind, k, v)
    ind.guidance = (guidance or "").strip()
    ind.save()
    _bump_system(system)
    audit.record(actor=actor, action="修改评价指标", target=ind, before=before, after=snapshot(ind),
                 reason=system.title)
    return ind


@transaction.atomic
def indicator_remove(*, actor, indicator: Indicator, expected_version: int | None = None) -> None:
    system = _locked_system(indicator.system)
    _check_manager(actor, system.region_id, "评价指标")
    _not_frozen(system)
    _check_version(system, expected_version, f"“{system.title}”")
    before = snapshot(indicator)
    label, pk = str(indicator), indicator.pk
    Indicator.objects.filter(pk=pk).delete()
    _bump_system(system)
    audit.record(actor=actor, action="删除评价指标", target=None, target_type="evaluation.indicator",
                 target_id=str(pk), target_label=label, before=before, reason=system.title)


@transaction.atomic
def scale_set(*, actor, system: IndicatorSystem, scale, expected_version: int | None = None) -> IndicatorSystem:
    """The grade scale (高效 / 平稳 / 缺失 and the lowest score of each), kept on the system."""
    system = _locked_system(system)
    _check_manager(actor, system.region_id, "等次标准")
    _not_frozen(system)
    _check_version(system, expected_version, f"“{system.title}”")
    before = {"scale": system.scale}
    system.scale = scoring.check_scale(scale)
    _bump_system(system)
    audit.record(actor=actor, action="修改等次标准", target=system, before=before, after={"scale": system.scale})
    return system


def weight_totals(system: IndicatorSystem) -> dict[str, Decimal]:
    totals = {t: Decimal("0") for t in Target.values}
    for row in system.indicators.values("target").annotate(w=Sum("weight")).order_by():
        totals[row["target"]] = Decimal(row["w"] or 0)
    return totals


def system_check_usable(system: IndicatorSystem) -> None:
    """A system is used only when each target's weights total 100 (机构运行成效 and 成员单位发挥作用)."""
    for target, total in weight_totals(system).items():
        if total != Decimal("100"):
            _refuse(f"“{system.title}”中“{Target(target).label}”指标的分值合计为{total.normalize():f}分，"
                    "应为100分，请先调整指标分值。", "system")


# ======================================================================== opening a year's evaluation

def _member_ids(state: dict) -> list[int]:
    return [m["department_id"] for m in state.get("members") or [] if m.get("department_id")]


@transaction.atomic
def evaluation_open(*, actor, region: Region, year: int, carried_out_in: int, system: IndicatorSystem,
                    opened_on: date, deadline: date, scoring_deadline: date, title: str = "") -> Evaluation:
    """Open the evaluation of a year's work: freeze the year's system, list every body of the region in force
    on 31 December of that year, pre-fill each self-evaluation from the register and the ledger, and lay
    out the (empty) member scores for the lead departments.

    A fixed number of grouped queries and bulk inserts, whatever the number of bodies."""
    _check_manager(actor, region.pk, "部署年度评价")
    if Evaluation.objects.filter(region=region, year=year).exists():
        _refuse(f"{region.name}{year}年度的评价已经部署，不能重复部署。", "year")
    if carried_out_in < year:
        _refuse(f"开展年份{carried_out_in}年早于评价年度{year}年：评价的是已完成年度的工作（如2022年评价2021年度）。",
                "carried_out_in")
    system = _locked_system(system)
    if system.region_id != region.pk or system.year != year:
        _refuse(f"“{system.title}”是{system.region.name}{system.year}年度的指标体系，不能用于{region.name}{year}年度的评价。",
                "system")
    system_check_usable(system)
    if deadline < opened_on:
        _refuse(f"自评报送截止日期{format_date_zh(deadline)}早于部署日期{format_date_zh(opened_on)}。", "deadline")
    if scoring_deadline < opened_on:
        _refuse(f"成员单位评价截止日期{format_date_zh(scoring_deadline)}早于部署日期{format_date_zh(opened_on)}。",
                "scoring_deadline")
    title = (title or "").strip() or f"{region.name}{year}年度议事协调机构运行成效评价"
    evaluation = Evaluation.objects.create(
        region=region, year=year, carried_out_in=carried_out_in, title=title, system=system,
        status=EvaluationStatus.OPEN, opened_on=opened_on, deadline=deadline, scoring_deadline=scoring_deadline,
        opened_by=_user(actor))
    frozen_before = system.frozen_at
    if system.frozen_at is None:
        system.frozen_at = timezone.now()
        _bump_system(system)
    n, members = _lay_out(evaluation)
    audit.record(actor=actor, action="部署年度评价", target=evaluation, after=snapshot(evaluation),
                 reason=f"纳入评价机构{n}个，成员单位评价{members}项")
    if frozen_before is None:
        audit.record(actor=actor, action="冻结评价指标体系", target=system, after={"frozen_at": system.frozen_at},
                     reason=f"{year}年度评价部署")
    return evaluation


def _lay_out(evaluation: Evaluation) -> tuple[int, int]:
    year_end = date(evaluation.year, 12, 31)
    events = list(LedgerEvent.objects.in_force_on(year_end)
                  .filter(region_id=evaluation.region_id, status=BodyStatus.ACTIVE, category__in=EVALUATED_CATEGORIES)
                  .only("id", "body_id", "name", "category", "lead_department_id", "office_department_id", "state")
                  .order_by("category", "name"))
    ids = [e.body_id for e in events]
    figures = register_figures(body_ids=ids, year=evaluation.year) if ids else {}
    rules = dict(Body.objects.filter(region_id=evaluation.region_id, work_rules_filed_on__isnull=False)
                 .values_list("id", "work_rules_filed_on"))
    changes = defaultdict(dict)
    for row in (LedgerEvent.objects.filter(region_id=evaluation.region_id, is_void=False,
                                           effective_on__year=evaluation.year)
                .values("body_id", "kind").annotate(n=Count("id")).order_by()):
        changes[row["body_id"]][row["kind"]] = row["n"]
    self_evals, scores = [], []
    for e in events:
        fig = dict(figures.get(e.body_id) or {})
        filed = rules.get(e.body_id)
        members = [m for m in dict.fromkeys(_member_ids(e.state)) if m != e.lead_department_id]
        pre = {
            **fig,
            "work_rules_filed_on": filed.isoformat() if filed and filed <= year_end else None,
            "work_rules_filed_later_on": filed.isoformat() if filed and filed > year_end else None,
            "members": len(members),
            "events": changes.get(e.body_id, {}),
            "events_total": sum(changes.get(e.body_id, {}).values()),
            "as_of": year_end.isoformat(),
        }
        self_evals.append({
            "body_id": e.body_id, "department_id": e.office_department_id,
            "lead_department_id": e.lead_department_id, "name": e.name, "category": e.category,
            "legal_ground": (e.state or {}).get("legal_ground", ""), "prefill": pre,
            "meetings_held": fig.get("meetings_held"), "documents_issued": fig.get("documents_issued")})
        scores += [{"body_id": e.body_id, "department_id": d, "lead_department_id": e.lead_department_id}
                   for d in members]
    _insert_from_template(SelfEvaluation(evaluation=evaluation), self_evals)
    _insert_from_template(MemberScore(evaluation=evaluation), scores)
    return len(self_evals), len(scores)


def _prefill_refresh(se: SelfEvaluation) -> None:
    """Bring what the product knows up to the day: meetings, documents and decisions carried out registered since
    the evaluation opened, and the work rules filed since (the score reads them). The department's own figures
    are left as it typed them."""
    ev = se.evaluation
    year_end = date(ev.year, 12, 31)
    pre = dict(se.prefill or {})
    pre.update(register_figures(body_ids=[se.body_id], year=ev.year).get(se.body_id, {}))
    filed = Body.objects.filter(pk=se.body_id).values_list("work_rules_filed_on", flat=True).first()
    pre["work_rules_filed_on"] = filed.isoformat() if filed and filed <= year_end else None
    pre["work_rules_filed_later_on"] = filed.isoformat() if filed and filed > year_end else None
    pre["refreshed_on"] = _today().isoformat()
    se.prefill = pre


def _insert_from_template(template, rows: list[dict]) -> None:
    """Plain multi-row INSERTs of rows that differ from `template` in a few columns (ids, names, the prefill):
    the other columns are prepared once. A province lays out ~10,000 self-evaluations and ~100,000 member
    scores; model instances and bulk_create cost seconds of Python per 10,000 rows."""
    if not rows:
        return
    model = type(template)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    fixed = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
    varying = [(i, f, f.get_internal_type() == "JSONField") for i, f in enumerate(fields) if f.attname in rows[0]]
    out = []
    for row in rows:
        values = list(fixed)
        for i, f, prepare in varying:  # ids, text and whole numbers go in as they are; JSON is adapted
            values[i] = f.get_db_prep_save(row[f.attname], connection) if prepare else row[f.attname]
        out.append(tuple(values))
    bulk.insert_rows(model, [f.column for f in fields], out)


# ======================================================================== the self-evaluation

def _locked_self(se: SelfEvaluation) -> SelfEvaluation:
    return (SelfEvaluation.objects.select_for_update()
            .select_related("evaluation__region", "evaluation__system", "department").get(pk=se.pk))


def _check_host(actor, se: SelfEvaluation, action: str, what: str) -> None:
    """Only the office's host department writes its bodies' self-evaluations (its HR section submits)."""
    if _system_actor(actor):
        return
    if se.department_id not in scope_for(actor, action).department_ids:
        if action == "evaluation.submit" and se.department_id in scope_for(actor, "evaluation.fill").department_ids:
            _refuse(f"“{se.name}”的自评由{se.department.name}组织人事科室审核后报送，业务科室只能填写。", "department")
        _refuse(f"“{se.name}”的{what}只能由办事机构所在部门{se.department.name}办理。", "department")


def is_editable(se: SelfEvaluation, evaluation: Evaluation | None = None) -> bool:
    """The host department may still fill the self-evaluation: a draft or a returned one while reporting is open,
    and a returned one during the check too (编办, 两办 or 组织部 sent it back for more; the results wait for it)."""
    status = (evaluation or se.evaluation).status
    if se.status == SelfStatus.RETURNED:
        return status in (EvaluationStatus.OPEN, EvaluationStatus.CHECKING)
    return status == EvaluationStatus.OPEN and se.status == SelfStatus.DRAFT


def _editable(se: SelfEvaluation) -> None:
    ev = se.evaluation
    if is_editable(se, ev):
        return
    if ev.status != EvaluationStatus.OPEN:
        _refuse(f"{ev.title}已进入“{ev.get_status_display()}”阶段，自评不能再修改。")
    if se.status == SelfStatus.SUBMITTED:
        _refuse(f"“{se.name}”的自评已于{format_date_zh(se.submitted_on)}报送，如需修改请联系编办退回。")
    if se.status == SelfStatus.CHECKED:
        _refuse(f"“{se.name}”的自评已审核，不能再修改。")


def _count(raw, label: str, name: str, field: str) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if not (text.isdecimal() and text.isascii()):
        _refuse(f"“{name}”：{label}应填写不小于0的整数，收到“{text[:20]}”。", field)
    n = int(text)
    if n > 100000:
        _refuse(f"“{name}”：{label}{n}过大，应在0到100000之间。", field)
    return n


@transaction.atomic
def selfeval_save(*, actor, self_evaluation: SelfEvaluation, data: dict,
                  expected_version: int | None = None) -> SelfEvaluation:
    """The host department saves its self-evaluation (figures and narrative). Nothing is submitted here."""
    se = _locked_self(self_evaluation)
    _check_host(actor, se, "evaluation.fill", "自评")
    _check_version(se, expected_version, f"“{se.name}”的自评")
    _editable(se)
    clean = {f: _count(data.get(f), label, se.name, f) for f, label in FIGURES.items()}
    if clean["tasks_planned"] is not None and clean["tasks_done"] is not None \
            and clean["tasks_done"] > clean["tasks_planned"]:
        _refuse(f"“{se.name}”：完成重点任务数{clean['tasks_done']}大于年度重点任务数{clean['tasks_planned']}。",
                "tasks_done")
    before = snapshot(se)
    for f, v in clean.items():
        setattr(se, f, v)
    for f in TEXTS:
        if f in data:
            setattr(se, f, str(data.get(f) or "").strip())
    _prefill_refresh(se)
    se.drafted_by = _user(actor)
    se.drafted_at = timezone.now()
    se.version += 1
    se.save()
    audit.record(actor=actor, action="填写运行成效自评", target=se, before=before, after=snapshot(se), body_id=se.body_id)
    return se


@transaction.atomic
def evidence_add(*, actor, self_evaluation: SelfEvaluation, uploaded) -> EvidenceFile:
    """A file in support of the self-evaluation, checked by its content (PDF, OFD, Word, Excel)."""
    se = _locked_self(self_evaluation)
    _check_host(actor, se, "evaluation.fill", "佐证材料")
    _editable(se)
    if uploaded is None:
        _refuse("请选择要上传的佐证材料。", "file")
    try:
        checked = check_upload(uploaded, allowed=EVIDENCE_TYPES, max_bytes=settings.YIXIE_UPLOAD_MAX_BYTES,
                               what="佐证材料")
    except UploadError as exc:
        _refuse(f"“{se.name}”：{exc.message}", "file")
    ev = EvidenceFile(self_evaluation=se, original_name=checked.name, file_type=checked.file_type, size=checked.size,
                      sha256=checked.sha256, uploaded_by=_user(actor))
    ev.file.save(f"evidence{checked.ext}", uploaded, save=False)
    ev.save()  # the figures' version is left alone: a file added beside them conflicts with no one's edit
    audit.record(actor=actor, action="上传自评佐证材料", target=ev, after={"文件": checked.name, "sha256": checked.sha256},
                 body_id=se.body_id, reason=se.name)
    return ev


def is_overdue(se: SelfEvaluation, evaluation: Evaluation | None = None, today: date | None = None) -> bool:
    """Never submitted, past the deadline and not reopened (or reopened until a day now past)."""
    evaluation = evaluation or se.evaluation
    today = today or _today()
    if se.status != SelfStatus.DRAFT:  # a returned one was sent in time: the office that returned it waits for it
        return False
    if today <= evaluation.deadline:
        return False
    return not (se.reopened_until and se.reopened_until >= today)


def self_score(se: SelfEvaluation) -> tuple[Decimal, list, list]:
    """The self-evaluation's score on its year's system (scoring.body_score)."""
    return scoring.body_score(list(se.evaluation.system.indicators.all()), se)


@transaction.atomic
def selfeval_submit(*, actor, self_evaluation: SelfEvaluation, on: date | None = None,
                    expected_version: int | None = None) -> SelfEvaluation:
    """The HR section submits the self-evaluation; after the deadline only when 编办 has reopened it."""
    se = _locked_self(self_evaluation)
    _check_host(actor, se, "evaluation.submit", "自评报送")
    _check_version(se, expected_version, f"“{se.name}”的自评")
    _editable(se)
    on = on or _today()
    ev = se.evaluation
    # A returned self-evaluation is sent again whatever the day: the office that returned it waits for it.
    if se.status != SelfStatus.RETURNED and on > ev.deadline and not (se.reopened_until and se.reopened_until >= on):
        extra = f"（编办准予补报至{format_date_zh(se.reopened_until)}，已过期）" if se.reopened_until else ""
        _refuse(f"“{se.name}”的自评报送截止日期为{format_date_zh(ev.deadline)}，已过期{extra}；"
                "如需补报，请联系编办准予补报。", "deadline")
    missing = [label for f, label in FIGURES.items() if getattr(se, f) is None]
    missing += [label for f, label in REQUIRED_TEXTS.items() if not (getattr(se, f) or "").strip()]
    if missing:
        _refuse(f"“{se.name}”的自评还缺少：{'、'.join(missing)}，请填写并保存后再报送。", "missing")
    before = snapshot(se)
    _prefill_refresh(se)
    total, _lines, _pending = self_score(se)
    se.self_score = total
    se.status = SelfStatus.SUBMITTED
    se.submitted_by = _user(actor)
    se.submitted_at = timezone.now()
    se.submitted_on = on
    se.version += 1
    se.save()
    late = on > ev.deadline
    audit.record(actor=actor, action="报送运行成效自评", target=se, before=before, after=snapshot(se), body_id=se.body_id,
                 reason=f"补报（{se.reopen_reason}）" if late else "")
    return se


@transaction.atomic
def selfeval_reopen(*, actor, self_evaluation: SelfEvaluation, until: date, reason: str,
                    on: date | None = None) -> SelfEvaluation:
    """编办 lets a department submit after the deadline, until a given day, for a stated reason."""
    se = _locked_self(self_evaluation)
    _check_manager(actor, se.evaluation.region_id, "准予补报")
    reason = (reason or "").strip()
    if not reason:
        _refuse(f"请写明准予“{se.name}”补报的理由。", "reason")
    if until is None:
        _refuse("请填写补报截止日期。", "until")
    if until < (on or _today()):  # `on`: the day 编办 decides (the demo's history), else today
        _refuse(f"补报截止日期{format_date_zh(until)}早于今天。", "until")
    if se.evaluation.status != EvaluationStatus.OPEN:
        _refuse(f"{se.evaluation.title}已进入“{se.evaluation.get_status_display()}”阶段，不能再准予补报。")
    if se.status in (SelfStatus.SUBMITTED, SelfStatus.CHECKED):
        _refuse(f"“{se.name}”的自评已{se.get_status_display()}，无需准予补报。")
    before = snapshot(se)
    se.reopened_until = until
    se.reopen_reason = reason
    se.version += 1
    se.save()
    audit.record(actor=actor, action="准予补报运行成效自评", target=se, before=before, after=snapshot(se),
                 body_id=se.body_id, reason=reason)
    return se


# ======================================================================== the check by 编办, 两办 and 组织部

#: The office each region role checks for.
OFFICE_OF_ROLE = {"establishment": Office.ESTABLISHMENT, "general_office": Office.GENERAL_OFFICE,
                  "organisation": Office.ORGANISATION}


def _check_office(actor, office: str, region_id: int) -> None:
    if office not in Office.values:
        _refuse("审核单位应为编办、两办或组织部。", "office")
    if _system_actor(actor):
        return
    from yixie.core.access import user_roles
    from yixie.org.scopes import region_subtree_ids

    for a in user_roles(actor):
        if OFFICE_OF_ROLE.get(a.role) == office and a.region_id and region_id in region_subtree_ids({a.region_id}):
            return
    _refuse(f"您不能以{Office(office).label}的名义审核本级自评。", "office")


def _clean_grades(se: SelfEvaluation, grades: dict | None, indicators) -> dict:
    out = dict(se.grades or {})
    for ind in indicators:
        if ind.target != Target.BODY or ind.method != Method.GRADE:
            continue
        raw = (grades or {}).get(str(ind.pk), (grades or {}).get(ind.pk))
        if raw in (None, ""):
            continue
        if raw not in GRADE_LEVELS:
            _refuse(f"“{se.name}”：“{ind.name}”的等次“{str(raw)[:10]}”不在“好、较好、一般、差”之中。", f"grade_{ind.pk}")
        out[str(ind.pk)] = raw
    return out


@transaction.atomic
def check_give(*, actor, self_evaluation: SelfEvaluation, office: str, verdict: str, score=None, reason: str = "",
               grades: dict | None = None) -> EvaluationCheck:
    """One office's opinion on a submitted self-evaluation: agree, adjust the score (with a reason) or return it
    for more (with a reason). 编办's adjustment sets the adjusted score; 编办 gives the grade indicators' grades."""
    se = _locked_self(self_evaluation)
    _check_office(actor, office, se.evaluation.region_id)
    if se.status != SelfStatus.SUBMITTED:
        _refuse(f"“{se.name}”的自评{se.get_status_display()}，只有已报送的自评才能审核。")
    if verdict not in CheckVerdict.values:
        _refuse("请选择审核意见（同意、调整评分或退回补充）。", "verdict")
    reason = (reason or "").strip()
    value = None
    if verdict == CheckVerdict.ADJUST:
        value = _decimal(score, f"“{se.name}”的调整得分", "score")
        if not reason:
            _refuse(f"调整“{se.name}”的评分时请写明理由。", "reason")
    if verdict == CheckVerdict.RETURN and not reason:
        _refuse(f"退回“{se.name}”的自评时请写明需要补充的内容。", "reason")
    indicators = list(se.evaluation.system.indicators.all())
    before = snapshot(se)
    if office == Office.ESTABLISHMENT and grades:
        se.grades = _clean_grades(se, grades, indicators)
    if verdict == CheckVerdict.ADJUST and office == Office.ESTABLISHMENT:
        se.adjusted_score = value
        se.adjust_reason = reason
    if verdict == CheckVerdict.RETURN:
        se.status = SelfStatus.RETURNED
        se.returned_reason = f"{Office(office).label}：{reason}"
    check = EvaluationCheck.objects.create(self_evaluation=se, office=office, verdict=verdict, score=value,
                                           reason=reason, given_by=_user(actor))
    se.version += 1
    se.save()
    audit.record(actor=actor, action=f"审核运行成效自评（{Office(office).label}{CheckVerdict(verdict).label}）",
                 target=se, before=before, after=snapshot(se), body_id=se.body_id, reason=reason)
    return check


def missing_offices(se: SelfEvaluation) -> list[str]:
    """The offices (编办, 两办, 组织部) that have given no opinion on the self-evaluation since it was last sent:
    no body is graded by one office alone."""
    given = set(se.checks.filter(created_at__gte=se.submitted_at).values_list("office", flat=True)) \
        if se.submitted_at else set()
    return [o for o in Office.values if o not in given]


@transaction.atomic
def selfeval_check_done(*, actor, self_evaluation: SelfEvaluation) -> SelfEvaluation:
    """编办 closes the check: the grades given, the score (编办's adjusted score, or the score on the system) and
    its grade on the system's scale."""
    se = _locked_self(self_evaluation)
    _check_manager(actor, se.evaluation.region_id, "审核完成")
    if se.status != SelfStatus.SUBMITTED:
        _refuse(f"“{se.name}”的自评{se.get_status_display()}，只有已报送的自评才能审核完成。")
    missing = missing_offices(se)
    if missing:
        _refuse(f"“{se.name}”的自评还没有{'、'.join(Office(o).label for o in missing)}的审核意见；"
                "编办、两办、组织部三方意见齐全后才能完成审核。", "office")
    total, _lines, pending = self_score(se)
    if pending:
        names = "、".join(f"“{i.name}”" for i in pending)
        _refuse(f"请先评定“{se.name}”{names}的等次，再完成审核。", f"grade_{pending[0].pk}")
    before = snapshot(se)
    se.self_score = se.self_score if se.self_score is not None else total
    se.score = se.adjusted_score if se.adjusted_score is not None else total
    se.grade = scoring.grade_for(se.evaluation.system.scale, se.score)
    se.status = SelfStatus.CHECKED
    se.checked_by = _user(actor)
    se.checked_at = timezone.now()
    se.version += 1
    se.save()
    audit.record(actor=actor, action="运行成效自评审核完成", target=se, before=before, after=snapshot(se),
                 body_id=se.body_id, reason=f"得分{se.score}，等次{se.grade}")
    return se
