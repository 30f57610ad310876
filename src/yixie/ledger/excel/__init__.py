"""Excel in and out: the ledger in the seven-indicator template, one sheet per category.

The template is the offices' own: its first seven headers are the seven indicators (机构名称 …
上级机构设置情况) in their words, then the fields the rules need. Row 1 holds the headers and nothing
else, so an exported file can be edited and imported again as it is.

An import is all or nothing. Phase 1 reads (`reader`) and checks (`checker`) every row of every sheet
and collects every problem (`report`: sheet, row, column, and a Chinese message quoting the value);
phase 2 (`importer`) runs only when there is none, inside one transaction, and writes through
`services.bodies_establish_bulk`, which checks every row by the same rules as `services.body_establish`
(a row that the form would refuse is refused here too, the rules stay in one place) and writes the
same rows, many at a time.

The modules, by job: `template` (columns, their look, the blank template), `export` (the ledger out),
`reader` (the uploaded file in), `checker` (each row against the org tables and the rules),
`importer` (the all-or-nothing write), `report` (the problems and their workbook). Callers use the
names below: `from yixie.ledger import excel; excel.import_workbook(...)`.
"""

from .export import export_workbook, write_export
from .importer import import_workbook
from .reader import check_xlsx
from .report import ImportReport, RowError, errors_workbook
from .template import HEADERS, INSTRUCTIONS_SHEET, SEVEN_INDICATORS, template_workbook

__all__ = [
    "HEADERS",
    "INSTRUCTIONS_SHEET",
    "SEVEN_INDICATORS",
    "ImportReport",
    "RowError",
    "check_xlsx",
    "errors_workbook",
    "export_workbook",
    "import_workbook",
    "template_workbook",
    "write_export",
]
