"""Reads of the ledger. Every user-visible read goes through a user's scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from yixie.core.dates import format_date_zh
from yixie.core.models import AuditEntry
from yixie.core.people import user_label
from yixie.org.models import Region

from . import state as st
from .choices import COUNTED_CATEGORIES, BodyCategory, BodyStatus, EventKind
from .models import Body, Document, LedgerEvent
from .policy import Finding, Policy, check_body_state


def policy_findings(state: dict, region: Region, policy: Policy | None = None) -> list[Finding]:
    """Every rule's finding on a body's state in a region (`policy.check_body_state`)."""
    return check_body_state(state, region=region, policy=policy or Policy.for_region(region))


def active_name_spans(region_id: int, names: Iterable[str], *,
                      exclude_body_id: int | None = None) -> dict[str, list[tuple[date, date | None]]]:
    """When each name is borne by an active body of the region: (from, until) per ledger state."""
    names = sorted(set(names))
    spans: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for i in range(0, len(names), 500):
        qs = (LedgerEvent.objects.filter(is_void=False, region_id=region_id, status=BodyStatus.ACTIVE,
                                         name__in=names[i:i + 500])
              .exclude(body_id=exclude_body_id))
        for name, start, until in qs.values_list("name", "effective_on", "valid_until"):
            spans[name].append((start, until))
    return spans


def names_spans_by_body(region_id: int, names: Iterable[str]) -> dict[str, list[tuple[int, date, date | None]]]:
    """`active_name_spans` for many names at once, each span with its body (so each caller excludes its own)."""
    names = sorted(set(names))
    spans: dict[str, list[tuple[int, date, date | None]]] = defaultdict(list)
    for i in range(0, len(names), 500):
        qs = LedgerEvent.objects.filter(is_void=False, region_id=region_id, status=BodyStatus.ACTIVE,
                                        name__in=names[i:i + 500])
        for name, body_id, start, until in qs.values_list("name", "body_id", "effective_on", "valid_until"):
            spans[name].append((body_id, start, until))
    return spans


def name_clash_on(spans: Iterable[tuple[date, date | None]], on: date) -> date | None:
    """The first day from `on` on which a name borne over `spans` is taken, or None if it is free.

    The rule: no two active bodies of a region may bear the same name on `on` or at any later date.
    """
    starts = [start for start, until in spans if until is None or until > on]
    return max(min(starts), on) if starts else None


def state_on(body: Body, on: date) -> dict | None:
    """The body's state in force on `on` (None before its setup)."""
    event = body.events.in_force_on(on).order_by("-effective_on", "-seq", "-id").first()
    return event.state if event else None


def ledger_rows(user, *, on: date | None = None, action: str = "ledger.view"):
    """The ledger as of `on` (default today): one row (state) per body, visible to the user."""
    on = on or timezone.localdate()
    return (
        LedgerEvent.objects.in_force_on(on)
        .visible_to(user, action)
        .select_related("body", "region", "lead_department", "office_department", "document",
                        "body__basis_document")
        .defer("changes")
    )


def documents_visible_to(user, action: str = "document.view"):
    """The documents of the user's regions, and those that authorised an event of a body they may see.
    (Semi-joins, not a join with DISTINCT: at province scale the latter counted every event.)"""
    from yixie.org.scopes import scope_for

    def departments(_scope):
        visible_bodies = Body.objects.visible_to(user, action).values("id")
        return Q(id__in=LedgerEvent.objects.filter(body_id__in=visible_bodies, document_id__isnull=False)
                 .values("document_id"))

    # A region role reaches its regions' documents and also those of the bodies it sees (the same as above).
    return scope_for(user, action).restrict(
        Document.objects.select_related("region"),
        regions=lambda ids: Q(region_id__in=ids) | departments(None), departments=departments)


def bodies_as_of(*, region, on: date, include_ended: bool = False):
    """All states of a region's bodies in force on a date (no user scope: for services and tests)."""
    qs = LedgerEvent.objects.in_force_on(on).filter(region=region)
    if not include_ended:
        qs = qs.filter(status=BodyStatus.ACTIVE)
    return qs


def body_for_user(user, pk: int, action: str = "ledger.view") -> Body:
    """The body, if the user may see it; otherwise 404 (no hint that it exists)."""
    body = (
        Body.objects.visible_to(user, action)
        .select_related("region", "lead_department", "office_department", "basis_document", "successor", "origin")
        .filter(pk=pk)
        .first()
    )
    if body is None:
        raise Http404
    return body


def body_timeline(body: Body) -> list[dict]:
    """The body's history: each event with what it changed, oldest first."""
    events = list(
        body.events.select_related("document", "recorded_by").order_by("effective_on", "seq", "id")
    )
    previous: dict = {}
    rows = []
    for ev in events:
        if ev.is_void:
            rows.append({"event": ev, "diff": [], "void": True})
            continue
        rows.append({"event": ev, "diff": [] if ev.kind == EventKind.ESTABLISH else st.diff(previous, ev.state),
                     "void": False})
        previous = ev.state
    return rows


#: Audit keys that are not a state field, with their labels (the version is bookkeeping, never shown).
OTHER_KEYS = {"work_rules_filed_on": "工作规则备案日期"}


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _entry_changes(entry: AuditEntry) -> list[str]:
    """What one audited write changed, as 「机构名称 由“甲”改为“乙”」 phrases."""
    before, after = entry.before or {}, entry.after or {}
    phrases = []
    for key in [*st.STATE_FIELDS, *OTHER_KEYS]:
        if key == "status" or key not in after or before.get(key) == after.get(key):
            continue
        if key in st.STATE_FIELDS:
            label, old, new = st.STATE_FIELDS[key], st.display_value(key, before.get(key)), \
                st.display_value(key, after.get(key))
        else:
            label, old, new = OTHER_KEYS[key], str(before.get(key) or "（无）"), str(after.get(key) or "（无）")
        phrases.append(f"{label} 由“{_shorten(old)}”改为“{_shorten(new)}”")
    return phrases


def _entry_action(action: str) -> str:
    if action.startswith("登记") and action != "登记文件":
        return f"登记了“{action[2:]}”"
    return {"修改别名": "修改了别名", "工作规则备案": "登记了工作规则备案", "作废事项": "作废了一个事项"}.get(
        action, f"进行了“{action}”")


def changes_since(body: Body, version: int) -> list[str]:
    """Each write to the body after `version`, as 「张三（市委编办）于2026年11月30日 15:02 登记了“更名”：…」."""
    from yixie.core.dates import format_date_zh

    entries = (AuditEntry.objects.filter(body_id=body.pk, after__version__gt=version)
               .select_related("actor").order_by("at", "id"))
    lines = []
    for e in entries:
        at = timezone.localtime(e.at)
        changed = _entry_changes(e)
        lines.append(f"{user_label(e.actor)}于{format_date_zh(at.date())} {at:%H:%M} {_entry_action(e.action)}"
                     + (f"：{'；'.join(changed)}" if changed else ""))
    return lines


def values_when_opened(body: Body, version: int) -> dict:
    """The state keys changed since `version`, each with its value at that version (from the audit entries)."""
    opened: dict = {}
    for e in AuditEntry.objects.filter(body_id=body.pk, after__version__gt=version).order_by("at", "id"):
        before, after = e.before or {}, e.after or {}
        for key in st.STATE_FIELDS:
            if key in after and key not in opened and before.get(key) != after.get(key):
                opened[key] = before.get(key)
    return opened


def concurrent_change_message(body: Body, version: int) -> str:
    """Why a write from a page opened at `version` is refused: who changed what when since."""
    lines = changes_since(body, version)
    what = "；另外，".join(lines) if lines else "他人修改了该机构的登记内容"
    return f"您打开此页后，{what}。请核对后重新提交；您填写的内容已保留。"


def conflict_message(body: Body, conflicts, base_version: int | None) -> str:
    """Why an approved change drafted from an older state cannot be applied: the fields changed both ways."""
    parts = [f"“{st.STATE_FIELDS.get(k, k)}”申请起草时为“{_shorten(st.display_value(k, base))}”，申请拟改为"
             f"“{_shorten(st.display_value(k, proposed))}”，但台账中已改为“{_shorten(st.display_value(k, current))}”"
             for k, base, proposed, current in conflicts]
    since = changes_since(body, base_version) if base_version is not None else []
    who = f"（{'；'.join(since)}）" if since else ""
    return (f"申请起草后，“{body.name}”的登记内容已有变化，与申请修改的内容冲突：{'；'.join(parts)}{who}。"
            "为免覆盖他人的登记，本次未写入台账；请退回申请部门按现状重新起草。")


def body_change_log(body: Body):
    return AuditEntry.objects.filter(body_id=body.pk).select_related("actor").order_by("-at", "-id")


def history_text(events) -> str:
    """历史沿革 as one line of text, for the Excel template."""
    parts = []
    for ev in events:
        if ev.is_void:
            continue
        doc = f"（{ev.document.number}）" if ev.document_id else ""
        extra = ""
        if ev.kind == EventKind.RENAME:
            extra = f"为{ev.state.get('name')}"
        elif ev.kind == EventKind.MERGE and ev.state.get("successor"):
            extra = f"入{ev.state['successor']['name']}"
        parts.append(f"{format_date_zh(ev.effective_on)}{ev.get_kind_display()}{extra}{doc}")
    return "；".join(parts)


def dashboard_summary(user) -> dict:
    today = timezone.localdate()
    rows = ledger_rows(user, on=today).filter(status=BodyStatus.ACTIVE)
    by_category = dict(rows.values_list("category").annotate(n=Count("id")).order_by())
    categories = [
        {"value": value, "label": label, "count": by_category.get(value, 0)} for value, label in BodyCategory.choices
    ]
    expiring = (
        rows.filter(is_temporary=True, ends_on__isnull=False, ends_on__lte=today + timedelta(days=90))
        .order_by("ends_on")[:10]
    )
    missing_docs = rows.filter(body__basis_document__isnull=True).count()
    rules_overdue = (
        Body.objects.visible_to(user)
        .filter(status=BodyStatus.ACTIVE, work_rules_filed_on__isnull=True, work_rules_due_on__lt=today)
        .count()
    )
    recent = (
        LedgerEvent.objects.visible_to(user).filter(is_void=False)
        .select_related("document", "region").order_by("-effective_on", "-id")[:8]
    )
    counted = sum(c["count"] for c in categories if c["value"] in COUNTED_CATEGORIES)
    return {
        "today": today,
        "categories": categories,
        "counted_total": counted,
        "expiring": expiring,
        "missing_docs": missing_docs,
        "rules_overdue": rules_overdue,
        "recent_events": recent,
        "temporary_total": rows.filter(is_temporary=True).count(),
        "region_total": rows.values("region").distinct().count(),
    }


# ---------------------------------------------------------------- facts the ledger adds to other floors' pages

def _in_force_active(on: date, region_ids):
    return (LedgerEvent.objects.in_force_on(on).filter(status=BodyStatus.ACTIVE, region_id__in=region_ids)
            .order_by())


def bodies_led_by_departments(department_ids: list[int], on: date | None = None) -> dict[int, int]:
    """How many bodies in force on `on` (default today) each department leads (牵头)."""
    from yixie.org.models import Department

    on = on or timezone.localdate()
    regions = set(Department.objects.filter(id__in=department_ids).values_list("region_id", flat=True))
    rows = (_in_force_active(on, regions).filter(lead_department_id__in=department_ids)
            .values_list("lead_department_id").annotate(n=Count("id")))
    return dict(rows)


def bodies_joined_by_departments(department_ids: list[int], on: date | None = None) -> dict[int, int]:
    """How many bodies in force on `on` (default today) each department sits in as a member unit."""
    from yixie.org.models import Department

    on = on or timezone.localdate()
    wanted = set(department_ids)
    regions = set(Department.objects.filter(id__in=wanted).values_list("region_id", flat=True))
    counts: dict[int, int] = {}
    for state in _in_force_active(on, regions).values_list("state", flat=True):
        for dept_id in {m.get("department_id") for m in state.get("members", [])} & wanted:
            counts[dept_id] = counts.get(dept_id, 0) + 1
    return counts


def department_ledger_url(department_id: int, on: date | None = None) -> str:
    """The ledger of the bodies a department leads, on the date the count was taken (today: no date in the
    URL): the same bodies that `bodies_led_by_departments` counts."""
    from django.urls import reverse

    url = f"{reverse('ledger:body_list')}?lead={department_id}"
    if on and on != timezone.localdate():
        url += f"&on={on.isoformat()}"
    return url


#: Days before a temporary body's end date at which its host department and 编办 are told (spec §4, J7).
EXPIRY_WARNINGS = (90, 60, 30, 0)


def expiry_alerts(on: date):
    """The daily expiry check: temporary bodies ending in 90, 60, 30 days or today. Told: the clerks of the
    office host department and the establishment office of the body's region and the regions above it."""
    from django.urls import reverse

    from yixie.core.registry import Alert
    from yixie.core.roles import Role
    from yixie.org.models import Region, RoleAssignment

    horizon = on + timedelta(days=max(EXPIRY_WARNINGS))
    rows = (Body.objects.filter(status=BodyStatus.ACTIVE, is_temporary=True, ends_on__gte=on, ends_on__lte=horizon)
            .select_related("region").order_by("ends_on", "id"))
    for body in rows:
        left = (body.ends_on - on).days
        due = [d for d in EXPIRY_WARNINGS if left <= d]
        if not due:
            continue
        stage = min(due)
        regions, region = [], body.region
        while region is not None:
            regions.append(region.pk)
            region = Region.objects.filter(pk=region.parent_id).first() if region.parent_id else None
        users = set(RoleAssignment.objects.filter(role=Role.ESTABLISHMENT, region_id__in=regions)
                    .values_list("user_id", flat=True))
        users |= set(RoleAssignment.objects.filter(role__in=[Role.DEPARTMENT, Role.DEPARTMENT_HR],
                                                   department_id=body.office_department_id)
                     .values_list("user_id", flat=True))
        when = "今天到期" if left == 0 else f"将于{left}天后到期"
        yield Alert(key=f"ledger.expiry:{stage}:{body.pk}:{body.ends_on.isoformat()}",
                    title=f"临时机构“{body.name}”{when}（{format_date_zh(body.ends_on)}）",
                    text="请核实工作任务是否完成，按规定提出撤销或延续的意见。",
                    url=reverse("ledger:body_detail", args=[body.pk]), recipients=tuple(sorted(users)))


def ended_host_alerts(on: date):
    """The daily check of hosts that ended: a body in force whose lead department or office department has
    ended (its `ended_on` on or before `on`) needs re-affiliating to the department that took over the work.
    The hard rule is on writes (`policy.check_departments_exist`); this catches a department ended later.
    Told: the establishment office of the body's region and the regions above it, once per body and host."""
    from django.urls import reverse

    from yixie.core.dates import format_date_zh
    from yixie.core.registry import Alert
    from yixie.core.roles import Role
    from yixie.org.models import RoleAssignment

    rows = (Body.objects.filter(status=BodyStatus.ACTIVE, established_on__lte=on)
            .filter(Q(lead_department__ended_on__lte=on) | Q(office_department__ended_on__lte=on))
            .select_related("lead_department", "office_department").order_by("region_id", "id"))
    parents = dict(Region.objects.values_list("id", "parent_id"))
    offices: dict[int, set[int]] = {}
    for region_id, user_id in RoleAssignment.objects.filter(role=Role.ESTABLISHMENT, region__isnull=False).values_list(
            "region_id", "user_id"):
        offices.setdefault(region_id, set()).add(user_id)
    for body in rows:
        users: set[int] = set()
        region_id = body.region_id
        while region_id is not None:
            users |= offices.get(region_id, set())
            region_id = parents.get(region_id)
        hosts = {body.lead_department, body.office_department}
        for dept in sorted((d for d in hosts if d.ended_on and d.ended_on <= on), key=lambda d: d.pk):
            roles = "、".join(label for label, d in (("牵头部门", body.lead_department),
                                                    ("办事机构所在部门", body.office_department)) if d == dept)
            yield Alert(key=f"ledger.ended_host:{body.pk}:{dept.pk}",
                        title=f"“{body.name}”的{roles}“{dept.name}”已于{format_date_zh(dept.ended_on)}撤销",
                        text="请登记改变隶属关系，由承接其职责的部门牵头、承担办事机构工作。",
                        url=reverse("ledger:body_detail", args=[body.pk]), recipients=tuple(sorted(users)))


def departments_for(user, action: str = "ledger.view"):
    """The departments a user may filter the ledger by: their regions' and their own department."""
    from yixie.org.models import Department
    from yixie.org.scopes import scope_for

    return scope_for(user, action).restrict(
        Department.objects.select_related("region").order_by("region__code", "order", "id"),
        regions=lambda ids: Q(region_id__in=ids), departments=lambda scope: Q(id__in=scope.department_ids))
