"""Journeys in real Chromium through the real pages (Playwright driving Debian's /usr/bin/chromium)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.testing.factories import PASSWORD, establish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(city):
    doc = services.document_create(actor=None, region=city.city, number="潍发〔2019〕12号", issuer="中共潍坊市委",
                                   issued_on=date(2019, 3, 15), title="关于设立市爱国卫生运动委员会的通知")
    aiwei = establish(city.city, name="市爱国卫生运动委员会", lead=city.yjj, short_name="市爱卫会",
                      members=[city.fgw, city.gxj], document=doc, on=date(2019, 3, 15),
                      duties="组织开展爱国卫生运动和病媒生物防制。")
    services.event_record(actor=None, body=aiwei, kind=EventKind.ABOLISH, on=date(2022, 9, 30))
    establish(city.city, name="市安全生产委员会", lead=city.yjj, members=[city.gxj], on=date(2015, 1, 1),
              duties="统筹协调全市安全生产工作。")
    establish(city.city, name="市预制菜产业发展工作领导小组", lead=city.fgw, office=city.nyj,
              members=[city.fgw, city.nyj, city.swj], on=date(2023, 3, 20), deputies=[city.vice])
    return city


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()


def test_establishment_office_browses_filters_searches_and_views_the_past(page, live_server, seeded):
    login(page, live_server, "bianban")
    page.get_by_role("link", name="机构台账").first.click()
    table = page.locator("#ledger-table")
    expect(table).to_contain_text("市安全生产委员会")
    expect(table).not_to_contain_text("市爱国卫生运动委员会")
    page.get_by_label("搜索").fill("预制菜")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#total")).to_have_text("1")
    page.get_by_role("link", name="清空条件").click()
    # 涉及部门 by name: typing offers the matching names, and the choice filters by that department.
    page.get_by_label("涉及部门").press_sequentially("农业")
    expect(page.locator("#dept-options option")).to_have_count(1)
    expect(page.locator("#dept-options option")).to_have_attribute("value", "市农业农村局")
    page.get_by_label("涉及部门").fill("市农业农村局")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#total")).to_have_text("1")
    expect(table).to_contain_text("市预制菜产业发展工作领导小组")
    page.get_by_role("link", name="清空条件").click()
    page.get_by_label("台账日期（查看历史）").fill("2020-01-01")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("历史视图：2020年1月1日")).to_be_visible()
    expect(table).to_contain_text("市爱国卫生运动委员会")
    expect(table).not_to_contain_text("市预制菜产业发展工作领导小组")
    page.get_by_role("link", name="市爱国卫生运动委员会").click()
    expect(page.locator("#timeline")).to_contain_text("撤销")
    expect(page.locator("#timeline")).to_contain_text("潍发〔2019〕12号")


def test_department_clerk_sees_only_their_department(page, live_server, seeded):
    login(page, live_server, "fagaiwei")
    page.goto(f"{live_server.url}/ledger/")
    table = page.locator("#ledger-table")
    expect(table).to_contain_text("市预制菜产业发展工作领导小组")
    expect(table).not_to_contain_text("市安全生产委员会")
    expect(page.get_by_role("link", name="登记新机构")).to_have_count(0)


def test_establishment_office_records_a_body_with_a_bad_date_then_fixes_it(page, live_server, seeded):
    login(page, live_server, "bianban")
    page.goto(f"{live_server.url}/ledger/bodies/new/")
    page.get_by_label("机构名称").fill("市低空经济发展工作专班")
    page.get_by_label("类别").select_option("taskforce")
    page.get_by_label("机构形式").select_option("工作专班")
    page.get_by_label("牵头部门").select_option(label="市发展和改革委员会")
    page.get_by_label("办事机构所在部门").select_option(label="市发展和改革委员会")
    page.get_by_label("主要职责").fill("统筹推进全市低空经济发展。")
    page.get_by_label("设立时间").fill("2024-05-01")
    page.get_by_label("依据文件文号").fill("潍政办字[2024]07号")
    page.get_by_label("发文机关").fill("潍坊市人民政府办公室")
    page.get_by_label("文件标题").fill("关于成立市低空经济发展工作专班的通知")
    page.get_by_label("成文日期").fill("2023-04-30")
    page.get_by_role("button", name="登记设立").click()
    expect(page.get_by_text("与成文日期")).to_be_visible()
    page.get_by_label("成文日期").fill("2024-04-30")
    page.get_by_role("button", name="登记设立").click()
    expect(page.get_by_role("heading", name="市低空经济发展工作专班")).to_be_visible()
    expect(page.get_by_text("潍政办字〔2024〕7号").first).to_be_visible()
