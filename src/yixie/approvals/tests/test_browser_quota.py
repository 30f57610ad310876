"""Total-number control in real Chromium (docs/decisions/0023): the department names the body its new one
replaces (撤一建一) on the form and is warned of the government cap on its draft before it submits; 编办 sees
the same warning in its review panel; the rules page shows the caps with the counts and the ratio.

Screenshots go to $YIXIE_SCREENSHOTS when it is set (to look at them)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from yixie.ledger.models import PolicyValue
from yixie.testing.factories import establish

from .test_browser import PDF, as_user
from .test_browser_dead_ends import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def capped_city(city):
    for i in range(3):
        establish(city.city, name=f"市现有第{i + 1}号领导小组", lead=city.fgw, on=date(2020, 1, 1))
    establish(city.city, name="市委某某工作领导小组", lead=city.fgw, category="party", on=date(2020, 1, 1))
    for key, value, source in (("quota.government", 3, "市委机构编制委员会确定的市政府议事协调机构限额"),
                               ("quota.party", 2, "市委机构编制委员会确定的市委议事协调机构限额"),
                               ("quota.institutions", 2, "市级党政机构限额")):
        PolicyValue.objects.create(region=city.city, key=key, value=value, severity="warning", source=source)
    return city


def test_quota_warning_on_the_draft_and_in_review_and_the_rules_page(browser, live_server, capped_city, tmp_path,
                                                                    settings):
    settings.MEDIA_ROOT = tmp_path
    clerk = as_user(browser, live_server, "fagaiwei")
    clerk.goto(f"{live_server.url}/approvals/new/?kind=establish")
    clerk.get_by_label("申请理由和依据").fill("省级设有对口机构，工作涉及多个部门。")
    clerk.get_by_label("机构名称").fill("市预制菜产业发展工作领导小组")
    clerk.get_by_label("类别").select_option("government")
    clerk.get_by_label("序列").select_option("government")
    clerk.get_by_label("牵头部门").select_option(label="市发展和改革委员会")
    clerk.get_by_label("办事机构所在部门").select_option(label="市农业农村局")
    clerk.get_by_label("组长（领导职务）").select_option(label="市长")
    members = clerk.locator("fieldset", has_text="成员单位").first
    for name in ("市发展和改革委员会", "市农业农村局"):
        members.get_by_label(name).check()
    clerk.get_by_label("主要职责").fill("统筹推进全市预制菜产业发展，研究解决重大问题。")
    replaces = clerk.locator("#replaces")
    expect(replaces).to_contain_text("市现有第1号领导小组")
    expect(replaces).not_to_contain_text("青州")
    shot(clerk, "quota-form")
    clerk.get_by_role("button", name="保存草稿").click()
    warning = clerk.locator("#quota-warning")
    expect(warning).to_contain_text("潍坊市政府议事协调机构已有3个，限额3个")
    expect(warning).to_contain_text("再设立将超出限额")
    expect(clerk.locator("#replaces")).to_contain_text("未写明被替代的机构")
    clerk.get_by_label("材料类型").select_option("rules")
    clerk.locator("#id_file").set_input_files(files=[{"name": "工作规则.pdf", "mimeType": "application/pdf",
                                                      "buffer": PDF}])
    clerk.get_by_role("button", name="上传").click()
    expect(clerk.get_by_text("材料已上传")).to_be_visible()
    shot(clerk, "quota-application-draft")
    url = clerk.url

    hr = as_user(browser, live_server, "fagaiwei_hr")
    hr.goto(url)
    hr.get_by_role("button", name="审核并提交").click()
    expect(hr.get_by_text("申请已提交")).to_be_visible()
    liangban = as_user(browser, live_server, "liangban")
    liangban.goto(url)
    liangban.locator("#act-accept").get_by_role("button", name="提交").click()
    expect(liangban.locator("#status")).to_have_text("审核中")
    bianban = as_user(browser, live_server, "bianban")
    bianban.goto(url)
    expect(bianban.locator("#est-quota")).to_contain_text("再设立将超出限额")
    shot(bianban, "quota-application-review")

    bianban.goto(f"{live_server.url}/ledger/rules/")
    table = bianban.locator("#quota-table")
    expect(table).to_contain_text("政府议事协调机构")
    expect(table).to_contain_text("市委机构编制委员会确定的市政府议事协调机构限额")
    expect(bianban.locator("#quota-ratio")).to_contain_text("议事协调机构数是党政机构限额的2.0倍")
    shot(bianban, "quota-rules-page")
