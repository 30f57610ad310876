"""Excel in and out: the ledger in the seven-indicator template, one sheet per category.

The template is the offices' own: its first seven headers are the seven indicators (机构名称 …
上级机构设置情况) in their words, then the fields the rules need. Row 1 holds the headers and nothing
else, so an exported file can be edited and imported again as it is.

An import is all or nothing. Phase 1 reads and checks every row of every sheet and collects every
problem (sheet, row, column, and a Chinese message quoting the value); phase 2 runs only when there
is none, inside one transaction, and writes through `services.bodies_establish_bulk`, which checks
every row by the same rules as `services.body_establish` (a row that the form would refuse is refused
here too, the rules stay in one place) and writes the same rows, many at a time.
"""

from __future__ import annotations

import difflib
import logging
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from yixie.core.dates import DateParseError, format_date_zh, parse_date
from yixie.org.models import Department, Post, Region
from yixie.org.scopes import scope_for

from . import services
from . import state as st
from .choices import (
    BodyCategory,
    BodyForm,
    BodyStatus,
    LeaderRole,
    LegalGround,
    MemberRole,
    Sequence,
    TaskScope,
)
from .docnumber import DocumentNumberError, parse_document_number
from .models import Body, Document, LedgerEvent
from .policy import Policy, PolicyViolation, check_body_state
from .selectors import history_text

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- the template

#: (header, key), in the order of the template. The first seven are the seven indicators.
COLUMNS: list[tuple[str, str]] = [
    ("机构名称", "name"),
    ("设立时间", "established_on"),
    ("依据文件", "document"),
    ("办事机构所在部门", "office_department"),
    ("存续时间", "duration"),
    ("历史沿革", "history"),
    ("上级机构设置情况", "upper_counterpart"),
    ("所属区划", "region"),
    ("机构形式", "form"),
    ("序列", "sequence"),
    ("设立依据", "legal_ground"),
    ("牵头部门", "lead_department"),
    ("组长", "leader"),
    ("副组长", "deputies"),
    ("成员单位", "members"),
    ("主要职责", "duties"),
    ("简称", "short_name"),
    ("别名", "aliases"),
    ("存续期限", "ends_on"),
    ("撤销条件", "end_condition"),
    ("工作性质", "task_scope"),
    ("状态", "status"),
]
HEADERS: list[str] = [h for h, _ in COLUMNS]
SEVEN_INDICATORS: list[str] = HEADERS[:7]
#: Headers an imported sheet must have (历史沿革 is generated, the others have defaults or may be empty).
REQUIRED_HEADERS: tuple[str, ...] = (
    "机构名称", "设立时间", "依据文件", "办事机构所在部门", "存续时间", "机构形式", "序列", "设立依据",
    "牵头部门", "主要职责",
)
#: A sheet with this name holds instructions for the clerk and is skipped on import.
INSTRUCTIONS_SHEET = "填写说明"

_WIDTHS = {
    "name": 30, "established_on": 12, "document": 34, "office_department": 22, "duration": 24, "history": 50,
    "upper_counterpart": 28, "region": 10, "form": 10, "sequence": 10, "legal_ground": 30,
    "lead_department": 22, "leader": 16, "deputies": 24, "members": 48, "duties": 50, "short_name": 14,
    "aliases": 20, "ends_on": 12, "end_condition": 24, "task_scope": 12, "status": 8,
}
_WRAPPED = {"document", "history", "upper_counterpart", "members", "duties"}
_DATES = {"established_on", "ends_on"}

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_INDICATOR_FILL = PatternFill("solid", fgColor="9C2A2A")  # the seven indicators stand out
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP_ALIGN = Alignment(vertical="top", wrap_text=True)
_THIN = Side(style="thin", color="BFBFBF")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

#: Who issued a document, inferred from its 机关代字 when the ledger does not know the 文号 yet.
ISSUERS: dict[str, str] = {
    "潍发": "中共潍坊市委",
    "潍政发": "潍坊市人民政府",
    "潍政字": "潍坊市人民政府",
    "潍办发": "中共潍坊市委办公室",
    "潍办字": "中共潍坊市委办公室",
    "潍政办发": "潍坊市人民政府办公室",
    "潍政办字": "潍坊市人民政府办公室",
}
UNKNOWN_ISSUER = "（发文机关待补充）"

#: Sheet names the offices use besides the category labels.
_SHEET_SYNONYMS: dict[str, str] = {
    "市委议事协调机构": BodyCategory.PARTY, "县委议事协调机构": BodyCategory.PARTY,
    "区委议事协调机构": BodyCategory.PARTY, "党委议事协调机构": BodyCategory.PARTY,
    "市政府议事协调机构": BodyCategory.GOVERNMENT, "县政府议事协调机构": BodyCategory.GOVERNMENT,
    "区政府议事协调机构": BodyCategory.GOVERNMENT, "政府议事协调机构": BodyCategory.GOVERNMENT,
    "联席会议": BodyCategory.JOINT_MEETING, "协调机制": BodyCategory.MECHANISM,
}
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
}

MAX_ROWS = 50_000
#: A real ledger workbook unpacks to a few MB; refuse archives that would unpack to more than this.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
PROGRESS_EVERY = 50


# ---------------------------------------------------------------- report

@dataclass(frozen=True)
class RowError:
    """One problem, where it is (row 0 and an empty sheet mean the whole file) and what is wrong."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = ""
        if self.sheet:
            where += f"工作表「{self.sheet}」"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]


class ImportFileError(Exception):
    """The upload is not a workbook we can read; `message` is Chinese."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# ---------------------------------------------------------------- small helpers

def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _text(value: Any) -> str:
    """A cell as text: numbers without '.0', dates as ISO, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


_KEY_FOLD = str.maketrans({"(": "（", ")": "）", "　": ""})


def _key(text: str) -> str:
    """A name as a lookup key: no whitespace, full-width parentheses."""
    return re.sub(r"\s+", "", text.translate(_KEY_FOLD))


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


def _category_of_sheet(title: str) -> str | None:
    k = _key(title)
    for value, label in BodyCategory.choices:
        if k == _key(label):
            return value
    return _SHEET_SYNONYMS.get(k)


def _split_document(text: str) -> tuple[str, str]:
    """'潍发〔2019〕5号《关于……的通知》' → (number, title)."""
    if "《" in text:
        number, _, rest = text.partition("《")
        return number.strip(), rest.split("》", 1)[0].strip()
    return text.strip(), ""


def issuer_for(agency: str) -> str:
    return ISSUERS.get(agency, UNKNOWN_ISSUER)


def duration_text(state: dict) -> str:
    """存续时间 as the offices write it: 常设, or 临时 with its end date and condition."""
    if not state.get("is_temporary"):
        return "常设"
    parts = ["临时"]
    if state.get("ends_on"):
        parts.append(f"至{format_date_zh(date.fromisoformat(state['ends_on']))}")
    if (state.get("end_condition") or "").strip():
        parts.append(state["end_condition"].strip())
    return "，".join(parts)


# ---------------------------------------------------------------- export

def _row_values(ev: LedgerEvent, history: str) -> dict[str, Any]:
    s = ev.state
    body = ev.body
    doc = body.basis_document
    leaders = s.get("leaders") or []
    members = s.get("members") or []
    return {
        "name": s.get("name", ""),
        "established_on": body.established_on,
        "document": (f"{doc.number}《{doc.title}》" if doc.title else doc.number) if doc else "",
        "office_department": (s.get("office_department") or s.get("lead_department") or {}).get("name", ""),
        "duration": duration_text(s),
        "history": history,
        "upper_counterpart": s.get("upper_counterpart", ""),
        "region": ev.region.name,
        "form": st.CHOICE_LABELS["form"].get(s.get("form"), s.get("form") or ""),
        "sequence": st.CHOICE_LABELS["sequence"].get(s.get("sequence"), s.get("sequence") or ""),
        "legal_ground": st.CHOICE_LABELS["legal_ground"].get(s.get("legal_ground"), s.get("legal_ground") or ""),
        "lead_department": (s.get("lead_department") or {}).get("name", ""),
        "leader": "、".join(x["post"] for x in leaders if x.get("role") == LeaderRole.LEADER),
        "deputies": "、".join(x["post"] for x in leaders if x.get("role") == LeaderRole.DEPUTY),
        "members": "、".join(
            m["department"] + ("（主办）" if m.get("role") == MemberRole.PRINCIPAL else "") for m in members
        ),
        "duties": s.get("duties", ""),
        "short_name": s.get("short_name", ""),
        "aliases": "、".join(s.get("aliases") or []),
        "ends_on": date.fromisoformat(s["ends_on"]) if s.get("ends_on") else None,
        "end_condition": s.get("end_condition", ""),
        "task_scope": st.CHOICE_LABELS["task_scope"].get(s.get("task_scope"), s.get("task_scope") or ""),
        "status": st.CHOICE_LABELS["status"].get(s.get("status"), s.get("status") or ""),
    }


def _histories(body_filter: dict, on: date) -> dict[int, list[LedgerEvent]]:
    """Every body's events up to `on`, in one query, light: only what `history_text` reads."""
    qs = (
        LedgerEvent.objects.filter(is_void=False, effective_on__lte=on, **body_filter)
        .select_related("document")
        .only("id", "body_id", "kind", "effective_on", "seq", "is_void", "document_id", "document__number")
        .annotate(hist_name=KT("state__name"), hist_successor=KT("state__successor__name"))
        .order_by("body_id", "effective_on", "seq", "id")
    )
    result: dict[int, list[LedgerEvent]] = defaultdict(list)
    for ev in qs.iterator(chunk_size=5000):
        ev.state = {"name": ev.hist_name, "successor": {"name": ev.hist_successor} if ev.hist_successor else None}
        result[ev.body_id].append(ev)
    return result


def _cell(ws, key: str, value: Any):
    if isinstance(value, str):
        value = _clean(value)
    if key in _WRAPPED or (isinstance(value, str) and value.startswith("=")):
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text that looks like a formula stays text
        if key in _WRAPPED:
            cell.alignment = _WRAP_ALIGN
        return cell
    return value


def _choice_validation(choices, column: int) -> DataValidation:
    letter = get_column_letter(column)
    dv = DataValidation(type="list", formula1='"' + ",".join(choices.labels) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="请从列表中选择",
                        error="请从下拉列表中选择，不要自行输入。")
    dv.add(f"{letter}2:{letter}1048576")
    return dv


def _start_sheet(wb: Workbook, title: str):
    ws = wb.create_sheet(title=title)
    for i, (_header, key) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(key, 14)
    ws.freeze_panes = "B2"
    index = {key: i for i, (_h, key) in enumerate(COLUMNS, start=1)}
    for choices, key in ((BodyForm, "form"), (Sequence, "sequence"), (LegalGround, "legal_ground"),
                         (TaskScope, "task_scope")):
        ws.data_validations.append(_choice_validation(choices, index[key]))
    header = []
    for i, h in enumerate(HEADERS):
        c = WriteOnlyCell(ws, value=h)
        c.font = _HEADER_FONT
        c.fill = _INDICATOR_FILL if i < len(SEVEN_INDICATORS) else _HEADER_FILL
        c.alignment = _HEADER_ALIGN
        c.border = _HEADER_BORDER
        header.append(c)
    ws.row_dimensions[1].height = 30
    ws.append(header)
    return ws


def export_workbook(rows: Iterable[LedgerEvent], *, on: date, instructions: bool = False) -> Workbook:
    """The ledger as of `on`: one sheet per category (all six, even empty), one row per state.

    `rows` are in-force `LedgerEvent`s (see `selectors.ledger_rows`), exported in their order. The
    histories of all exported bodies are read in one query; a queryset costs two queries in all.
    """
    if isinstance(rows, QuerySet):
        rows = rows.select_related("body__basis_document", "region")
        histories = _histories({"body_id__in": rows.values("body_id")}, on)
        row_iter: Iterable[LedgerEvent] = rows.iterator(chunk_size=2000)
    else:
        rows = list(rows)
        ids = sorted({r.body_id for r in rows})
        histories = {}
        for i in range(0, len(ids), 500):
            histories.update(_histories({"body_id__in": ids[i:i + 500]}, on))
        row_iter = rows
    by_category: dict[str, list[list[Any]]] = {c: [] for c in BodyCategory.values}
    for ev in row_iter:
        values = _row_values(ev, history_text(histories.get(ev.body_id, [])))
        by_category.setdefault(ev.category, []).append([values[key] for _h, key in COLUMNS])

    wb = Workbook(write_only=True)
    for value, label in BodyCategory.choices:
        ws = _start_sheet(wb, label)
        data = by_category.get(value, [])
        for row in data:
            ws.append([_cell(ws, key, v) for (_h, key), v in zip(COLUMNS, row, strict=True)])
        ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(data) + 1}"
    if instructions:
        _instructions_sheet(wb)
    return wb


def write_export(rows: Iterable[LedgerEvent], *, on: date, stream: IO[bytes] | str | Path) -> None:
    export_workbook(rows, on=on).save(stream)


def template_workbook() -> Workbook:
    """An empty template (all six sheets with their headers) and a sheet of instructions."""
    return export_workbook([], on=timezone.localdate(), instructions=True)


INSTRUCTIONS = [
    "议事协调机构台账导入模板 · 填写说明",
    "1. 每个工作表对应一类机构，工作表名称不要修改；不用的工作表留空即可。本“填写说明”工作表导入时不读取。",
    "2. 第一行是表头，不要修改、删除或插入标题行；从第二行起每行填写一个机构，不要合并单元格。",
    "3. 设立时间、存续期限：写作 2019-03-15、2019/3/15 或 2019年3月15日，也可以是 Excel 日期格式。",
    "4. 依据文件：填写设立文件的文号，如 潍发〔2019〕5号；可在文号后用书名号写标题，如 潍发〔2019〕5号《关于成立……的通知》。"
    "尚未登记的文号会一并登记，文号中的年份须与设立时间的年份一致。",
    "5. 办事机构所在部门、牵头部门、成员单位：填写系统中已有的部门全称或简称（见“部门”页面）；"
    "成员单位之间用顿号“、”分隔，主办单位在名称后加“（主办）”。",
    "6. 组长、副组长：填写领导职务（如“市长”“常务副市长”），不填姓名；副组长之间用顿号分隔。",
    "7. 存续时间：填写“常设”或“临时”；临时机构须填写存续期限或撤销条件（也可写作“临时，至2023年10月31日”“临时，任务完成后撤销”）。",
    "8. 所属区划：填写区划名称或区划代码（如 潍坊市 或 370700）；为空时记入导入页面选择的区划。",
    "9. 历史沿革：导出时由系统根据历史沿革事项生成，导入时不读取。状态：导入只登记存续的机构，可留空。",
    "10. 机构形式、序列、设立依据、工作性质：从下拉列表中选择。",
    "11. 导入时系统先逐行检查，只要有一处问题，整个文件都不导入，并列出每一处问题（工作表、行、列）；全部无误后一次导入。",
    "",
    "可选值：",
    "机构形式：" + "、".join(BodyForm.labels),
    "序列：" + "、".join(Sequence.labels),
    "设立依据：" + "；".join(LegalGround.labels),
    "工作性质：" + "、".join(TaskScope.labels),
]


def _instructions_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(title=INSTRUCTIONS_SHEET)
    ws.column_dimensions["A"].width = 120
    for i, line in enumerate(INSTRUCTIONS):
        c = WriteOnlyCell(ws, value=line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 0:
            c.font = Font(bold=True, size=14)
        ws.append([c])


# ---------------------------------------------------------------- import: reading

def check_xlsx(fileobj: IO[bytes]) -> str | None:
    """Why this file is not an .xlsx workbook we can read (Chinese), or None if it is one."""
    try:
        fileobj.seek(0)
        head = fileobj.read(8)
        fileobj.seek(0)
    except (OSError, ValueError):
        return "无法读取上传的文件，请重新上传。"
    if not head:
        return "文件是空的。"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("这是旧版 Excel（.xls）文件或设有密码的文件：请在 Excel 或 WPS 中打开，取消密码后“另存为”"
                "Excel 工作簿（.xlsx）再导入。")
    if not head.startswith(b"PK"):
        return "文件内容不是 Excel（.xlsx）工作簿，请使用导入模板填写后上传。"
    try:
        with zipfile.ZipFile(fileobj) as zf:
            names = set(zf.namelist())
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "文件已损坏或不是 Excel（.xlsx）工作簿，请重新保存后上传。"
    finally:
        fileobj.seek(0)
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            return "这是 Word 文件，不是 Excel 工作簿，请使用导入模板填写后上传。"
        return "文件内容不是 Excel（.xlsx）工作簿，请使用导入模板填写后上传。"
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        return "文件解压后过大，不像是台账文件，已拒绝。"
    return None


@dataclass
class _Sheet:
    title: str
    category: str
    rows: list[tuple[int, dict[str, Any]]]


def _find_header(rows: list[tuple]) -> int | None:
    for i, row in enumerate(rows[:5]):
        if any(_key(_text(v)).strip("*＊") == "机构名称" for v in row):
            return i
    return None


def _read_sheets(fileobj: IO[bytes], errors: list[RowError]) -> list[_Sheet]:
    problem = check_xlsx(fileobj)
    if problem:
        raise ImportFileError(problem)
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        logger.info("unreadable workbook: %r", exc)
        raise ImportFileError("无法读取该 Excel 文件（文件可能已损坏），请在 Excel 或 WPS 中重新保存为 .xlsx 后再导入。") from exc
    sheets: list[_Sheet] = []
    total = 0
    try:
        for ws in wb.worksheets:
            title = ws.title
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some tools write wrong dimensions; read what is there
            raw: list[tuple[int, tuple]] = []
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if values and any(_text(v) for v in values):
                    raw.append((n, values))
                    if total + len(raw) > MAX_ROWS + 10:
                        raise ImportFileError(f"文件行数超过{MAX_ROWS}行，请分成几个文件导入。")
            if _key(title) == INSTRUCTIONS_SHEET or not raw:
                continue
            category = _category_of_sheet(title)
            header_at = _find_header([v for _n, v in raw])
            if category is None:
                if header_at is not None and len(raw) == header_at + 1:
                    continue  # a renamed but unused sheet: nothing to import, nothing to report
                names = "、".join(f"“{label}”" for label in BodyCategory.labels)
                errors.append(RowError(title, 0, "", f"工作表名称“{title}”不是机构类别：工作表名称应为{names}之一，"
                                                      "请不要修改模板中的工作表名称（不用的工作表请留空）"))
                continue
            if header_at is None:
                errors.append(RowError(title, raw[0][0], "机构名称", "找不到表头“机构名称”：第一行应为模板的表头"))
                continue
            header_row, header_values = raw[header_at]
            columns: dict[int, str] = {}
            for i, v in enumerate(header_values):
                h = _key(_text(v)).strip("*＊")
                if not h:
                    continue
                if h in columns.values():
                    errors.append(RowError(title, header_row, h, f"表头“{h}”出现了不止一次"))
                columns[i] = h
            missing = [h for h in REQUIRED_HEADERS if h not in columns.values()]
            for h in missing:
                errors.append(RowError(title, header_row, h, f"缺少表头“{h}”：请使用导入模板，不要删除或改动表头"))
            if missing:
                continue
            rows = []
            for n, values in raw[header_at + 1:]:
                cells = {h: values[i] for i, h in columns.items() if i < len(values)}
                if any(_text(cells.get(h)) for h in HEADERS if h != "历史沿革"):
                    rows.append((n, cells))
            total += len(rows)
            sheets.append(_Sheet(title, category, rows))
    finally:
        wb.close()
    return sheets


# ---------------------------------------------------------------- import: checking

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
        if region is not None and not region.may_hold_bodies:
            for f in check_body_state({}, region=region, policy=self.policy(region)):
                if f.rule == "townships.may_hold_bodies" and f.is_error:
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
            if leader is not None and leader in deputies:
                at("副组长")(f"领导职务“{leader.name}”不能既任组长又任副组长")
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
                agency = self.parse_number(doc_number)[0].agency
                new = self.new_docs[doc_number] = _NewDocument(region=region, issued_on=on,
                                                               issuer=issuer_for(agency))
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


class _RowFailure(Exception):
    def __init__(self, error: RowError):
        self.error = error
        super().__init__(str(error))


def _open(path_or_file) -> tuple[IO[bytes], bool]:
    if isinstance(path_or_file, (str, Path)):
        return open(path_or_file, "rb"), True  # closed by the caller
    return path_or_file, False


def import_workbook(path_or_file, *, actor, default_region: Region | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    source: tuple[str, str] | None = None) -> ImportReport:
    """Check every row, then take the whole file or nothing.

    `progress(done, total)` is called every ~50 rows; each row counts twice in `total` (once
    checked, once written), so the bar reaches 50% when the checking is done. `source` (label,
    link) is recorded on every setup event as where it came from (default: "Excel导入").
    """
    source = source or ("Excel导入", "")
    report = ImportReport()
    errors: list[RowError] = []
    try:
        fileobj, owned = _open(path_or_file)
    except OSError:
        report.errors.append(RowError("", 0, "", f"无法打开文件“{path_or_file}”。"))
        return report
    try:
        sheets = _read_sheets(fileobj, errors)
    except ImportFileError as exc:
        report.errors.append(RowError("", 0, "", exc.message))
        return report
    finally:
        if owned:
            fileobj.close()
    if errors:
        report.errors = errors
        return report

    n_rows = sum(len(s.rows) for s in sheets)
    report.total_rows = n_rows
    total = 2 * n_rows
    if n_rows == 0:
        report.errors.append(RowError("", 0, "", "文件中没有可导入的机构：请从各工作表的第二行起填写，每行一个机构。"))
        return report

    def tick(done: int, force: bool = False) -> None:
        if progress is not None and (force or done % PROGRESS_EVERY == 0):
            progress(done, total)

    tick(0, force=True)
    checker = _Checker(actor=actor, default_region=default_region)
    checker.preload(sheets)
    done = 0
    for sheet in sheets:
        for n, cells in sheet.rows:
            checker.check(sheet, n, cells)
            done += 1
            tick(done)
    checker.duplicates()
    checker.clashes_with_ledger()
    tick(n_rows, force=True)
    order = {s.title: i for i, s in enumerate(sheets)}
    columns = {h: i for i, h in enumerate(HEADERS)}

    def sort_key(e: RowError):
        return order.get(e.sheet, -1), e.row, columns.get(e.column, 99), e.message

    report.warnings = sorted(checker.warnings, key=sort_key)
    if checker.errors:
        report.errors = sorted(set(checker.errors), key=sort_key)
        return report

    try:
        with transaction.atomic():
            _register_documents(checker, actor)
            items = [services.NewBody(region=p.region, state=p.state, on=p.on,
                                      document=checker.documents[p.doc_number] if p.doc_number else None)
                     for p in checker.pending]
            bodies = services.bodies_establish_bulk(
                actor=actor, items=items, note="Excel导入", source=source, refs=checker.refs(),
                progress=lambda done: tick(n_rows + done, force=done == len(items)))
    except services.ItemRefused as refused:
        p, exc = checker.pending[refused.index], refused.error
        if isinstance(exc, PolicyViolation):
            f = next(f for f in exc.findings if f.is_error)
            column, message = _RULE_COLUMN.get(f.rule, "机构名称"), f"{f.message}（依据：{f.source}）"
        else:
            column, message = _FIELD_COLUMN.get(exc.field or "", "机构名称"), exc.message
        report.errors = [RowError(p.sheet, p.row, column, message)]
        return report
    except _RowFailure as failure:
        report.errors = [failure.error]
        return report
    except Exception:
        logger.exception("Excel import failed while writing")
        report.errors = [RowError("", 0, "", "写入台账时出现意外错误，整个文件没有导入任何内容。请稍后重试；"
                                             "如仍出错，请联系系统管理员（错误已记录）。")]
        return report
    report.created = len(bodies)
    return report


def _register_documents(checker: _Checker, actor) -> None:
    """Register the 文号 the ledger does not know yet (each once, audited), in the order the rows name them."""
    new = [n for n in dict.fromkeys(p.doc_number for p in checker.pending if p.doc_number)
           if checker.documents.get(n) is None]
    items = [services.NewDocument(region=d.region, number=n, issuer=d.issuer, issued_on=d.issued_on, title=d.title,
                                  note="Excel导入时登记") for n, d in ((n, checker.new_docs[n]) for n in new)]
    try:
        docs = services.documents_create_bulk(actor=actor, items=items)
    except services.ItemRefused as refused:
        p = next(p for p in checker.pending if p.doc_number == new[refused.index])
        exc = refused.error
        raise _RowFailure(RowError(p.sheet, p.row, _FIELD_COLUMN.get(getattr(exc, "field", None) or "", "机构名称"),
                                   str(getattr(exc, "message", exc)))) from exc
    checker.documents.update(zip(new, docs, strict=True))


def errors_workbook(errors: Iterable[dict | RowError], *, title: str = "导入问题清单") -> Workbook:
    """The report as a workbook the clerk can sort and tick off."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title)
    for letter, width in zip("ABCD", (24, 8, 18, 100), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    header = []
    for h in ("工作表", "行", "列", "问题"):
        c = WriteOnlyCell(ws, value=h)
        c.font = _HEADER_FONT
        c.fill = _HEADER_FILL
        header.append(c)
    ws.append(header)
    for e in errors:
        d = e.as_dict() if isinstance(e, RowError) else e
        ws.append([_clean(d.get("sheet") or "（整个文件）"), d.get("row") or None, _clean(d.get("column") or ""),
                   _clean(d.get("message") or "")])
    return wb
