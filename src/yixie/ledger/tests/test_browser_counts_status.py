"""Issue 9 in real Chromium: counts follow the date picked; 全部状态 shows ended bodies while the default shows
those in force with the choice visible; the ledger prints without navigation and with its date; a phone fits."""

from datetime import date

import pytest
from playwright.sync_api import expect

from yixie.ledger import services
from yixie.ledger.choices import EventKind
from yixie.testing.factories import PASSWORD, establish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(city):
    ended = establish(city.city, name="市爱国卫生运动委员会", lead=city.yjj, on=date(2010, 1, 1), deputies=[city.vice2])
    services.event_record(actor=None, body=ended, kind=EventKind.ABOLISH, on=date(2022, 9, 30))
    establish(city.city, name="市安全生产委员会", lead=city.yjj, on=date(2015, 1, 1), deputies=[city.vice2])
    return city


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()


def test_status_filter_default_in_force_and_all_statuses(page, live_server, history):
    login(page, live_server, "bianban")
    page.goto(f"{live_server.url}/ledger/")
    table = page.locator("#ledger-table")
    status = page.get_by_label("状态", exact=True)
    expect(status).to_have_value("active")
    expect(status.locator("option:checked")).to_have_text("在设立")
    expect(page.locator("#total-scope")).to_contain_text("在设立的机构")
    expect(table).not_to_contain_text("市爱国卫生运动委员会")
    status.select_option(label="全部状态")
    page.get_by_role("button", name="查询").click()
    expect(table).to_contain_text("市爱国卫生运动委员会")
    expect(table).to_contain_text("已撤销")
    expect(page.locator("#total")).to_have_text("2")
    expect(page.get_by_label("状态", exact=True)).to_have_value("all")
    page.get_by_role("link", name="清空条件").click()
    expect(page.get_by_label("状态", exact=True)).to_have_value("active")
    expect(page.locator("#total")).to_have_text("1")


def test_department_and_post_counts_change_with_the_date(page, live_server, history):
    login(page, live_server, "bianban")
    page.goto(f"{live_server.url}/org/departments/")
    row = page.locator("tr", has_text="市应急管理局")
    expect(page.locator("#counts-on")).to_contain_text("在设立的机构")
    expect(row.get_by_role("link", name="1", exact=True)).to_be_visible()
    page.get_by_label("统计日期").fill("2020-01-01")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#counts-on")).to_contain_text("截至2020年1月1日在设立的机构")
    row = page.locator("tr", has_text="市应急管理局")
    row.get_by_role("link", name="2", exact=True).click()
    # The number opens the ledger on the same date, with the same bodies.
    expect(page.get_by_text("历史视图：2020年1月1日")).to_be_visible()
    expect(page.locator("#ledger-table")).to_contain_text("市爱国卫生运动委员会")

    page.goto(f"{live_server.url}/org/posts/")
    cells = page.locator("tr", has_text="常务副市长").locator("td")
    expect(cells.nth(3)).to_have_text("1")
    page.get_by_label("统计日期").fill("2020-01-01")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("tr", has_text="常务副市长").locator("td").nth(3)).to_have_text("2")


def test_ledger_prints_without_navigation_and_fits_a_phone(page, live_server, history):
    login(page, live_server, "bianban")
    page.goto(f"{live_server.url}/ledger/")
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator(".yx-print-header")).to_be_visible()
    expect(page.locator(".yx-print-header")).to_contain_text("台账日期：")
    assert page.pdf(format="A4", prefer_css_page_size=True)[:4] == b"%PDF"
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/ledger/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.get_by_role("link", name="市安全生产委员会")).to_be_visible()
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
