"""J1 in real Chromium: a department applies for a body that overlaps an existing one; 编办 sees the overlap
and returns it; the department revises; all reviews pass; it is published; the ledger shows the new body
from the publication date — and the as-of view before that date does not."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yixie.testing.factories import PASSWORD, establish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%%EOF\n"
# The meeting cannot be before the acceptance (today, in a test) nor the publication before the meeting.
TODAY = timezone.localdate()


@pytest.fixture
def journey_city(city):
    establish(city.city, name="市食品产业发展领导小组", lead=city.gxj, members=[city.gxj, city.nyj, city.swj],
              on=date(2018, 5, 1), duties="统筹推进全市食品产业发展，协调预制菜、食品加工产业链招商和品牌建设。")
    establish(city.city, name="市防汛抗旱指挥部", lead=city.yjj, on=date(2010, 1, 1),
              duties="组织指挥全市防汛抗旱工作。")
    return city


def as_user(browser, live_server, username):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()
    return page


def check_all(page, answers):
    for key, value in answers.items():
        page.locator(f"input[name='est-ck_{key}'][value='{value}']").check()


YES = {"cond_upper": "yes", "cond_cross": "yes", "cond_major": "yes", "proh_duties": "no", "proh_mechanism": "no",
       "proh_similar": "no", "rule_office": "yes", "rule_seal": "yes", "rule_leaders": "yes", "rule_temporary": "yes"}


def test_j1_apply_overlap_return_revise_approve_publish(browser, live_server, journey_city, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    # 1. The department's clerk drafts.
    clerk = as_user(browser, live_server, "fagaiwei")
    clerk.goto(f"{live_server.url}/approvals/new/?kind=establish")
    clerk.get_by_label("申请理由和依据").fill("省级设有预制菜产业发展领导小组，工作涉及发改、工信、农业农村、商务等部门。")
    clerk.get_by_label("机构名称").fill("市预制菜产业发展工作领导小组")
    clerk.get_by_label("类别").select_option("government")
    clerk.get_by_label("序列").select_option("government")
    clerk.get_by_label("牵头部门").select_option(label="市发展和改革委员会")
    clerk.get_by_label("办事机构所在部门").select_option(label="市农业农村局")
    clerk.get_by_label("组长（领导职务）").select_option(label="市长")
    clerk.locator("fieldset", has_text="副组长").get_by_label("副市长（分管农业农村）").check()
    members = clerk.locator("fieldset", has_text="成员单位").first
    for name in ("市发展和改革委员会", "市工业和信息化局", "市农业农村局", "市商务局"):
        members.get_by_label(name).check()
    clerk.get_by_label("主要职责").fill("统筹推进全市预制菜产业发展，协调食品加工产业链招商和品牌建设。")
    clerk.get_by_role("button", name="保存草稿").click()
    expect(clerk.get_by_text("申请已保存为草稿")).to_be_visible()
    clerk.get_by_label("材料类型").select_option("rules")
    clerk.locator("#id_file").set_input_files(files=[{"name": "工作规则.pdf", "mimeType": "application/pdf",
                                                      "buffer": PDF}])
    clerk.get_by_role("button", name="上传").click()
    expect(clerk.get_by_text("材料已上传")).to_be_visible()
    app_url = clerk.url

    # 2. Its HR section submits.
    hr = as_user(browser, live_server, "fagaiwei_hr")
    hr.goto(app_url)
    hr.get_by_role("button", name="审核并提交").click()
    expect(hr.locator("#status")).to_have_text("待两办受理")

    # 3. The general office accepts.
    lb = as_user(browser, live_server, "liangban")
    lb.goto(f"{live_server.url}/approvals/todo/")
    lb.get_by_role("link", name="关于设立市预制菜产业发展工作领导小组的申请").click()
    lb.locator("#act-accept").get_by_role("button", name="提交").click()
    expect(lb.locator("#status")).to_have_text("审核中")

    # 4. 编办 sees the overlap with its shared terms, and returns it.
    bb = as_user(browser, live_server, "bianban")
    bb.goto(app_url)
    overlaps = bb.locator("#overlaps")
    expect(overlaps).to_contain_text("市食品产业发展领导小组")
    expect(overlaps.locator("mark").first).to_be_visible()
    expect(overlaps).not_to_contain_text("市防汛抗旱指挥部")
    expect(bb.locator("#leader-load")).to_contain_text("市长")
    bb.locator("#act-est").get_by_label("退回修改").check()
    bb.get_by_label("编办审核意见").fill("职责与市食品产业发展领导小组相近，请明确分工后再报。")
    bb.get_by_role("button", name="提交编办意见").click()
    expect(bb.locator("#status")).to_have_text("退回修改")

    # 5. The department revises; HR resubmits; the general office accepts again.
    clerk.goto(app_url)
    expect(clerk.locator(".alert-warning")).to_contain_text("职责与市食品产业发展领导小组相近")
    clerk.get_by_role("link", name="修改申请").click()
    clerk.get_by_label("主要职责").fill("统筹预制菜产业标准体系、冷链物流和质量追溯建设，市食品产业发展领导小组不再承担预制菜事项。")
    clerk.get_by_role("button", name="保存草稿").click()
    hr.goto(app_url)
    hr.get_by_role("button", name="审核并提交").click()
    expect(hr.locator("#status")).to_have_text("待两办受理")
    lb.goto(app_url)
    lb.locator("#act-accept").get_by_role("button", name="提交").click()
    expect(lb.locator("#status")).to_have_text("审核中")

    # 6. All reviews pass: 编办 with its checklist, 组织部 on the leader posts.
    bb.goto(app_url)
    check_all(bb, YES)
    bb.locator("#act-est").get_by_label("同意", exact=True).check()
    bb.get_by_role("button", name="提交编办意见").click()
    expect(bb.get_by_text("审核意见已提交")).to_be_visible()
    zz = as_user(browser, live_server, "zuzhibu")
    zz.goto(app_url)
    zz.locator("#act-per").get_by_label("同意", exact=True).check()
    zz.get_by_role("button", name="提交组织部意见").click()
    expect(zz.locator("#status")).to_have_text("待会议研究")

    # 7. The executive meeting decides; the document is published; the ledger changes by itself.
    lb.goto(app_url)
    expect(lb.locator("#act-del")).to_contain_text("市政府常务会议")
    lb.get_by_label("会议日期").fill(TODAY.isoformat())
    lb.get_by_label("会议届次").fill("第12次")
    lb.get_by_label("议题").fill("研究设立市预制菜产业发展工作领导小组")
    lb.locator("#act-del").get_by_label("同意", exact=True).check()
    lb.get_by_role("button", name="登记会议结果").click()
    expect(lb.locator("#status")).to_have_text("待发文")
    lb.locator("input[name='number']").fill(f"潍政字〔{TODAY.year}〕12号")
    lb.locator("input[name='issued_on']").fill(TODAY.isoformat())
    lb.get_by_role("button", name="发文并更新台账").click()
    expect(lb.locator("#status")).to_have_text("已发文公布")

    lb.locator(".alert-success").get_by_role("link", name="市预制菜产业发展工作领导小组").click()
    expect(lb.locator("#timeline")).to_contain_text(f"潍政字〔{TODAY.year}〕12号")
    expect(lb.locator("#timeline")).to_contain_text("申请")
    lb.goto(f"{live_server.url}/ledger/?on={TODAY.isoformat()}")
    expect(lb.locator("#ledger-table")).to_contain_text("市预制菜产业发展工作领导小组")
    lb.goto(f"{live_server.url}/ledger/?on={(TODAY - timedelta(days=1)).isoformat()}")
    expect(lb.locator("#ledger-table")).not_to_contain_text("市预制菜产业发展工作领导小组")
