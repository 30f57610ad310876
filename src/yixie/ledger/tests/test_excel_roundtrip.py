"""The Excel round trip (docs/decisions/0013): an office exports the ledger, edits a copy as clerks do and
imports it back; existing rows are recognised, unchanged rows pass, changed rows become dated events,
rows from an older export of a body changed since are conflicts, new rows are added. And the export prints."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from yixie.core.models import AuditEntry
from yixie.ledger import services
from yixie.ledger.choices import BodyCategory, BodyStatus, EventKind
from yixie.ledger.excel import HEADERS, export_workbook
from yixie.ledger.excel.template import DATE_FORMAT, body_code
from yixie.ledger.models import Body, Document, LedgerEvent
from yixie.ledger.tests.test_excel import GOV, counts, good_row, run, saved
from yixie.testing.factories import establish

ON = date(2026, 1, 1)


def col(header: str) -> int:
    return HEADERS.index(header) + 1


@pytest.fixture
def bodies(city):
    doc = services.document_create(actor=city.bianban, region=city.city, number="潍政字〔2019〕12号",
                                   issuer="潍坊市人民政府", issued_on=date(2019, 3, 15),
                                   title="关于成立潍坊市乡村振兴工作领导小组的通知")
    rural = establish(city.city, name="潍坊市乡村振兴工作领导小组", lead=city.nyj, members=[city.gxj, city.swj],
                      deputies=[city.vice], document=doc, duties="统筹乡村振兴。")
    trade = establish(city.city, name="潍坊市外贸工作领导小组", lead=city.swj, members=[city.gxj],
                      on=date(2020, 5, 6), duties="统筹外贸。")
    safety = establish(city.city, name="潍坊市安全生产委员会", lead=city.yjj, form="委员会",
                       on=date(2018, 1, 1), duties="统筹安全生产。")
    return {"rural": rural, "trade": trade, "safety": safety}


def exported(**filters):
    rows = LedgerEvent.objects.in_force_on(ON).filter(**filters).order_by("name")
    return load_workbook(saved(export_workbook(rows, on=ON)))


def row_of(ws, name: str) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == name:
            return r
    raise AssertionError(name)


def put(ws, r: int, **cells) -> None:
    for header, value in cells.items():
        ws.cell(row=r, column=col(header)).value = value


# ---------------------------------------------------------------- the round trip

@pytest.mark.django_db
def test_the_export_comes_back_unchanged_and_writes_nothing(bodies, city):
    """Before the round trip every exported row was refused as a duplicate name."""
    wb = exported()
    assert wb[GOV].cell(row=2, column=col("台账编号")).value == body_code("370700", bodies["trade"].pk) or \
        wb[GOV].cell(row=2, column=col("台账编号")).value.startswith("370700-")
    before = counts()
    report = run(saved(wb), city)
    assert report.ok, report.lines()
    assert (report.unchanged, len(report.changes), report.new) == (3, 0, 0)
    assert counts() == before


@pytest.mark.django_db
def test_a_clerks_edits_preview_then_apply_as_dated_events_and_new_rows(bodies, city):
    wb = exported()
    ws = wb[GOV]
    rural, trade, safety = bodies["rural"], bodies["trade"], bodies["safety"]
    # duties changed, the 设立时间 retyped by hand (still the same date): a 调整 of 2024年3月5日
    r = row_of(ws, rural.name)
    put(ws, r, 主要职责="统筹乡村振兴，推进农业农村现代化。", 设立时间="2019年3月15日", 变更事项="调整",
        变更日期="2024年3月5日", 变更依据文件="潍政办字〔2024〕3号《关于调整市乡村振兴工作领导小组的通知》")
    # a corrected name: a 更名 dated with a slashed date
    r = row_of(ws, trade.name)
    put(ws, r, 机构名称="潍坊市对外贸易工作领导小组", 设立时间="2020/5/6", 变更事项="更名", 变更日期="2024/6/1",
        变更依据文件="潍政办字〔2024〕8号")
    # member units changed under 调整 (recorded as 成员调整), an Excel date as the change date
    r = row_of(ws, safety.name)
    put(ws, r, 成员单位="市工业和信息化局、市商务局", 设立时间="2018.1.1", 变更事项="调整",
        变更日期=datetime(2024, 7, 1), 变更依据文件="潍政办字〔2024〕8号")
    # a new row added at the bottom
    new = good_row(机构名称="潍坊市数字经济发展领导小组")
    ws.append([new.get(h) for h in HEADERS])
    buf = saved(wb)

    before = counts()
    preview = run(buf, city, apply=False)
    assert preview.ok, preview.lines()
    assert (preview.unchanged, len(preview.changes), preview.new) == (0, 3, 1)
    assert counts() == before  # a preview writes nothing
    by_name = {c["name"]: c for c in preview.changes}
    assert by_name[rural.name]["kind"] == "调整"
    assert by_name[rural.name]["fields"] == [["主要职责", "统筹乡村振兴。", "统筹乡村振兴，推进农业农村现代化。"]]
    assert by_name[trade.name]["kind"] == "更名" and by_name[trade.name]["on"] == "2024-06-01"
    assert by_name[safety.name]["kind"] == "成员调整"

    buf.seek(0)
    report = run(buf, city, expect=preview.fingerprint())
    assert report.ok and report.applied, report.lines()
    assert (report.created, report.changed) == (1, 3)
    rural.refresh_from_db()
    trade.refresh_from_db()
    safety.refresh_from_db()
    assert rural.duties == "统筹乡村振兴，推进农业农村现代化。"
    event = rural.events.get(kind=EventKind.ADJUST)
    assert event.effective_on == date(2024, 3, 5)
    assert event.document.number == "潍政办字〔2024〕3号"
    assert event.document.title == "关于调整市乡村振兴工作领导小组的通知"
    assert event.changes == {"duties": "统筹乡村振兴，推进农业农村现代化。"}
    assert trade.name == "潍坊市对外贸易工作领导小组" and "潍坊市外贸工作领导小组" in trade.former_name_list
    assert trade.events.get(kind=EventKind.RENAME).effective_on == date(2024, 6, 1)
    assert [m.department for m in safety.memberships.all()] == [city.gxj, city.swj]
    assert safety.events.get(kind=EventKind.MEMBERS).document.number == "潍政办字〔2024〕8号"
    assert Body.objects.filter(name="潍坊市数字经济发展领导小组").exists()
    assert AuditEntry.objects.filter(action="登记调整", body_id=rural.pk).exists()
    # the as-of ledger: the old state before the change date, the new one from it
    assert services.state_on(rural, date(2024, 3, 4))["duties"] == "统筹乡村振兴。"
    assert services.state_on(rural, date(2024, 3, 5))["duties"] == "统筹乡村振兴，推进农业农村现代化。"
    # the bulk write is what the services derive: a replay changes nothing
    for body in (rural, trade, safety):
        snapshot = list(body.events.order_by("id").values("state", "valid_until", "seq", "name", "department_keys"))
        services.replay(body=body)
        assert list(body.events.order_by("id").values("state", "valid_until", "seq", "name",
                                                      "department_keys")) == snapshot

    # the same file again changes nothing
    again = counts()
    buf.seek(0)
    report = run(buf, city)
    assert report.ok, report.lines()
    assert (report.unchanged, len(report.changes), report.new) == (4, 0, 0)
    assert counts() == again


@pytest.mark.django_db
def test_rows_without_a_code_are_found_by_region_name_and_date(bodies, city):
    wb = exported()
    ws = wb[GOV]
    r = row_of(ws, bodies["rural"].name)
    put(ws, r, 台账编号=None, 版本=None, 主要职责="新职责。", 变更事项="调整", 变更日期="2024-3-5",
        变更依据文件="潍政办字〔2024〕3号")
    report = run(saved(wb), city, apply=False)
    assert report.ok, report.lines()
    assert (report.unchanged, len(report.changes), report.new) == (2, 1, 0)


@pytest.mark.django_db
def test_a_row_exported_before_a_later_change_is_a_conflict_never_a_revert(bodies, city):
    wb = exported()
    rural = bodies["rural"]
    services.event_record(actor=city.bianban, body=rural, kind=EventKind.ADJUST, on=date(2025, 1, 1),
                          changes={"duties": "后来改过的职责。"})
    ws = wb[GOV]
    r = row_of(ws, rural.name)
    put(ws, r, 主要职责="按旧文件改的职责。", 变更事项="调整", 变更日期="2025-6-1", 变更依据文件="潍政办字〔2025〕3号")
    before = counts()
    report = run(saved(wb), city)
    assert not report.ok
    assert len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert (conflict.sheet, conflict.row, conflict.column) == (GOV, r, "版本")
    assert "冲突" in conflict.message and "2025年1月1日" in conflict.message and "主要职责" in conflict.message
    assert counts() == before
    rural.refresh_from_db()
    assert rural.duties == "后来改过的职责。"
    # the other rows of the older export, left as they were, pass: nothing is asked, nothing reverted
    assert report.unchanged == 2 and not report.errors


@pytest.mark.django_db
def test_an_untouched_row_of_an_older_export_does_not_revert_the_later_change(bodies, city):
    wb = exported()
    rural = bodies["rural"]
    services.event_record(actor=city.bianban, body=rural, kind=EventKind.ADJUST, on=date(2025, 1, 1),
                          changes={"duties": "后来改过的职责。"})
    before = counts()
    report = run(saved(wb), city)
    assert report.ok, report.lines()
    assert report.unchanged == 3 and counts() == before
    rural.refresh_from_db()
    assert rural.duties == "后来改过的职责。"


@pytest.mark.django_db
def test_a_change_without_kind_date_or_document_is_refused_at_its_cells(bodies, city):
    wb = exported()
    ws = wb[GOV]
    r = row_of(ws, bodies["rural"].name)
    put(ws, r, 主要职责="新职责。")
    before = counts()
    report = run(saved(wb), city)
    assert not report.ok
    where = {(e.sheet, e.row, e.column) for e in report.errors}
    assert where == {(GOV, r, "变更事项"), (GOV, r, "变更日期"), (GOV, r, "变更依据文件")}
    assert all("主要职责" in e.message for e in report.errors)
    assert counts() == before


@pytest.mark.django_db
def test_bad_change_cells_get_chinese_messages(bodies, city):
    wb = exported()
    ws = wb[GOV]
    rural, trade, safety = bodies["rural"], bodies["trade"], bodies["safety"]
    r1 = row_of(ws, rural.name)
    put(ws, r1, 主要职责="新职责。", 变更事项="更名", 变更日期="2024-3-5", 变更依据文件="潍政办字〔2024〕3号")
    r2 = row_of(ws, trade.name)
    put(ws, r2, 主要职责="新职责。", 变更事项="合并", 变更日期="2024-13-5", 变更依据文件="潍政办字〔2023〕3号")
    r3 = row_of(ws, safety.name)
    put(ws, r3, 设立时间="2018-2-1", 台账编号="370700-999999")
    before = counts()
    report = run(saved(wb), city)
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "“更名”只能改变机构名称、简称" in messages[(r1, "变更事项")] and "主要职责" in messages[(r1, "变更事项")]
    assert "不能通过导入登记" in messages[(r2, "变更事项")]
    assert "月份应在1至12之间" in messages[(r2, "变更日期")]
    assert "不存在" in messages[(r3, "台账编号")]
    assert counts() == before


@pytest.mark.django_db
def test_a_changed_establishment_date_of_an_existing_body_is_refused(bodies, city):
    wb = exported()
    ws = wb[GOV]
    r = row_of(ws, bodies["rural"].name)
    put(ws, r, 设立时间="2019-4-1")
    report = run(saved(wb), city)
    assert [(e.row, e.column) for e in report.errors] == [(r, "设立时间")]
    assert "2019年3月15日" in report.errors[0].message


@pytest.mark.django_db
def test_abolish_from_a_row(bodies, city):
    wb = exported()
    ws = wb[GOV]
    trade = bodies["trade"]
    r = row_of(ws, trade.name)
    put(ws, r, 变更事项="撤销", 变更日期="2025年12月31日", 变更依据文件="潍政办字〔2025〕30号")
    report = run(saved(wb), city)
    assert report.ok and report.changed == 1, report.lines()
    trade.refresh_from_db()
    assert trade.status == BodyStatus.ABOLISHED and trade.ended_on == date(2025, 12, 31)
    report = run(saved(wb), city)  # again: already abolished, nothing to do
    assert report.ok and report.changed == 0 and report.unchanged == 3, report.lines()


@pytest.mark.django_db
def test_the_apply_refuses_when_the_ledger_moved_after_the_preview(bodies, city):
    wb = exported()
    ws = wb[GOV]
    r = row_of(ws, bodies["rural"].name)
    put(ws, r, 台账编号=None, 版本=None, 主要职责="新职责。", 变更事项="调整", 变更日期="2024-3-5",
        变更依据文件="潍政办字〔2024〕3号")
    buf = saved(wb)
    preview = run(buf, city, apply=False)
    assert preview.ok
    services.event_record(actor=city.bianban, body=bodies["trade"], kind=EventKind.ADJUST, on=date(2025, 1, 1),
                          changes={"duties": "后来改过的职责。"})
    services.event_record(actor=city.bianban, body=bodies["rural"], kind=EventKind.ADJUST, on=date(2025, 1, 1),
                          changes={"upper_counterpart": "省级设有"})
    before = counts()
    buf.seek(0)
    report = run(buf, city, expect=preview.fingerprint())
    assert not report.ok and "预览之后台账已有变化" in report.errors[0].message
    assert counts() == before


@pytest.mark.django_db
def test_bulk_changes_are_all_or_nothing(bodies, city):
    """A refused item (a name another body bears) leaves nothing written, not even the earlier items."""
    establish(city.city, name="潍坊市已有的领导小组", lead=city.fgw)
    before = counts()
    items = [services.BodyChange(body_id=bodies["rural"].pk, kind=EventKind.ADJUST, on=date(2024, 1, 1),
                                 changes={"duties": "新。"}),
             services.BodyChange(body_id=bodies["trade"].pk, kind=EventKind.RENAME, on=date(2024, 1, 1),
                                 changes={"name": "潍坊市已有的领导小组"})]
    with pytest.raises(services.ItemRefused) as refused:
        services.bodies_change_bulk(actor=city.bianban, items=items)
    assert refused.value.index == 1 and "同名" in refused.value.error.message
    assert counts() == before


# ---------------------------------------------------------------- the printed export

@pytest.mark.django_db
def test_the_export_prints_on_a4_landscape_with_titles_and_page_numbers(bodies, city):
    wb = exported()
    ws = wb[GOV]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert str(ws.page_setup.fitToWidth) == "1" and str(ws.page_setup.fitToHeight) == "0"
    assert ws.print_title_rows == "$1:$1"
    assert "政府议事协调机构台账" in ws.oddHeader.center.text
    assert ws.oddHeader.right.text == "台账日期：2026年1月1日"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    r = row_of(ws, bodies["rural"].name)
    cell = ws.cell(row=r, column=col("设立时间"))
    assert cell.is_date and cell.number_format == DATE_FORMAT
    assert ws.cell(row=r, column=col("主要职责")).alignment.wrap_text
    assert ws.cell(row=r, column=col("机构名称")).alignment.wrap_text
    # printed: the seven indicators, the duties and the region, fitted to the page width
    assert HEADERS[:9] == ["机构名称", "设立时间", "依据文件", "办事机构所在部门", "存续时间", "历史沿革",
                           "上级机构设置情况", "主要职责", "所属区划"]
    assert ws.print_area.endswith(f"$I${ws.max_row}")
    assert sum(ws.column_dimensions[c].width for c in "ABCDEFGHI") < 220


@pytest.mark.django_db
def test_the_blank_template_explains_the_round_trip_columns(city):
    from yixie.ledger.excel import template_workbook

    wb = load_workbook(saved(template_workbook()))
    text = "\n".join(str(c.value) for c in wb["填写说明"]["A"] if c.value)
    for word in ("台账编号", "版本", "变更事项", "变更日期", "变更依据文件", "冲突"):
        assert word in text


@pytest.mark.django_db
def test_category_of_a_body_moves_only_with_a_kind_that_may_move_it(bodies, city):
    wb = exported()
    ws = wb[GOV]
    r = row_of(ws, bodies["rural"].name)
    values = [ws.cell(row=r, column=c).value for c in range(1, len(HEADERS) + 1)]
    ws.delete_rows(r)
    party = wb[BodyCategory.PARTY.label]
    party.append(values)
    pr = party.max_row
    put(party, pr, 序列="党委序列", 变更事项="改变隶属关系", 变更日期="2024-3-5", 变更依据文件="潍办发〔2024〕3号")
    report = run(saved(wb), city, apply=False)
    assert report.ok, report.lines()
    change = report.changes[0]
    assert change["kind"] == "改变隶属关系"
    assert ["工作表（类别）", "政府议事协调机构", "党委议事协调机构"] in change["fields"]
    assert Document.objects.filter(number="潍办发〔2024〕3号").count() == 0


@pytest.mark.django_db
def test_a_copied_row_keeping_its_code_is_told_to_clear_it(bodies, city):
    wb = exported()
    ws = wb[GOV]
    r = row_of(ws, bodies["rural"].name)
    copy = [ws.cell(row=r, column=c).value for c in range(1, len(HEADERS) + 1)]
    copy[0] = "潍坊市乡村振兴工作专班"
    ws.append(copy)
    report = run(saved(wb), city, apply=False)
    [error] = report.errors
    assert (error.row, error.column) == (ws.max_row, "台账编号")
    assert f"第{r}行已出现" in error.message and "清空本行的“台账编号”和“版本”" in error.message
    ws.cell(row=ws.max_row, column=col("台账编号")).value = None
    ws.cell(row=ws.max_row, column=col("版本")).value = None
    report = run(saved(wb), city, apply=False)
    assert report.ok and report.new == 1 and report.unchanged == 3, report.lines()
