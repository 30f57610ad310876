"""The template the offices fill in: its columns, their look, and the blank workbook.

Export, the blank template and the problem report all write cells the same way (headers in the house
colours, wrapped long text, formula-looking text kept as text), so the columns and the look live here
once; the reader and the checker read the same headers back.
"""

from __future__ import annotations

import re
from copy import copy
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..choices import BodyCategory, BodyForm, LegalGround, Sequence, TaskScope

#: (header, key), in the order of the template. The first seven are the seven indicators.
COLUMNS: list[tuple[str, str]] = [
    ("机构名称", "name"),
    ("设立时间", "established_on"),
    ("依据文件", "document"),
    ("办事机构所在部门", "office_department"),
    ("存续时间", "duration"),
    ("历史沿革", "history"),
    ("上级机构设置情况", "upper_counterpart"),
    ("主要职责", "duties"),
    ("所属区划", "region"),
    ("机构形式", "form"),
    ("序列", "sequence"),
    ("设立依据", "legal_ground"),
    ("牵头部门", "lead_department"),
    ("组长", "leader"),
    ("副组长", "deputies"),
    ("成员单位", "members"),
    ("简称", "short_name"),
    ("别名", "aliases"),
    ("存续期限", "ends_on"),
    ("撤销条件", "end_condition"),
    ("工作性质", "task_scope"),
    ("状态", "status"),
    # The round trip (docs/decisions/0013): who the row is, which state it showed, and the change asked for.
    ("台账编号", "code"),
    ("版本", "version"),
    ("变更事项", "change_kind"),
    ("变更日期", "change_on"),
    ("变更依据文件", "change_document"),
]
HEADERS: list[str] = [h for h, _ in COLUMNS]
SEVEN_INDICATORS: list[str] = HEADERS[:7]
#: Headers an imported sheet must have (历史沿革 is generated, the others have defaults or may be empty).
REQUIRED_HEADERS: tuple[str, ...] = (
    "机构名称", "设立时间", "依据文件", "办事机构所在部门", "存续时间", "机构形式", "序列", "设立依据",
    "牵头部门", "主要职责",
)
#: Columns an office fills in to change an existing body (read only on rows with a 台账编号 or found by name).
CHANGE_HEADERS: tuple[str, ...] = ("变更事项", "变更日期", "变更依据文件")
#: Columns printed (the seven indicators, duties and region): the rest are for the round trip, not the page.
PRINTED_COLUMNS = 9
#: Dates shown as the offices write them, 2019年8月16日 (a number format: the cell stays a date).
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
_DATES = {"established_on", "ends_on", "change_on"}

#: A sheet with this name holds instructions for the clerk and is skipped on import.
INSTRUCTIONS_SHEET = "填写说明"

# The printed columns (the first PRINTED_COLUMNS) add up to about one A4 landscape width at ~75%.
_WIDTHS = {
    "name": 24, "established_on": 14, "document": 24, "office_department": 16, "duration": 14, "history": 40,
    "upper_counterpart": 18, "duties": 44, "region": 9, "form": 10, "sequence": 10, "legal_ground": 30,
    "lead_department": 22, "leader": 16, "deputies": 24, "members": 48, "short_name": 14,
    "aliases": 20, "ends_on": 14, "end_condition": 24, "task_scope": 12, "status": 8,
    "code": 16, "version": 8, "change_kind": 10, "change_on": 14, "change_document": 30,
}
_WRAPPED = {"name", "region", "document", "office_department", "duration", "history", "upper_counterpart", "members",
            "duties", "lead_department", "deputies", "legal_ground", "end_condition", "change_document"}

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_INDICATOR_FILL = PatternFill("solid", fgColor="9C2A2A")  # the seven indicators stand out
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP_ALIGN = Alignment(vertical="top", wrap_text=True)
_THIN = Side(style="thin", color="BFBFBF")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


_DATE_ALIGN = Alignment(vertical="top")
_CODE_RE = re.compile(r"^\s*(\d{6})-(\d{6,})\s*$")


def body_code(region_code: str, body_id: int) -> str:
    """A body's 台账编号: its region's code and its number, e.g. 370700-000123 (docs/decisions/0013)."""
    return f"{region_code}-{body_id:06d}"


def parse_body_code(text: str) -> tuple[str, int] | None:
    """(region code, body id) of a 台账编号, or None when the text is not one."""
    m = _CODE_RE.match(text or "")
    return (m.group(1), int(m.group(2))) if m else None


def _styled(ws, value: Any, kind: str):
    """A cell with one of the export's two looks ("wrap", "date"). The look is set once per sheet and its
    style ids copied to the next cells: openpyxl hashes a style on every assignment, which doubled the
    export's time."""
    styles = ws.__dict__.setdefault("_yixie_styles", {})
    cell = WriteOnlyCell(ws, value=value)
    if kind not in styles:
        if kind == "date":
            cell.number_format = DATE_FORMAT
            cell.alignment = _DATE_ALIGN
        else:
            cell.alignment = _WRAP_ALIGN
        styles[kind] = copy(cell._style)
    else:
        cell._style = copy(styles[kind])
    return cell


#: A text starting with one of these is a formula (or the start of one) to Excel, LibreOffice or WPS
#: once a cell is edited or the sheet saved as CSV: "formula injection" (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(ws, value: str, kind: str | None = None):
    """A text cell that stays text: a value that looks like a formula is written as a string with the
    quote prefix (Excel's leading apostrophe: shown as typed, kept as text when edited); its value reads
    back unchanged, so an exported file imports again as it is."""
    value = _clean(value)
    if not value.startswith(FORMULA_STARTS):
        return _styled(ws, value, kind) if kind else value
    cell = _styled(ws, value, kind) if kind else WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    style = copy(cell._style) if cell.has_style else StyleArray()
    style.quotePrefix = 1
    cell._style = style
    return cell


def _cell(ws, key: str, value: Any):
    if value is None or value == "":
        return None  # an empty cell needs no style
    if key in _DATES and isinstance(value, date):
        return _styled(ws, value, "date")
    if isinstance(value, str):
        return text_cell(ws, value, "wrap" if key in _WRAPPED else None)
    if key in _WRAPPED:
        return _styled(ws, value, "wrap")
    return value


def _choice_validation(choices, column: int) -> DataValidation:
    letter = get_column_letter(column)
    dv = DataValidation(type="list", formula1='"' + ",".join(choices.labels) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="请从列表中选择",
                        error="请从下拉列表中选择，不要自行输入。")
    dv.add(f"{letter}2:{letter}1048576")
    return dv


_LINE_POINTS = 14.4  # one line of 11 pt text
_WRAPPED_AT = [(i, _WIDTHS.get(key, 14)) for i, (_h, key) in enumerate(COLUMNS) if key in _WRAPPED]


_WIDE = re.compile("[\u2e80-\uffff]")


def _text_width(text: str) -> int:
    """Width in Excel's character units: a Chinese character is about two (counted in C, not per character)."""
    return len(text) + len(_WIDE.findall(text))


def _row_height(row: list[Any]) -> float | None:
    """The height a row's wrapped cells need, in points (None: one line). Excel and LibreOffice keep the
    height a file gives and do not grow a row for wrapped text on opening, so the export sets it."""
    lines = 1
    for i, width in _WRAPPED_AT:
        value = row[i]
        if not isinstance(value, str) or not value:
            continue
        room = max(1.0, width - 1.5)
        lines = max(lines, sum(max(1, -(-_text_width(part) // int(room))) for part in value.split("\n")))
    return round(min(409.0, lines * _LINE_POINTS + 3), 1) if lines > 1 else None


def _print_setup(ws, title: str, on: date | None) -> None:
    """How the sheet prints: A4 landscape, the printed columns fitted to the width, the header row on
    every page, the title and 台账日期 in the page header, page numbers in the footer."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = f"{title}台账"
    ws.oddHeader.center.size = 12
    ws.oddHeader.center.font = "-,Bold"
    if on is not None:
        ws.oddHeader.right.text = f"台账日期：{on.year}年{on.month}月{on.day}日"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _start_sheet(wb: Workbook, title: str, on: date | None = None):
    ws = wb.create_sheet(title=title)
    _print_setup(ws, title, on)
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
    ws.row_dimensions[1].height = 32
    ws.append(header)
    return ws


def sheets_workbook(by_category: dict[str, list[list[Any]]], *, instructions: bool = False,
                    on: date | None = None) -> Workbook:
    """All six category sheets (even empty ones), each with its rows (values in `COLUMNS` order).

    The export fills the sheets; the blank template leaves them empty and adds the instructions.
    """
    wb = Workbook(write_only=True)
    for value, label in BodyCategory.choices:
        ws = _start_sheet(wb, label, on)
        data = by_category.get(value, [])
        for n, row in enumerate(data, start=2):
            height = _row_height(row)
            if height:
                ws.row_dimensions[n].height = height
            ws.append([_cell(ws, key, v) for (_h, key), v in zip(COLUMNS, row, strict=True)])
        ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(data) + 1}"
        ws.print_area = f"A1:{get_column_letter(PRINTED_COLUMNS)}{len(data) + 1}"
    if instructions:
        _instructions_sheet(wb)
    return wb


def template_workbook() -> Workbook:
    """An empty template (all six sheets with their headers) and a sheet of instructions."""
    return sheets_workbook({}, instructions=True)


INSTRUCTIONS = [
    "议事协调机构台账导入模板 · 填写说明",
    "1. 每个工作表对应一类机构，工作表名称不要修改；不用的工作表留空即可。本“填写说明”工作表导入时不读取。",
    "2. 第一行是表头，不要修改、删除或插入标题行；从第二行起每行填写一个机构，不要合并单元格。",
    "3. 设立时间、存续期限、变更日期：写作 2019-03-15、2019/3/15、2019.3.15 或 2019年3月15日，也可以是 Excel 日期格式。",
    "4. 依据文件：填写设立文件的文号，如 潍发〔2019〕5号；可在文号后用书名号写标题，如 潍发〔2019〕5号《关于成立……的通知》。"
    "尚未登记的文号会一并登记，文号中的年份须与设立时间的年份一致。",
    "5. 办事机构所在部门、牵头部门、成员单位：填写系统中已有的部门全称或简称（见“部门”页面）；"
    "成员单位之间用顿号“、”分隔，主办单位在名称后加“（主办）”。",
    "6. 组长、副组长：填写领导职务（如“市长”“常务副市长”），不填姓名；副组长之间用顿号分隔。",
    "7. 存续时间：填写“常设”或“临时”；临时机构须填写存续期限或撤销条件（也可写作“临时，至2023年10月31日”“临时，任务完成后撤销”）。",
    "8. 所属区划：填写区划名称或区划代码（如 潍坊市 或 370700）；为空时记入导入页面选择的区划。",
    "9. 历史沿革：导出时由系统根据历史沿革事项生成，导入时不读取。状态：导入只登记存续的机构，可留空。",
    "10. 机构形式、序列、设立依据、工作性质：从下拉列表中选择。",
    "11. 导入时系统先逐行检查并列出预览（未变、修改、新增各多少行，每行改了什么，冲突和问题在哪一行哪一列），"
    "确认后才写入台账；只要有一处问题或冲突，整个文件都不导入；全部无误后一次导入。",
    "12. 修改已有机构：在系统导出的台账上直接修改即可。“台账编号”“版本”由系统填写，不要改动；新增机构留空"
    "（没有台账编号的行按“所属区划＋机构名称＋设立时间”认定是否为已有机构）。没有改动的行导入时自动跳过。",
    "13. 改动了已有机构的任何一栏（如机构名称、主要职责、成员单位），须在同一行填写“变更事项”（"
    + "、".join(("调整", "更名", "成员调整", "改变隶属关系", "降格", "撤销", "不再认定"))
    + "）、“变更日期”（依据文件的日期，写法同设立时间）和“变更依据文件”（文号，可在后面用书名号写标题）；"
    "导入后在历史沿革中登记为该日期的一项变更。“更名”只能改名称和简称，其他改动请填写“调整”；"
    "撤销、不再认定只需填写这三栏。合并、分设请在台账页面办理。已有机构的设立时间、依据文件和所属区划不能通过导入修改。",
    "14. 冲突：如果导出之后该机构在系统中又有了新的变更，按旧文件所做的修改会被列为“冲突”而不导入，"
    "以免覆盖新的变更；请重新导出最新台账，在新文件中修改后再导入。旧文件中未改动的行不受影响。",
    "15. 打印：导出的台账按A4横向打印，每页重复表头，页眉有表名和台账日期，页脚有页码；"
    "打印范围为七项要素、主要职责和所属区划，其余各栏供导入使用。",
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
