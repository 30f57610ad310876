"""Reads for joint approval: scoped application lists, to-do lists, leader load and turnaround."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from yixie.core import proposals
from yixie.core.access import user_can
from yixie.leaderload import selectors as leaderload
from yixie.ledger.choices import COUNTED_CATEGORIES
from yixie.ledger.models import Membership
from yixie.org.scopes import scope_for

from .choices import ApplicationKind, ApplicationStatus, ReviewStep
from .models import Application, Review

S = ApplicationStatus


def applications_visible_to(user):
    """Region roles see their regions' submitted applications; departments see their own (drafts included)
    and those closing a joint meeting they belong to. Nobody sees another department's drafts."""
    def departments(scope):
        member_of = Membership.objects.filter(department_id__in=scope.department_ids).values("body_id")
        return Q(department_id__in=scope.department_ids) | (Q(body_id__in=member_of) & ~Q(status=S.DRAFT))

    return scope_for(user, "application.view").restrict(
        Application.objects.select_related("region", "department", "body"),
        regions=lambda ids: Q(region_id__in=ids) & ~Q(status=S.DRAFT), departments=departments)


def application_for_user(user, pk: int) -> Application:
    app = applications_visible_to(user).filter(pk=pk).first()
    if app is None:
        raise Http404
    return app


@dataclass
class TodoItem:
    application: Application
    action: str
    since: datetime
    overdue: bool

    @property
    def waited(self) -> str:
        delta = timezone.now() - self.since
        hours = int(delta.total_seconds() // 3600)
        if hours < 1:
            return f"{max(1, int(delta.total_seconds() // 60))}分钟"
        if hours < 24:
            return f"{hours}小时"
        return f"{delta.days}天{hours % 24}小时"


# How long a step may wait before it stands out (the seed: 编办 gives its opinion the same day).
STEP_LIMIT_HOURS = {
    ReviewStep.ACCEPTANCE: 24, ReviewStep.ESTABLISHMENT: 8, ReviewStep.PERSONNEL: 72,
    ReviewStep.DELIBERATION: 24 * 30, ReviewStep.PUBLICATION: 24 * 7,
}
STEP_ACTIONS = {
    ReviewStep.ACCEPTANCE: ("application.accept", "受理"),
    ReviewStep.ESTABLISHMENT: ("application.review_establishment", "编办审核"),
    ReviewStep.PERSONNEL: ("application.review_personnel", "组织部审核"),
    ReviewStep.DELIBERATION: ("application.deliberate", "登记会议研究结果"),
    ReviewStep.PUBLICATION: ("application.publish", "发文公布"),
}


def _overdue_before(step: str) -> datetime:
    """A pending step that started before this moment is overdue."""
    if step == ReviewStep.ESTABLISHMENT:  # not answered the same day
        return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return timezone.now() - timedelta(hours=STEP_LIMIT_HOURS[step])


def _overdue(step: str, since: datetime) -> bool:
    return since < _overdue_before(step)


DEPARTMENT_TODO = (
    ("application.submit", [S.DRAFT], "审核后提交"),
    ("application.draft", [S.RETURNED], "按意见修改后重新提交"),
)


def _todo_querysets(user):
    """The querysets of what waits for the user: ("review", step, label, pending reviews) for each step
    in scope, then ("application", None, label, applications) for the department's own drafts and returns.
    One place for the to-do rules; the list and the count both read them."""
    visible = applications_visible_to(user)
    for step, (action, label) in STEP_ACTIONS.items():
        scope = scope_for(user, action)
        if scope.empty:
            continue
        reviews = Review.objects.filter(decision="", cancelled=False, step=step, application__in=visible)
        if not scope.everything:
            reviews = reviews.filter(application__region_id__in=scope.region_ids)
        yield "review", step, label, reviews
    for action, statuses, label in DEPARTMENT_TODO:
        scope = scope_for(user, action)
        if scope.department_ids or scope.everything:
            apps = visible.filter(status__in=statuses)
            if not scope.everything:
                apps = apps.filter(department_id__in=scope.department_ids)
            yield "application", None, label, apps


def todo_count(user) -> int:
    """How many items wait for the user, counted in SQL (the navigation badge on every page).
    Drafts and returned applications have no pending review, so the two kinds never overlap."""
    return sum(qs.count() for _kind, _step, _label, qs in _todo_querysets(user))


def todo_for(user) -> list[TodoItem]:
    """What waits for this user, oldest first."""
    items: list[TodoItem] = []
    for kind, step, label, qs in _todo_querysets(user):
        if kind == "review":
            for r in qs.select_related("application", "application__department", "application__region"):
                items.append(TodoItem(r.application, label, r.started_at, _overdue(step, r.started_at)))
        else:
            seen = {i.application.pk for i in items}
            items += [TodoItem(a, label, a.status_changed_at, False) for a in qs if a.pk not in seen]
    items.sort(key=lambda i: i.since)
    return items


TODO_PAGE_SIZE = 50


@dataclass
class TodoPage:
    items: list[TodoItem]
    total: int
    overdue: int
    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def todo_page(user, number=1, per_page: int | None = None) -> TodoPage:
    """One page of `todo_for` (oldest first) without loading the others: each to-do queryset gives at
    most the items up to this page, in order, and they are merged; totals are counted in SQL. A province
    role may have thousands of items waiting."""
    per_page = per_page or TODO_PAGE_SIZE
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    sets = list(_todo_querysets(user))
    total = sum(qs.count() for _kind, _step, _label, qs in sets)
    overdue = sum(qs.filter(started_at__lt=_overdue_before(step)).count()
                  for kind, step, _label, qs in sets if kind == "review")
    num_pages = max(1, -(-total // per_page))
    number = min(number, num_pages)
    need = number * per_page
    items: list[TodoItem] = []
    for kind, step, label, qs in sets:
        if kind == "review":
            rows = (qs.select_related("application", "application__department", "application__region")
                    .order_by("started_at", "id")[:need])
            items += [TodoItem(r.application, label, r.started_at, _overdue(step, r.started_at)) for r in rows]
        else:
            items += [TodoItem(a, label, a.status_changed_at, False)
                      for a in qs.order_by("status_changed_at", "id")[:need]]
    items.sort(key=lambda i: i.since)
    return TodoPage(items[need - per_page:need], total, overdue, number, num_pages)


def leader_load(app: Application) -> dict:
    """The leader load of the application's proposed seats (the engine in `yixie.leaderload`)."""
    state = app.proposed or {}
    adds = 1 if app.kind == "establish" and state.get("category") in COUNTED_CATEGORIES else 0
    return leaderload.leader_load(region=app.region, leaders=state.get("leaders", []), exclude_body_id=app.body_id,
                                  adds=adds)


def turnaround(*, region_ids=None, since=None) -> dict:
    """Per step: how many were decided and their median hours; and the same-day rate of 编办 opinions."""
    reviews = Review.objects.exclude(decided_at=None)
    if region_ids is not None:
        reviews = reviews.filter(application__region_id__in=region_ids)
    if since is not None:
        reviews = reviews.filter(decided_at__gte=since)
    # One pass over (step, started, decided): at province scale tens of thousands of reviews.
    spans: dict[str, list[tuple[datetime, datetime]]] = {step: [] for step in ReviewStep.values}
    for step, started, decided in reviews.values_list("step", "started_at", "decided_at").order_by():
        spans.setdefault(step, []).append((started, decided))
    steps = []
    for step, label in ReviewStep.choices:
        hours = sorted((decided - started).total_seconds() / 3600 for started, decided in spans[step])
        median = hours[len(hours) // 2] if hours else None
        steps.append({"step": step, "label": label, "count": len(hours), "median_hours": median,
                      "max_hours": hours[-1] if hours else None})
    est = spans[ReviewStep.ESTABLISHMENT]
    same_day = sum(1 for started, decided in est if timezone.localdate(started) == timezone.localdate(decided))
    return {"steps": steps, "establishment_total": len(est), "same_day": same_day,
            "same_day_rate": (same_day / len(est)) if est else None}


def status_counts(user) -> dict:
    return dict(applications_visible_to(user).values_list("status").annotate(n=Count("id")).order_by())


def can(user, action: str) -> bool:
    return user_can(user, action)


def regions_under_review():
    """The regions with an application waiting for a step of the review (where overlap checks will run)."""
    from yixie.org.models import Region

    waiting = [ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.REVIEWED,
               ApplicationStatus.RETURNED]
    return Region.objects.filter(
        id__in=Application.objects.filter(status__in=waiting).values("region_id")).order_by("code")


# ---------------------------------------------------------------- proposals of the intake (core.proposals)

PROPOSAL_KINDS = set(ApplicationKind.values) - {ApplicationKind.ESTABLISH}


def proposals_visible_to(user):
    """Open proposals the user may see: region roles those of their regions; a department those about the
    bodies it leads or hosts the office of (it drafts the application)."""
    from yixie.ledger.models import Body

    def departments(scope):
        ids = scope.department_ids
        return Q(body_id__in=Body.objects.filter(Q(lead_department_id__in=ids) | Q(office_department_id__in=ids))
                 .values("id"))

    return scope_for(user, "application.view").restrict(
        proposals.proposals_open().filter(kind__in=PROPOSAL_KINDS),
        regions=lambda ids: Q(region_id__in=ids), departments=departments)


def proposals_to_take(user):
    """The open proposals this user is to turn into applications (department clerks who draft)."""
    from yixie.ledger.models import Body

    return scope_for(user, "application.draft").restrict(
        proposals.proposals_open().filter(kind__in=PROPOSAL_KINDS),
        departments=lambda scope: Q(body_id__in=Body.objects.filter(lead_department_id__in=scope.department_ids)
                                    .values("id")))


def proposals_count(user) -> int:
    return proposals_to_take(user).count()


def proposal_take_url(proposal) -> str:
    from django.urls import reverse

    return f"{reverse('approvals:new')}?kind={proposal.kind}&body={proposal.body_id}&proposal={proposal.pk}"


def overlaps_for(app, *, include_descendants: bool = False) -> list[dict]:
    """Overlap evidence for an application (name, duties, aliases against the region's bodies and 三定;
    with `include_descendants`, those of its subordinate regions too)."""
    from yixie.overlap.api import find_overlaps

    state = app.proposed or {}
    name = state.get("name") or (app.body.name if app.body_id else "")
    duties = state.get("duties") or (app.body.duties if app.body_id else "")
    exclude = [app.body_id] if app.body_id else []
    exclude += list(app.merge_bodies.values_list("pk", flat=True))
    matches = find_overlaps(region=app.region, name=name, duties=duties, aliases=state.get("aliases") or [],
                            exclude_body_ids=exclude, top=10, include_descendants=include_descendants)
    return [asdict(m) | {"level": m.level} for m in matches]


def _hours(value):
    return None if value is None else round(value, 1)


def turnaround_charts(data: dict) -> dict:
    """ECharts options for the stats page, from the figures the table shows (rendered by core's charts.js;
    passed with `json_script`, never pasted into JavaScript)."""
    steps = data["steps"]
    if not any(s["count"] for s in steps):
        return {"turnaround_chart": None, "same_day_chart": None}
    bar = {"type": "bar", "barMaxWidth": 36, "label": {"show": True, "position": "top"}}
    turnaround = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 56, "right": 16, "top": 48, "bottom": 32},
        "xAxis": {"type": "category", "data": [s["label"] for s in steps]},
        "yAxis": {"type": "value", "name": "小时"},
        "series": [
            {**bar, "name": "用时中位数", "data": [_hours(s["median_hours"]) for s in steps]},
            {**bar, "name": "最长用时", "data": [_hours(s["max_hours"]) for s in steps]},
        ],
    }
    same_day = None
    if data["establishment_total"]:
        slices = [("当天办结", data["same_day"], "#4f8f3a"),
                  ("次日及以后", data["establishment_total"] - data["same_day"], "#d08a1e")]
        same_day = {
            "tooltip": {"trigger": "item", "formatter": "{b}：{c} 件（{d}%）"},
            "series": [{"type": "pie", "radius": ["38%", "60%"], "avoidLabelOverlap": True,
                        "label": {"formatter": "{b}\n{c} 件"},
                        # An empty slice would only stack its label on the other one's.
                        "data": [{"name": name, "value": n, "itemStyle": {"color": color}}
                                 for name, n, color in slices if n]}],
        }
    return {"turnaround_chart": turnaround, "same_day_chart": same_day}
