"""Reading an uploaded workbook: is it an .xlsx at all, then its sheets' rows as header → cell.

Everything here is about the file, not the ledger: a wrong sheet name, a missing header or a file
that is not a workbook is reported before any row is checked, and nothing here queries the database.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from openpyxl import load_workbook

from ..choices import BodyCategory
from .report import ImportFileError, RowError
from .template import HEADERS, INSTRUCTIONS_SHEET, REQUIRED_HEADERS

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000
#: A real ledger workbook unpacks to a few MB; refuse archives that would unpack to more than this.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024

#: Sheet names the offices use besides the category labels.
_SHEET_SYNONYMS: dict[str, str] = {
    "市委议事协调机构": BodyCategory.PARTY, "县委议事协调机构": BodyCategory.PARTY,
    "区委议事协调机构": BodyCategory.PARTY, "党委议事协调机构": BodyCategory.PARTY,
    "市政府议事协调机构": BodyCategory.GOVERNMENT, "县政府议事协调机构": BodyCategory.GOVERNMENT,
    "区政府议事协调机构": BodyCategory.GOVERNMENT, "政府议事协调机构": BodyCategory.GOVERNMENT,
    "联席会议": BodyCategory.JOINT_MEETING, "协调机制": BodyCategory.MECHANISM,
}


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


def _category_of_sheet(title: str) -> str | None:
    k = _key(title)
    for value, label in BodyCategory.choices:
        if k == _key(label):
            return value
    return _SHEET_SYNONYMS.get(k)


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
