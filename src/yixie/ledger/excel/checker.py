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
from ..choices import BodyCategory, BodyForm, BodyStatus, LegalGround, MemberRole, Sequence, TaskScope
from ..docnumber import DocumentNumberError, issuer_for, parse_document_number
from ..models import Body, Document
from ..policy import Policy, check_body_state, check_region_may_hold_bodies
from .reader import _key, _Sheet, _text
from .report import RowError

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
class _NewDocument:
    region: Region
    issued_on: date
    issuer: str
    titles: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.titles:
            return self.titles[0]
        if len(self.names) > 1:
            return f"关于设立{self.names[0]}等{len(self.names)}个机构的通知"
        return f"关于设立{self.names[0]}的通知"


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
        """Every 文号 of the file looked up at once (the rows' own check reports the unreadable ones)."""
        numbers = []
        for sheet in sheets:
            for _n, cells in sheet.rows:
                raw = _split_document(_text(cells.get("依据文件")))[0]
                if raw:
                    try:
                        numbers.append(self.parse_number(raw)[0].canonical)
                    except DocumentNumberError:
                        pass
        self.preload_documents(numbers)

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

        if region is not None and name and on is not None:
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
                if not self.document_known(doc_number):
                    if on is not None and parsed.year != on.year:
                        at("依据文件")(f"依据文件年份与设立时间不一致：文号“{doc_number}”为{parsed.year}年，"
                                      f"设立时间为{format_date_zh(on)}；该文号尚未登记，请核对文号或设立时间")
                    if doc_title:
                        too_long("依据文件", doc_title, _field_len(Document, "title"))
                    if len(doc_number) > _field_len(Document, "number"):
                        at("依据文件")(f"文号“{doc_number}”过长")

        category = sheet.category
        form = self.choice(text("机构形式"), BodyForm, None, "机构形式", at, _DEFAULT_FORM.get(category))
        sequence = self.choice(text("序列"), Sequence, _SEQUENCE_SYNONYMS, "序列", at,
                               _DEFAULT_SEQUENCE.get(category))
        legal_ground = self.choice(text("设立依据"), LegalGround, None, "设立依据", at, None)
        task_scope = self.choice(text("工作性质"), TaskScope, None, "工作性质", at, TaskScope.SINGLE)
        status = text("状态")
        if status and _choice(status, BodyStatus) != BodyStatus.ACTIVE:
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
            services.validate_state_refs(state, region, self.directory(region).refs)
        except services.LedgerError as exc:
            at(_FIELD_COLUMN.get(exc.field or "", "机构名称"))(exc.message)
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
