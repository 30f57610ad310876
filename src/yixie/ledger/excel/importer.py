"""An import, all or nothing: read, check every row, then write the whole file or nothing.

Phase 2 runs only when phase 1 (`checker`) found no problem, inside one transaction, and writes
through `services.bodies_establish_bulk`, which checks every row by the same rules as
`services.body_establish` (a row that the form would refuse is refused here too, the rules stay in one
place) and writes the same rows, many at a time (docs/decisions/0007-bulk-import.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.db import transaction

from yixie.org.models import Region

from .. import services
from ..policy import PolicyViolation
from .checker import _FIELD_COLUMN, _RULE_COLUMN, _Checker
from .reader import _read_sheets
from .report import ImportFileError, ImportReport, RowError
from .template import HEADERS

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 50


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
                    source: tuple[str, str] | None = None, apply: bool = True,
                    expect: str | None = None) -> ImportReport:
    """Check every row, then take the whole file or nothing.

    Rows of bodies the ledger has (by 台账编号, else by region, name and 设立时间) are compared with
    the body: unchanged rows pass, changed rows become dated events (变更事项, 变更日期, 变更依据文件),
    rows made from an older export of a body changed since are conflicts (docs/decisions/0013); the
    other rows set up new bodies. With `apply=False` nothing is written: the report is the preview.
    `expect` is the preview's `fingerprint()`: the apply refuses when the file no longer means the same.

    `progress(done, total)` is called every ~50 rows; each row counts twice in `total` (once
    checked, once written), so the bar reaches 50% when the checking is done. `source` (label,
    link) is recorded on every event as where it came from (default: "Excel导入").
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
    report.unchanged = checker.unchanged
    report.new = len(checker.pending)
    report.changes = [c.as_dict() for c in checker.changes]
    report.conflicts = sorted(checker.conflicts, key=sort_key)
    if checker.errors:
        report.errors = sorted(set(checker.errors), key=sort_key)
    if not apply or not report.ok:
        return report
    if expect is not None and expect != report.fingerprint():
        report.errors = [RowError("", 0, "", "预览之后台账已有变化，预览中的内容已不再准确，没有导入任何内容。"
                                             "请重新上传文件，核对新的预览后再确认导入。")]
        return report
    if not report.has_work:
        report.applied = True
        return report

    written = len(checker.pending)
    try:
        with transaction.atomic():
            _register_documents(checker, actor)
            items = [services.NewBody(region=p.region, state=p.state, on=p.on,
                                      document=checker.documents[p.doc_number] if p.doc_number else None)
                     for p in checker.pending]
            bodies = services.bodies_establish_bulk(
                actor=actor, items=items, note="Excel导入", source=source, refs=checker.refs(),
                progress=lambda done: tick(n_rows + done, force=done == len(items))) if items else []
            try:
                report.changed = services.bodies_change_bulk(
                    actor=actor, note="Excel导入", source=source,
                    items=[services.BodyChange(body_id=c.body.pk, kind=c.kind, on=c.on, changes=c.changes,
                                               document=checker.documents[c.doc_number]) for c in checker.changes],
                    progress=lambda done: tick(n_rows + written + done, force=True)) if checker.changes else 0
            except services.ItemRefused as refused:
                c = checker.changes[refused.index]
                raise _RowFailure(_refused_error(c.sheet, c.row, refused.error)) from refused
    except services.ItemRefused as refused:
        p = checker.pending[refused.index]
        report.errors = [_refused_error(p.sheet, p.row, refused.error)]
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
    report.applied = True
    tick(2 * n_rows, force=True)
    return report


def _refused_error(sheet: str, row: int, exc) -> RowError:
    if isinstance(exc, PolicyViolation):
        f = next(f for f in exc.findings if f.is_error)
        return RowError(sheet, row, _RULE_COLUMN.get(f.rule, "机构名称"), f"{f.message}（依据：{f.source}）")
    return RowError(sheet, row, _FIELD_COLUMN.get(exc.field or "", "机构名称"), exc.message)


def _register_documents(checker: _Checker, actor) -> None:
    """Register the 文号 the ledger does not know yet (each once, audited), in the order the rows name them."""
    named = [(p.sheet, p.row, p.doc_number, "依据文件") for p in checker.pending if p.doc_number]
    named += [(c.sheet, c.row, c.doc_number, "变更依据文件") for c in checker.changes]
    new = [n for n in dict.fromkeys(number for _s, _r, number, _c in named) if checker.documents.get(n) is None]
    items = [services.NewDocument(region=d.region, number=n, issuer=d.issuer, issued_on=d.issued_on, title=d.title,
                                  note="Excel导入时登记") for n, d in ((n, checker.new_docs[n]) for n in new)]
    try:
        docs = services.documents_create_bulk(actor=actor, items=items)
    except services.ItemRefused as refused:
        sheet, row, _n, column = next(x for x in named if x[2] == new[refused.index])
        exc = refused.error
        raise _RowFailure(RowError(sheet, row, column,
                                   str(getattr(exc, "message", exc)))) from exc
    checker.documents.update(zip(new, docs, strict=True))
