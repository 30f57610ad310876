"""Departments' 三定 duties as rows (`DepartmentDuty`): the one home of their writes (docs/decisions/0026)."""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.db.models import Max, Q

from yixie.core import audit
from yixie.core.dates import format_date_zh

from .errors import OrgError
from .models import Department, DepartmentDuty


def duties_in_force(department_ids, on: date | None = None):
    """The duties in force on `on` (default: today) of the given departments, in their order."""
    on = on or date.today()
    return DepartmentDuty.objects.filter(department_id__in=list(department_ids)).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)).order_by("department_id", "ordinal", "id")


#: where one duty of a 三定 text ends: 。；; and line breaks
_DUTY_SPLIT = re.compile(r"[。；;\n\r]+")
DEFAULT_BASIS = "三定规定"


def split_duties(text: str) -> list[str]:
    """The duties of a 三定 text, one per sentence (split on 。；; and line breaks), trimmed, empty ones dropped,
    a duty repeated kept once. Used by the data migration, the demo and the department form (one a line)."""
    seen: list[str] = []
    for part in _DUTY_SPLIT.split(text or ""):
        part = part.strip().strip("，,、 \t")
        if part and part not in seen:
            seen.append(part)
    return seen


def duties_text(texts) -> str:
    """The derived `Department.duties` text: the duties in force as one paragraph (each ending in 。).
    The rows are the truth; this text is kept in step by the services below (docs/decisions/0026)."""
    return "".join(t if t.endswith(("。", "；", ";")) else f"{t}。" for t in texts)


def _sync_text(department: Department, on: date | None = None) -> None:
    """Write the derived text of the duties in force today (and so `updated_at`, which the overlap engine's
    fingerprint watches)."""
    texts = list(duties_in_force([department.pk]).values_list("text", flat=True))
    department.duties = duties_text(texts)
    department.save(update_fields=["duties", "updated_at"])


def _check_editor(actor, department: Department) -> None:
    """编办 of the department's region (or above) edits its 三定 duties; internal callers pass no user."""
    if not getattr(actor, "is_authenticated", False):
        return
    from .scopes import scope_for

    scope = scope_for(actor, "org.edit")
    if not (scope.everything or department.region_id in scope.region_ids):
        raise OrgError(f"只有{department.region.name}及上级机构编制部门可以修改“{department.name}”的三定职责。",
                       "duties")


@transaction.atomic
def duties_replace(*, actor, department: Department, lines, basis: str = DEFAULT_BASIS, on: date | None = None,
                   reason: str = "") -> list[DepartmentDuty]:
    """Replace the department's duties in force with `lines` (a text, one duty a line, or a list): a duty no
    longer listed ends on `on` (default today); a new one starts that day (or, for a department with no rows
    yet, from its 三定规定 with no start date); one kept keeps its row and history. Audited."""
    on = on or date.today()
    department = Department.objects.select_for_update().get(pk=department.pk)
    _check_editor(actor, department)
    if isinstance(lines, str):
        lines = [ln.strip() for ln in lines.splitlines()]
    wanted: list[str] = []
    for line in lines:
        line = (line or "").strip().rstrip("。；;").strip()
        if line and line not in wanted:
            wanted.append(line)
    if any(len(line) > 2000 for line in wanted):
        raise OrgError("每条职责不超过2000字，请分成几条（一行一条）。", "duties")
    current = list(duties_in_force([department.pk], on))
    first = not DepartmentDuty.objects.filter(department=department).exists()
    by_text = {d.text: d for d in current}
    before = [d.text for d in current]
    if before == wanted:
        return current
    ended = [d for d in current if d.text not in wanted]
    for d in ended:
        d.ended_on, d.end_reason = on, (reason or "三定职责修订")[:300]
        d.save(update_fields=["ended_on", "end_reason", "updated_at"])
    ordinal = _next_ordinal(department)
    result = []
    for i, text in enumerate(wanted):
        row = by_text.get(text)
        if row is None:
            row = DepartmentDuty.objects.create(department=department, ordinal=ordinal + i, text=text,
                                                basis=(basis or DEFAULT_BASIS)[:200], valid_from=None if first else on)
        elif row.ordinal != ordinal + i:
            row.ordinal = ordinal + i
            row.save(update_fields=["ordinal", "updated_at"])
        result.append(row)
    _sync_text(department, on)
    audit.record(actor=actor, action="修改部门三定职责", target=department, before={"职责": before},
                 after={"职责": wanted, "日期": on, "依据": basis}, reason=reason)
    return result


@transaction.atomic
def duty_end(*, actor, duty: DepartmentDuty, reason: str, on: date | None = None) -> DepartmentDuty:
    """End one duty on `on` (default today), with the reason (required). Audited."""
    on = on or date.today()
    reason = (reason or "").strip()
    duty = DepartmentDuty.objects.select_for_update().select_related("department__region").get(pk=duty.pk)
    _check_editor(actor, duty.department)
    if not reason:
        raise OrgError("请写明终止该职责的原因。", "reason")
    if duty.ended_on is not None and duty.ended_on <= on:
        raise OrgError(f"该职责已于{format_date_zh(duty.ended_on)}终止。", "duty")
    if duty.valid_from is not None and duty.valid_from > on:
        raise OrgError(f"该职责自{format_date_zh(duty.valid_from)}起施行，终止日期不能早于此日。", "on")
    duty.ended_on, duty.end_reason = on, reason[:300]
    duty.save(update_fields=["ended_on", "end_reason", "updated_at"])
    _sync_text(duty.department, on)
    audit.record(actor=actor, action="终止部门三定职责", target=duty.department, before={"职责": duty.text},
                 after={"终止日期": on}, reason=reason)
    return duty


def duties_from_text(actor, department: Department, text: str, basis: str = DEFAULT_BASIS) -> list[DepartmentDuty]:
    """The demo's and an import's helper: the department's duties from its 三定 text (split as the migration does)."""
    return duties_replace(actor=actor, department=department, lines=split_duties(text), basis=basis)


def _next_ordinal(department: Department) -> int:
    return (DepartmentDuty.objects.filter(department=department).aggregate(m=Max("ordinal"))["m"] or 0) + 1


@transaction.atomic
def duty_move(*, actor, duty: DepartmentDuty | None, text: str, from_department: Department | None,
              to_department: Department, on: date, basis: str, reason: str,
              source: tuple[str, str] | None = None) -> DepartmentDuty:
    """Move a boundary between departments' 三定 duties on `on`: the duty `duty` of `from_department` ends that
    day (where one is named) and `text` becomes a duty of `to_department` from that day, citing `basis`
    (编办's division opinion, the establishment committee's decision). Audited on both departments."""
    text, basis, reason = (text or "").strip(), (basis or "").strip(), (reason or "").strip()
    if not text:
        raise OrgError("请填写划转的职责内容。", "text")
    if not basis:
        raise OrgError("请写明职责调整的依据（编办分工意见或编委会决定）。", "basis")
    if from_department is not None and from_department.pk == to_department.pk:
        raise OrgError("职责划出和划入的部门不能相同。", "to_department")
    if from_department is not None and to_department.region_id != from_department.region_id:
        raise OrgError("职责只能在同一区划的部门之间调整。", "to_department")
    if not to_department.exists_on(on):
        raise OrgError(f"“{to_department.name}”在{format_date_zh(on)}不存在，不能承接职责。", "to_department")
    label, url = source or ("", "")
    new = DepartmentDuty.objects.create(department=to_department, ordinal=_next_ordinal(to_department), text=text,
                                        basis=basis[:200], valid_from=on, source_label=label[:100],
                                        source_url=url[:200])
    if duty is not None:
        duty = DepartmentDuty.objects.select_for_update().get(pk=duty.pk)
        if from_department is None or duty.department_id != from_department.pk:
            raise OrgError("所选职责不属于划出部门。", "duty")
        if duty.ended_on is not None and duty.ended_on <= on:
            raise OrgError(f"该职责已于{format_date_zh(duty.ended_on)}终止。", "duty")
        duty.ended_on, duty.end_reason, duty.moved_to = on, reason[:300] or basis[:300], new
        duty.save(update_fields=["ended_on", "end_reason", "moved_to", "updated_at"])
    for dept in filter(None, (from_department, to_department)):
        _sync_text(dept)
        audit.record(actor=actor, action="调整部门职责", target=dept,
                     before={"职责": duty.text} if duty is not None and dept == from_department else None,
                     after={"职责": text, "划出": from_department.name if from_department else "",
                            "划入": to_department.name, "日期": on, "依据": basis}, reason=reason)
    return new
