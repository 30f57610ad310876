"""Rules as data: the policy values in force for a region, and the checks that read them.

Checks return `Finding`s (rule, severity, Chinese message, source clause) instead of raising, so a
form, an import row and (later) an application show the same words. A finding of severity "error"
refuses the write; a "warning" is shown and recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    source: str

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


def check_body_state(state: dict, *, region: Region, policy: Policy | None = None,
                     on: date | None = None) -> list[Finding]:
    """Every rule a body's state must satisfy (spec §3), as findings."""
    policy = policy or Policy.for_region(region)
    findings: list[Finding] = []

    def add(key: str, message: str) -> None:
        rv = policy[key]
        findings.append(Finding(key, rv.severity, message, rv.source))

    if region.level == "township" and not policy["townships.may_hold_bodies"].value:
        add("townships.may_hold_bodies", f"{region.name}为乡镇（街道），不得设立议事协调机构。")

    category = state.get("category")
    if category in LED_BY_POSTS:
        leaders = [s for s in state.get("leaders", []) if s.get("role") == LeaderRole.LEADER]
        deputies = [s for s in state.get("leaders", []) if s.get("role") == LeaderRole.DEPUTY]
        want = policy["leaders.leader_count"].value
        if len(leaders) != want:
            add("leaders.leader_count", f"组长应为{want}名，现为{len(leaders)}名。")
        max_dep = policy["leaders.max_deputies"].value
        if len(deputies) > max_dep:
            add("leaders.max_deputies", f"副组长最多{max_dep}名，现为{len(deputies)}名。")

    members = state.get("members", [])
    if category != "mechanism" and not state.get("extra_members_approved"):
        comprehensive = state.get("task_scope") == TaskScope.COMPREHENSIVE
        key = "members.cap_comprehensive" if comprehensive else "members.cap_single"
        cap = policy[key].value
        if len(members) > cap:
            kind = "综合性工作" if comprehensive else "单项工作"
            add(key, f"成员单位{len(members)}个，超过{kind}上限{cap}个；确需超过的，须经主要领导同意并勾选相应选项。")

    if state.get("is_temporary") and policy["temporary.requires_end"].value:
        if not state.get("ends_on") and not (state.get("end_condition") or "").strip():
            add("temporary.requires_end", "临时机构须写明存续期限或撤销条件（至少一项）。")

    if policy["office.host_required"].value and not state.get("office_department"):
        add("office.host_required", "须写明办事机构所在部门（办公室设在哪个部门）。")

    return findings


def refuse_on_errors(findings: list[Finding]) -> None:
    if any(f.is_error for f in findings):
        raise PolicyViolation(findings)
