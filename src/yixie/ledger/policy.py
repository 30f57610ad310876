"""Rules as data: the policy values in force for a region, and the checks that read them.

Checks return `Finding`s (rule, severity, Chinese message, source clause) instead of raising, so a
form, an import row and (later) an application show the same words. A finding of severity "error"
refuses the write; a "warning" is shown and recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from yixie.org.choices import RegionLevel
from yixie.org.models import Region

from .choices import LED_BY_POSTS, LeaderRole, Severity, TaskScope

# National defaults (seeded into PolicyValue rows with region=None by a data migration).
NATIONAL_DEFAULTS: dict[str, dict[str, Any]] = {
    "leaders.leader_count": {
        "value": 1, "severity": Severity.ERROR,
        "source": "《地方议事协调机构管理办法（试行）》：设组长一名",
    },
    "leaders.max_deputies": {
        "value": 2, "severity": Severity.ERROR,
        "source": "《地方议事协调机构管理办法（试行）》：副组长一般为一至二名",
    },
    "leaders.leader_not_deputy": {
        "value": True, "severity": Severity.ERROR,
        "source": "《地方议事协调机构管理办法（试行）》：设组长一名、副组长一般为一至二名（组长、副组长由不同领导职务担任）",
    },
    "members.cap_single": {
        "value": 10, "severity": Severity.WARNING,
        "source": "《地方议事协调机构管理办法（试行）》：单项工作成员单位一般不超过10个，确需超过的报主要领导同意",
    },
    "members.cap_comprehensive": {
        "value": 15, "severity": Severity.WARNING,
        "source": "《地方议事协调机构管理办法（试行）》：综合性工作成员单位一般不超过15个，确需超过的报主要领导同意",
    },
    "temporary.requires_end": {
        "value": True, "severity": Severity.ERROR,
        "source": "《国务院行政机构设置和编制管理条例》（国务院令第227号）第十条；《地方各级人民政府机构设置和编制管理条例》（国务院令第486号）第十一条：临时机构应当明确规定撤销的条件或者期限",
    },
    "office.host_required": {
        "value": True, "severity": Severity.ERROR,
        "source": "议事协调机构不单设实体性办事机构，不单独核定编制和领导职数，具体工作由有关部门承担",
    },
    "townships.may_hold_bodies": {
        "value": False, "severity": Severity.ERROR,
        "source": "《地方议事协调机构管理办法（试行）》（2025年）：乡镇（街道）不设立议事协调机构",
    },
    "quota.counted_bodies": {
        "value": None, "severity": Severity.WARNING,
        "source": "总量控制：议事协调机构实行限额管理（限额由本级机构编制委员会确定；空表示未设限额）",
    },
    "work_rules.deadline_days": {
        "value": 30, "severity": Severity.WARNING,
        "source": "议事协调机构设立后一个月内制定工作规则，报机构编制部门备案",
    },
}


#: A short Chinese name of each rule key (the ledger's own here; a capability adds its own).
POLICY_LABELS: dict[str, str] = {
    "leaders.leader_count": "组长人数",
    "leaders.max_deputies": "副组长人数上限",
    "leaders.leader_not_deputy": "组长不兼任副组长",
    "members.cap_single": "单项工作成员单位上限",
    "members.cap_comprehensive": "综合性工作成员单位上限",
    "temporary.requires_end": "临时机构须写明期限或撤销条件",
    "office.host_required": "须写明办事机构所在部门",
    "townships.may_hold_bodies": "乡镇（街道）可否设立议事协调机构",
    "quota.counted_bodies": "议事协调机构限额",
    "work_rules.deadline_days": "工作规则备案期限（天）",
}


def register_defaults(defaults: dict[str, tuple[Any, str, str, str]]) -> None:
    """A capability registers its own rule keys with their national defaults, from `AppConfig.ready()`:
    `{key: (value, severity, source, label)}`. The ledger's code then knows nothing of the capability,
    and a region overrides the key with a `PolicyValue` row like any other rule.

    Registering a key twice with the same default is harmless (apps may be readied again in tests); a
    different default for a key already known is a programming error.
    """
    for key, (value, severity, source, label) in defaults.items():
        entry = {"value": value, "severity": severity, "source": source}
        known = NATIONAL_DEFAULTS.get(key)
        if known is not None and known != entry:
            raise ValueError(f"policy key {key!r} is already registered with another default")
        NATIONAL_DEFAULTS[key] = entry
        POLICY_LABELS[key] = label


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on a state. `field` names the state field (and the form field of
    `ledger.forms.StateFieldsMixin`) it is about, so a form shows it on that field."""

    rule: str
    severity: str
    message: str
    source: str
    field: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


class PolicyViolation(Exception):
    """A write refused by one or more rules; carries every finding (errors and warnings)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("；".join(f.message for f in findings if f.is_error))

    @property
    def messages(self) -> list[str]:
        return [f.message for f in self.findings if f.is_error]


@dataclass(frozen=True)
class RuleValue:
    value: Any
    severity: str
    source: str


class Policy:
    """The rule values in force for one region: its own rows, else its ancestors', else national."""

    def __init__(self, values: dict[str, RuleValue]):
        self._values = values

    def __getitem__(self, key: str) -> RuleValue:
        return self._values[key]

    @classmethod
    def for_region(cls, region: Region | None) -> Policy:
        from .models import PolicyValue

        chain: list[int | None] = []
        r = region
        while r is not None:
            chain.append(r.pk)
            r = r.parent
        values = {k: RuleValue(v["value"], v["severity"], v["source"]) for k, v in NATIONAL_DEFAULTS.items()}
        rows = list(PolicyValue.objects.filter(region_id__isnull=True)) + list(
            PolicyValue.objects.filter(region_id__in=[c for c in chain if c is not None])
        )
        # Apply national rows first, then from the farthest ancestor down to the region itself.
        rank = {None: -1, **{pk: len(chain) - i for i, pk in enumerate(chain)}}
        for row in sorted(rows, key=lambda r: rank.get(r.region_id, -1)):
            values[row.key] = RuleValue(row.value, row.severity, row.source)
        return cls(values)


def values_for_regions(key: str, region_ids) -> dict[int, RuleValue]:
    """One rule's value in force for each of many regions, in two queries (a list page's worth of regions):
    the same resolution as `Policy.for_region` (own row, else the nearest ancestor's, else national)."""
    from .models import PolicyValue

    ids = set(region_ids)
    if not ids:
        return {}
    parents: dict[int, int | None] = dict(Region.objects.values_list("id", "parent_id"))
    default = NATIONAL_DEFAULTS[key]
    national = RuleValue(default["value"], default["severity"], default["source"])
    own: dict[int, RuleValue] = {}
    for region_id, value, severity, source in PolicyValue.objects.filter(key=key).values_list(
            "region_id", "value", "severity", "source"):
        if region_id is None:
            national = RuleValue(value, severity, source)
        else:
            own[region_id] = RuleValue(value, severity, source)
    result: dict[int, RuleValue] = {}
    for region_id in ids:
        r: int | None = region_id
        while r is not None and r not in own:
            r = parents.get(r)
        result[region_id] = own[r] if r is not None else national
    return result


def check_region_may_hold_bodies(region: Region, *, policy: Policy | None = None) -> list[Finding]:
    """Rule 4 (spec §3): townships (乡镇、街道) hold no bodies, unless a region's policy says otherwise.

    The one home of the township rule: `check_body_state`, the approval drafts and the Excel import
    all ask here.
    """
    if region.level != RegionLevel.TOWNSHIP:
        return []
    policy = policy or Policy.for_region(region)
    rv = policy["townships.may_hold_bodies"]
    if rv.value:
        return []
    return [Finding("townships.may_hold_bodies", rv.severity,
                    f"{region.name}为乡镇（街道），不得设立议事协调机构。", rv.source, "region")]


def region_may_hold_bodies(region: Region, *, policy: Policy | None = None) -> bool:
    """Whether bodies may be set up in `region` (no refusing finding of the township rule)."""
    return not any(f.is_error for f in check_region_may_hold_bodies(region, policy=policy))


def check_body_state(state: dict, *, region: Region, policy: Policy | None = None,
                     on: date | None = None) -> list[Finding]:
    """Every rule a body's state must satisfy (spec §3), as findings."""
    policy = policy or Policy.for_region(region)
    findings: list[Finding] = list(check_region_may_hold_bodies(region, policy=policy))

    def add(key: str, message: str, field: str = "") -> None:
        rv = policy[key]
        findings.append(Finding(key, rv.severity, message, rv.source, field))

    category = state.get("category")
    seats = state.get("leaders", [])
    leaders = [s for s in seats if s.get("role") == LeaderRole.LEADER]
    deputies = [s for s in seats if s.get("role") == LeaderRole.DEPUTY]
    if category in LED_BY_POSTS:
        want = policy["leaders.leader_count"].value
        if len(leaders) != want:
            add("leaders.leader_count", f"组长应为{want}名，现为{len(leaders)}名。", "leader")
        max_dep = policy["leaders.max_deputies"].value
        if len(deputies) > max_dep:
            add("leaders.max_deputies", f"副组长最多{max_dep}名，现为{len(deputies)}名。", "deputies")
    if policy["leaders.leader_not_deputy"].value:
        deputy_posts = {s.get("post_id") for s in deputies}
        for s in leaders:
            if s.get("post_id") in deputy_posts:
                add("leaders.leader_not_deputy",
                    f"领导职务“{s.get('post', '')}”不能既任组长又任副组长。", "deputies")

    members = state.get("members", [])
    if category != "mechanism" and not state.get("extra_members_approved"):
        comprehensive = state.get("task_scope") == TaskScope.COMPREHENSIVE
        key = "members.cap_comprehensive" if comprehensive else "members.cap_single"
        cap = policy[key].value
        if len(members) > cap:
            kind = "综合性工作" if comprehensive else "单项工作"
            add(key, f"成员单位{len(members)}个，超过{kind}上限{cap}个；确需超过的，须经主要领导同意并勾选相应选项。",
                "members")

    if state.get("is_temporary") and policy["temporary.requires_end"].value:
        if not state.get("ends_on") and not (state.get("end_condition") or "").strip():
            add("temporary.requires_end", "临时机构须写明存续期限或撤销条件（至少一项）。", "ends_on")

    if policy["office.host_required"].value and not state.get("office_department"):
        add("office.host_required", "须写明办事机构所在部门（办公室设在哪个部门）。", "office_department")

    return findings


#: Where a department stands in a body's state, and the words a clerk reads for it.
_DEPARTMENT_ROLES = (("lead_department", "牵头部门", "牵头议事协调机构"),
                     ("office_department", "办事机构所在部门", "承担议事协调机构的办事机构"),
                     ("members", "成员单位", "作为议事协调机构的成员单位"))
DEPARTMENT_DATES_SOURCE = "议事协调机构的牵头部门、办事机构所在部门和成员单位，须为事项生效之日已设立且尚未撤销的部门"


def check_departments_exist(state: dict, on: date, dates: dict[int, tuple[str, date | None, date | None]]
                            ) -> list[Finding]:
    """The one home of the rule that no body is hosted by (or counts as a member) a department outside its
    life: on `on` (the event's effective date) the lead department, the office department and every member
    unit must exist — set up on or before `on` (an unknown set-up date means it always existed), and not
    yet ended (`on` before its end date). `dates` maps a department id to (name, established_on, ended_on).

    Not a policy value a region may relax: it is what the dates mean. Every ledger write asks here through
    `services.validate_state_refs` (setup, change events, the bulk path of imports and the demo generator,
    and so approvals' publication).
    """
    from yixie.core.dates import format_date_zh

    findings: list[Finding] = []
    for field, label, verb in _DEPARTMENT_ROLES:
        if field == "members":
            ids = [m.get("department_id") for m in state.get("members") or []]
        else:
            ids = [(state.get(field) or {}).get("id")]
        for dept_id in ids:
            if dept_id not in dates:
                continue
            name, established_on, ended_on = dates[dept_id]
            if established_on is not None and on < established_on:
                message = (f"{label}“{name}”于{format_date_zh(established_on)}设立，"
                           f"早于该日期不能{verb}（事项日期为{format_date_zh(on)}）。")
            elif ended_on is not None and on >= ended_on:
                message = (f"{label}“{name}”已于{format_date_zh(ended_on)}撤销，"
                           f"自该日起不能{verb}（事项日期为{format_date_zh(on)}）；请改为承接其职责的部门。")
            else:
                continue
            findings.append(Finding("departments.exist_on_date", Severity.ERROR, message,
                                    DEPARTMENT_DATES_SOURCE, field))
    return findings


def refuse_on_errors(findings: list[Finding]) -> None:
    if any(f.is_error for f in findings):
        raise PolicyViolation(findings)
