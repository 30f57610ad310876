"""What an import found: each problem at its sheet, row and column, and the report as a workbook.

Kept apart from the reading and the checking because the pages, the command and the background job
show or download the same report without needing how it was made.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .template import _HEADER_FILL, _HEADER_FONT, text_cell


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
    """What an import found (the preview) and, once applied, what it wrote.

    `new` rows add bodies, `changes` (one dict per row: sheet, row, code, name, kind, on, document,
    fields [[column, old, new]]) record dated events, `unchanged` rows pass silently; `conflicts` are rows
    made from an older export of a body changed since, `errors` the problems. Either one blocks the import.
    """

    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    warnings: list[RowError] = field(default_factory=list)
    unchanged: int = 0
    new: int = 0
    changes: list[dict] = field(default_factory=list)
    conflicts: list[RowError] = field(default_factory=list)
    changed: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts

    @property
    def has_work(self) -> bool:
        return bool(self.new or self.changes)

    def lines(self) -> list[str]:
        return [str(e) for e in self.conflicts] + [str(e) for e in self.errors]

    def fingerprint(self) -> str:
        """What applying would write: the apply refuses when the ledger moved so that this differs."""
        data = json.dumps([self.new, self.unchanged, [{k: v for k, v in c.items() if k != "name"}
                                                      for c in self.changes]], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()[:32]

    def summary(self) -> str:
        """One line a clerk reads: 未变 N 行，修改 M 行，新增 K 行，冲突 C 行，问题 P 处."""
        parts = [f"未变 {self.unchanged} 行", f"修改 {len(self.changes)} 行", f"新增 {self.new} 行"]
        if self.conflicts:
            parts.append(f"冲突 {len(self.conflicts)} 行")
        if self.errors:
            parts.append(f"问题 {len(self.errors)} 处")
        return "，".join(parts)

    def preview(self) -> dict[str, Any]:
        """The preview as stored on an import job (JSON)."""
        return {"unchanged": self.unchanged, "new": self.new, "changes": self.changes,
                "conflicts": [c.as_dict() for c in self.conflicts], "fingerprint": self.fingerprint(),
                "total_rows": self.total_rows}


class ImportFileError(Exception):
    """The upload is not a workbook we can read; `message` is Chinese."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


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
        # Sheet names, columns and messages quote what the uploaded file held: never live formulas.
        ws.append([text_cell(ws, d.get("sheet") or "（整个文件）"), d.get("row") or None,
                   text_cell(ws, d.get("column") or ""), text_cell(ws, d.get("message") or "")])
    return wb
