"""Departments' 三定 duties as rows (`DepartmentDuty`): the one home of their writes (docs/decisions/0026)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max, Q

from yixie.core import audit
from yixie.core.dates import format_date_zh

from .models import Department, DepartmentDuty
from .services import OrgError


def duties_in_force(department_ids, on: date | None = None):
    """The duties in force on `on` (default: today) of the given departments, in their order."""
    on = on or date.today()
    return DepartmentDuty.objects.filter(department_id__in=list(department_ids)).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)).order_by("department_id", "ordinal", "id")


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
        audit.record(actor=actor, action="调整部门职责", target=dept,
                     before={"职责": duty.text} if duty is not None and dept == from_department else None,
                     after={"职责": text, "划出": from_department.name if from_department else "",
                            "划入": to_department.name, "日期": on, "依据": basis}, reason=reason)
    return new
