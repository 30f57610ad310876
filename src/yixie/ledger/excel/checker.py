"""Checking each row of a read workbook against the org tables and the ledger's rules.

Phase 1 of an import: every row of every sheet is checked and every problem is collected (sheet,
row, column, and a Chinese message quoting the value), so the clerk fixes the whole file at once.
The rules are the services' own (`services.validate_state_refs`, `policy.check_body_state`, the
name rule), called here row by row only to say where the problem is; the services check again when
writing.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from yixie.core.dates import DateParseError, format_date_zh, parse_date
from yixie.org.models import Department, Post, Region
from yixie.org.scopes import scope_for

from .. import services
from .. import state as st
from ..choices import (
    ENDED_STATUSES,
    STATUS_AFTER,
    BodyCategory,
    BodyForm,
    BodyStatus,
    EventKind,
    LegalGround,
    MemberRole,
    Sequence,
    TaskScope,
)
from ..docnumber import DocumentNumberError, issuer_for, parse_document_number
from ..models import Body, Document, LedgerEvent
from ..policy import Policy, check_body_state, check_region_may_hold_bodies
from .reader import _key, _Sheet, _text
from .report import RowError
from .template import body_code, parse_body_code

#: A new document whose 机关代字 names no office of the region or those above it (the clerk is asked).
UNKNOWN_ISSUER = "（发文机关待补充）"

_SEQUENCE_SYNONYMS: dict[str, str] = {
    "党委": Sequence.PARTY, "市委序列": Sequence.PARTY, "县委序列": Sequence.PARTY, "区委序列": Sequence.PARTY,
    "政府": Sequence.GOVERNMENT, "市政府序列": Sequence.GOVERNMENT, "县政府序列": Sequence.GOVERNMENT,
    "区政府序列": Sequence.GOVERNMENT,
}
#: What a blank cell means where the category leaves no doubt.
_DEFAULT_FORM = {
    BodyCategory.JOINT_MEETING: BodyForm.JOINT_MEETING, BodyCategory.TASK_FORCE: BodyForm.TASK_FORCE,
    BodyCategory.MECHANISM: BodyForm.MECHANISM, BodyCategory.SPECIAL_GROUP: BodyForm.SPECIAL_GROUP,
}
_DEFAULT_SEQUENCE = {BodyCategory.PARTY: Sequence.PARTY, BodyCategory.GOVERNMENT: Sequence.GOVERNMENT}

#: Which column a service's `LedgerError.field` or a policy rule is about.
_FIELD_COLUMN = {
    "name": "机构名称", "lead_department": "牵头部门", "office_department": "办事机构所在部门",
    "duties": "主要职责", "ends_on": "存续期限", "members": "成员单位", "number": "依据文件",
    "issued_on": "依据文件", "title": "依据文件", "issuer": "依据文件",
}
_RULE_COLUMN = {
    "leaders.leader_count": "组长", "leaders.max_deputies": "副组长", "members.cap_single": "成员单位",
    "members.cap_comprehensive": "成员单位", "temporary.requires_end": "存续时间",
    "office.host_required": "办事机构所在部门", "townships.may_hold_bodies": "所属区划",
    "leaders.leader_not_deputy": "副组长",
}


_OPENERS, _CLOSERS = "（(《〔[【", "）)》〕]】"


def _split_list(text: str) -> list[str]:
    """Split on 、，,；; and newlines, but not inside brackets (副市长（分管工业、信息化）stays whole)."""
    items, buf, depth = [], [], 0
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、，,；;\n":
            items.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    items.append("".join(buf))
    return [i.strip() for i in items if i.strip()]


def _choice(text: str, choices, synonyms: dict[str, str] | None = None) -> str | None:
    k = _key(text).replace(",", "，")
    for value, label in choices.choices:
        if k in (_key(label), value):
            return value
    return (synonyms or {}).get(k)


def _member_role(item: str) -> tuple[str, str]:
    """'市商务局（主办）' → ('市商务局', principal); no suffix means assisting."""
    m = re.match(r"^(.*?)\s*[（(]\s*(主办|协办)\s*[）)]$", item)
    if not m:
        return item, MemberRole.ASSISTING
    return m.group(1).strip(), MemberRole.PRINCIPAL if m.group(2) == "主办" else MemberRole.ASSISTING


def _labels(choices) -> str:
    return "、".join(f"“{label}”" for label in choices.labels)


def _split_document(text: str) -> tuple[str, str]:
    """'潍发〔2019〕5号《关于……的通知》' → (number, title)."""
    if "《" in text:
        number, _, rest = text.partition("《")
        return number.strip(), rest.split("》", 1)[0].strip()
    return text.strip(), ""



@dataclass
class _Pending:
    sheet: str
    row: int
    region: Region
    on: date
    state: dict
    doc_number: str | None


@dataclass
class _PendingChange:
    """An existing body's row that asks for a change: the event it makes and what it shows in the preview."""

    sheet: str
    row: int
    body: Body
    kind: str
    on: date
    changes: dict
    doc_number: str
    fields: list[tuple[str, str, str]]  # (column label, old, new)
    version: int  # the body's latest event when checked: the apply refuses if it moved since

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "code": body_code(self.body.region.code, self.body.pk),
                "body_id": self.body.pk, "name": self.body.name, "kind": EventKind(self.kind).label,
                "on": self.on.isoformat(), "document": self.doc_number, "version": self.version,
                "fields": [list(f) for f in self.fields]}


@dataclass
class _NewDocument:
    region: Region
    issued_on: date
    issuer: str
    titles: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    verb: str = "设立"

    @property
    def title(self) -> str:
        if self.titles:
            return self.titles[0]
        if len(self.names) > 1:
            return f"关于{self.verb}{self.names[0]}等{len(self.names)}个机构的通知"
        return f"关于{self.verb}{self.names[0]}的通知"


#: 变更事项 a row may ask for, by the words clerks write (the event kinds of `choices.EventKind`).
CHANGE_KINDS: dict[str, str] = {
    "调整": EventKind.ADJUST, "职责调整": EventKind.ADJUST, "调整职责": EventKind.ADJUST,
    "更名": EventKind.RENAME, "名称变更": EventKind.RENAME, "成员调整": EventKind.MEMBERS,
    "成员单位调整": EventKind.MEMBERS, "改变隶属关系": EventKind.REAFFILIATE, "隶属关系调整": EventKind.REAFFILIATE,
    "降格": EventKind.DOWNGRADE, "撤销": EventKind.ABOLISH, "不再认定": EventKind.DERECOGNISE,
}
#: Kinds a row cannot express (they name other bodies): done on the ledger pages.
_KIND_EXAMPLES = ("调整", "更名", "成员调整", "改变隶属关系", "降格", "撤销", "不再认定")
_NOT_FROM_A_ROW = {"合并": "合并须指明并入的机构", "分设": "分设须指明分设出的机构", "设立": "已有机构不能再次设立"}
_ENDING = (EventKind.ABOLISH, EventKind.DERECOGNISE)
#: State fields a row shows and an import compares (status and successor change only by a 变更事项).
COMPARED = ("name", "short_name", "aliases", "category", "form", "sequence", "legal_ground", "lead_department",
            "office_department", "leaders", "members", "duties", "is_temporary", "ends_on", "end_condition",
            "upper_counterpart", "task_scope")
#: The column a changed field is in, for the preview and the messages.
_FIELD_HEADER = {"category": "工作表（类别）", "leaders": "组长、副组长", "is_temporary": "存续时间"}


def comparable(state: dict) -> dict[str, Any]:
    """A state as a row shows it: departments and posts by id (a renamed department is no change),
    the office host defaulting to the lead department, empty text and None alike."""
    lead = (state.get("lead_department") or {}).get("id")
    out: dict[str, Any] = {}
    for k in COMPARED:
        v = state.get(k)
        if k == "lead_department":
            v = lead
        elif k == "office_department":
            v = (v or {}).get("id") or lead
        elif k == "leaders":
            v = [(x["role"], x["post_id"]) for x in v or []]
        elif k == "members":
            v = [(x["department_id"], x["role"]) for x in v or []]
        elif k == "aliases":
            v = list(v or [])
        elif k == "is_temporary":
            v = bool(v)
        elif v == "":
            v = None
        out[k] = v
    return out


def changed_fields(before: dict, row: dict) -> list[str]:
    a, b = comparable(before), comparable(row)
    return [k for k in COMPARED if a[k] != b[k]]


class _Directory:
    """One region's departments and posts by name, loaded once."""

    def __init__(self, region: Region):
        self.depts: dict[str, Department] = {}
        self.shorts: dict[str, list[Department]] = defaultdict(list)
        for d in Department.objects.filter(region=region):
            self.depts[_key(d.name)] = d
            if d.short_name:
                self.shorts[_key(d.short_name)].append(d)
        self.posts = {_key(p.name): p for p in Post.objects.filter(region=region)}
        self.units = {**self.depts, **self.shorts}  # what a 成员单位 item may name
        self.post_width = _join_width(self.posts)
        self.unit_width = _join_width(self.units)
        # What the services check a state's references against, without a query: all of the region's.
        self.refs = services.Refs.of(self.depts.values(), self.posts.values())


def _join_width(known) -> int:
    """How many 、-separated pieces a known name spans at most: 1 + the most 、 in one."""
    return 1 + max((k.count("、") for k in known), default=0)


def _field_len(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class _Checker:
    def __init__(self, *, actor, default_region: Region | None):
        self.actor = actor
        self.default_region = default_region
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.pending: list[_Pending] = []
        self.new_docs: dict[str, _NewDocument] = {}
        self.documents: dict[str, Document | None] = {}  # 文号 → the registered document, or None
        self._parsed: dict[str, Any] = {}
        self._dirs: dict[int, _Directory] = {}
        self._policies: dict[int, Policy] = {}
        self.names: dict[tuple[int, str], list[tuple[str, int]]] = defaultdict(list)
        self.candidates: list[tuple[str, int, Region, str, date]] = []
        regions = list(Region.objects.all())
        self.by_code = {r.code: r for r in regions}
        self.by_name: dict[str, list[Region]] = defaultdict(list)
        for r in regions:
            self.by_name[_key(r.name)].append(r)
        self.allowed: set[int] | None = None
        if getattr(actor, "is_authenticated", False) and not actor.is_superuser:
            self.allowed = set(scope_for(actor, "ledger.edit").region_ids)
        # The round trip (docs/decisions/0013): existing bodies the file names, their latest events.
        self.bodies: dict[int, Body] = {}
        self.by_identity: dict[tuple[int, str, date], Body] = {}
        self.current: dict[int, LedgerEvent] = {}
        self.exported: dict[int, LedgerEvent] = {}
        self.seen_bodies: dict[int, tuple[str, int]] = {}
        self.unchanged = 0
        self.changes: list[_PendingChange] = []
        self.conflicts: list[RowError] = []

    # -- lookups
    def directory(self, region: Region) -> _Directory:
        if region.pk not in self._dirs:
            self._dirs[region.pk] = _Directory(region)
        return self._dirs[region.pk]

    def refs(self) -> services.Refs:
        """The departments and posts of every region the file named, for the services' reference check."""
        dirs = self._dirs.values()
        return services.Refs({k: v for d in dirs for k, v in d.refs.departments.items()},
                             {k: v for d in dirs for k, v in d.refs.posts.items()})

    def policy(self, region: Region) -> Policy:
        if region.pk not in self._policies:
            self._policies[region.pk] = Policy.for_region(region)
        return self._policies[region.pk]

    def document_known(self, number: str) -> bool:
        if number not in self.documents:
            self.preload_documents([number])
        return self.documents[number] is not None

    def preload_documents(self, numbers: Iterable[str]) -> None:
        """Look the 文号 up in the ledger, 500 a query, so that checking a row needs none."""
        wanted = sorted(set(numbers) - self.documents.keys())
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            self.documents.update(dict.fromkeys(part))
            self.documents.update({d.number: d for d in Document.objects.filter(number__in=part)})

    def preload(self, sheets: list[_Sheet]) -> None:
        """Every 文号 of the file looked up at once (the rows' own check reports the unreadable ones), and
        the bodies the rows name by 台账编号 or by name, with their latest and their exported events."""
        numbers = []
        ids: set[int] = set()
        names: set[str] = set()
        versions: set[int] = set()
        for sheet in sheets:
            for _n, cells in sheet.rows:
                for column in ("依据文件", "变更依据文件"):
                    raw = _split_document(_text(cells.get(column)))[0]
                    if raw:
                        try:
                            numbers.append(self.parse_number(raw)[0].canonical)
                        except DocumentNumberError:
                            pass
                code = parse_body_code(_text(cells.get("台账编号")))
                if code:
                    ids.add(code[1])
                elif _text(cells.get("机构名称")):
                    names.add(_text(cells.get("机构名称")))
                if _text(cells.get("版本")).isdigit():
                    versions.add(int(_text(cells.get("版本"))))
        self.preload_documents(numbers)
        bodies = Body.objects.select_related("region", "basis_document")
        wanted = sorted(ids)
        for i in range(0, len(wanted), 500):
            self.bodies.update((b.pk, b) for b in bodies.filter(pk__in=wanted[i:i + 500]))
        wanted_names = sorted(names)
        for i in range(0, len(wanted_names), 500):
            for b in bodies.filter(name__in=wanted_names[i:i + 500]):
                self.by_identity[(b.region_id, b.name, b.established_on)] = b
                self.bodies[b.pk] = b
        known = sorted(self.bodies)
        for i in range(0, len(known), 500):
            self.current.update((e.body_id, e) for e in LedgerEvent.objects.filter(
                body_id__in=known[i:i + 500], is_void=False, valid_until__isnull=True).only(
                "id", "body_id", "kind", "effective_on", "state"))
        self.exported.update((e.pk, e) for e in self.current.values() if e.pk in versions)
        wanted_versions = sorted(versions - self.exported.keys())  # older exports: their states are read too
        for i in range(0, len(wanted_versions), 500):
            self.exported.update((e.pk, e) for e in LedgerEvent.objects.filter(
                pk__in=wanted_versions[i:i + 500]).only("id", "body_id", "state"))

    def parse_number(self, raw: str):
        """`parse_document_number`, once per distinct text of the file."""
        if raw not in self._parsed:
            try:
                self._parsed[raw] = parse_document_number(raw)
            except DocumentNumberError as exc:
                self._parsed[raw] = exc
        result = self._parsed[raw]
        if isinstance(result, DocumentNumberError):
            raise DocumentNumberError(result.message)
        return result

    def region(self, text: str, bad) -> Region | None:
        code = _key(text)
        if code.isdigit():
            region = self.by_code.get(code)
            if region is None:
                bad(f"区划代码“{text}”不存在")
            return region
        found = self.by_name.get(code, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            bad(f"区划名称“{text}”对应多个区划，请改填区划代码（" + "、".join(r.code for r in found) + "）")
        else:
            bad(f"区划“{text}”不存在，请填写系统中已有的区划名称或区划代码")
        return None

    def department(self, region: Region, text: str, bad) -> Department | None:
        directory = self.directory(region)
        k = _key(text)
        dept = directory.depts.get(k)
        if dept is None:
            candidates = directory.shorts.get(k, [])
            if len(candidates) > 1:
                bad(f"部门简称“{text}”在{region.name}对应多个部门（"
                    + "、".join(d.name for d in candidates) + "），请填写全称")
                return None
            dept = candidates[0] if candidates else None
        if dept is None:
            hint = difflib.get_close_matches(k, list(directory.depts), n=1, cutoff=0.6)
            suggestion = f"，是否应为“{directory.depts[hint[0]].name}”？" if hint else "，请填写系统中已有的部门全称或简称"
            bad(f"部门“{text}”在{region.name}不存在{suggestion}")
            return None
        if not dept.is_active:
            bad(f"部门“{dept.name}”已停用，不能再作为机构的牵头、办事或成员单位")
            return None
        return dept

    def post(self, region: Region, text: str, bad) -> Post | None:
        directory = self.directory(region)
        post = directory.posts.get(_key(text))
        if post is None:
            hint = difflib.get_close_matches(_key(text), list(directory.posts), n=1, cutoff=0.6)
            suggestion = f"，是否应为“{directory.posts[hint[0]].name}”？" if hint else "，请填写领导职务（如“市长”），不填姓名"
            bad(f"领导职务“{text}”在{region.name}不存在{suggestion}")
            return None
        if not post.is_active:
            bad(f"领导职务“{post.name}”已停用")
            return None
        return post

    # -- one row
    def check(self, sheet: _Sheet, n: int, cells: dict[str, Any]) -> None:
        errors: list[RowError] = []

        def at(column: str):
            return lambda message: errors.append(RowError(sheet.title, n, column, message))

        def text(h: str) -> str:
            return _text(cells.get(h))

        def too_long(h: str, value: str, limit: int) -> bool:
            if len(value) > limit:
                at(h)(f"“{value[:20]}……”过长：最多{limit}个字，现有{len(value)}个字")
                return True
            return False

        name = text("机构名称")
        if not name:
            at("机构名称")("未填写机构名称")
        else:
            too_long("机构名称", name, _field_len(Body, "name"))

        region = self.default_region
        if text("所属区划"):
            region = self.region(text("所属区划"), at("所属区划"))
        elif region is None:
            at("所属区划")("未填写所属区划（导入时也未选择默认区划）")
        if region is not None and self.allowed is not None and region.pk not in self.allowed:
            at("所属区划")(f"您无权在{region.name}登记机构")
            region = None
        if region is not None and name:
            self.names[(region.pk, name)].append((sheet.title, n))
        if region is not None:
            for f in check_region_may_hold_bodies(region, policy=self.policy(region)):
                if f.is_error:
                    at("所属区划")(f"{f.message}（依据：{f.source}）")
                    region = None

        on = None
        raw_date = cells.get("设立时间")
        if not _text(raw_date):
            at("设立时间")("未填写设立时间")
        else:
            try:
                on = parse_date(raw_date)
            except DateParseError as exc:
                at("设立时间")(exc.message)

        body = self.existing(sheet, n, cells, region, name, on, at)
        if body is not None:
            region = body.region
        elif region is not None and name and on is not None:
            self.candidates.append((sheet.title, n, region, name, on))

        doc_number = None
        doc_title = ""
        if text("依据文件"):
            raw_number, doc_title = _split_document(text("依据文件"))
            try:
                parsed, notes = self.parse_number(raw_number)
            except DocumentNumberError as exc:
                at("依据文件")(exc.message)
            else:
                doc_number = parsed.canonical
                for note in notes:
                    self.warnings.append(RowError(sheet.title, n, "依据文件", f"{note}（“{raw_number}”→“{doc_number}”）"))
                if body is not None:
                    pass  # an existing body's basis document is compared below
                elif not self.document_known(doc_number):
                    if on is not None and parsed.year != on.year:
                        at("依据文件")(f"依据文件年份与设立时间不一致：文号“{doc_number}”为{parsed.year}年，"
                                      f"设立时间为{format_date_zh(on)}；该文号尚未登记，请核对文号或设立时间")
                    if doc_title:
                        too_long("依据文件", doc_title, _field_len(Document, "title"))
                    if len(doc_number) > _field_len(Document, "number"):
                        at("依据文件")(f"文号“{doc_number}”过长")

        if body is not None:
            known = body.basis_document.number if body.basis_document_id else None
            if text("依据文件") and doc_number is not None and doc_number != known or not text("依据文件") and known:
                at("依据文件")(f"依据文件与台账不一致（台账为“{known or '无'}”）：已有机构的设立依据文件不能通过导入修改，"
                              "请恢复原值；如需更正，请在台账页面办理")
            if on is not None and on != body.established_on:
                at("设立时间")(f"设立时间与台账不一致（台账为{format_date_zh(body.established_on)}）：已有机构的设立时间"
                              "不能通过导入修改，请恢复原值；变更请填写“变更事项”“变更日期”“变更依据文件”")

        category = sheet.category
        form = self.choice(text("机构形式"), BodyForm, None, "机构形式", at, _DEFAULT_FORM.get(category))
        sequence = self.choice(text("序列"), Sequence, _SEQUENCE_SYNONYMS, "序列", at,
                               _DEFAULT_SEQUENCE.get(category))
        legal_ground = self.choice(text("设立依据"), LegalGround, None, "设立依据", at, None)
        task_scope = self.choice(text("工作性质"), TaskScope, None, "工作性质", at, TaskScope.SINGLE)
        status = text("状态")
        if body is not None:
            pass  # an existing body's status changes only by a 变更事项 (撤销, 不再认定)
        elif status and _choice(status, BodyStatus) != BodyStatus.ACTIVE:
            at("状态")(f"状态“{status}”的机构不能通过导入登记：导入只登记存续的机构（“状态”可留空）")

        is_temporary, ends_on, end_condition = self.duration(cells, at)

        duties = text("主要职责")
        if not duties:
            at("主要职责")("未填写主要职责")
        short_name = text("简称")
        too_long("简称", short_name, _field_len(Body, "short_name"))
        upper = text("上级机构设置情况")
        too_long("上级机构设置情况", upper, _field_len(Body, "upper_counterpart"))
        aliases = _split_list(text("别名"))

        lead = office = leader = None
        deputies: list[Post] = []
        members: list[tuple[Department, str]] = []
        if region is not None:
            if text("牵头部门"):
                lead = self.department(region, text("牵头部门"), at("牵头部门"))
            else:
                at("牵头部门")("未填写牵头部门")
            if text("办事机构所在部门"):
                office = self.department(region, text("办事机构所在部门"), at("办事机构所在部门"))
            else:
                at("办事机构所在部门")("未填写办事机构所在部门（办公室设在哪个部门）")
            directory = self.directory(region)
            leaders = self.split_names(text("组长"), directory.posts, directory.post_width)
            if len(leaders) > 1:
                at("组长")(f"组长只能填写一个领导职务，现填写了{len(leaders)}个：{text('组长')}")
            elif leaders:
                leader = self.post(region, leaders[0], at("组长"))
            for item in self.split_names(text("副组长"), directory.posts, directory.post_width):
                p = self.post(region, item, at("副组长"))
                if p is not None:
                    deputies.append(p)
            for item in self.split_names(text("成员单位"), directory.units, directory.unit_width):
                item, role = _member_role(item)
                d = self.department(region, item, at("成员单位"))
                if d is not None:
                    members.append((d, role))

        if errors or region is None or on is None:
            self.errors.extend(errors)
            return

        state = st.build_state(
            name=name, category=category, form=form, sequence=sequence, legal_ground=legal_ground,
            lead_department=lead, office_department=office, duties=duties, leader=leader, deputies=deputies,
            members=members, short_name=short_name, aliases=aliases, is_temporary=is_temporary,
            ends_on=ends_on, end_condition=end_condition, upper_counterpart=upper, task_scope=task_scope,
        )
        # The same rules the form and the services apply, in the same words.
        try:
            # A new row's departments must exist on its 设立时间; a changed row's are checked on its 变更日期.
            services.validate_state_refs(state, region, self.directory(region).refs, on=on if body is None else None)
        except services.LedgerError as exc:
            at(_FIELD_COLUMN.get(exc.field or "", "机构名称"))(exc.message)
        if body is not None:
            if not errors:
                self.change_row(sheet, n, cells, body, state, at)
            self.errors.extend(errors)
            return
        for f in check_body_state(state, region=region, policy=self.policy(region), on=on):
            target = errors if f.is_error else self.warnings
            target.append(RowError(sheet.title, n, _RULE_COLUMN.get(f.rule, "机构名称"),
                                   f"{f.message}（依据：{f.source}）"))
        if errors:
            self.errors.extend(errors)
            return
        if doc_number and not self.document_known(doc_number):
            new = self.new_docs.get(doc_number)
            if new is None:
                issuer = issuer_for(region, self.parse_number(doc_number)[0]) or UNKNOWN_ISSUER
                new = self.new_docs[doc_number] = _NewDocument(region=region, issued_on=on, issuer=issuer)
            new.issued_on = min(new.issued_on, on)
            new.names.append(name)
            if doc_title:
                new.titles.append(doc_title)
        self.pending.append(_Pending(sheet.title, n, region, on, state, doc_number))

    # -- an existing body's row
    def existing(self, sheet: _Sheet, n: int, cells: dict[str, Any], region: Region | None, name: str,
                 on: date | None, at) -> Body | None:
        """The body a row stands for: by its 台账编号, else by region, name and 设立时间; None for a new body."""
        code_text = _text(cells.get("台账编号"))
        body = None
        if code_text:
            code = parse_body_code(code_text)
            body = self.bodies.get(code[1]) if code else None
            if code is None:
                at("台账编号")(f"台账编号“{code_text}”无效：应为导出文件中的编号（如 370700-000123）；新增机构请留空")
                return None
            if body is None or body.region.code != code[0] or body.pk not in self.current:
                at("台账编号")(f"台账编号“{code_text}”在台账中不存在：请核对，或使用系统导出的文件；新增机构请留空")
                return None
            if region is not None and _text(cells.get("所属区划")) and region.pk != body.region_id:
                at("所属区划")(f"该机构属于{body.region.name}（台账编号{code_text}），所属区划不能通过导入修改")
                return None
        elif region is not None and name and on is not None:
            body = self.by_identity.get((region.pk, name, on))
            if body is None or body.pk not in self.current:
                return None
        else:
            return None
        if self.allowed is not None and body.region_id not in self.allowed:
            at("所属区划")(f"您无权修改{body.region.name}的机构")
            return None
        if body.pk in self.seen_bodies:
            s_title, s_row = self.seen_bodies[body.pk]
            at("台账编号" if code_text else "机构名称")(
                f"该机构（{body.name}）在工作表「{s_title}」第{s_row}行已出现：一个机构只能占一行；"
                "如是复制已有行来新增机构，请清空本行的“台账编号”和“版本”")
            return None
        self.seen_bodies[body.pk] = (sheet.title, n)
        return body

    def change_row(self, sheet: _Sheet, n: int, cells: dict[str, Any], body: Body, state: dict, at) -> None:
        """An existing body's row: unchanged, a conflict with a later change, or a change to record."""
        current = self.current[body.pk]
        before = current.state
        changed = changed_fields(before, state)
        kind_text = _key(_text(cells.get("变更事项")))
        kind = CHANGE_KINDS.get(kind_text)
        ending = kind in _ENDING
        if ending and before.get("status") in ENDED_STATUSES:
            self.unchanged += 1  # already ended (the same file imported again)
            return
        if not changed and not ending:
            self.unchanged += 1
            return
        if before.get("status") in ENDED_STATUSES:
            at("状态")(f"该机构自{format_date_zh(current.effective_on)}起{st.display_value('status', before['status'])}，"
                      "不能再修改；请恢复本行的原值")
            return
        version_text = _text(cells.get("版本"))
        if version_text:
            exported = self.exported.get(int(version_text)) if version_text.isdigit() else None
            if exported is None or exported.body_id != body.pk:
                at("版本")(f"版本“{version_text}”不是该机构导出时的版本：请不要修改“版本”一栏（新增机构请留空）")
                return
            if exported.pk != current.pk:
                edited = changed_fields(exported.state, state)
                if not edited and not ending:
                    self.unchanged += 1  # an older export left as it was: nothing asked, nothing reverted
                    return
                labels = "、".join(self.field_label(k) for k in edited) or "状态"
                self.conflicts.append(RowError(
                    sheet.title, n, "版本",
                    f"冲突：该行导出后，“{body.name}”已于{format_date_zh(current.effective_on)}登记了"
                    f"“{EventKind(current.kind).label}”，本行对{labels}的修改是按此前导出的旧台账做的，"
                    "导入会覆盖该变更。请重新导出最新台账，在新文件中修改后再导入"))
                return
        labels = "、".join(self.field_label(k) for k in changed)
        what = f"本行修改了{labels}" if changed else "本行要求结束该机构"
        if not kind_text:
            at("变更事项")(f"{what}，须填写变更事项（如" + "、".join(f"“{k}”" for k in _KIND_EXAMPLES)
                          + "），以及变更日期和变更依据文件；如不打算修改，请恢复原值")
        elif kind is None:
            reason = _NOT_FROM_A_ROW.get(kind_text)
            if reason:
                at("变更事项")(f"变更事项“{kind_text}”不能通过导入登记：{reason}，请在台账页面办理")
            else:
                at("变更事项")(f"变更事项“{kind_text}”无效，应为" + "、".join(f"“{k}”" for k in _KIND_EXAMPLES) + "之一")
        on = None
        raw_on = cells.get("变更日期")
        if not _text(raw_on):
            at("变更日期")(f"{what}，须填写变更日期（变更依据文件的日期，如 2024年3月5日）")
        else:
            try:
                on = parse_date(raw_on)
            except DateParseError as exc:
                at("变更日期")(exc.message)
        if on is not None and on < body.established_on:
            at("变更日期")(f"变更日期{format_date_zh(on)}早于该机构设立时间{format_date_zh(body.established_on)}")
            on = None
        doc_number = None
        doc_text = _text(cells.get("变更依据文件"))
        if not doc_text:
            at("变更依据文件")(f"{what}，须填写变更依据文件的文号（如 潍政办字〔2024〕5号）")
        else:
            raw_number, doc_title = _split_document(doc_text)
            try:
                parsed, _notes = self.parse_number(raw_number)
            except DocumentNumberError as exc:
                at("变更依据文件")(exc.message)
            else:
                doc_number = parsed.canonical
                if not self.document_known(doc_number) and on is not None:
                    if parsed.year != on.year:
                        at("变更依据文件")(f"变更依据文件年份与变更日期不一致：文号“{doc_number}”为{parsed.year}年，"
                                         f"变更日期为{format_date_zh(on)}；该文号尚未登记，请核对文号或变更日期")
                    elif doc_title and len(doc_title) > _field_len(Document, "title"):
                        at("变更依据文件")(f"文件标题过长：最多{_field_len(Document, 'title')}个字")
                    elif len(doc_number) > _field_len(Document, "number"):
                        at("变更依据文件")(f"文号“{doc_number}”过长")
                    else:
                        new = self.new_docs.get(doc_number)
                        if new is None:
                            issuer = issuer_for(body.region, parsed) or UNKNOWN_ISSUER
                            new = self.new_docs[doc_number] = _NewDocument(region=body.region, issued_on=on,
                                                                           issuer=issuer, verb="调整")
                        new.issued_on = min(new.issued_on, on)
                        new.names.append(body.name)
                        if doc_title:
                            new.titles.append(doc_title)
        if kind is None or on is None or doc_number is None:
            return
        proposed = {**before, **{k: state[k] for k in changed}}
        if ending:
            changes: dict = {}
            event_kind = kind
            if changed:
                at("变更事项")(f"变更事项“{kind_text}”只结束该机构，不能同时修改{labels}：请恢复这些栏目的原值，"
                              "或分两次导入")
                return
        else:
            event_kind, changes = st.event_for_change(kind, before, proposed)
            dropped = [k for k in changed if k not in changes and k in st.KIND_KEYS.get(kind, ())] + \
                [k for k in changed if k not in st.KIND_KEYS.get(kind, ())]
            if dropped:
                allowed = "、".join(self.field_label(k) for k in st.KIND_KEYS.get(kind, ()) if k in COMPARED)
                at("变更事项")(f"变更事项“{kind_text}”只能改变{allowed}；本行还修改了"
                              + "、".join(self.field_label(k) for k in dict.fromkeys(dropped))
                              + "，请将变更事项填写为“调整”，或恢复这些栏目的原值")
                return
            required = services.REQUIRED_CHANGES.get(kind, ())
            if required and not any(k in changes for k in required):
                at("变更事项")(f"变更事项“{kind_text}”须改变" + "、".join(self.field_label(k) for k in required)
                              + "中的至少一项")
                return
            after = st.apply_changes(before, event_kind, changes)
            bad = False
            for f in check_body_state(after, region=body.region, policy=self.policy(body.region), on=on):
                if f.is_error:
                    bad = True
                    at(_RULE_COLUMN.get(f.rule, "机构名称"))(f"{f.message}（依据：{f.source}）")
                else:
                    self.warnings.append(RowError(sheet.title, n, _RULE_COLUMN.get(f.rule, "机构名称"),
                                                  f"{f.message}（依据：{f.source}）"))
            if bad:
                return
            if after["name"] != before["name"]:
                try:
                    services.check_name_free(region=body.region, name=after["name"], on=on, exclude_body_id=body.pk)
                except services.LedgerError as exc:
                    at("机构名称")(exc.message)
                    return
        fields = [(self.field_label(k), st.display_value(k, before.get(k)), st.display_value(k, proposed.get(k)))
                  for k in changed]
        if ending:
            fields.append(("状态", st.display_value("status", before.get("status")),
                           st.display_value("status", STATUS_AFTER[kind])))
        self.changes.append(_PendingChange(sheet.title, n, body, event_kind, on, changes, doc_number, fields,
                                           current.pk))

    @staticmethod
    def field_label(key: str) -> str:
        return _FIELD_HEADER.get(key) or st.STATE_FIELDS[key]

    @staticmethod
    def split_names(text: str, known, width: int | None = None) -> list[str]:
        """Split a 、-separated list, keeping whole the names that themselves contain 、.

        "市委常委、组织部部长、副市长" with a post named "市委常委、组织部部长" gives two items:
        adjacent pieces are joined back, longest first, wherever the join is a known name; a join
        is never wider than the known name with the most 、 (so a long list costs linear time).
        """
        pieces = _split_list(text)
        width = width or _join_width(known)
        items, i = [], 0
        while i < len(pieces):
            for j in range(min(len(pieces), i + width), i + 1, -1):
                joined = "、".join(pieces[i:j])
                if _key(_member_role(joined)[0]) in known:
                    items.append(joined)
                    i = j
                    break
            else:
                items.append(pieces[i])
                i += 1
        return items

    def choice(self, value: str, choices, synonyms, column: str, at, default: str | None) -> str | None:
        if not value:
            if default is None:
                at(column)(f"未填写{column}，应为{_labels(choices)}之一")
            return default
        found = _choice(value, choices, synonyms)
        if found is None:
            at(column)(f"{column}“{value}”无效，应为{_labels(choices)}之一")
        return found

    def duration(self, cells: dict[str, Any], at) -> tuple[bool, date | None, str]:
        text = _text(cells.get("存续时间"))
        ends_on = None
        raw_end = cells.get("存续期限")
        if _text(raw_end):
            try:
                ends_on = parse_date(raw_end)
            except DateParseError as exc:
                at("存续期限")(exc.message)
        end_condition = _text(cells.get("撤销条件"))
        if len(end_condition) > _field_len(Body, "end_condition"):
            at("撤销条件")(f"撤销条件过长：最多{_field_len(Body, 'end_condition')}个字")
        if not text:
            at("存续时间")("未填写存续时间，应填写“常设”或“临时”")
            return False, ends_on, end_condition
        compact = re.sub(r"\s+", "", text)
        if compact.startswith("常设"):
            return False, ends_on, end_condition
        if not compact.startswith("临时"):
            at("存续时间")(f"存续时间“{text}”无效：应以“常设”或“临时”开头，如“常设”“临时，至2023年10月31日”"
                          "“临时，任务完成后撤销”")
            return False, ends_on, end_condition
        # Details after 临时: "至<date>" fills 存续期限, the rest 撤销条件, where those cells are empty.
        details = _split_list(compact[2:].strip("：:（）()"))
        rest = []
        for part in details:
            if part.startswith("至") and ends_on is None and not _text(raw_end):
                try:
                    ends_on = parse_date(part[1:].rstrip("止前"))
                except DateParseError as exc:
                    at("存续时间")(exc.message)
            elif not part.startswith("至"):
                rest.append(part)
        if not end_condition and rest:
            end_condition = "，".join(rest)[: _field_len(Body, "end_condition")]
        return True, ends_on, end_condition

    def clashes_with_ledger(self) -> None:
        """Names used by a body that is active in the same region on the row's date or any day after.

        The same rule as `services.check_name_free` (`services.name_clash_on`), checked for a whole file up
        front so every clash is reported: one query per region and 500 names instead of one per row.
        """
        by_region: dict[int, list[tuple[str, int, Region, str, date]]] = defaultdict(list)
        for c in self.candidates:
            by_region[c[2].pk].append(c)
        for region_id, cands in by_region.items():
            spans = services.active_name_spans(region_id, (c[3] for c in cands))
            for sheet, row, region, name, on in cands:
                since = services.name_clash_on(spans.get(name, ()), on)
                if since is None:
                    continue
                when = f"在{format_date_zh(on)}" if since == on else f"自{format_date_zh(since)}起"
                self.errors.append(RowError(sheet, row, "机构名称",
                                            f"{region.name}{when}已有同名机构“{name}”，不能重名。"))

    def duplicates(self) -> None:
        for (_region_id, name), places in self.names.items():
            if len(places) < 2:
                continue
            for sheet, row in places:
                others = "、".join(f"工作表「{s}」第{r}行" for s, r in places if (s, r) != (sheet, row))
                self.errors.append(RowError(sheet, row, "机构名称",
                                            f"机构名称“{name}”与{others}重复：同一区划不能有两个同名机构"))
