"""How a self-evaluation and a member unit's scores become points, a score and a grade: one place for the
arithmetic the pages, the results job and the benchmarks all use.

An indicator earns up to its weight: a count against its norm (达到标准值得满分), a ratio, a yes/no, or a
grade (好/较好/一般/差) that 编办 gives when checking. Member indicators are scored by the lead department
as points between 0 and the weight."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from yixie.core.errors import DomainError

from .choices import GRADE_LEVELS, Method, Source

ONE = Decimal("1")
TENTH = Decimal("0.1")


def _q(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def figure(self_evaluation, source: str):
    """The value of one figure of a self-evaluation: a number, a ratio (0–1), a yes/no, or None if unknown."""
    se = self_evaluation
    pre = se.prefill or {}
    if source in (Source.MEETINGS_HELD, Source.DOCUMENTS_ISSUED, Source.PROBLEMS_COORDINATED):
        return getattr(se, source)
    if source == Source.TASKS_DONE_RATIO:
        if not se.tasks_planned or se.tasks_done is None:
            return None
        return Decimal(se.tasks_done) / Decimal(se.tasks_planned)
    if source == Source.DECISIONS_DONE_RATIO:
        total = pre.get("decisions_total") or 0
        return Decimal(pre.get("decisions_done") or 0) / Decimal(total) if total else None
    if source == Source.WORK_RULES_FILED:
        return bool(pre.get("work_rules_filed_on"))
    if source == Source.MECHANISMS:
        return bool((se.mechanisms or "").strip())
    if source == Source.NO_UNAPPROVED_DOCUMENTS:
        return not pre.get("unapproved_documents")
    return None


def indicator_points(indicator, value=None, grade: str | None = None) -> Decimal | None:
    """The points one indicator earns; None when it waits for a grade not yet given."""
    weight = Decimal(indicator.weight)
    method = indicator.method
    if method == Method.GRADE:
        if not grade:
            return None
        if grade not in GRADE_LEVELS:
            raise DomainError(f"“{indicator.name}”的等次“{grade}”不在“好、较好、一般、差”之中。", f"grade_{indicator.pk}")
        return _q(weight * Decimal(str(GRADE_LEVELS[grade])))
    if method == Method.YESNO:
        return weight if value else Decimal("0")
    if value is None or value is False:
        return Decimal("0")
    value = Decimal(value)
    if method == Method.COUNT:
        norm = Decimal(indicator.norm or 0)
        share = ONE if norm <= 0 else min(value / norm, ONE)
        return _q(weight * max(share, Decimal("0")))
    if method == Method.RATIO:
        return _q(weight * min(max(value, Decimal("0")), ONE))
    raise DomainError(f"“{indicator.name}”的计分方式“{method}”无法识别。")


@dataclass
class Line:
    indicator: object
    value: object
    points: Decimal | None


def body_score(indicators, self_evaluation) -> tuple[Decimal, list[Line], list]:
    """A body's score from its self-evaluation: (total, one line per indicator, the indicators still waiting
    for a grade). Only the system's body indicators count."""
    lines, pending = [], []
    grades = self_evaluation.grades or {}
    for ind in indicators:
        if ind.target != "body":
            continue
        value = figure(self_evaluation, ind.source) if ind.source else None
        points = indicator_points(ind, value, grades.get(str(ind.pk)))
        if points is None:
            pending.append(ind)
        lines.append(Line(ind, value, points))
    total = sum((ln.points for ln in lines if ln.points is not None), Decimal("0"))
    return _q(total), lines, pending


def member_total(indicators, scores: dict) -> tuple[Decimal, dict[str, str]]:
    """Check a member unit's points (each between 0 and its indicator's weight) and add them up.

    Returns (total, the points as stored: indicator id → text). A figure that is not a number, or outside
    0–weight, is refused naming the indicator (its form field is `score_<id>`)."""
    total, clean = Decimal("0"), {}
    for ind in indicators:
        if ind.target != "member":
            continue
        raw = scores.get(str(ind.pk), scores.get(ind.pk))
        if raw is None or str(raw).strip() == "":
            raise DomainError(f"请填写“{ind.name}”的得分。", f"score_{ind.pk}")
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise DomainError(f"“{ind.name}”的得分“{raw}”不是数字。", f"score_{ind.pk}") from None
        if not value.is_finite() or value < 0 or value > Decimal(ind.weight):
            raise DomainError(f"“{ind.name}”的得分{raw}超出范围：应在0到{ind.weight.normalize():f}分之间。",
                              f"score_{ind.pk}")
        value = _q(value)
        clean[str(ind.pk)] = f"{value:f}"
        total += value
    return _q(total), clean


def grade_for(scale: list[dict], score: Decimal | None) -> str:
    """The grade a score earns on the system's scale (the highest band whose minimum it reaches)."""
    if score is None:
        return ""
    for band in sorted(scale, key=lambda b: Decimal(str(b["min"])), reverse=True):
        if score >= Decimal(str(band["min"])):
            return band["grade"]
    return ""


def check_scale(scale) -> list[dict]:
    """A grade scale as data: grades with distinct minimums between 0 and 100, one of them 0."""
    if not isinstance(scale, list) or not scale:
        raise DomainError("请至少设置一个等次。", "scale")
    out, seen = [], set()
    for band in scale:
        name = str(band.get("grade", "")).strip()
        try:
            low = Decimal(str(band.get("min")))
        except InvalidOperation:
            raise DomainError(f"等次“{name}”的最低分不是数字。", "scale") from None
        if not name:
            raise DomainError("等次名称不能为空。", "scale")
        if low < 0 or low > 100:
            raise DomainError(f"等次“{name}”的最低分{low}应在0到100之间。", "scale")
        if name in seen or low in {Decimal(str(b["min"])) for b in out}:
            raise DomainError(f"等次“{name}”与其他等次重复。", "scale")
        seen.add(name)
        out.append({"grade": name, "min": float(low)})
    if not any(Decimal(str(b["min"])) == 0 for b in out):
        raise DomainError("最低一档等次的最低分应为0，使每个得分都有等次。", "scale")
    return sorted(out, key=lambda b: -b["min"])
