"""Excel out and in through the real pages in Chromium: export the ledger, edit it as a clerk would, upload,
read the preview, confirm; the same file again; an older export as a conflict (docs/decisions/0013)."""

import io
import os
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from yixie.ledger.models import Body, LedgerEvent
from yixie.testing.factories import PASSWORD, establish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def excel_city(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj, city.swj], on=date(2015, 1, 1),
              duties="统筹协调全市安全生产工作。")
    establish(city.city, name="市食品安全委员会", lead=city.swj, on=date(2016, 5, 1), duties="统筹食品安全工作。")
    return city


def shot(page, name):
    """A full-page screenshot to look at, where YIXIE_SCREENSHOT_DIR says (not taken otherwise)."""
    where = os.environ.get("YIXIE_SCREENSHOT_DIR")
    if where:
        page.screenshot(path=f"{where}/{name}.png", full_page=True)


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()


def test_export_edit_preview_confirm_and_the_conflicts_of_an_older_export(page, live_server, excel_city, tmp_path):
    login(page, live_server, "bianban")
    page.goto(f"{live_server.url}/ledger/?q=安全")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "台账" in download.suggested_filename
    exported = tmp_path / "export.xlsx"
    download.save_as(exported)
    wb = openpyxl.load_workbook(exported)
    sheet = wb["政府议事协调机构"]
    headers = [c.value for c in sheet[1]][:7]
    assert headers == ["机构名称", "设立时间", "依据文件", "办事机构所在部门", "存续时间", "历史沿革", "上级机构设置情况"]
    names = [r[0].value for r in sheet.iter_rows(min_row=2) if r[0].value]
    assert sorted(names) == ["市安全生产委员会", "市食品安全委员会"]

    # A clerk edits the copy: the duties of one body (a 调整 with its date and document), a corrected name
    # (a 更名), the 设立时间 retyped by hand, and a new body added at the bottom.
    header = [c.value for c in sheet[1]]

    def cell(r, h):
        return sheet.cell(row=r, column=header.index(h) + 1)

    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    r = rows["市安全生产委员会"]
    cell(r, "主要职责").value = "统筹协调全市安全生产工作，督促落实安全生产责任。"
    cell(r, "设立时间").value = "2015年1月1日"
    cell(r, "变更事项").value = "调整"
    cell(r, "变更日期").value = "2024/3/5"
    cell(r, "变更依据文件").value = "潍政办字〔2024〕3号《关于调整市安全生产委员会的通知》"
    r = rows["市食品安全委员会"]
    cell(r, "机构名称").value = "市食品药品安全委员会"
    cell(r, "变更事项").value = "更名"
    cell(r, "变更日期").value = "2024.6.1"
    cell(r, "变更依据文件").value = "潍政办字〔2024〕8号"
    new = {h: cell(rows["市食品安全委员会"], h).value for h in header}
    new.update({"机构名称": "市消防安全委员会", "设立时间": "2020-3-1", "依据文件": None, "台账编号": None, "版本": None,
                "变更事项": None, "变更日期": None, "变更依据文件": None, "简称": None, "别名": None})
    sheet.append([new[h] for h in header])
    edited = io.BytesIO()
    wb.save(edited)

    def upload(name, content):
        page.goto(f"{live_server.url}/ledger/import/")
        page.locator("input[type=file]").set_input_files(files=[{
            "name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": content}])
        page.get_by_role("button", name="上传并检查").click()

    before = Body.objects.count()
    upload("台账（修改）.xlsx", edited.getvalue())
    expect(page.get_by_text("请核对预览").first).to_be_visible(timeout=20000)
    counts = page.locator("#import-counts")
    expect(counts).to_contain_text("未变（跳过）0 行")
    expect(counts).to_contain_text("修改2 行")
    expect(counts).to_contain_text("新增1 行")
    expect(counts).to_contain_text("冲突0 行")
    changes = page.locator("table.import-changes")
    expect(changes).to_contain_text("督促落实安全生产责任")
    expect(changes).to_contain_text("2024年3月5日")
    expect(changes).to_contain_text("潍政办字〔2024〕3号")
    expect(changes).to_contain_text("市食品药品安全委员会")
    assert Body.objects.count() == before  # nothing written before the user confirms
    shot(page, "import-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入成功").first).to_be_visible(timeout=20000)
    expect(page.locator("#import-result")).to_contain_text("新增 1 个机构，登记变更 2 项")
    assert Body.objects.count() == before + 1

    # The ledger shows the change as a dated event citing its document.
    body = Body.objects.get(name="市安全生产委员会")
    page.goto(f"{live_server.url}/ledger/bodies/{body.pk}/")
    shot(page, "body-detail")
    expect(page.get_by_text("潍政办字〔2024〕3号").first).to_be_visible()
    expect(page.get_by_text("2024年3月5日").first).to_be_visible()
    assert Body.objects.filter(name="市食品药品安全委员会").exists()

    # The same file again changes nothing.
    upload("台账（修改）.xlsx", edited.getvalue())
    expect(page.get_by_text("没有需要导入的内容").first).to_be_visible(timeout=20000)
    expect(page.locator("#import-counts")).to_contain_text("未变（跳过）3 行")
    assert Body.objects.count() == before + 1

    # The first export, edited after the ledger changed: a conflict, never a silent revert.
    stale = openpyxl.load_workbook(exported)
    ws = stale["政府议事协调机构"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == "市安全生产委员会":
            ws.cell(row=r, column=header.index("主要职责") + 1).value = "按旧文件修改的职责。"
            ws.cell(row=r, column=header.index("变更事项") + 1).value = "调整"
            ws.cell(row=r, column=header.index("变更日期") + 1).value = "2025-1-1"
            ws.cell(row=r, column=header.index("变更依据文件") + 1).value = "潍政办字〔2025〕1号"
    # and a bad cell: a malformed date and an unknown department, each named by sheet, row and column
    other = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "市食品安全委员会")
    ws.cell(row=other, column=header.index("成员单位") + 1).value = "市不存在局"
    conflicted = io.BytesIO()
    stale.save(conflicted)
    before_events = LedgerEvent.objects.count()
    upload("旧台账.xlsx", conflicted.getvalue())
    expect(page.get_by_text("未导入：台账没有任何变化").first).to_be_visible(timeout=20000)
    expect(page.locator("#import-conflicts")).to_contain_text("冲突")
    expect(page.locator("#import-conflicts")).to_contain_text("2024年3月5日")
    expect(page.get_by_text("市不存在局").first).to_be_visible()
    expect(page.get_by_text("工作表").first).to_be_visible()
    shot(page, "import-conflict")
    assert LedgerEvent.objects.count() == before_events
    assert Body.objects.get(name="市安全生产委员会").duties == "统筹协调全市安全生产工作，督促落实安全生产责任。"
