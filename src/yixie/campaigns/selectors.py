"""Reads of review campaigns: what a user sees, the progress board, the joint review's state, statistics."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from yixie.ledger.choices import COUNTED_CATEGORIES, BodyCategory, BodyStatus
from yixie.ledger.models import LedgerEvent
from yixie.org.scopes import scope_for

from .choices import ENDING, Action, Office, Phase, Reason, ReportStatus
from .models import Campaign, CampaignItem, DepartmentReport, ItemOpinion
from .services import item_conflict, report_is_late

#: The office each region role reviews for.
OFFICE_OF_ROLE = {"establishment": Office.ESTABLISHMENT, "general_office": Office.GENERAL_OFFICE,
                  "organisation": Office.ORGANISATION}


def campaigns_visible_to(user, action: str = "campaign.view"):
    """Region roles: the campaigns of their regions (a city's and its counties'). Departments: the campaigns
    that list a body they lead (their worklist) or host the office of (read-only)."""
    def departments(scope):
        ids = scope.department_ids
        return Q(pk__in=CampaignItem.objects.filter(
            Q(department_id__in=ids) | Q(body__office_department_id__in=ids)).values("campaign_id"))

    return scope_for(user, action).restrict(
        Campaign.objects.select_related("region", "plan_document", "list_document", "parent"),
        regions=lambda ids: Q(region_id__in=ids), departments=departments)


def campaign_for_user(user, pk: int, action: str = "campaign.view") -> Campaign:
    campaign = campaigns_visible_to(user, action).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def user_office(user, campaign: Campaign) -> str | None:
    """Which office of the joint review the user speaks for in this campaign's region, if any."""
    from yixie.core.access import user_roles
    from yixie.org.scopes import region_subtree_ids

    for a in user_roles(user):
        office = OFFICE_OF_ROLE.get(a.role)
        if office and a.region_id and campaign.region_id in region_subtree_ids({a.region_id}):
            return office
    return None


def user_department_ids(user, action: str = "campaign.report") -> frozenset[int]:
    return scope_for(user, action).department_ids


def items_visible_to(user, campaign: Campaign):
    """The items of the campaign a user sees: everything for region roles; for a department, the bodies it
    leads (its worklist, editable) and those whose office it hosts (read-only)."""
    scope = scope_for(user, "campaign.view")
    qs = campaign.items.select_related("department", "merge_into", "new_department", "final_merge_into",
                                       "final_new_department", "body", "report")
    if scope.everything or campaign.region_id in scope.region_ids:
        return qs
    ids = scope.department_ids
    return qs.filter(Q(department_id__in=ids) | Q(body__office_department_id__in=ids))


def item_for_user(user, campaign: Campaign, pk: int) -> CampaignItem:
    item = items_visible_to(user, campaign).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def reports_of_user(user, campaign: Campaign):
    ids = user_department_ids(user, "campaign.report")
    return campaign.reports.filter(department_id__in=ids).select_related("department")


# ---- the progress board ------------------------------------------------------------------------------------

@dataclass
class BoardRow:
    key: str
    label: str
    url: str = ""
    bodies: int = 0
    reported: int = 0
    departments: int = 0
    submitted: int = 0
    overdue: int = 0
    actions: Counter = field(default_factory=Counter)
    phase: str = ""
    late_departments: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.reported / self.bodies) if self.bodies else 0


def board(campaign: Campaign, today: date | None = None) -> dict:
    """Per department (and per county part): bodies, reported, submitted, overdue, the actions proposed.

    A fixed number of queries however many departments and parts: the items counted in SQL per report and
    action, the parts' totals in two grouped queries."""
    today = today or timezone.localdate()
    due = campaign.deadline(Phase.REPORTING)
    per_report: dict[int, Counter] = defaultdict(Counter)
    for r in campaign.items.values("report_id", "action").annotate(n=Count("id")).order_by():
        per_report[r["report_id"]][r["action"]] += r["n"]
    rows = []
    total = BoardRow("total", "合计")
    for r in campaign.reports.select_related("department").order_by("department__order", "department_id"):
        c = per_report.get(r.pk, Counter())
        bodies = sum(c.values())
        reported = bodies - c.get("", 0)
        late = report_is_late(r, campaign, today)
        row = BoardRow(key=str(r.department_id), label=r.department.name, bodies=bodies, reported=reported,
                       departments=1, submitted=int(r.status == ReportStatus.SUBMITTED), overdue=int(late),
                       actions=Counter({k: v for k, v in c.items() if k}))
        row.report = r
        row.late = late
        rows.append(row)
        _add(total, row)
    return {"rows": rows, "total": total, "parts": _part_totals(campaign, today), "due": due}


def _add(total: BoardRow, row: BoardRow) -> None:
    total.bodies += row.bodies
    total.reported += row.reported
    total.departments += row.departments
    total.submitted += row.submitted
    total.overdue += row.overdue
    total.actions.update(row.actions)


def _part_totals(campaign: Campaign, today: date) -> list[BoardRow]:
    parts = list(campaign.parts.select_related("region").order_by("region__code"))
    if not parts:
        return []
    rows = {}
    for part in parts:
        row = BoardRow(str(part.pk), part.region.name, url=reverse("campaigns:detail", args=[part.pk]),
                       phase=part.get_phase_display())
        rows[part.pk] = row
    for r in CampaignItem.objects.filter(campaign__parent=campaign).values("campaign_id", "action") \
            .annotate(n=Count("id")).order_by():
        row = rows[r["campaign_id"]]
        row.bodies += r["n"]
        if r["action"]:
            row.reported += r["n"]
            row.actions[r["action"]] += r["n"]
    by_pk = {p.pk: p for p in parts}
    for r in DepartmentReport.objects.filter(campaign__parent=campaign).only("campaign_id", "status", "submitted_on"):
        row = rows[r.campaign_id]
        row.departments += 1
        row.submitted += int(r.status == ReportStatus.SUBMITTED)
        row.overdue += int(report_is_late(r, by_pk[r.campaign_id], today))
    return [rows[p.pk] for p in parts]


# ---- the joint review ---------------------------------------------------------------------------------------

def review_rows(campaign: Campaign, items) -> list[dict]:
    """Each item with the three offices' opinions, whether they conflict, and the settled result."""
    items = list(items)
    opinions: dict[int, dict[str, ItemOpinion]] = defaultdict(dict)
    for o in ItemOpinion.objects.filter(item__in=items).select_related("merge_into", "new_department"):
        opinions[o.item_id][o.office] = o
    rows = []
    for i in items:
        ops = opinions.get(i.pk, {})
        rows.append({"item": i, "opinions": [ops.get(o) for o in Office.values],
                     "conflict": item_conflict(i, ops.values()), "settled": bool(i.final_action)})
    return rows


def review_summary(campaign: Campaign) -> dict:
    items = list(campaign.items.only("id", "campaign_id", "action", "merge_into_id", "new_name", "new_department_id",
                                     "final_action"))
    opinions: dict[int, list] = defaultdict(list)
    for o in ItemOpinion.objects.filter(item__campaign=campaign):
        opinions[o.item_id].append(o)
    per_office = Counter(o.office for ops in opinions.values() for o in ops)
    conflicts = sum(1 for i in items if not i.final_action and item_conflict(i, opinions.get(i.pk, [])))
    return {"items": len(items), "settled": sum(1 for i in items if i.final_action), "conflicts": conflicts,
            "per_office": [(Office(o).label, per_office.get(o, 0)) for o in Office.values]}


def describe(action: str, merge_into=None, new_name: str = "", new_department=None) -> str:
    """拟撤销 / 并入市某某委员会 / 更名为… / 牵头部门调整为…"""
    if not action:
        return "未填报"
    if action == Action.MERGE and merge_into is not None:
        return f"并入{merge_into.name}"
    if action == Action.RENAME and new_name:
        return f"更名为{new_name}"
    if new_name and action in (Action.TO_JOINT, Action.TO_SPECIAL, Action.TO_MECHANISM):
        return f"{Action(action).label}，更名为{new_name}"
    if action == Action.REAFFILIATE and new_department is not None:
        return f"牵头部门调整为{new_department.name}"
    return Action(action).label


def overlap_pairs(campaign: Campaign, *, threshold: float | None = None, limit: int = 30) -> list[dict]:
    """Pairs of listed bodies led by different departments that the overlap engine finds to cover the same
    work: candidates for 编办 to propose merging."""
    from yixie.overlap.api import THRESHOLD, find_overlaps

    threshold = THRESHOLD if threshold is None else threshold

    items = list(campaign.items.select_related("department").filter(final_action="").exclude(
        action__in=list(ENDING)))
    by_body = {i.body_id: i for i in items}
    seen: set[tuple[int, int]] = set()
    pairs = []
    for i in items:
        for m in find_overlaps(region=campaign.region, name=i.name, duties=i.state.get("duties", ""),
                               exclude_body_ids=[i.body_id], top=3, include_departments=False):
            other = by_body.get(m.id) if m.kind == "body" else None
            if other is None or other.department_id == i.department_id or m.score < threshold:
                continue
            key = tuple(sorted((i.pk, other.pk)))
            if key in seen:
                continue
            seen.add(key)
            pairs.append({"a": i, "b": other, "score": m.score, "terms": m.shared_terms})
    pairs.sort(key=lambda p: -p["score"])
    return pairs[:limit]


# ---- statistics ---------------------------------------------------------------------------------------------

def _counted(category: str) -> bool:
    return category in COUNTED_CATEGORIES


def _groups(campaign_ids) -> dict[int, list[dict]]:
    """The items of campaigns counted by what the statistics tell apart, in one grouped query."""
    out: dict[int, list[dict]] = defaultdict(list)
    for g in (CampaignItem.objects.filter(campaign_id__in=list(campaign_ids))
              .values("campaign_id", "category", "department_id", "action", "final_action", "reason",
                      "final_reason", "state__status").annotate(n=Count("id")).order_by()):
        g["result"] = g["final_action"] or g["action"] or Action.KEEP
        g["ended"] = g["state__status"] in ENDED_VALUES
        out[g["campaign_id"]].append(g)
    return out


ENDED_VALUES = {BodyStatus.ABOLISHED, BodyStatus.MERGED, BodyStatus.DERECOGNISED}


def _after_by_category(campaign: Campaign, groups: list[dict]) -> Counter:
    """The listed bodies per category after the campaign: as the ledger stands on the publication date once
    published (the listed bodies only: one set up after the snapshot is not the campaign's doing), else as
    the settled (or proposed) result would leave them."""
    if campaign.phase == Phase.PUBLISHED and campaign.published_on:
        return Counter(dict(LedgerEvent.objects.in_force_on(campaign.published_on).filter(
            region=campaign.region, status=BodyStatus.ACTIVE,
            body_id__in=CampaignItem.objects.filter(campaign_id=campaign.pk).values("body_id"))
            .values_list("category").annotate(n=Count("id")).order_by()))
    after: Counter = Counter()
    for g in groups:
        if g["result"] in ENDING or g["ended"]:
            continue
        after[_after_category(g["category"], g["result"])] += g["n"]
    return after


def _totals(groups: list[dict], after_cat: Counter) -> tuple[int, int]:
    before = sum(g["n"] for g in groups if _counted(g["category"]))
    after = sum(v for c, v in after_cat.items() if _counted(c))
    return before, after


def stats(campaign: Campaign, groups: list[dict] | None = None) -> dict:
    """Before and after, per category and per lead department, by action and by reason: the counted bodies
    (党委、政府议事协调机构) before at the snapshot, after as the ledger stands on the publication date (or,
    before publication, as the settled result would leave it)."""
    from yixie.org.models import Department

    groups = _groups([campaign.pk]).get(campaign.pk, []) if groups is None else groups
    before_cat: Counter = Counter()
    for g in groups:
        before_cat[g["category"]] += g["n"]
    after_cat = _after_by_category(campaign, groups)
    categories = [c for c in BodyCategory.values if before_cat.get(c) or after_cat.get(c)]
    rows = [{"category": BodyCategory(c).label, "before": before_cat.get(c, 0), "after": after_cat.get(c, 0),
             "counted": _counted(c)} for c in categories]
    before, after = _totals(groups, after_cat)
    actions: Counter = Counter()
    reasons: Counter = Counter()
    per_dept: dict[int, dict] = {}
    for g in groups:
        actions[g["result"]] += g["n"]
        if g["result"] != Action.KEEP:
            reasons[g["final_reason"] or g["reason"]] += g["n"]
        d = per_dept.setdefault(g["department_id"], {"before": 0, "after": 0, "changed": 0})
        if _counted(g["category"]):
            d["before"] += g["n"]
            if g["result"] not in ENDING and _counted(_after_category(g["category"], g["result"])):
                d["after"] += g["n"]
        if g["result"] != Action.KEEP:
            d["changed"] += g["n"]
    names = {d.pk: (d.order, d.name) for d in Department.objects.filter(pk__in=per_dept).only("id", "order", "name")}
    depts = [{"name": names[k][1], "order": names[k][0], **v} for k, v in per_dept.items()]
    return {
        "before": before, "after": after, "reduced": before - after,
        "rate": round(100 * (before - after) / before) if before else 0,
        "categories": rows,
        "actions": [(Action(a).label, n) for a, n in sorted(actions.items(), key=lambda t: Action.values.index(t[0]))],
        "reasons": [(Reason(r).label if r else "未说明", n) for r, n in reasons.most_common()],
        "departments": sorted(depts, key=lambda d: (d["order"], d["name"])),
        "published": campaign.phase == Phase.PUBLISHED,
    }


def _after_category(category: str, action: str) -> str:
    from .choices import DOWNGRADE_TO

    if action in DOWNGRADE_TO:
        return DOWNGRADE_TO[action][0]
    return category


def region_stats(campaign: Campaign) -> list[dict]:
    """The city's part and each county's: before, after, reduced, rate (one grouped query for them all, and
    one ledger count per published part)."""
    campaigns = [campaign, *campaign.parts.select_related("region").order_by("region__code")]
    groups = _groups(c.pk for c in campaigns)
    rows = []
    for c in campaigns:
        g = groups.get(c.pk, [])
        before, after = _totals(g, _after_by_category(c, g))
        rows.append({"campaign": c, "region": c.region.name, "before": before, "after": after,
                     "reduced": before - after, "rate": round(100 * (before - after) / before) if before else 0,
                     "phase": c.get_phase_display()})
    return rows


# ---- to-dos and the proposal intake ----------------------------------------------------------------------

OPEN_PHASES = [Phase.SORTING, Phase.REPORTING, Phase.REVIEW, Phase.DELIBERATION]


def todo_count(user) -> int:
    """Department clerks: bodies on their worklists not yet reported in open campaigns; HR sections: reports
    to submit; 编办: conflicts to settle in the review phase."""
    n = 0
    ids = scope_for(user, "campaign.report").department_ids
    if ids:
        n += CampaignItem.objects.filter(
            department_id__in=ids, action="", campaign__phase__in=[Phase.SORTING, Phase.REPORTING]).exclude(
            report__status=ReportStatus.SUBMITTED).count()
    sub = scope_for(user, "campaign.submit").department_ids
    if sub:
        n += DepartmentReport.objects.filter(department_id__in=sub, campaign__phase__in=[
            Phase.SORTING, Phase.REPORTING]).exclude(status=ReportStatus.SUBMITTED).exclude(
            items__action="").count()
    return n


def running_campaigns(user):
    return campaigns_visible_to(user, "campaign.manage").filter(phase__in=[Phase.SORTING, Phase.REPORTING,
                                                                          Phase.REVIEW])


def proposal_take_url(proposal) -> str:
    return f"{reverse('campaigns:take_proposal')}?proposal={proposal.pk}"


# ---- pages ----------------------------------------------------------------------------------------------------

def campaign_rows(user):
    """The list page: the campaigns a user sees, with their progress counted in the query. A county part is
    listed on its own where the user does not see the city's campaign (a county's 编办 and departments)."""
    visible = campaigns_visible_to(user)
    return (visible.exclude(parent__in=visible.values("pk"))
            .annotate(n_items=Count("items", distinct=True),
                      n_reported=Count("items", filter=~Q(items__action=""), distinct=True),
                      n_settled=Count("items", filter=~Q(items__final_action=""), distinct=True),
                      n_parts=Count("parts", distinct=True))
            .select_related("opened_by"))


def department_recipients(department_ids) -> dict[int, list[int]]:
    """The users holding a department role (业务科室 or 组织人事科室) in each department: who a reminder goes to."""
    from yixie.core.roles import DEPARTMENT_ROLES
    from yixie.org.models import RoleAssignment

    out: dict[int, list[int]] = defaultdict(list)
    for dept_id, user_id in (RoleAssignment.objects.filter(department_id__in=list(department_ids),
                                                           role__in=list(DEPARTMENT_ROLES), user__is_active=True)
                             .values_list("department_id", "user_id").order_by("department_id", "user_id")):
        out[dept_id].append(user_id)
    return dict(out)


def hosted_items(user, campaign: Campaign):
    """Items whose office the user's department hosts but does not lead (shown read-only)."""
    ids = user_department_ids(user, "campaign.view")
    if not ids:
        return campaign.items.none()
    return (campaign.items.filter(body__office_department_id__in=ids).exclude(department_id__in=ids)
            .select_related("department", "report"))


def meetings_needed(campaign: Campaign) -> list[tuple[str, str]]:
    """(meeting, label) of the meetings the campaign's list needs (a sequence with items needs its meeting)."""
    from .choices import Meeting
    from .services import meeting_label, sequences_needing_meetings

    seqs = sequences_needing_meetings(campaign)
    out = []
    for m in Meeting.values:
        if (m == Meeting.PARTY and "party" in seqs) or (m == Meeting.GOVERNMENT and seqs - {"party"}):
            out.append((m, meeting_label(campaign.region, m)))
    return out or [(m, meeting_label(campaign.region, m)) for m in Meeting.values]


def proposal_of(item):
    """The proposal of the intake an item was taken in from (编办建议 from an evaluation …), with its kind's label
    and the evidence's names ready to show; None for an item of the worklist."""
    if not item.proposal_id:
        return None
    from yixie.core.models import Proposal
    from yixie.core.proposals import KIND_LABELS

    p = Proposal.objects.filter(pk=item.proposal_id).first()
    if p is None:
        return None
    ev = p.evidence or {}
    p.kind_label = KIND_LABELS.get(p.kind, p.kind)
    p.target = "、".join(x for x in (
        f"新名称“{ev['new_name']}”" if ev.get("new_name") else "",
        f"划归{ev['new_department']['name']}" if isinstance(ev.get("new_department"), dict) else "",
        f"并入“{ev['merge_into']['name']}”" if isinstance(ev.get("merge_into"), dict) else "") if x)
    return p

