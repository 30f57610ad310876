"""Reads of the work rules: which bodies a user sees, each body's due date (one place), the overdue bodies, the
to-do counts and a department's duties across its bodies. Every read goes through the user's scope."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from yixie.core.models import AuditEntry
from yixie.ledger.choices import BodyStatus
from yixie.ledger.models import Body, Membership
from yixie.ledger.policy import values_for_regions
from yixie.org.duties import duties_in_force
from yixie.org.models import Department, Region
from yixie.org.scopes import scope_for

from .choices import TaskRole, WorkRulesStatus
from .models import MemberDuty, TaskAssignment, WorkRules

DEADLINE_KEY = "work_rules.deadline_days"


# ---------------------------------------------------------------- scope

def bodies_visible_to(user, action: str = "workrules.view"):
    """The bodies whose work rules the user sees: the regions' bodies for a region role; for a department, the
    bodies it leads, hosts or sits in (the ledger's own scope of bodies)."""
    return Body.objects.visible_to(user, action)


def body_for_user(user, pk: int, action: str = "workrules.view") -> Body:
    """The body, if the user sees it (`workrules.view`) or holds the writing `action` for it; else 404."""
    qs = bodies_visible_to(user) if action == "workrules.view" else bodies_held_by(user, action)
    body = qs.select_related("region", "lead_department", "office_department") \
        .filter(pk=pk).first()
    if body is None:
        raise Http404
    return body


def bodies_held_by(user, action: str):
    """The bodies for which the user holds `action` itself: a region role's region (or below), or the bodies
    whose office the user's department hosts (a member unit reads, it does not draft)."""
    scope = scope_for(user, action)
    return scope.restrict(Body.objects.all(), regions=lambda ids: Q(region_id__in=ids),
                          departments=lambda s: Q(region_id__in=s.department_region_ids,
                                                  office_department_id__in=s.department_ids))


def work_rules_visible_to(user, action: str = "workrules.view"):
    qs = bodies_visible_to(user) if action == "workrules.view" else bodies_held_by(user, action)
    return WorkRules.objects.filter(body__in=qs)


def work_rules_for_user(user, pk: int, action: str = "workrules.view") -> WorkRules:
    wr = work_rules_visible_to(user, action).select_related(
        "body__region", "body__lead_department", "body__office_department", "drafted_by", "submitted_by",
        "reviewed_by", "previous").filter(pk=pk).first()
    if wr is None:
        raise Http404
    return wr


def holds(user, body: Body, action: str) -> bool:
    """A region role of the body's region (or above), or the department hosting the body's office."""
    scope = scope_for(user, action)
    return scope.everything or body.region_id in scope.region_ids or body.office_department_id in scope.department_ids


def reviews(user, body: Body) -> bool:
    scope = scope_for(user, "workrules.review")
    return scope.everything or body.region_id in scope.region_ids


# ---------------------------------------------------------------- due dates (the one place)

def deadline_days(region_ids=None) -> dict[int, int]:
    """The policy's deadline (days after setup) in force for each region (`work_rules.deadline_days`; every
    region when none are named), in two queries."""
    if region_ids is None:
        region_ids = Region.objects.values_list("id", flat=True)
    return {rid: int(v.value) for rid, v in values_for_regions(DEADLINE_KEY, set(region_ids)).items()}


def due_on(body: Body, days: dict[int, int] | None = None) -> date:
    """When the body's work rules are due: `Body.work_rules_due_on` where the ledger set it, else its setup date
    plus the policy's deadline for its region."""
    if body.work_rules_due_on is not None:
        return body.work_rules_due_on
    days = days if days is not None else deadline_days([body.region_id])
    return body.established_on + timedelta(days=days[body.region_id])


def _overdue_q(today: date, days: dict[int, int]) -> Q:
    """Bodies past their due date (SQL): the ledger's due date, else setup + the region's deadline."""
    q = Q(work_rules_due_on__lt=today)
    by_days: dict[int, list[int]] = {}
    for rid, d in days.items():
        by_days.setdefault(d, []).append(rid)
    for d, rids in by_days.items():
        q |= Q(work_rules_due_on__isnull=True, region_id__in=sorted(rids), established_on__lt=today - timedelta(days=d))
    return q


def overdue(bodies, today: date | None = None, days: dict[int, int] | None = None):
    """Of `bodies`, those in force with no filed work rules past their due date."""
    today = today or timezone.localdate()
    days = days if days is not None else deadline_days()
    return bodies.filter(status=BodyStatus.ACTIVE, work_rules_filed_on__isnull=True).filter(_overdue_q(today, days))


def with_due(rows, today: date | None = None, days: dict[int, int] | None = None) -> list:
    """Each body with `due` (its due date) and `days_overdue` (0 when not overdue)."""
    today = today or timezone.localdate()
    rows = list(rows)
    days = days if days is not None else deadline_days({b.region_id for b in rows})
    for b in rows:
        b.due = due_on(b, days)
        late = b.status == BodyStatus.ACTIVE and b.work_rules_filed_on is None and b.due < today
        b.days_overdue = (today - b.due).days if late else 0
    return rows


# ---------------------------------------------------------------- the list

STATUS_FILTERS = [("", "全部"), ("none", "尚未起草"), (WorkRulesStatus.DRAFT, "起草中"),
                  (WorkRulesStatus.RETURNED, "已退回修改"), (WorkRulesStatus.SUBMITTED, "待备案"),
                  ("filed", "已备案"), ("overdue", "逾期未备案")]


def body_rows(user, *, status: str = "", region_id: int | None = None, today: date | None = None,
              days: dict[int, int] | None = None):
    """The bodies of the list with the status of their latest version (`latest_status`, `latest_pk`)."""
    today = today or timezone.localdate()
    latest = WorkRules.objects.filter(body=OuterRef("pk")).order_by("-revision")
    qs = (bodies_visible_to(user).filter(status=BodyStatus.ACTIVE)
          .select_related("region", "office_department")
          .annotate(latest_status=Subquery(latest.values("status")[:1]), latest_pk=Subquery(latest.values("pk")[:1])))
    if region_id:
        qs = qs.filter(region_id=region_id)
    if status == "none":
        qs = qs.filter(latest_status__isnull=True, work_rules_filed_on__isnull=True)
    elif status == "filed":
        qs = qs.filter(work_rules_filed_on__isnull=False)
    elif status == "overdue":
        qs = overdue(qs, today, days)
    elif status in (WorkRulesStatus.DRAFT, WorkRulesStatus.RETURNED, WorkRulesStatus.SUBMITTED):
        qs = qs.filter(latest_status=status)
    return qs.order_by("region__code", "category", "name", "id")


def overdue_rows(user, today: date | None = None, days: dict[int, int] | None = None):
    latest = WorkRules.objects.filter(body=OuterRef("pk")).order_by("-revision")
    qs = bodies_visible_to(user).select_related("region", "office_department").annotate(
        latest_status=Subquery(latest.values("status")[:1]))
    return overdue(qs, today, days) \
        .order_by("work_rules_due_on", "established_on", "id")


# ---------------------------------------------------------------- to-do

def todo_count(user) -> int:
    """Host departments: their bodies' work rules overdue, returned or to submit; 编办: versions to file.
    One query per kind of role held (no navigation badge: every page would pay for it)."""
    n = 0
    ids = scope_for(user, "workrules.draft").department_ids
    if ids:
        # each hosted body once: returned to it, or overdue and not with 编办
        hosted = Body.objects.filter(office_department_id__in=ids, status=BodyStatus.ACTIVE)
        returned = Exists(WorkRules.objects.filter(body=OuterRef("pk"), status=WorkRulesStatus.RETURNED))
        submitted = Exists(WorkRules.objects.filter(body=OuterRef("pk"), status=WorkRulesStatus.SUBMITTED))
        late = Q(work_rules_filed_on__isnull=True) & _overdue_q(timezone.localdate(), deadline_days()) & ~Q(submitted)
        n += hosted.filter(Q(returned) | late).count()
    scope = scope_for(user, "workrules.review")
    if scope.region_ids and not scope.everything:
        n += WorkRules.objects.filter(body__region_id__in=scope.region_ids, status=WorkRulesStatus.SUBMITTED).count()
    return n


def to_review(user):
    scope = scope_for(user, "workrules.review")
    qs = WorkRules.objects.filter(status=WorkRulesStatus.SUBMITTED).select_related("body__region",
                                                                                    "body__office_department")
    if not scope.everything:
        qs = qs.filter(body__region_id__in=scope.region_ids)
    return qs.order_by("submitted_at", "id")


# ---------------------------------------------------------------- a version laid out

def content(wr: WorkRules) -> dict:
    """A version's tasks × units (主办/协办) and member units' duties, in a constant number of queries."""
    body = wr.body
    memberships = list(Membership.objects.filter(body=body).select_related("department").order_by("order", "id"))
    tasks = list(wr.tasks.prefetch_related(
        Prefetch("assignments", queryset=TaskAssignment.objects.select_related("department"))))
    duties = {d.department_id: d.duties for d in wr.member_duties.all()}
    # the columns: the lead, the host, then the members; plus any other unit a task names
    columns: dict[int, Department] = {body.lead_department_id: body.lead_department,
                                      body.office_department_id: body.office_department}
    for m in memberships:
        columns.setdefault(m.department_id, m.department)
    for t in tasks:
        for a in t.assignments.all():
            columns.setdefault(a.department_id, a.department)
    cols = list(columns.values())
    task_rows = []
    for t in tasks:
        roles = {a.department_id: a.get_role_display() for a in t.assignments.all()}
        task_rows.append({"task": t, "cells": [roles.get(d.pk, "") for d in cols],
                          "principal": [a.department for a in t.assignments.all() if a.role == TaskRole.PRINCIPAL],
                          "assisting": [a.department for a in t.assignments.all() if a.role == TaskRole.ASSISTING]})
    member_rows = []
    for m in memberships:
        led = [t.text for t in tasks if any(a.department_id == m.department_id and a.role == TaskRole.PRINCIPAL
                                            for a in t.assignments.all())]
        assisted = [t.text for t in tasks if any(a.department_id == m.department_id and a.role == TaskRole.ASSISTING
                                                 for a in t.assignments.all())]
        member_rows.append({"department": m.department, "role": m.get_role_display(),
                            "duties": duties.get(m.department_id, ""), "leads": led, "assists": assisted})
    return {"columns": cols, "tasks": task_rows, "members": member_rows}


#: the steps of a version shown on its page (its edits are many and say little)
STEPS = ("起草工作规则", "修订工作规则", "报送工作规则备案", "退回工作规则", "工作规则备案", "工作规则被修订")


def history(wr: WorkRules) -> list:
    """The steps of a version (who, when, the reasons), from the audit journal: one query."""
    return list(AuditEntry.objects.filter(target_type=WorkRules._meta.label_lower, target_id=str(wr.pk),
                                          action__in=STEPS).select_related("actor").order_by("at", "id"))


def versions_of(body: Body):
    return body.work_rules.select_related("drafted_by", "reviewed_by").order_by("-revision")


# ---------------------------------------------------------------- a department's duties across its bodies

def departments_visible_to(user):
    """Departments whose overview the user may open: its own (a department role), its regions' (a region role)."""
    scope = scope_for(user, "workrules.view")
    if scope.everything:
        return Department.objects.all()
    return Department.objects.filter(Q(region_id__in=scope.region_ids) | Q(pk__in=scope.department_ids))


def department_for_user(user, pk: int) -> Department:
    dept = departments_visible_to(user).select_related("region").filter(pk=pk).first()
    if dept is None:
        raise Http404
    return dept


def department_overview(department: Department, on: date | None = None) -> dict:
    """The department's 三定 duties in force and, for each body in force it leads, hosts or sits in, its duties
    under the body's filed work rules (its member duty text, the tasks it leads or assists)."""
    on = on or timezone.localdate()
    dept_id = department.pk
    bodies = list(Body.objects.filter(status=BodyStatus.ACTIVE).filter(
        Q(lead_department_id=dept_id) | Q(office_department_id=dept_id)
        | Q(id__in=Membership.objects.filter(department_id=dept_id).values("body_id")))
        .select_related("region").order_by("category", "name", "id"))
    filed = {wr.body_id: wr for wr in WorkRules.objects.filter(body__in=bodies, status=WorkRulesStatus.FILED)}
    duties = dict(MemberDuty.objects.filter(work_rules__in=filed.values(), department_id=dept_id)
                  .values_list("work_rules__body_id", "duties"))
    tasks: dict[int, dict[str, list[str]]] = {}
    for body_id, text, role in TaskAssignment.objects.filter(task__work_rules__in=filed.values(),
                                                             department_id=dept_id).order_by(
            "task__ordinal", "task_id").values_list("task__work_rules__body_id", "task__text", "role"):
        tasks.setdefault(body_id, {TaskRole.PRINCIPAL: [], TaskRole.ASSISTING: []})[role].append(text)
    rows = []
    for b in bodies:
        how = ("牵头部门" if b.lead_department_id == dept_id else
               "办事机构所在部门" if b.office_department_id == dept_id else "成员单位")
        if b.lead_department_id == dept_id and b.office_department_id == dept_id:
            how = "牵头部门、办事机构所在部门"
        t = tasks.get(b.pk, {})
        rows.append({"body": b, "how": how, "rules": filed.get(b.pk), "duties": duties.get(b.pk, ""),
                     "leads": t.get(TaskRole.PRINCIPAL, []), "assists": t.get(TaskRole.ASSISTING, [])})
    return {"sanding": list(duties_in_force([dept_id], on)), "bodies": rows,
            "with_rules": sum(1 for r in rows if r["rules"])}


def bodies_with_duties_of_departments(ids: list[int], on) -> dict[int, int]:
    """The departments page's fact: for each department, the bodies whose filed work rules give it a duty or a
    task (one query: the (department, body) pairs of both, their UNION without repeats)."""
    duties = (MemberDuty.objects.filter(department_id__in=ids, work_rules__status=WorkRulesStatus.FILED)
              .exclude(duties="").values_list("department_id", "work_rules__body_id").order_by())
    tasks = (TaskAssignment.objects.filter(department_id__in=ids, task__work_rules__status=WorkRulesStatus.FILED)
             .values_list("department_id", "task__work_rules__body_id").order_by())
    counts: dict[int, int] = {}
    for dept_id, _body in duties.union(tasks):
        counts[dept_id] = counts.get(dept_id, 0) + 1
    return counts
