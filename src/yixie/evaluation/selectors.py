"""Reads of the yearly evaluation: what a user sees, the progress board, the worklists, the to-dos."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from yixie.org.models import Department
from yixie.org.scopes import scope_for

from .choices import EvaluationStatus, Office, SelfStatus
from .models import Evaluation, IndicatorSystem, SelfEvaluation
from .services import OFFICE_OF_ROLE

# ======================================================================== part A: systems, evaluations, self-evaluations


def systems_visible_to(user, action: str = "evaluation.check"):
    """Indicator systems are the region offices' (编办 edits; 两办 and 组织部 read)."""
    return scope_for(user, action).restrict(IndicatorSystem.objects.select_related("region", "based_on"),
                                            regions=lambda ids: Q(region_id__in=ids))


def system_for_user(user, pk: int, action: str = "evaluation.check") -> IndicatorSystem:
    system = systems_visible_to(user, action).filter(pk=pk).first()
    if system is None:
        raise Http404
    return system


def evaluations_visible_to(user, action: str = "evaluation.view"):
    """Region roles: their regions' evaluations. Departments: the evaluations listing a body whose office they
    host (their worklist)."""
    def departments(scope):
        return Q(pk__in=SelfEvaluation.objects.filter(department_id__in=scope.department_ids)
                 .values("evaluation_id"))

    return scope_for(user, action).restrict(Evaluation.objects.select_related("region", "system"),
                                            regions=lambda ids: Q(region_id__in=ids), departments=departments)


def evaluation_for_user(user, pk: int, action: str = "evaluation.view") -> Evaluation:
    evaluation = evaluations_visible_to(user, action).filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    return evaluation


def selfevals_visible_to(user, action: str = "evaluation.view"):
    """Region roles: every self-evaluation of their regions; a host department: its bodies' only."""
    return scope_for(user, action).restrict(
        SelfEvaluation.objects.select_related("evaluation__region", "evaluation__system", "department"),
        regions=lambda ids: Q(evaluation__region_id__in=ids),
        departments=lambda scope: Q(department_id__in=scope.department_ids))


def selfeval_for_user(user, pk: int, action: str = "evaluation.view") -> SelfEvaluation:
    se = selfevals_visible_to(user, action).filter(pk=pk).first()
    if se is None:
        raise Http404
    return se


def region_role(user, region_id: int, action: str) -> bool:
    """Whether the user holds `action` for the region (a region role at or above it, or the superuser)."""
    scope = scope_for(user, action)
    return scope.everything or region_id in scope.region_ids


def user_office(user, region_id: int) -> str | None:
    """The office (编办, 两办, 组织部) the user checks for in this region, if any."""
    from yixie.core.access import user_roles
    from yixie.org.scopes import region_subtree_ids

    if getattr(user, "is_superuser", False):
        return Office.ESTABLISHMENT
    for a in user_roles(user):
        office = OFFICE_OF_ROLE.get(a.role)
        if office and a.region_id and region_id in region_subtree_ids({a.region_id}):
            return office
    return None


def evaluation_rows(user):
    """The list page: the evaluations a user sees, each with its self-evaluations counted in the query."""
    scope = scope_for(user, "evaluation.view")
    mine = Q()
    if not (scope.everything or scope.region_ids):
        mine = Q(self_evaluations__department_id__in=scope.department_ids)
    return (evaluations_visible_to(user)
            .annotate(n_bodies=Count("self_evaluations", filter=mine),
                      n_submitted=Count("self_evaluations", filter=mine & Q(self_evaluations__status__in=[
                          SelfStatus.SUBMITTED, SelfStatus.CHECKED])),
                      n_checked=Count("self_evaluations", filter=mine & Q(self_evaluations__status=SelfStatus.CHECKED)))
            .order_by("-year", "region__code"))


@dataclass
class ProgressRow:
    department_id: int | None
    label: str
    bodies: int = 0
    drafted: int = 0
    submitted: int = 0
    returned: int = 0
    overdue: int = 0
    checked: int = 0

    @property
    def percent(self) -> int:
        return round(100 * (self.submitted + self.checked) / self.bodies) if self.bodies else 0


def progress(evaluation: Evaluation, today: date | None = None) -> dict:
    """Per host department: bodies, drafted, submitted, returned, overdue and checked, counted in SQL (two
    queries however many departments)."""
    today = today or timezone.localdate()
    waiting = Q(status__in=[SelfStatus.DRAFT, SelfStatus.RETURNED])
    # overdue: never submitted (a returned one was sent in time; services.is_overdue)
    late = Q(status=SelfStatus.DRAFT) & ~Q(reopened_until__gte=today) if today > evaluation.deadline else Q(pk__in=[])
    counts = (evaluation.self_evaluations.values("department_id")
              .annotate(bodies=Count("id"),
                        drafted=Count("id", filter=waiting & Q(drafted_at__isnull=False)),
                        submitted=Count("id", filter=Q(status=SelfStatus.SUBMITTED)),
                        returned=Count("id", filter=Q(status=SelfStatus.RETURNED)),
                        overdue=Count("id", filter=late),
                        checked=Count("id", filter=Q(status=SelfStatus.CHECKED)))
              .order_by())
    counts = {r["department_id"]: r for r in counts}
    names = {d.pk: d for d in Department.objects.filter(pk__in=counts).only("id", "name", "order")}
    rows, total = [], ProgressRow(None, "合计")
    for dept_id in sorted(counts, key=lambda d: (names[d].order, d)):
        r = counts[dept_id]
        row = ProgressRow(dept_id, names[dept_id].name, **{k: r[k] for k in (
            "bodies", "drafted", "submitted", "returned", "overdue", "checked")})
        rows.append(row)
        for k in ("bodies", "drafted", "submitted", "returned", "overdue", "checked"):
            setattr(total, k, getattr(total, k) + getattr(row, k))
    return {"rows": rows, "total": total, "late": today > evaluation.deadline}


def checks_by_selfeval(self_evaluations) -> dict[int, dict[str, object]]:
    """Each self-evaluation's latest check per office (one query)."""
    from .models import EvaluationCheck

    out: dict[int, dict[str, object]] = defaultdict(dict)
    for c in EvaluationCheck.objects.filter(self_evaluation__in=list(self_evaluations)).order_by("created_at", "id"):
        out[c.self_evaluation_id][c.office] = c
    return out


def indicators_of(system: IndicatorSystem, target: str | None = None) -> list:
    qs = system.indicators.order_by("target", "order", "id")
    return list(qs.filter(target=target) if target else qs)


def todo_count(user) -> int:
    """Host departments: self-evaluations to fill or submit in open evaluations. The three offices: submitted
    self-evaluations of their regions their office has not checked yet. One query per kind of role held."""
    n = 0
    ids = scope_for(user, "evaluation.fill").department_ids
    if ids:
        n += SelfEvaluation.objects.filter(
            Q(evaluation__status=EvaluationStatus.OPEN, status=SelfStatus.DRAFT)
            | Q(evaluation__status__in=[EvaluationStatus.OPEN, EvaluationStatus.CHECKING], status=SelfStatus.RETURNED),
            department_id__in=ids).count()
    scope = scope_for(user, "evaluation.check")
    if scope.region_ids and not scope.everything:
        from yixie.core.access import user_roles

        offices = {OFFICE_OF_ROLE[a.role] for a in user_roles(user) if a.role in OFFICE_OF_ROLE}
        if offices:
            n += (SelfEvaluation.objects.filter(evaluation__region_id__in=scope.region_ids,
                                                status=SelfStatus.SUBMITTED)
                  .exclude(checks__office__in=offices).count())
    return n

