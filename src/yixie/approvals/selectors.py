"""Reads for joint approval: scoped application lists, to-do lists, leader load and turnaround."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from yixie.core import proposals
from yixie.core.access import user_can
from yixie.leaderload import selectors as leaderload
from yixie.ledger import policy
from yixie.ledger import selectors as ledger_selectors
from yixie.ledger import state as st
from yixie.ledger.choices import COUNTED_CATEGORIES, BodyCategory, BodyStatus
from yixie.ledger.models import Membership
from yixie.ledger.policy import Finding, check_body_state
from yixie.org.scopes import scope_for

from .choices import (
    APPLICATION_EVENT_KIND,
    OVERLAP_HIGH_KEY,
    SAME_DAY,
    STEP_ACTIONS,
    ApplicationKind,
    ApplicationStatus,
    AttachmentKind,
    Meeting,
    ReviewStep,
    deadline_key,
)
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


def _cutoff(value, now: datetime, default) -> datetime:
    """A pending step that started before this moment is overdue, by a deadline's value (hours, or
    SAME_DAY). A value a region mistyped counts as the registered default rather than breaking the page."""
    for candidate in (value, default):
        if candidate == SAME_DAY:  # not answered the same day
            return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            return now - timedelta(hours=float(candidate))
        except (TypeError, ValueError):
            continue
    raise ValueError(f"unreadable review deadline {default!r}")


class Deadlines:
    """The review deadlines in force for many regions (the policy table, `approvals.deadline.<step>`),
    read once per page: where a region overrides a step's deadline, its applications are overdue by it."""

    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self._cutoffs: dict[str, dict[int, datetime]] = {}

    def load(self, step: str, region_ids) -> None:
        missing = set(region_ids) - set(self._cutoffs.get(step, {}))
        if missing:
            key = deadline_key(step)
            values = policy.values_for_regions(key, missing)
            default = policy.NATIONAL_DEFAULTS[key]["value"]
            self._cutoffs.setdefault(step, {}).update(
                {rid: _cutoff(rv.value, self.now, default) for rid, rv in values.items()})

    def overdue(self, step: str, region_id: int, since: datetime) -> bool:
        self.load(step, [region_id])
        return since < self._cutoffs[step][region_id]

    def overdue_q(self, step: str, region_ids) -> Q:
        """The reviews of `step` (in those regions) that are overdue, as one condition for SQL."""
        self.load(step, region_ids)
        by_cutoff: dict[datetime, list[int]] = {}
        for rid in region_ids:
            by_cutoff.setdefault(self._cutoffs[step][rid], []).append(rid)
        q = Q(pk__in=[])
        for cutoff, ids in by_cutoff.items():
            q |= Q(application__region_id__in=sorted(ids), started_at__lt=cutoff)
        return q


def overdue(review: Review) -> bool:
    """Whether a pending review has waited longer than its region's deadline for the step."""
    return Deadlines().overdue(review.step, review.application.region_id, review.started_at)


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
    deadlines = Deadlines()
    for kind, step, label, qs in _todo_querysets(user):
        if kind == "review":
            for r in qs.select_related("application", "application__department", "application__region"):
                items.append(TodoItem(r.application, label, r.started_at,
                                      deadlines.overdue(step, r.application.region_id, r.started_at)))
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
    deadlines = Deadlines()
    overdue = 0
    for kind, step, _label, qs in sets:
        if kind == "review":
            region_ids = set(qs.values_list("application__region_id", flat=True).distinct().order_by())
            if region_ids:
                overdue += qs.filter(deadlines.overdue_q(step, region_ids)).count()
    num_pages = max(1, -(-total // per_page))
    number = min(number, num_pages)
    need = number * per_page
    items: list[TodoItem] = []
    for kind, step, label, qs in sets:
        if kind == "review":
            rows = (qs.select_related("application", "application__department", "application__region")
                    .order_by("started_at", "id")[:need])
            items += [TodoItem(r.application, label, r.started_at,
                               deadlines.overdue(step, r.application.region_id, r.started_at)) for r in rows]
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


def proposal_of(app):
    """The proposal of the intake an application was drafted from (编办建议 from an evaluation, an expiry …)."""
    from yixie.core.models import Proposal

    return Proposal.objects.filter(taken_by="approvals", taken_ref=f"application:{app.pk}").first()


def proposal_initial(proposal, form_fields) -> dict:
    """What a proposal's evidence pre-fills in the application form: the proposed new name (更名), the new
    lead and host department (调整隶属关系: the body moves to that department). Only fields the form has; the
    form's own queryset still checks the id."""
    ev = proposal.evidence or {}
    out = {}
    if ev.get("new_name") and "name" in form_fields:
        out["name"] = ev["new_name"]
    dept = ev.get("new_department")
    dept_id = dept.get("id") if isinstance(dept, dict) else dept
    if dept_id:
        out.update({f: dept_id for f in ("lead_department", "office_department") if f in form_fields})
    target = proposal_merge_target(proposal)
    if target and "merge_bodies" in form_fields:  # 合并: “X 并入 Y” is Y surviving with X merged into it
        out.update({"body": target, "merge_bodies": [proposal.body_id]})
    return out


def proposal_merge_target(proposal) -> int | None:
    """The body a merger proposal merges its body into (the one that survives), if it names one."""
    if proposal is None or proposal.kind != ApplicationKind.MERGE:
        return None
    target = (proposal.evidence or {}).get("merge_into")
    target = target.get("id") if isinstance(target, dict) else target
    return int(target) if isinstance(target, int) or (isinstance(target, str) and target.isdigit()) else None


def proposals_count(user) -> int:
    return proposals_to_take(user).count()


def proposal_take_url(proposal) -> str:
    return f"{reverse('approvals:new')}?kind={proposal.kind}&body={proposal.body_id}&proposal={proposal.pk}"


def overlaps_for(app, *, include_descendants: bool = False) -> list[dict]:
    """Overlap evidence for an application (name, duties, aliases against the region's bodies and 三定;
    with `include_descendants`, those of its subordinate regions too)."""
    from yixie.overlap.api import find_overlaps

    state = app.proposed or {}
    name = state.get("name") or (app.body.name if app.body_id else "")
    duties = state.get("duties") or (app.body.duties if app.body_id else "")
    exclude = [app.body_id] if app.body_id else []
    exclude += [app.result_body_id] if app.result_body_id else []  # never the body it created
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


# ---------------------------------------------------------------- reads of one application (the services and
# pages ask these; kept importable from `services` for older callers)

def may(user, action: str, app: Application, *, department: bool = False) -> bool:
    """Whether the user's roles allow `action` on this application (its region, or with `department`
    its applicant department): what the services require and the pages ask before offering a button."""
    scope = scope_for(user, action)
    if scope.everything:
        return True
    if department:
        return app.department_id in scope.department_ids
    return app.region_id in scope.region_ids


def url_of(app: Application) -> str:
    return reverse("approvals:detail", args=[app.pk])


def proposed_state(app: Application) -> dict | None:
    """The body's state as it would be after the application (None for abolition and merger)."""
    if app.kind in (ApplicationKind.ABOLISH, ApplicationKind.MERGE):
        return None
    return app.proposed or None


def rebased_proposed(app: Application) -> dict:
    """The application's proposal laid over the body's state now: what it changes from the state it was
    drafted from, and the body's current values elsewhere (for redrafting after the ledger moved on)."""
    proposed = app.proposed or {}
    current = current_state(app)
    if not (app.base_state and proposed and current):
        return proposed
    kind = APPLICATION_EVENT_KIND.get(app.kind, "")
    return st.rebase(kind, app.base_state, proposed, current)[0]


def current_state(app: Application) -> dict | None:
    if not app.body_id:
        return None
    return ledger_selectors.state_on(app.body, timezone.localdate())


def policy_findings(app: Application) -> list[Finding]:
    """The ledger's rules (spec §3) on the proposed state: the same findings as a direct ledger write."""
    state = proposed_state(app)
    if not state:
        return []
    return check_body_state(state, region=app.region)


def quota_findings(app: Application, on: date | None = None, *, caps_only: bool = False) -> list[Finding]:
    """Total-number control (the ledger's `check_quota_for_setup`, docs/decisions/0023) on the application:
    a new body of a counted category against the category's and the total cap, net of the bodies it names
    under 撤一建一, and 撤一建一 itself where the region requires it; a change that moves a body into another
    counted category (or into one from an uncounted one) against the caps of its new category.

    A published application shows what was found when it was submitted (counted again now, the body it
    created would count against itself). `caps_only`: leave out 撤一建一 (publication re-checks the caps only)."""
    if app.status == ApplicationStatus.PUBLISHED:
        return [Finding(**{k: f.get(k, "") for k in ("rule", "severity", "message", "source", "field")},
                        article_id=f.get("article_id"))
                for f in app.findings_snapshot or [] if str(f.get("rule", "")).startswith("quota.")]
    state = proposed_state(app)
    category = (state or {}).get("category")
    if category not in COUNTED_CATEGORIES:
        return []
    on = on or timezone.localdate()
    if app.kind == ApplicationKind.ESTABLISH:
        replaced = list(app.replaces.values_list("pk", flat=True)) if app.pk else []
        findings = policy.check_quota_for_setup(app.region, category, on, replaced)
    else:
        current = current_state(app)
        if current is None or current.get("category") == category:
            return []
        findings = policy.check_quota_for_setup(app.region, category, on, [app.body_id], new_body=False)
    if caps_only:
        findings = [f for f in findings if f.rule != policy.ONE_OUT_ONE_IN_KEY]
    return findings


def rule_findings(app: Application) -> list[Finding]:
    """Every rule's finding on the application: the ledger's rules on the proposed state and total-number
    control. What the page shows, what submission refuses on (errors) and stores (`findings_snapshot`)."""
    return policy_findings(app) + quota_findings(app)


def content_problems(app: Application) -> list[str]:
    """What the application still lacks before it can be submitted (the form asks for what the kind needs)."""
    problems = []
    if not app.reasons.strip():
        problems.append("请填写申请理由和依据。")
    if app.kind != ApplicationKind.ESTABLISH and not app.body_id:
        problems.append("请选择涉及的机构。")
    if app.kind == ApplicationKind.MERGE and not app.merge_bodies.exists():
        problems.append("合并须选择被合并的机构。")
    state = proposed_state(app)
    if app.kind not in (ApplicationKind.ABOLISH, ApplicationKind.MERGE):
        if not state:
            problems.append("请填写拟设立或调整后的内容。")
        else:
            for key, label in (("name", "名称"), ("duties", "职责任务"), ("lead_department", "牵头部门"),
                               ("office_department", "办事机构所在部门")):
                if not state.get(key):
                    problems.append(f"请填写{label}。")
            before = current_state(app)
            if app.kind != ApplicationKind.ESTABLISH and before is not None and \
                    not st.event_for_change(APPLICATION_EVENT_KIND[app.kind], before, state)[1]:
                problems.append(f"申请{app.get_kind_display()}，但拟调整后的内容与现状相同。")
    if app.kind == ApplicationKind.ESTABLISH and not app.files.filter(kind=AttachmentKind.RULES).exists():
        problems.append("请上传草拟的工作规则。")
    if app.body_id and app.body.status != BodyStatus.ACTIVE:
        problems.append(f"“{app.body.name}”已不处于存续状态。")
    return problems


def consent_missing(app: Application) -> list[str]:
    """Member units of a 联席会议 yet to agree to close it (spec §3.8)."""
    if app.kind != ApplicationKind.ABOLISH or not app.body_id or app.body.category != BodyCategory.JOINT_MEETING:
        return []
    agreed = set(app.consents.filter(agreed=True).values_list("department_id", flat=True))
    return [m.department.name for m in app.body.memberships.select_related("department")
            if m.department_id not in agreed]


def involves_personnel(app: Application) -> bool:
    """Whether the application sets or changes leader posts (then 组织部 reviews it)."""
    state = proposed_state(app)
    if state is None:
        return False
    if app.kind == ApplicationKind.ESTABLISH:
        return bool(state.get("leaders"))
    return st.leaders_changed(current_state(app), state)


def meeting_for(app: Application) -> str:
    """Which meeting decides: the Party committee's standing committee for the Party sequence, else the
    government's executive meeting."""
    state = proposed_state(app) or current_state(app) or {}
    return Meeting.PARTY if state.get("sequence") == "party" else Meeting.GOVERNMENT


def meeting_label(region, meeting: str) -> str:
    """The deciding meeting's name in a region, from the region's data: 市委常委会会议 and 市政府常务会议 for
    the city, 青州市委常委会会议 and 青州市政府常务会议 for 青州市 (`Region.meeting_prefix`)."""
    prefix = region.meeting_prefix_or_default
    return f"{prefix}委常委会会议" if meeting == Meeting.PARTY else f"{prefix}政府常务会议"


def meeting_label_for(app: Application) -> str:
    return meeting_label(app.region, meeting_for(app))


# ---------------------------------------------------------------- the evidence stored at submission

def overlap_high(region) -> float:
    """The overlap score from which an application likely duplicates a body (policy `approvals.overlap.high`;
    a value a region mistyped counts as the registered default)."""
    for value in (policy.Policy.for_region(region)[OVERLAP_HIGH_KEY].value,
                  policy.NATIONAL_DEFAULTS[OVERLAP_HIGH_KEY]["value"]):
        try:
            return float(value)
        except (TypeError, ValueError):
            continue
    raise ValueError("unreadable overlap threshold")


def high_overlaps(app: Application, matches: list[dict] | None = None) -> list[dict]:
    """The bodies (or 三定 duties) the application overlaps at or above the region's "high" mark: in
    `matches`, or else in the evidence stored when it was submitted."""
    matches = app.overlap_snapshot if matches is None else matches
    limit = overlap_high(app.region)
    return [m for m in matches or [] if float(m.get("score") or 0) >= limit]


def overlap_evidence(matches: list[dict]) -> str:
    """The evidence in words, for a checklist note and a warning: 与“X”综合相似度72%（共同关键词：a、b）."""
    parts = []
    for m in matches:
        terms = f"（共同关键词：{'、'.join(m['shared_terms'])}）" if m.get("shared_terms") else ""
        parts.append(f"与“{m['name']}”综合相似度{round(float(m['score']) * 100)}%{terms}")
    return "；".join(parts)


def leader_load_snapshot(app: Application) -> dict:
    """`leader_load` as stored on the application at submission (JSON: the date as ISO text)."""
    load = leader_load(app)
    return {**load, "on": load["on"].isoformat()}


def evidence_is_stored(app: Application) -> bool:
    """Past submission the page shows the overlap evidence and leader load stored when it was submitted
    (after publication a fresh comparison would find the body the application created)."""
    return bool(app.submitted_at) and app.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


def accepted_on(app: Application) -> date | None:
    """The day 两办 accepted the application in its current round (None before)."""
    review = app.reviews.filter(step=ReviewStep.ACCEPTANCE, round=app.round).exclude(decided_at=None).first()
    return timezone.localdate(review.decided_at) if review else None


def meeting_held_on(app: Application) -> date | None:
    """The day of the meeting that approved the application in its current round (None before)."""
    review = app.reviews.filter(step=ReviewStep.DELIBERATION, round=app.round).exclude(decided_at=None).first()
    held = (review.details or {}).get("held_on") if review else None
    return date.fromisoformat(held) if held else None
