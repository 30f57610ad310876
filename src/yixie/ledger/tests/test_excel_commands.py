"""`ledger_import` / `ledger_export`: the same template and report for operators, non-zero exit on bad input."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from yixie.ledger import services
from yixie.ledger.choices import BodyCategory, EventKind
from yixie.ledger.models import Body, Document, LedgerEvent
from yixie.ledger.tests.test_excel import GOV, SEVEN, good_row, sheet_rows, xlsx
from yixie.testing.factories import establish


def write(tmp_path, buf: io.BytesIO, name: str = "台账.xlsx"):
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return path


def run(*args) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def counts():
    return Body.objects.count(), LedgerEvent.objects.count(), Document.objects.count()


@pytest.mark.django_db
def test_import_command_imports_a_good_file(city, tmp_path):
    path = write(tmp_path, xlsx({GOV: [good_row(), good_row(机构名称="潍坊市第二领导小组")]}))
    out, err, exc = run("ledger_import", str(path), "--region", "370700", "--user", "bianban", "--apply")
    assert exc is None, err
    assert "已导入：新增 2 个机构" in out
    assert Body.objects.count() == 2
    assert Body.objects.get(name="潍坊市第二领导小组").events.get().recorded_by == city.bianban


@pytest.mark.django_db
def test_import_command_prints_every_error_and_exits_non_zero(city, tmp_path):
    rows = [good_row(牵头部门="市大数据局"), good_row(机构名称="乙领导小组", 设立时间="2019-02-30")]
    path = write(tmp_path, xlsx({GOV: rows}))
    before = counts()
    out, err, exc = run("ledger_import", str(path), "--region", "370700", "--apply")
    assert exc is not None and exc.returncode == 1
    assert "没有导入任何内容" in str(exc)
    assert counts() == before
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"工作表「{GOV}」第2行「牵头部门」：部门“市大数据局”在潍坊市不存在")
    assert any(line.startswith(f"工作表「{GOV}」第3行「设立时间」：") and "2019年2月只有28天" in line for line in lines)
    assert "已导入" not in out


@pytest.mark.django_db
def test_import_command_without_region_needs_the_region_column(city, tmp_path):
    path = write(tmp_path, xlsx({GOV: [good_row(所属区划="")]}))
    _out, err, exc = run("ledger_import", str(path), "--apply")
    assert exc is not None
    assert "「所属区划」：未填写所属区划" in err


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "fragment"), [
    (lambda p: p / "无此文件.xlsx", "不存在"),
    (lambda p: (p / "a.xlsx").write_text("名称,日期") and p / "a.xlsx", "不是 Excel"),
])
def test_import_command_refuses_missing_or_non_xlsx_files(city, tmp_path, make, fragment):
    path = make(tmp_path)
    _out, err, exc = run("ledger_import", str(path), "--apply")
    assert exc is not None
    assert fragment in str(exc) + err


@pytest.mark.django_db
def test_import_command_refuses_unknown_region_and_user(city, tmp_path):
    path = write(tmp_path, xlsx({GOV: [good_row()]}))
    assert "区划代码“999999”不存在" in str(run("ledger_import", str(path), "--region", "999999")[2])
    assert "用户“ghost”不存在" in str(run("ledger_import", str(path), "--user", "ghost")[2])
    assert Body.objects.count() == 0


@pytest.mark.django_db
def test_export_command_writes_the_template_as_of_a_date(city, tmp_path):
    joint = establish(city.city, name="潍坊市安全生产联席会议", lead=city.yjj, category=BodyCategory.JOINT_MEETING,
                      form="联席会议", on=date(2019, 5, 1))
    establish(city.city, name="潍坊市数字经济发展领导小组", lead=city.fgw, on=date(2019, 3, 15))
    services.event_record(actor=None, body=joint, kind=EventKind.ABOLISH, on=date(2022, 3, 1))
    old = tmp_path / "2020.xlsx"
    out, err, exc = run("ledger_export", str(old), "--as-of", "2020年6月30日")
    assert exc is None, err
    assert "已导出 2 个机构（2020年6月30日台账）" in out
    wb = load_workbook(old)
    assert wb.sheetnames == list(BodyCategory.labels)
    assert [c.value for c in wb[GOV][1]][:7] == SEVEN
    assert [r["机构名称"] for r in sheet_rows(wb[BodyCategory.JOINT_MEETING.label])] == ["潍坊市安全生产联席会议"]
    now = tmp_path / "now.xlsx"
    out, _err, exc = run("ledger_export", str(now))
    assert exc is None and "已导出 1 个机构" in out
    wb = load_workbook(now)
    assert sheet_rows(wb[BodyCategory.JOINT_MEETING.label]) == []
    assert f"{timezone.localdate().year}年" in out


@pytest.mark.django_db
def test_export_command_limits_to_a_region_and_its_subregions(city, tmp_path):
    establish(city.city, name="市级领导小组", lead=city.fgw)
    establish(city.county, name="青州市领导小组", lead=city.qz_fgj)
    path = tmp_path / "qz.xlsx"
    out, _err, exc = run("ledger_export", str(path), "--region", "370781")
    assert exc is None and "已导出 1 个机构" in out
    assert [r["机构名称"] for r in sheet_rows(load_workbook(path)[GOV])] == ["青州市领导小组"]
    out, _err, exc = run("ledger_export", str(tmp_path / "city.xlsx"), "--region", "370700")
    assert "已导出 2 个机构" in out


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "fragment"), [
    (["--as-of", "2020-02-30"], "2020年2月只有29天"),
    (["--region", "123456"], "区划代码“123456”不存在"),
])
def test_export_command_refuses_bad_options(city, tmp_path, args, fragment):
    _out, _err, exc = run("ledger_export", str(tmp_path / "x.xlsx"), *args)
    assert exc is not None and exc.returncode == 1
    assert fragment in str(exc)


@pytest.mark.django_db
def test_export_command_refuses_bad_file_names(city, tmp_path):
    assert ".xlsx 结尾" in str(run("ledger_export", str(tmp_path / "x.csv"))[2])
    assert "不存在" in str(run("ledger_export", str(tmp_path / "nodir" / "x.xlsx"))[2])


@pytest.mark.django_db
def test_exported_file_comes_back_with_a_rename_previewed_then_applied(city, tmp_path):
    body = establish(city.city, name="潍坊市数字经济发展领导小组", lead=city.fgw, members=[city.gxj, city.swj],
                     deputies=[city.vice2])
    path = tmp_path / "out.xlsx"
    run("ledger_export", str(path))
    wb = load_workbook(path)
    ws = wb[GOV]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=1).value = "潍坊市数字经济发展领导小组（二）"
    ws.cell(row=2, column=header.index("变更事项") + 1).value = "更名"
    ws.cell(row=2, column=header.index("变更日期") + 1).value = "2024.3.5"
    ws.cell(row=2, column=header.index("变更依据文件") + 1).value = "潍政办字〔2024〕9号"
    wb.save(path)
    before = counts()
    out, err, exc = run("ledger_import", str(path))  # a preview: nothing written
    assert exc is None, err
    assert "预览：未变 0 行，修改 1 行，新增 0 行" in out
    assert "机构名称：潍坊市数字经济发展领导小组 → 潍坊市数字经济发展领导小组（二）" in out
    assert "--apply" in out and counts() == before
    out, err, exc = run("ledger_import", str(path), "--apply")
    assert exc is None, err
    assert "登记变更 1 项" in out
    body.refresh_from_db()
    assert body.name == "潍坊市数字经济发展领导小组（二）"
    event = body.events.get(kind=EventKind.RENAME)
    assert event.effective_on == date(2024, 3, 5) and event.document.number == "潍政办字〔2024〕9号"
    assert [m.department for m in body.memberships.all()] == [city.gxj, city.swj]
    again = counts()
    out, err, exc = run("ledger_import", str(path), "--apply")  # the same file again changes nothing
    assert exc is None, err
    assert "未变 1 行，修改 0 行，新增 0 行" in out and counts() == again
