"""J5 (制度保障) in real Chromium on the demo city.

1. Work rules filed, and returned once. 市现代物流业发展领导小组 is overdue with a draft under way at
   市发展和改革委员会 (demo/workrules.py): its clerk takes 市科学技术局 out of every task and clears its duty;
   the HR section's submission is refused in Chinese naming the unit (the confirmation kept, nothing written);
   the clerk writes the unit's duty, HR submits; 编办 returns it with a reason; the clerk sees the reason, amends
   the office meeting, HR submits again; 编办 files it: 已备案 on the page, the version filed in the DB, the
   body's filing date set, the body gone from the overdue list.
2. A duty dispute. 市安全生产委员会's office is at 市应急管理局 (yingji) and 市农业农村局 (nongye) is one of its
   units, with filed work rules: 市发展和改革委员会 (not a unit) is not offered the body; 市农业农村局 raises an
   objection citing the work rules' task 农业机械和渔业生产安全监管; 市应急管理局 records a consultation that
   fails (minutes PDF uploaded), escalates with materials; 编办 gives its division opinion (主办/协办) with a
   document that has no 文号, adding a line to 市农业农村局's 三定 duties; the dispute shows 已办结; its link
   lands on the body's ledger page at the 职责分工调整 event with its document; the work rules show the revised
   version (the cited task divided as 编办 said).
3. The rule behind a refused application links to its article: 编办 refuses the demo's application that waits for
   its review (市预制菜质量安全工作专班) through the page, answering one prohibition 是; the application's
   办理过程 lists the failed checklist item with a link to its article, whose page shows the text, the 示例条文
   badge where it is sample text, and the checklist item citing it. From 管理规则 (/ledger/rules/) one rule's
   article link opens the article listing that rule.

What the browser does not do, and why:
- The demo holds no application already refused by 编办 with failed checklist items, so the journey refuses one
  (step 3) rather than reading one the loader left.
- Nothing is back-dated: every step happens today (the live server's clock cannot be moved), so no stage is
  overdue in the journey's own dispute; the demo's open dispute shows an overdue stage on the list.
- The 编委会 route (提交编委会研究, 登记编委会决定), withdrawal and an agreed consultation are covered by the rules
  app's view tests, not here: the journey is the one the issue names (the consultation fails, 编办 gives its
  opinion).

Set YIXIE_SHOTS=/some/dir to keep a screenshot of every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from yixie.testing.browser import as_user, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CITY = "370700"
OVERDUE = "市现代物流业发展领导小组"  # overdue; a draft under way at 市发展和改革委员会 (demo/workrules.py)
IDLE = "市科学技术局"  # one of its member units, left with no duty first
SAFETY = "市安全生产委员会"  # office at 市应急管理局; 市农业农村局 is a unit; filed work rules (demo/workrules.py)
TASK = "农业机械和渔业生产安全监管"
MATTER = "农业机械和渔业生产安全监管中渔港安全检查"
REFUSED = "市预制菜质量安全工作专班"  # waits for 编办's review (demo/loader.py _applications)
MOVED = "负责渔港内渔船停泊和进出港安全检查。"
FAILED_ITEM = "工作任务已规定由相应职能部门承担（三定规定已有）"


def test_j5_work_rules_disputes_and_the_articles_behind_the_rules(browser, live_server, demo):
    _work_rules_filed_after_one_return(browser, live_server)
    _a_dispute_settled_by_the_division_opinion(browser, live_server)
    _the_rule_behind_a_refusal_links_to_its_article(browser, live_server)


def _work_rules_filed_after_one_return(browser, live_server):
    from yixie.ledger.models import Body
    from yixie.org.models import Department
    from yixie.rules.models import WorkRules

    body = Body.objects.get(region__code=CITY, name=OVERDUE)
    wr = WorkRules.objects.get(body=body, status="draft")
    idle = Department.objects.get(region__code=CITY, name=IDLE)
    assert body.work_rules_filed_on is None

    # The clerk of 市发展和改革委员会 finds the body among the overdue ones and opens its draft.
    fgw = as_user(browser, live_server, "fagaiwei")
    fgw.goto(f"{live_server.url}/rules/work-rules/overdue/")
    expect(fgw.locator("#overdue")).to_contain_text(OVERDUE)
    shot(fgw, "01-overdue")
    fgw.locator("#overdue").get_by_role("link", name=OVERDUE).click()
    expect(fgw.locator("#pending")).to_contain_text("第1版")
    shot(fgw, "02-body-work-rules")
    fgw.locator("#pending").get_by_role("link", name="继续修改").click()
    form = fgw.locator("#workrules-form")
    expect(form).to_be_visible()

    # 市科学技术局 taken out of every task and its duty cleared: saved, with what is still missing said.
    boxes = form.locator(f"input[type=checkbox][value='{idle.pk}']")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    form.locator(f"textarea[name=duty_{idle.pk}]").fill("")
    form.get_by_label("全体会议制度").fill("原则上每年召开1次全体会议，研究部署全市现代物流业发展重点工作")
    shot(fgw, "03-draft-form")
    form.get_by_role("button", name="保存", exact=True).click()
    expect(fgw.locator(".alert-warning").first).to_contain_text(f"成员单位“{IDLE}”在工作规则中没有职责")
    expect(fgw.locator("#problems")).to_contain_text(IDLE)
    shot(fgw, "04-draft-saved-incomplete")
    detail_url = fgw.url

    # Its HR section submits: refused in Chinese, naming the unit; the confirmation kept; nothing written.
    hr = as_user(browser, live_server, "fagaiwei_hr")
    hr.goto(detail_url)
    hr.get_by_role("link", name="报送编办备案").click()
    expect(hr.locator("#problems")).to_contain_text(IDLE)
    confirm = hr.get_by_label("已核对：每个成员单位都写明了职责或承担了工作任务，文件为最终报送稿")
    confirm.check()
    hr.get_by_role("button", name="编办备案").click()
    expect(hr.locator(".alert-danger")).to_contain_text(f"未报送：成员单位“{IDLE}”在工作规则中没有职责")
    expect(confirm).to_be_checked()
    shot(hr, "05-submit-refused")
    wr.refresh_from_db()
    assert wr.status == "draft" and wr.submitted_at is None

    # The clerk writes the unit's duty; HR submits.
    fgw.goto(detail_url)
    fgw.get_by_role("link", name="修改", exact=True).click()
    duty = f"{IDLE}负责物流领域科技创新和智慧物流技术研发应用的政策支持。"
    fgw.locator(f"#workrules-form textarea[name=duty_{idle.pk}]").fill(duty)
    fgw.locator("#workrules-form").get_by_role("button", name="保存", exact=True).click()
    expect(fgw.locator(".alert-success")).to_contain_text("已保存，内容完整，可以报送编办备案")
    hr.goto(detail_url)
    hr.get_by_role("link", name="报送编办备案").click()
    hr.get_by_label("已核对：每个成员单位都写明了职责或承担了工作任务，文件为最终报送稿").check()
    hr.get_by_role("button", name="编办备案").click()
    expect(hr.locator(".alert-success")).to_contain_text(f"已将“{wr}”报送")
    expect(hr.locator("h1 .badge")).to_have_text("待备案")
    shot(hr, "06-submitted")

    # 编办 finds it among those to review and returns it with a reason.
    reason = "办公室会议制度未写明召开频次，请明确（如每季度召开1次）。"
    bb = as_user(browser, live_server, "bianban")
    bb.goto(f"{live_server.url}/rules/")
    bb.locator("#to-review").get_by_role("link", name=OVERDUE, exact=False).first.click()
    review = bb.locator("#review-form")
    review.get_by_label("退回修改").check()
    review.get_by_label("审核意见（退回时必填：写明需要修改的内容）").fill(reason)
    shot(bb, "07-review-return")
    review.get_by_role("button", name="提交审核结果").click()
    expect(bb.locator(".alert-success")).to_contain_text("退回市发展和改革委员会修改")
    wr.refresh_from_db()
    assert wr.status == "returned" and wr.review_note == reason

    # The clerk sees the reason, amends; HR submits again.
    fgw.goto(detail_url)
    expect(fgw.locator("#returned")).to_contain_text(reason)
    shot(fgw, "08-returned")
    fgw.get_by_role("link", name="修改", exact=True).click()
    expect(fgw.locator(".alert-warning")).to_contain_text(reason)
    fgw.get_by_label("办公室会议（联络员会议）制度").fill("原则上每季度召开1次办公室会议，通报物流项目进展")
    fgw.locator("#workrules-form").get_by_role("button", name="保存", exact=True).click()
    expect(fgw.locator(".alert-success")).to_contain_text("内容完整")
    hr.goto(detail_url)
    hr.get_by_role("link", name="报送编办备案").click()
    hr.get_by_label("已核对：每个成员单位都写明了职责或承担了工作任务，文件为最终报送稿").check()
    hr.get_by_role("button", name="编办备案").click()
    expect(hr.locator(".alert-success")).to_contain_text("报送")

    # 编办 files it.
    bb.goto(detail_url)
    bb.get_by_role("link", name="备案审核", exact=True).click()
    bb.locator("#review-form").get_by_label("予以备案").check()
    bb.locator("#review-form").get_by_role("button", name="提交审核结果").click()
    expect(bb.locator(".alert-success")).to_contain_text("机构台账的工作规则备案日期已更新")
    expect(bb.locator("h1 .badge")).to_have_text("已备案")
    expect(bb.locator("#history")).to_contain_text(reason)  # the return stays in the version's history
    shot(bb, "09-filed")
    wr.refresh_from_db()
    body.refresh_from_db()
    assert wr.status == "filed" and wr.filed_on is not None
    assert body.work_rules_filed_on == wr.filed_on
    assert wr.member_duties.get(department=idle).duties == duty
    bb.goto(f"{live_server.url}/rules/work-rules/overdue/")
    expect(bb.locator("main")).not_to_contain_text(OVERDUE)
    bb.goto(f"{live_server.url}/ledger/bodies/{body.pk}/")
    expect(bb.locator("#work-rules")).to_contain_text("备案")
    expect(bb.locator("#work-rules")).not_to_contain_text("逾期未备案")


def _a_dispute_settled_by_the_division_opinion(browser, live_server):
    from yixie.ledger.models import Body, LedgerEvent
    from yixie.org.models import Department, DepartmentDuty
    from yixie.rules.models import Dispute, WorkRules

    body = Body.objects.get(region__code=CITY, name=SAFETY)
    before = WorkRules.objects.get(body=body, status="filed")
    dept = {n: Department.objects.get(region__code=CITY, name=n)
            for n in ("市农业农村局", "市应急管理局", "市交通运输局", "市公安局")}

    # A department that is not one of the body's units is not offered it.
    fgw = as_user(browser, live_server, "fagaiwei")
    fgw.goto(f"{live_server.url}/rules/disputes/new/")
    expect(fgw.locator("#pick")).to_be_visible()
    expect(fgw.locator("#pick option", has_text=SAFETY)).to_have_count(0)
    fgw.goto(f"{live_server.url}/rules/disputes/new/?body={body.pk}")
    expect(fgw.locator("#raise-form")).to_have_count(0)  # the body is not taken from the address either

    # 市农业农村局 raises an objection citing the work rules' task.
    ny = as_user(browser, live_server, "nongye")
    ny.goto(f"{live_server.url}/rules/disputes/")
    shot(ny, "10-disputes")
    ny.get_by_role("link", name="提出异议").first.click()
    ny.locator("#pick").select_option(label=SAFETY)
    ny.locator("#pick-body").get_by_role("button", name="下一步").click()
    raise_form = ny.locator("#raise-form")
    raise_form.get_by_label("争议事项").fill(MATTER)
    raise_form.get_by_label("异议内容").fill(
        "工作规则将渔港内渔船停泊和进出港安全检查列为我局主办。渔港水域交通安全和消防安全分别属于交通运输和消防救援部门的"
        "职责，我局只负责渔业船舶检验和渔业生产安全，建议重新明确分工。")
    raise_form.get_by_label("市交通运输局", exact=True).check()
    raise_form.get_by_label("市应急管理局", exact=True).check()
    raise_form.get_by_label("引用的工作规则条目").select_option(label=next(
        f"第{t.ordinal}项：{t.text}" for t in before.tasks.all() if t.text == TASK))
    shot(ny, "11-raise-form")
    raise_form.get_by_role("button", name="提出异议").click()
    expect(ny.locator(".alert-success")).to_contain_text(f"已提出异议：{MATTER}")
    expect(ny.locator("#objection")).to_contain_text(TASK)
    dispute = Dispute.objects.get(matter=MATTER)
    assert dispute.body_id == body.pk and dispute.raised_by_id == dept["市农业农村局"].pk
    assert dispute.cited_task.text == TASK and dispute.status == "raised"
    dispute_url = f"{live_server.url}/rules/disputes/{dispute.pk}/"
    shot(ny, "12-raised")

    # 市应急管理局 records a consultation that fails, with its minutes; then escalates with materials.
    yj = as_user(browser, live_server, "yingji")
    yj.goto(f"{live_server.url}/rules/disputes/")
    # the demo's open case waits for this department's consultation past its deadline: it stands out
    expect(yj.locator("#disputes tr", has_text="危险货物道路运输车辆停车场安全监管")).to_contain_text("超期")
    expect(yj.locator("#disputes tr", has_text=MATTER)).to_contain_text("待协商")
    yj.goto(dispute_url)
    expect(yj.get_by_role("link", name="提请编办协调")).to_have_count(0)  # not before a consultation
    yj.get_by_role("link", name="登记协商情况").click()
    consult = yj.locator("#consult-form")
    for name in ("市农业农村局", "市应急管理局", "市交通运输局"):
        consult.locator("fieldset", has_text="参加单位").get_by_label(name, exact=True).check()
    consult.get_by_label("未达成一致").check()
    consult.get_by_label("协商情况").fill("市应急管理局组织协商。市农业农村局认为渔港水域交通安全不属于本部门职责；市交通运输局认为"
                                        "渔港属于农业农村部门管理的专用港口。各方未达成一致。")
    consult.locator("input[type=file]").set_input_files(
        files=[{"name": "渔港安全检查分工协商会议纪要.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    shot(yj, "13-consult-form")
    consult.get_by_role("button", name="登记").click()
    expect(yj.locator(".alert-success")).to_contain_text("已登记协商情况")
    expect(yj.locator("#consultations")).to_contain_text("未达成一致")
    expect(yj.locator("#consultations")).to_contain_text("渔港安全检查分工协商会议纪要.pdf")
    yj.get_by_role("link", name="提请编办协调").click()
    esc = yj.locator("#escalate-form")
    esc.get_by_label("提请协调说明").fill("经组织协商，有关单位对渔港安全检查职责分工仍有分歧，提请市委编办协调。附协商会议纪要和"
                                      "各单位书面意见。")
    esc.locator("input[type=file]").set_input_files(
        files=[{"name": "各单位书面意见.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    esc.get_by_role("button", name="提请编办协调").click()
    expect(yj.locator(".alert-success")).to_contain_text("已提请编办协调")
    expect(yj.locator("#files")).to_contain_text("各单位书面意见.pdf")
    expect(yj.locator("#in-force")).to_contain_text("争议处理期间，按原分工执行")  # work goes on meanwhile
    expect(yj.locator("#in-force")).to_contain_text("主办 市农业农村局；协办 市应急管理局")
    shot(yj, "14-escalated")
    dispute.refresh_from_db()
    assert dispute.status == "escalated" and dispute.consultations.get().agreed is False

    # 编办 gives its division opinion, with a document that has no 文号.
    bb = as_user(browser, live_server, "bianban")
    bb.goto(dispute_url)
    bb.get_by_role("link", name="提出协调意见").click()
    op = bb.locator("#opinion-form")
    op.get_by_label("协调意见（分工建议）").fill("渔港内渔船停泊和进出港安全检查由市农业农村局负责；渔港水域交通安全由市交通运输局配合，"
                                          "市应急管理局负责综合监管。")
    op.locator(f"input[name=principal][value='{dept['市农业农村局'].pk}']").check()
    op.locator(f"input[name=assisting][value='{dept['市交通运输局'].pk}']").check()
    op.locator(f"input[name=assisting][value='{dept['市应急管理局'].pk}']").check()
    expect(op.get_by_label("文号")).to_have_value("")
    title = op.get_by_label("文件标题").input_value()
    assert MATTER in title
    # the opinion adds a line to 市农业农村局's 三定 duties (nothing taken from another department)
    op.get_by_label("承接职责的单位").select_option(label="市农业农村局")
    op.get_by_label("承接的职责内容").fill(MOVED)
    op.locator("input[name=file]").set_input_files(
        files=[{"name": "协调意见.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    shot(bb, "15-opinion-form")
    op.get_by_role("button", name="提出意见").click()
    expect(bb.locator(".alert-success")).to_contain_text("已登记协调意见")
    expect(bb.locator(".badge", has_text="已办结")).to_be_visible()
    settled = bb.locator("#settled")
    expect(settled).to_contain_text("（无文号）")
    expect(settled).to_contain_text("职责分工调整")
    expect(bb.locator("#outcome")).to_contain_text("主办：市农业农村局")
    expect(settled).to_contain_text("三定职责：市农业农村局自")
    expect(settled).to_contain_text(MOVED)
    expect(bb.locator("#outcome")).to_contain_text("协办：")
    shot(bb, "16-settled")
    dispute.refresh_from_db()
    assert dispute.status == "settled" and dispute.basis_document.number == ""
    event = LedgerEvent.objects.get(pk=dispute.ledger_event_id)
    assert DepartmentDuty.objects.get(department=dept["市农业农村局"], text=MOVED, ended_on=None).valid_from
    assert event.kind == "division" and event.document_id == dispute.basis_document_id

    # The body's ledger page: the 职责分工调整 event with its document.
    settled.get_by_role("link", name=f"{SAFETY}历史沿革").click()
    assert bb.url.endswith(f"/ledger/bodies/{body.pk}/#event-{event.pk}")  # the link lands on the event
    entry = bb.locator(f"#timeline #event-{event.pk}")
    expect(entry).to_contain_text("职责分工调整")
    expect(entry).to_contain_text("（无文号）")
    expect(entry).to_be_in_viewport()
    shot(bb, "17-ledger-history")
    entry.get_by_role("link", name=title).click()
    expect(bb.locator("h1")).to_contain_text(title)
    shot(bb, "18-document")

    # The work rules: the revised version, the matter's 主办 and 协办.
    bb.goto(f"{live_server.url}/rules/work-rules/bodies/{body.pk}/")
    revised = WorkRules.objects.get(body=body, status="filed")
    assert revised.pk != before.pk and revised.previous_id == before.pk
    expect(bb.locator("main")).to_contain_text(f"现行工作规则（第{revised.revision}版")
    matrix = bb.locator("#task-matrix")
    row = matrix.locator("tr", has_text=TASK)
    expect(row).to_contain_text("主办")
    expect(row).to_contain_text("协办")
    shot(bb, "19-work-rules-revised")
    task = revised.tasks.get(text=TASK)  # the cited task, divided as 编办 said
    roles = {(a.department.name, a.role) for a in task.assignments.select_related("department")}
    assert roles == {("市农业农村局", "principal"), ("市交通运输局", "assisting"), ("市应急管理局", "assisting")}


def _the_rule_behind_a_refusal_links_to_its_article(browser, live_server):
    from django.apps import apps

    from yixie.ledger.models import Article

    # read through the app registry: a capability's tests do not import another capability (lint-imports)
    app = apps.get_model("approvals", "Application").objects.get(status="in_review", proposed__name=REFUSED)
    bb = as_user(browser, live_server, "bianban")
    bb.goto(f"{live_server.url}/approvals/{app.pk}/")
    est = bb.locator("#act-est")
    answers = {"cond_upper": "no", "cond_cross": "yes", "cond_major": "no", "proh_duties": "yes",
               "proh_mechanism": "no", "proh_similar": "no", "rule_office": "yes", "rule_seal": "yes",
               "rule_leaders": "yes", "rule_temporary": "yes"}
    for key, value in answers.items():
        est.locator(f"input[name='est-ck_{key}'][value='{value}']").check()
    est.locator("input[name='est-decision'][value='refuse']").check()
    est.get_by_label("编办审核意见").fill("预制菜质量安全监管已由市市场监督管理局、市农业农村局按三定规定承担，不需另设工作专班。")
    shot(bb, "20-refuse")
    est.get_by_role("button", name="提交编办意见").click()
    app.refresh_from_db()
    assert app.status == "refused"
    failed = bb.locator("#progress .failed-items")
    expect(failed).to_contain_text(FAILED_ITEM)
    shot(bb, "21-refused")
    failed.locator("li", has_text=FAILED_ITEM).get_by_role("link", name="依据条款").click()
    expect(bb.locator("h1")).to_contain_text("第四条")
    article = Article.objects.get(pk=int(bb.url.rstrip("/").rsplit("/", 1)[1]))
    expect(bb.locator("#text")).to_contain_text(article.text[:20])
    expect(bb.locator("#items")).to_contain_text(FAILED_ITEM)
    if article.is_sample:
        expect(bb.locator("h1 .badge")).to_have_text("示例条文")
    shot(bb, "22-article")

    # From 管理规则, one rule's article link: the article lists the rule.
    bb.goto(f"{live_server.url}/ledger/rules/")
    row = bb.locator("tr[id^=rule-]").filter(has=bb.locator("a[href*='/regulations/articles/']")).first
    label = row.locator("td").first.inner_text().strip()
    shot(bb, "23-rules")
    row.locator("a[href*='/regulations/articles/']").click()
    expect(bb.locator("#rules")).to_contain_text(label)
    expect(bb.locator("#text")).to_be_visible()
    shot(bb, "24-rule-article")
