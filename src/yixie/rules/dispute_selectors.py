"""Reads of duty-division disputes: who sees which, the list, the page's stages, the division in force
meanwhile, and the to-dos of whoever must act."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from yixie.ledger.selectors import state_on
from yixie.org.models import Department
from yixie.org.scopes import scope_for

from . import division as work_rules_division
from .choices import OPEN_DISPUTE_STATUSES, DisputeStatus, SettledBy
from .disputes import COORDINATE, HOST, RAISE, VIEW
from .models import Consultation, Dispute

#: Which departments reach a dispute under each action: the host of the body's office consults and
#: escalates; the raising unit withdraws; every unit concerned reads.
_PARTY_TABLE = Dispute.parties.through


def _departments_q(action: str):
    def q(scope):
        ids = scope.department_ids
        if action == HOST:
            return Q(body__office_department_id__in=ids)
        if action == RAISE:
            return Q(raised_by_id__in=ids)
        return (Q(raised_by_id__in=ids) | Q(body__office_department_id__in=ids) | Q(body__lead_department_id__in=ids)
                | Q(pk__in=_PARTY_TABLE.objects.filter(department_id__in=ids).values("dispute_id")))
    return q


def disputes_visible_to(user, action: str = VIEW):
    """编办: its regions' disputes. A department: those it raised, is a party to, or whose body it leads or
    hosts the office of (for `HOST`, only the last; for `RAISE`, only the first)."""
    return scope_for(user, action).restrict(
        Dispute.objects.select_related("region", "body", "raised_by", "body__office_department",
                                       "body__lead_department"),
        regions=lambda ids: Q(region_id__in=ids), departments=_departments_q(action))


def dispute_for_user(user, pk: int, action: str = VIEW) -> Dispute:
    dispute = disputes_visible_to(user, action).filter(pk=pk).first()
    if dispute is None:
        raise Http404
    return dispute


def overdue_days(dispute: Dispute, today: date | None = None) -> int:
    """Days the current stage is past its deadline (0 when on time or closed)."""
    today = today or timezone.localdate()
    if dispute.status not in OPEN_DISPUTE_STATUSES or dispute.stage_due_on is None:
        return 0
    return max(0, (today - dispute.stage_due_on).days)


#: What the current stage waits for, and who acts on it.
def stage_of(dispute: Dispute, failed_consultations: int) -> tuple[str, str]:
    s = dispute.status
    if s == DisputeStatus.RAISED:
        if failed_consultations:
            return "协商未达成一致，待提请编办协调", "host"
        return "待办事机构所在部门组织协商", "host"
    if s == DisputeStatus.AGREED:
        return "协商一致，待编办备案", "establishment"
    if s == DisputeStatus.ESCALATED:
        return "待编办提出协调意见", "establishment"
    if s == DisputeStatus.REFERRED:
        return "待编委会研究决定", "establishment"
    if s == DisputeStatus.SETTLED:
        return f"已办结（{dispute.get_settled_by_display()}）", ""
    return "已撤回", ""


def dispute_rows(user, *, status: str = "", overdue: bool = False, body_id: int = 0, today: date | None = None):
    today = today or timezone.localdate()
    # Counted per row (a correlated subquery), not by a join and GROUP BY over every dispute in scope before
    # sorting: 38–42 ms → 25–26 ms with 3,000 disputes in one scope (docs/performance.md, issue 13).
    failed = (Consultation.objects.filter(dispute=OuterRef("pk"), agreed=False).order_by()
              .values("dispute").annotate(n=Count("id")).values("n"))
    qs = disputes_visible_to(user).annotate(n_failed=Coalesce(Subquery(failed), 0))
    if status == "open":
        qs = qs.filter(status__in=OPEN_DISPUTE_STATUSES)
    elif status in DisputeStatus.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=OPEN_DISPUTE_STATUSES, stage_due_on__lt=today)
    if body_id:
        qs = qs.filter(body_id=body_id)
    return qs.order_by("-raised_on", "-id")


def decorate(rows, today: date | None = None) -> list[Dispute]:
    today = today or timezone.localdate()
    for d in rows:
        d.stage_label, d.actor_kind = stage_of(d, getattr(d, "n_failed", 0))
        d.overdue_days = overdue_days(d, today)
    return rows


def todo_count(user) -> int:
    """Disputes waiting for the user to act: the host department's to consult or escalate, 编办's to file,
    give its opinion on or record the committee's decision. One query per kind of role held."""
    n = 0
    ids = scope_for(user, HOST).department_ids
    if ids:
        n += Dispute.objects.filter(body__office_department_id__in=ids, status=DisputeStatus.RAISED).count()
    scope = scope_for(user, COORDINATE)
    if scope.everything or scope.region_ids:
        qs = Dispute.objects.filter(status__in=[DisputeStatus.AGREED, DisputeStatus.ESCALATED,
                                                DisputeStatus.REFERRED])
        n += (qs if scope.everything else qs.filter(region_id__in=scope.region_ids)).count()
    return n


# ---------------------------------------------------------------- the page

@dataclass
class Stage:
    label: str
    state: str  # "done", "current", "todo", "skipped"
    on: date | None = None
    note: str = ""


def timeline(dispute: Dispute, consultations: list) -> list[Stage]:
    """提出 → 协商 → 备案 / 提请协调 → 分工意见 / 编委会决定 → 办结."""
    s = dispute.status
    agreed = next((c for c in consultations if c.agreed), None)
    last = consultations[-1] if consultations else None
    stages = [Stage("提出异议", "done", dispute.raised_on, dispute.raised_by.name)]
    if consultations:
        stages.append(Stage("组织协商", "done", last.held_on,
                            f"协商{len(consultations)}次，" + ("达成一致" if agreed else "未达成一致")))
    else:
        stages.append(Stage("组织协商", "current" if s == DisputeStatus.RAISED else "skipped"))
    if agreed or s == DisputeStatus.AGREED or dispute.settled_by == SettledBy.CONSULTATION:
        stages.append(Stage("编办备案", "done" if dispute.filed_on else "current", dispute.filed_on))
    else:
        escalation_state = "done" if dispute.escalated_on else (
            "current" if s == DisputeStatus.RAISED and consultations else "todo")
        stages.append(Stage("提请编办协调", escalation_state if s != DisputeStatus.WITHDRAWN or dispute.escalated_on
                            else "skipped", dispute.escalated_on))
        if dispute.referred_on or s == DisputeStatus.REFERRED:
            stages.append(Stage("提交编委会", "done", dispute.referred_on))
            stages.append(Stage("编委会决定", "done" if dispute.decision_on else "current", dispute.decision_on))
        else:
            stages.append(Stage("编办分工意见", "done" if dispute.opinion_on else (
                "current" if s == DisputeStatus.ESCALATED else "todo"), dispute.opinion_on))
    if s == DisputeStatus.WITHDRAWN:
        stages.append(Stage("已撤回", "done", None, dispute.withdrawn_reason))
        for st in stages:
            if st.state in ("current", "todo"):
                st.state = "skipped"
    else:
        stages.append(Stage("办结", "done" if s == DisputeStatus.SETTLED else "todo", dispute.settled_on))
    return stages


def division_in_force(dispute: Dispute, on: date | None = None) -> dict:
    """The division of the matter in force on `on` (today): the ledger's (a division event) or, failing it, the
    filed work rules' task; {"source", "principal": [names], "assisting": [names]} or {"source": ""}."""
    on = on or timezone.localdate()
    state = state_on(dispute.body, on) or {}
    for entry in state.get("division") or []:
        if entry.get("matter") == dispute.matter:
            return {"source": "台账登记的职责分工", "principal": [d["name"] for d in entry.get("principal", [])],
                    "assisting": [d["name"] for d in entry.get("assisting", [])]}
    rules = work_rules_division.filed_work_rules(dispute.body)
    task = work_rules_division.matter_task(rules, dispute.matter, dispute.cited_task_id)
    if task is not None:
        assignments = list(task.assignments.select_related("department"))
        return {"source": f"{task.work_rules}第{task.ordinal}项“{task.text}”", "task": task,
                "principal": [a.department.name for a in assignments if a.role == "principal"],
                "assisting": [a.department.name for a in assignments if a.role == "assisting"]}
    return {"source": "", "has_rules": rules is not None}


def outcome_names(dispute: Dispute) -> dict:
    ids = [*dispute.outcome.get("principal", []), *dispute.outcome.get("assisting", [])]
    if not ids:
        return {}
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {"principal": [names.get(i, "") for i in dispute.outcome.get("principal", [])],
            "assisting": [names.get(i, "") for i in dispute.outcome.get("assisting", [])]}


def bodies_for_raising(user):
    """The bodies the user's department may raise a dispute about (member or lead, in the ledger now), through
    the user's scope."""
    from yixie.ledger.choices import BodyStatus
    from yixie.ledger.models import Body, Membership

    scope = scope_for(user, RAISE)
    qs = Body.objects.visible_to(user, RAISE).filter(status=BodyStatus.ACTIVE)
    if scope.everything:
        return qs.order_by("name")
    ids = scope.department_ids
    return qs.filter(Q(lead_department_id__in=ids)
                     | Q(id__in=Membership.objects.filter(department_id__in=ids).values("body_id"))).order_by("name")


def duty_changes(dispute: Dispute) -> list:
    """The 三定 duties the settlement moved: the duties it started (and the ones they replace)."""
    from yixie.org.models import DepartmentDuty

    from .disputes import dispute_url

    return list(DepartmentDuty.objects.filter(source_url=dispute_url(dispute)).select_related("department")
                .prefetch_related("moved_from__department").order_by("id"))
