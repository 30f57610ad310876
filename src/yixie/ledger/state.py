"""A body's state as stored in every ledger event: one plain dict, built and compared here.

Departments and posts are stored with their id and their name at the time, so history reads as it
was even after a department is renamed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .choices import (
    BodyCategory,
    BodyForm,
    BodyStatus,
    EventKind,
    LeaderRole,
    LegalGround,
    MemberRole,
    Sequence,
    TaskScope,
)

# Fields of a state, with their Chinese labels, in display order.
STATE_FIELDS: dict[str, str] = {
    "name": "机构名称",
    "short_name": "简称",
    "aliases": "别名",
    "category": "类别",
    "form": "机构形式",
    "sequence": "序列",
    "legal_ground": "设立依据",
    "lead_department": "牵头部门",
    "office_department": "办事机构所在部门",
    "leaders": "领导成员",
    "members": "成员单位",
    "duties": "主要职责",
    "is_temporary": "临时机构",
    "ends_on": "存续期限",
    "end_condition": "撤销条件",
    "upper_counterpart": "上级机构设置情况",
    "task_scope": "工作性质",
    "extra_members_approved": "成员超限经主要领导同意",
    "status": "状态",
    "successor": "并入机构",
    # The division of duties on matters the work rules or a settled dispute assign: a list of
    # {"matter": str, "principal": [dept refs], "assisting": [dept refs]} (docs/decisions/0026).
    "division": "职责分工",
}

CHOICE_LABELS = {
    "category": dict(BodyCategory.choices),
    "form": dict(BodyForm.choices),
    "sequence": dict(Sequence.choices),
    "legal_ground": dict(LegalGround.choices),
    "task_scope": dict(TaskScope.choices),
    "status": dict(BodyStatus.choices),
}


def dept_ref(dept) -> dict | None:
    return {"id": dept.pk, "name": dept.name} if dept is not None else None


def leader_ref(role: str, post) -> dict:
    return {"role": role, "post_id": post.pk, "post": post.name}


def member_ref(dept, role: str = MemberRole.ASSISTING) -> dict:
    return {"department_id": dept.pk, "department": dept.name, "role": role}


def build_state(
    *,
    name: str,
    category: str,
    form: str,
    sequence: str,
    legal_ground: str,
    lead_department,
    office_department,
    duties: str,
    leader=None,
    deputies=(),
    members=(),
    short_name: str = "",
    aliases=(),
    is_temporary: bool = False,
    ends_on: date | None = None,
    end_condition: str = "",
    upper_counterpart: str = "",
    task_scope: str = TaskScope.SINGLE,
    extra_members_approved: bool = False,
) -> dict[str, Any]:
    """A complete state from model objects (members: iterable of (department, role) pairs)."""
    leaders = []
    if leader is not None:
        leaders.append(leader_ref(LeaderRole.LEADER, leader))
    leaders += [leader_ref(LeaderRole.DEPUTY, p) for p in deputies]
    return {
        "name": name.strip(),
        "short_name": short_name.strip(),
        "aliases": [a.strip() for a in aliases if a and a.strip()],
        "category": category,
        "form": form,
        "sequence": sequence,
        "legal_ground": legal_ground,
        "lead_department": dept_ref(lead_department),
        "office_department": dept_ref(office_department),
        "leaders": leaders,
        "members": [member_ref(d, r) for d, r in members],
        "duties": duties.strip(),
        "is_temporary": bool(is_temporary),
        "ends_on": ends_on.isoformat() if ends_on else None,
        "end_condition": end_condition.strip(),
        "upper_counterpart": upper_counterpart.strip(),
        "task_scope": task_scope,
        "extra_members_approved": bool(extra_members_approved),
        "status": BodyStatus.ACTIVE,
        "successor": None,
    }


def apply_changes(state: dict, kind: str, changes: dict) -> dict:
    """The state after an event: the previous state with the event's changes laid over it."""
    new = dict(state)
    for key, value in changes.items():
        if key in STATE_FIELDS or key == "former_names":
            new[key] = value
    if "name" in changes and state.get("name") and changes["name"] != state.get("name"):
        former = list(state.get("former_names") or [])
        if state["name"] not in former:
            former.append(state["name"])
        new["former_names"] = former
    if kind in (EventKind.ABOLISH,):
        new["status"] = BodyStatus.ABOLISHED
    elif kind == EventKind.MERGE:
        new["status"] = BodyStatus.MERGED
    elif kind == EventKind.DERECOGNISE:
        new["status"] = BodyStatus.DERECOGNISED
    return new


def changed_keys(before: dict, after: dict) -> list[str]:
    return [k for k in STATE_FIELDS if before.get(k) != after.get(k)]


def display_value(key: str, value: Any) -> str:
    """A state value as a clerk reads it."""
    if value in (None, "", [], {}):
        return "（无）"
    if key in CHOICE_LABELS:
        return CHOICE_LABELS[key].get(value, str(value))
    if key in ("lead_department", "office_department", "successor"):
        return value.get("name", "") if isinstance(value, dict) else str(value)
    if key == "leaders":
        labels = dict(LeaderRole.choices)
        return "；".join(f"{labels.get(s['role'], s['role'])}：{s['post']}" for s in value)
    if key == "members":
        labels = dict(MemberRole.choices)
        return "、".join(f"{m['department']}（{labels.get(m['role'], m['role'])}）" for m in value)
    if key == "aliases":
        return "、".join(value)
    if key == "division":
        return division_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "ends_on":
        from yixie.core.dates import format_date_zh

        return format_date_zh(date.fromisoformat(value))
    return str(value)


def division_text(division) -> str:
    """The division of duties as a clerk reads it: 事项：甲（主办）、乙（协办）；…"""
    parts = []
    for entry in division or []:
        units = [f"{d['name']}（主办）" for d in entry.get("principal", [])]
        units += [f"{d['name']}（协办）" for d in entry.get("assisting", [])]
        parts.append(f"{entry.get('matter', '')}：{'、'.join(units) or '（未分工）'}")
    return "；".join(parts)


def diff(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) for each field that changed, for the timeline."""
    return [
        (STATE_FIELDS[k], display_value(k, before.get(k)), display_value(k, after.get(k)))
        for k in changed_keys(before, after)
        if k != "status"
    ]


def search_text(state: dict) -> str:
    parts = [state.get("name", ""), state.get("short_name", ""), *state.get("aliases", []),
             *state.get("former_names", []), state.get("duties", "")]
    return "\n".join(p for p in parts if p)


def department_keys(state: dict) -> str:
    ids = set()
    for key in ("lead_department", "office_department"):
        if state.get(key):
            ids.add(state[key]["id"])
    ids |= {m["department_id"] for m in state.get("members", [])}
    return "|" + "|".join(str(i) for i in sorted(ids)) + "|" if ids else ""


# The state keys each kind of change may alter (the rest stay as they were).
KIND_KEYS: dict[str, tuple[str, ...]] = {
    EventKind.ADJUST: tuple(k for k in STATE_FIELDS if k not in ("status", "successor")),
    EventKind.RENAME: ("name", "short_name"),
    EventKind.REAFFILIATE: ("lead_department", "office_department", "sequence", "category"),
    EventKind.MEMBERS: ("members",),
    EventKind.DOWNGRADE: ("name", "short_name", "category", "form", "leaders", "members"),
    EventKind.DIVISION: ("division", "members"),
}


def changes_between(kind: str, before: dict, after: dict) -> dict:
    """The part of `after` that an event of `kind` records as its change from `before`."""
    return {k: after.get(k) for k in KIND_KEYS.get(kind, ()) if after.get(k) != before.get(k)}


def leaders_changed(before: dict | None, after: dict) -> bool:
    return [(s["role"], s["post_id"]) for s in (before or {}).get("leaders", [])] != [
        (s["role"], s["post_id"]) for s in after.get("leaders", [])]


def event_for_change(kind: str, before: dict, after: dict) -> tuple[str, dict]:
    """The event a proposed change makes, and what it records: the kind asked for, except that an
    adjustment (调整) changing only the member units is a 成员调整, and one changing only the name a 更名."""
    changes = changes_between(kind, before, after)
    if kind == EventKind.ADJUST and changes:
        if changes.keys() <= {"members"}:
            return EventKind.MEMBERS, changes
        if "name" in changes and changes.keys() <= {"name", "short_name"}:
            return EventKind.RENAME, changes
    return kind, changes


def rebase(kind: str, base: dict, proposed: dict, current: dict) -> tuple[dict, list[tuple[str, Any, Any, Any]]]:
    """A change drafted from `base`, laid over `current` (the body's state now): the keys the change alters
    (those of `kind` where `proposed` differs from `base`) take the proposed value, every other key keeps
    its current value. A key also changed since the base, to another value than the proposed one, is a
    conflict: returned as (key, base value, proposed value, current value), in display order."""
    intended = {k: proposed.get(k) for k in KIND_KEYS.get(kind, ()) if proposed.get(k) != base.get(k)}
    conflicts = [(k, base.get(k), v, current.get(k)) for k, v in intended.items()
                 if current.get(k) != base.get(k) and current.get(k) != v]
    return {**current, **intended}, conflicts
