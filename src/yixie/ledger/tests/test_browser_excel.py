"""Excel out and in through the real pages in Chromium: export the ledger, import a good file, import a bad one."""

import io
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from yixie.ledger.models import Body
from yixie.testing.factories import PASSWORD, establish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def excel_city(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj, city.swj], on=date(2015, 1, 1),
              duties="统筹协调全市安全生产工作。")
    establish(city.city, name="市食品安全委员会", lead=city.swj, on=date(2016, 5, 1), duties="统筹食品安全工作。")
    return city


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()


def test_export_then_import_good_and_bad_files(page, live_server, excel_city, tmp_path):
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

    # A good file: the same rows under new names (the ledger refuses duplicates).
    for row in sheet.iter_rows(min_row=2):
        if row[0].value:
            row[0].value = row[0].value.replace("委员会", "工作领导小组")
    good = io.BytesIO()
    wb.save(good)
    page.goto(f"{live_server.url}/ledger/import/")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "台账.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": good.getvalue()}])
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_text("已导入").first).to_be_visible(timeout=20000)
    assert Body.objects.filter(name="市安全生产工作领导小组").exists()

    # A bad file: a malformed date and an unknown department; nothing is taken.
    for row in sheet.iter_rows(min_row=2):
        if row[0].value:
            row[0].value = row[0].value + "（二）"
    sheet.cell(row=2, column=2).value = "2019-02-30"
    sheet.cell(row=3, column=4).value = "市不存在局"
    bad = io.BytesIO()
    wb.save(bad)
    before = Body.objects.count()
    page.goto(f"{live_server.url}/ledger/import/")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "有错误的台账.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": bad.getvalue()}])
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_text("市不存在局").first).to_be_visible(timeout=20000)
    expect(page.get_by_text("2019-02-30").first).to_be_visible()
    assert Body.objects.count() == before
