"""Issue 9 in real Chromium: a name in force is refused when the draft is saved; a high overlap warns the
department before it submits, pre-answers 编办's checklist with the evidence, and 编办 approving over it must
write a reason; the meeting and publication dates follow the flow; the published page and the body keep
what was submitted (evidence, draft work rules); and every state that is not final has a way out on its page.

Screenshots go to $YIXIE_SCREENSHOTS when it is set (to look at them)."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yixie.approvals.choices import OPEN_STATUSES
from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.models import Application
from yixie.core.dates import format_date_zh
from yixie.testing.factories import establish

from .conftest import draft, proposal
from .test_browser import PDF, YES, as_user, check_all
from .test_flow import run_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def shot(page, name):
    where = os.environ.get("YIXIE_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)


@pytest.fixture
def food_city(city):
    establish(city.city, name="市食品产业发展领导小组", lead=city.gxj, members=[city.gxj, city.nyj, city.swj],
              on=date(2018, 5, 1), duties="统筹推进全市食品产业发展，协调预制菜、食品加工产业链招商和品牌建设。")
    establish(city.city, name="市防汛抗旱指挥部", lead=city.yjj, on=date(2010, 1, 1), duties="组织指挥全市防汛抗旱工作。")
    return city


def fill_draft(clerk, live_server, name, duties):
    clerk.goto(f"{live_server.url}/approvals/new/?kind=establish")
    clerk.get_by_label("申请理由和依据").fill("省级设有对口机构，工作涉及发改、工信、农业农村、商务等部门。")
    clerk.get_by_label("机构名称").fill(name)
    clerk.get_by_label("类别").select_option("government")
    clerk.get_by_label("序列").select_option("government")
    clerk.get_by_label("牵头部门").select_option(label="市发展和改革委员会")
    clerk.get_by_label("办事机构所在部门").select_option(label="市农业农村局")
    clerk.get_by_label("组长（领导职务）").select_option(label="市长")
    members = clerk.locator("fieldset", has_text="成员单位").first
    for member in ("市发展和改革委员会", "市工业和信息化局", "市农业农村局", "市商务局"):
        members.get_by_label(member).check()
    clerk.get_by_label("主要职责").fill(duties)
    clerk.get_by_role("button", name="保存草稿").click()


def test_duplicates_are_stopped_early_and_the_high_overlap_path(browser, live_server, food_city, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    clerk = as_user(browser, live_server, "fagaiwei")

    # 1. A name in force is refused when the draft is saved, on the name field, in Chinese.
    fill_draft(clerk, live_server, "市防汛抗旱指挥部", "组织指挥全市防汛抗旱工作。")
    expect(clerk.locator("form.yx-card")).to_contain_text("已有同名机构“市防汛抗旱指挥部”，不能重名")
    assert not Application.objects.exists()
    shot(clerk, "01-name-clash")

    # 2. A body overlapping one in force: the department is warned before it submits.
    fill_draft(clerk, live_server, "市食品产业发展工作领导小组",
               "统筹推进全市食品产业发展，协调预制菜、食品加工产业链招商和品牌建设。")
    expect(clerk.get_by_text("申请已保存为草稿")).to_be_visible()
    clerk.get_by_label("材料类型").select_option("rules")
    clerk.locator("#id_file").set_input_files(files=[{"name": "工作规则（草案）.pdf", "mimeType": "application/pdf",
                                                      "buffer": PDF}])
    clerk.get_by_role("button", name="上传").click()
    expect(clerk.get_by_text("材料已上传")).to_be_visible()
    app_url = clerk.url
    hr = as_user(browser, live_server, "fagaiwei_hr")
    hr.goto(app_url)
    warning = hr.locator("#overlap-warning")
    expect(warning).to_contain_text("重复度较高")
    expect(warning).to_contain_text("市食品产业发展领导小组")
    shot(hr, "02-warning-before-submit")
    hr.get_by_role("button", name="审核并提交").click()
    expect(hr.locator("#status")).to_have_text("待两办受理")

    lb = as_user(browser, live_server, "liangban")
    lb.goto(app_url)
    lb.locator("#act-accept").get_by_role("button", name="提交").click()
    expect(lb.locator("#status")).to_have_text("审核中")

    # 3. 编办: the checklist item is pre-answered with the evidence; approving over it needs a reason.
    bb = as_user(browser, live_server, "bianban")
    bb.goto(app_url)
    expect(bb.locator("input[name='est-ck_proh_similar'][value='yes']")).to_be_checked()
    expect(bb.locator("input[name='est-ck_proh_similar_note']")).to_have_value(
        re.compile("与“市食品产业发展领导小组”综合相似度"))
    expect(bb.locator("#est-overlap")).to_be_visible()
    shot(bb, "03-checklist-pre-answered")
    check_all(bb, YES)  # 编办 finds it not the same after all …
    bb.locator("#act-est").get_by_label("同意", exact=True).check()
    bb.get_by_role("button", name="提交编办意见").click()
    expect(bb.locator(".alert-danger, .alert-error").first).to_contain_text("须在审核意见中写明理由")
    expect(bb.locator("#status")).to_have_text("审核中")
    check_all(bb, YES)
    bb.locator("#act-est").get_by_label("同意", exact=True).check()
    bb.get_by_label("编办审核意见").fill("本机构专司预制菜产业链招商，市食品产业发展领导小组不再承担该事项，经研究同意设立。")
    bb.get_by_role("button", name="提交编办意见").click()
    expect(bb.get_by_text("审核意见已提交")).to_be_visible()
    zz = as_user(browser, live_server, "zuzhibu")
    zz.goto(app_url)
    zz.locator("#act-per").get_by_label("同意", exact=True).check()
    zz.get_by_role("button", name="提交组织部意见").click()
    expect(zz.locator("#status")).to_have_text("待会议研究")

    # 4. The meeting cannot be before the acceptance; the publication not before the meeting.
    lb.goto(app_url)
    lb.get_by_label("会议日期").fill((TODAY - timedelta(days=1)).isoformat())
    lb.get_by_label("会议届次").fill("第12次")
    lb.get_by_label("议题").fill("研究设立市食品产业发展工作领导小组")
    lb.locator("#act-del").get_by_label("同意", exact=True).check()
    lb.get_by_role("button", name="登记会议结果").click()
    expect(lb.get_by_text("早于两办受理此申请的日期")).to_be_visible()
    expect(lb.locator("#status")).to_have_text("待会议研究")
    lb.get_by_label("会议日期").fill(TODAY.isoformat())
    lb.get_by_label("会议届次").fill("第12次")
    lb.get_by_label("议题").fill("研究设立市食品产业发展工作领导小组")
    lb.locator("#act-del").get_by_label("同意", exact=True).check()
    lb.get_by_role("button", name="登记会议结果").click()
    expect(lb.locator("#status")).to_have_text("待发文")
    lb.locator("input[name='number']").fill(f"潍政字〔{TODAY.year}〕12号")
    lb.locator("input[name='issued_on']").fill((TODAY - timedelta(days=1)).isoformat())
    lb.get_by_role("button", name="发文并更新台账").click()
    expect(lb.get_by_text("早于会议研究日期")).to_be_visible()
    lb.locator("input[name='number']").fill(f"潍政字〔{TODAY.year}〕12号")
    lb.locator("input[name='issued_on']").fill(TODAY.isoformat())
    lb.get_by_role("button", name="发文并更新台账").click()
    expect(lb.locator("#status")).to_have_text("已发文公布")

    # 5. The published page: the evidence stored at submission, never the body it created; dates in Chinese.
    bb.goto(app_url)
    overlaps = bb.locator("#overlaps")
    expect(overlaps.locator("#overlaps-stored")).to_be_visible()
    expect(overlaps).to_contain_text("市食品产业发展领导小组")
    expect(overlaps).not_to_contain_text("市食品产业发展工作领导小组")
    expect(bb.locator("#progress")).to_contain_text(f"（{format_date_zh(TODAY)}）")
    bb.locator("#progress summary").click()
    shot(bb, "04-published-application")

    # 6. The body keeps the draft work rules with its publication document.
    bb.locator(".alert-success").get_by_role("link", name="市食品产业发展工作领导小组").click()
    rules = bb.locator("#work-rules")
    expect(rules).to_contain_text("工作规则（草案）.pdf")
    expect(rules).to_contain_text(f"潍政字〔{TODAY.year}〕12号")
    shot(bb, "05-body-work-rules")


WAY_OUT = {
    S.DRAFT: ("fagaiwei", "撤回", None),
    S.RETURNED: ("fagaiwei", "撤回", None),
    S.SUBMITTED: ("liangban", "#act-accept", "不予同意"),
    S.IN_REVIEW: ("bianban", "#act-est", "退回修改"),
    S.REVIEWED: ("liangban", "#way-out-deliberation", "退回修改"),
    S.DECIDED: ("liangban", "#way-out-publication", "不予同意"),
}


def test_every_state_that_is_not_final_has_a_way_out(browser, live_server, city, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    assert set(WAY_OUT) == OPEN_STATUSES
    pages = {}
    for status, (username, where, decision) in WAY_OUT.items():
        app = run_to(city, draft(city, proposed=proposal(city, name=f"市{S(status).label}工作领导小组")), status)
        page = pages.get(username) or pages.setdefault(username, as_user(browser, live_server, username))
        page.once("dialog", lambda d: d.accept())
        page.goto(f"{live_server.url}/approvals/{app.pk}/")
        if decision is None:
            page.get_by_role("button", name=where).click()
        else:
            panel = page.locator(where)
            if panel.locator("summary").count():
                panel.locator("summary").first.click()
            panel.get_by_label(decision, exact=True).check()
            panel.locator("textarea").fill("材料与事实不符，请核实后再报。")
            if status == S.DECIDED:
                shot(page, "06-way-out-of-publication")
            panel.get_by_role("button", name="提交").click()
        expect(page.locator("#status")).not_to_have_text(S(status).label)
        assert Application.objects.get(pk=app.pk).status in (S.RETURNED, S.REFUSED, S.WITHDRAWN), status

