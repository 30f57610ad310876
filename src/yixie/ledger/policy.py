"""Rules as data: the policy values in force for a region, and the checks that read them.

Checks return `Finding`s (rule, severity, Chinese message, source clause) instead of raising, so a
form, an import row and (later) an application show the same words. A finding of severity "error"
refuses the write; a "warning" is shown and recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from yixie.org.choices import RegionLevel
from yixie.org.models import Region

from .choices import (
    COUNTED_CATEGORIES,
    LED_BY_POSTS,
    BodyCategory,
    BodyStatus,
    LeaderRole,
    Severity,
    TaskScope,
)

# National defaults (seeded into PolicyValue rows with region=None by a data migration).
NATIONAL_DEFAULTS: dict[str, dict[str, Any]] = {
    "leaders.leader_count": {
        "value": 1, "severity": Severity.ERROR,
        "source": "《地方议事协调机构管理办法（试行）》：设组长一名",
        "cite": "dfyx-2025#第七条",
    },
    "leaders.max_deputies": {
        "value": 2, "severity": Severity.ERROR,
        "source": "《地方议事协调机构管理办法（试行）》：副组长一般为一至二名",
        "cite": "dfyx-2025#第七条",
    },
    "leaders.leader_not_deputy": {
        "value": True, "severity": Severity.ERROR,
        "source": "《地方议事协调机构管理办法（试行）》：设组长一名、副组长一般为一至二名（组长、副组长由不同领导职务担任）",
        "cite": "dfyx-2025#第七条",
    },
    "members.cap_single": {
        "value": 10, "severity": Severity.WARNING,
        "source": "《地方议事协调机构管理办法（试行）》：单项工作成员单位一般不超过10个，确需超过的报主要领导同意",
        "cite": "dfyx-2025#第八条",
    },
    "members.cap_comprehensive": {
        "value": 15, "severity": Severity.WARNING,
        "source": "《地方议事协调机构管理办法（试行）》：综合性工作成员单位一般不超过15个，确需超过的报主要领导同意",
        "cite": "dfyx-2025#第八条",
    },
    "temporary.requires_end": {
        "value": True, "severity": Severity.ERROR,
        "source": "《国务院行政机构设置和编制管理条例》（国务院令第227号）第十条；《地方各级人民政府机构设置和编制管理条例》（国务院令第486号）第十一条：临时机构应当明确规定撤销的条件或者期限",
        "cite": "dfyl-486#第十一条",
    },
    "office.host_required": {
        "value": True, "severity": Severity.ERROR,
        "source": "议事协调机构不单设实体性办事机构，不单独核定编制和领导职数，具体工作由有关部门承担",
        "cite": "dfyx-2025#第九条",
    },
    "townships.may_hold_bodies": {
        "value": False, "severity": Severity.ERROR,
        "source": "《地方议事协调机构管理办法（试行）》（2025年）：乡镇（街道）不设立议事协调机构",
        "cite": "dfyx-2025#第五条",
    },
    # Total-number control (总量控制, docs/decisions/0023): caps of the counted bodies (党委 and 政府 议事协调机构)
    # in total and per category, the region's cap on Party and government institutions (党政机构限额) the
    # bodies are compared with, and 撤一建一. Empty caps mean none; the severity decides warn or refuse.
    "quota.counted_bodies": {
        "value": None, "severity": Severity.WARNING,
        "source": "总量控制：议事协调机构实行限额管理（限额由本级机构编制委员会确定；空表示未设限额）",
        "cite": "dfyx-2025#第六条",
    },
    "quota.party": {
        "value": None, "severity": Severity.WARNING,
        "source": "总量控制：党委议事协调机构实行限额管理（限额由本级机构编制委员会确定；空表示未设限额）",
        "cite": "dfyx-2025#第六条",
    },
    "quota.government": {
        "value": None, "severity": Severity.WARNING,
        "source": "总量控制：政府议事协调机构实行限额管理（限额由本级机构编制委员会确定；空表示未设限额）",
        "cite": "dfyx-2025#第六条",
    },
    "quota.institutions": {
        "value": None, "severity": Severity.WARNING,
        "source": "本级党政机构限额（按机构改革方案核定的党委、政府工作部门和机构数；用于计算议事协调机构数与党政机构限额之比，空表示未登记）",
        "cite": "yixie-defaults#第三条",
    },
    "quota.one_out_one_in": {
        "value": False, "severity": Severity.ERROR,
        "source": "总量控制：新设立议事协调机构原则上实行“撤一建一”，须同时撤销或合并本级一个现有议事协调机构",
        "cite": "dfyx-2025#第六条",
    },
    "work_rules.deadline_days": {
        "value": 30, "severity": Severity.WARNING,
        "source": "议事协调机构设立后一个月内制定工作规则，报机构编制部门备案",
        "cite": "dfyx-2025#第十二条",
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
    "quota.counted_bodies": "议事协调机构总限额（党委、政府合计）",
    "quota.party": "党委议事协调机构限额",
    "quota.government": "政府议事协调机构限额",
    "quota.institutions": "党政机构限额（用于计算比值）",
    "quota.one_out_one_in": "新设立议事协调机构须“撤一建一”",
    "work_rules.deadline_days": "工作规则备案期限（天）",
}


def register_defaults(defaults: dict[str, tuple]) -> None:
    """A capability registers its own rule keys with their national defaults, from `AppConfig.ready()`:
    `{key: (value, severity, source, label)}` or `{key: (value, severity, source, label, cite)}`, where
    `cite` names the article the default rests on as "<regulation code>#<article number>" (e.g.
    "gwyl-227#第十条", docs/decisions/0026). The ledger's code then knows nothing of the capability,
    and a region overrides the key with a `PolicyValue` row like any other rule.

    Registering a key twice with the same default is harmless (apps may be readied again in tests); a
    different default for a key already known is a programming error.
    """
    for key, entry_tuple in defaults.items():
        value, severity, source, label = entry_tuple[:4]
        cite = entry_tuple[4] if len(entry_tuple) > 4 else ""
        entry = {"value": value, "severity": severity, "source": source, "cite": cite}
        known = NATIONAL_DEFAULTS.get(key)
        if known is not None and {**known, "cite": known.get("cite", "")} != entry:
            raise ValueError(f"policy key {key!r} is already registered with another default")
        NATIONAL_DEFAULTS[key] = entry
        POLICY_LABELS[key] = label


def split_cite(cite: str) -> tuple[str, str]:
    """"gwyl-227#第十条" -> ("gwyl-227", "第十条"); ("", "") when there is none."""
    code, _, number = (cite or "").partition("#")
    return code.strip(), number.strip()


def resolve_cites(cites) -> dict[str, int]:
    """The article each citation names, among the versions in force of the national library and of any
    region: {cite: article id}, in one query (a citation that names nothing is left out)."""
    from .models import Article

    wanted = {split_cite(c) for c in cites if c}
    wanted.discard(("", ""))
    if not wanted:
        return {}
    codes = {code for code, _ in wanted}
    numbers = {number for _, number in wanted}
    found: dict[str, int] = {}
    for pk, code, number in (Article.objects.filter(version__regulation__code__in=codes, number__in=numbers,
                                                    version__superseded_on__isnull=True)
                             .order_by("-version__issued_on", "-version_id", "ordinal")
                             .values_list("pk", "version__regulation__code", "number")):
        if (code, number) in wanted:
            found.setdefault(f"{code}#{number}", pk)
    return found


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on a state. `field` names the state field (and the form field of
    `ledger.forms.StateFieldsMixin`) it is about, so a form shows it on that field."""

    rule: str
    severity: str
    message: str
    source: str
    field: str = ""
    #: The article (`models.Article`) the rule rests on, for a link to `/ledger/regulations/articles/<id>/`.
    article_id: int | None = None

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
    #: The article the value rests on: a region's row's article, else the national default's `cite` resolved
    #: among the versions in force (None when nothing is cited or the citation names no article).
    article_id: int | None = None
    #: Where the value comes from: the region whose row it is, None for the national default.
    region_id: int | None = None


class Policy:
    """The rule values in force for one region: its own rows, else its ancestors', else national."""

    def __init__(self, values: dict[str, RuleValue]):
        self._values = values

    def __getitem__(self, key: str) -> RuleValue:
        return self._values[key]

    def finding(self, key: str, message: str, field: str = "") -> Finding:
        """A finding of rule `key` with its value's severity, source and article."""
        rv = self._values[key]
        return Finding(key, rv.severity, message, rv.source, field, rv.article_id)

    @classmethod
    def for_region(cls, region: Region | None) -> Policy:
        from .models import PolicyValue

        chain: list[int | None] = []
        r = region
        while r is not None:
            chain.append(r.pk)
            r = r.parent
        cited = resolve_cites(v.get("cite", "") for v in NATIONAL_DEFAULTS.values())
        values = {k: RuleValue(v["value"], v["severity"], v["source"], cited.get(v.get("cite", "")))
                  for k, v in NATIONAL_DEFAULTS.items()}
        # The national rows and the chain's in one query.
        rows = list(PolicyValue.objects.filter(Q(region_id__isnull=True)
                                               | Q(region_id__in=[c for c in chain if c is not None])))
        # Apply national rows first, then from the farthest ancestor down to the region itself.
        rank = {None: -1, **{pk: len(chain) - i for i, pk in enumerate(chain)}}
        for row in sorted(rows, key=lambda r: rank.get(r.region_id, -1)):
            fallback = values[row.key].article_id if row.key in values and row.region_id is None else None
            values[row.key] = RuleValue(row.value, row.severity, row.source, row.article_id or fallback,
                                        row.region_id)
        return cls(values)


def values_for_regions(key: str, region_ids) -> dict[int, RuleValue]:
    """One rule's value in force for each of many regions, in two queries (a list page's worth of regions):
    the same resolution as `Policy.for_region` (own row, else the nearest ancestor's, else national). The
    national default's `cite` is not resolved here (its `article_id` is None when it has no row)."""
    from .models import PolicyValue

    ids = set(region_ids)
    if not ids:
        return {}
    parents: dict[int, int | None] = dict(Region.objects.values_list("id", "parent_id"))
    default = NATIONAL_DEFAULTS[key]
    national = RuleValue(default["value"], default["severity"], default["source"])
    own: dict[int, RuleValue] = {}
    for region_id, value, severity, source, article_id in PolicyValue.objects.filter(key=key).values_list(
            "region_id", "value", "severity", "source", "article_id"):
        if region_id is None:
            national = RuleValue(value, severity, source, article_id)
        else:
            own[region_id] = RuleValue(value, severity, source, article_id, region_id)
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
    return [policy.finding("townships.may_hold_bodies", f"{region.name}为乡镇（街道），不得设立议事协调机构。",
                           "region")]


def region_may_hold_bodies(region: Region, *, policy: Policy | None = None) -> bool:
    """Whether bodies may be set up in `region` (no refusing finding of the township rule)."""
    return not any(f.is_error for f in check_region_may_hold_bodies(region, policy=policy))


def check_body_state(state: dict, *, region: Region, policy: Policy | None = None,
                     on: date | None = None) -> list[Finding]:
    """Every rule a body's state must satisfy (spec §3), as findings."""
    policy = policy or Policy.for_region(region)
    findings: list[Finding] = list(check_region_may_hold_bodies(region, policy=policy))

    def add(key: str, message: str, field: str = "") -> None:
        findings.append(policy.finding(key, message, field))

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


# ---------------------------------------------------------------- total-number control (总量控制, docs/decisions/0023)
# The one home of the caps: `quota_status` reads them with the counts for a page (the rules page, the leader
# load widget, later the review campaigns' reports), `check_quota_for_setup` turns them into findings for
# the approval workflow. Counted are the bodies of the counted categories (党委、政府议事协调机构) in force in
# the region itself on the date, not those of its subordinate regions (a county has its own caps).

#: The cap of each counted category, then the total.
QUOTA_CATEGORY_KEYS: dict[str, str] = {BodyCategory.PARTY: "quota.party", BodyCategory.GOVERNMENT: "quota.government"}
QUOTA_TOTAL_KEY = "quota.counted_bodies"
QUOTA_INSTITUTIONS_KEY = "quota.institutions"
ONE_OUT_ONE_IN_KEY = "quota.one_out_one_in"
QUOTA_TOTAL_LABEL = "议事协调机构合计（党委、政府）"


def _cap(value) -> int | None:
    """A cap as a whole number (None: no cap). A value typed as 45.0 counts as 45; anything unreadable as none."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 0 else None


@dataclass(frozen=True)
class QuotaLine:
    """One cap against its count: a counted category, or the total (`category` empty)."""

    key: str
    label: str
    category: str
    count: int
    cap: int | None
    severity: str
    source: str
    article_id: int | None = None

    @property
    def room(self) -> int | None:
        """How many more may be set up (negative: how far over), None without a cap."""
        return None if self.cap is None else self.cap - self.count

    @property
    def over(self) -> bool:
        return self.cap is not None and self.count > self.cap

    @property
    def at(self) -> bool:
        return self.cap is not None and self.count == self.cap

    @property
    def excess(self) -> int:
        """How many bodies beyond the cap (0 when within it or without a cap)."""
        return max(0, -(self.room or 0))

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label if self.severity in Severity.values else self.severity


@dataclass(frozen=True)
class QuotaStatus:
    """A region's counted bodies on a date against its caps, and their ratio to its 党政机构限额."""

    region: Region
    on: date
    lines: tuple[QuotaLine, ...]
    institutions: int | None
    institutions_source: str

    def line(self, category: str = "") -> QuotaLine:
        return next(x for x in self.lines if x.category == category)

    @property
    def total(self) -> QuotaLine:
        return self.line("")

    @property
    def counted(self) -> int:
        return self.total.count

    @property
    def ratio(self) -> float | None:
        """Counted bodies per institution of the 党政机构限额 (None where no 限额 is recorded)."""
        return self.counted / self.institutions if self.institutions else None

    @property
    def ratio_text(self) -> str:
        """议事协调机构数是党政机构限额的2.3倍 (empty where no 限额 is recorded)."""
        if self.ratio is None:
            return ""
        return f"议事协调机构数是党政机构限额的{self.ratio:.1f}倍"


def counted_bodies(region: Region, on: date, *, exclude_body_ids=()) -> dict[str, int]:
    """{counted category: bodies of `region` itself in force and active on `on`} (subregions not included)."""
    from django.db.models import Count

    from .models import LedgerEvent

    rows = (LedgerEvent.objects.in_force_on(on)
            .filter(region_id=region.pk, status=BodyStatus.ACTIVE, category__in=COUNTED_CATEGORIES)
            .exclude(body_id__in=list(exclude_body_ids))
            .values_list("category").annotate(n=Count("id")).order_by())
    counts = {str(c): 0 for c in QUOTA_CATEGORY_KEYS}
    counts.update({category: n for category, n in rows})
    return counts


def quota_status(region: Region, on: date | None = None, *, policy: Policy | None = None) -> QuotaStatus:
    """Per counted category and in total: the bodies in force on `on` (default today), the cap in force for
    the region (its own value, else its parent's, … else national), its source, the room left and whether it
    is reached or exceeded; and the ratio of the counted bodies to the region's 党政机构限额."""
    from django.utils import timezone

    on = on or timezone.localdate()
    policy = policy or Policy.for_region(region)
    counts = counted_bodies(region, on)
    labels = dict(BodyCategory.choices)
    lines = []
    for category, key in QUOTA_CATEGORY_KEYS.items():
        rv = policy[key]
        lines.append(QuotaLine(key, labels[category], str(category), counts.get(category, 0), _cap(rv.value),
                               rv.severity, rv.source, rv.article_id))
    rv = policy[QUOTA_TOTAL_KEY]
    lines.append(QuotaLine(QUOTA_TOTAL_KEY, QUOTA_TOTAL_LABEL, "", sum(counts.values()), _cap(rv.value),
                           rv.severity, rv.source, rv.article_id))
    institutions = policy[QUOTA_INSTITUTIONS_KEY]
    return QuotaStatus(region, on, tuple(lines), _cap(institutions.value) or None, institutions.source)


def _ended_counted(region: Region, body_ids) -> bool:
    """Whether any of these is a counted body of the region already ended (abolished or merged after the
    application named it: the "one out" happened first, and the count has already dropped)."""
    from .models import Body

    return bool(body_ids) and Body.objects.filter(pk__in=body_ids, region_id=region.pk, category__in=COUNTED_CATEGORIES
                                                  ).exclude(status=BodyStatus.ACTIVE).exists()


def check_quota_for_setup(region: Region, category: str, on: date | None = None, replaces_body_ids=(), *,
                          new_body: bool = True, policy: Policy | None = None) -> list[Finding]:
    """The findings of total-number control on setting up one more body of `category` in `region` on `on`:
    one where it would exceed the category's cap or the total cap, net of the bodies it replaces (撤一建一:
    those of `replaces_body_ids` in force in the region, of the same category for the category's cap, of
    any counted category for the total); and, for a new body (`new_body`) where the region requires 撤一建一,
    one where no counted body of the region is named to make room (in force, or ended since it was named).
    Bodies of uncounted categories are never capped.

    A change that moves an existing body into a counted category passes the body itself as replaced and
    `new_body=False`: it counts once in the total, and anew in its new category."""
    from django.utils import timezone

    if category not in COUNTED_CATEGORIES:
        return []
    on = on or timezone.localdate()
    policy = policy or Policy.for_region(region)
    status = quota_status(region, on, policy=policy)
    wanted = {int(i) for i in replaces_body_ids or ()}
    replaced: dict[str, int] = {}
    if wanted:
        before = counted_bodies(region, on)
        after = counted_bodies(region, on, exclude_body_ids=wanted)
        replaced = {c: before[c] - after[c] for c in before}
    findings: list[Finding] = []
    for line, freed in ((status.line(str(category)), replaced.get(str(category), 0)),
                        (status.total, sum(replaced.values()))):
        if line.cap is None:
            continue
        after = line.count + 1 - freed
        if after <= line.cap:
            continue
        head = f"{region.name}{line.label}已有{line.count}个，限额{line.cap}个（来源：{line.source}）："
        if freed:
            tail = f"即使撤销所替代的{freed}个，设立后仍为{after}个，将超出限额。"
        elif line.over:
            tail = f"已超出限额{line.excess}个，再设立将进一步超出。"
        else:
            tail = "再设立将超出限额。"
        findings.append(Finding(line.key, line.severity, head + tail, line.source, "category", line.article_id))
    rv = policy[ONE_OUT_ONE_IN_KEY]
    if new_body and rv.value and not (sum(replaced.values()) or _ended_counted(region, wanted)):
        named = "所列被替代的机构均不是本级存续的议事协调机构；" if wanted else ""
        findings.append(Finding(
            ONE_OUT_ONE_IN_KEY, rv.severity,
            f"{region.name}新设立议事协调机构实行“撤一建一”：{named}须写明同时撤销或合并的本级现有议事协调机构"
            "（党委、政府议事协调机构）。", rv.source, "replaces", rv.article_id))
    return findings
