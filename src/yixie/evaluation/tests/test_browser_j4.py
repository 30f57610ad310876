"""J4 (多方评价) in real Chromium on the demo city: 市发展改革委 records a 2025 meeting of a body its office hosts;
编办 builds the 2025 indicator system (a copy of 2022's) and opens the 2025 evaluation (carried out this year);
the meeting shows in the self-evaluation's pre-fill; 市发展改革委 drafts the self-evaluation (a figure that is not
a number refused in Chinese first), uploads a PDF, its HR section submits; 两办 and 组织部 agree, 编办 grades the
judged indicator and completes the check; 市发展改革委, as lead department of 市预制菜产业发展工作领导小组, scores its
member units (a score out of range refused first); 市农业农村局 sees its own score and no other unit's; 编办 closes
the reporting, computes the results, sees the ranking and the charts, drafts an abolition proposal from a body
that held no meeting; 市发展改革委 turns it into an application draft marked 编办建议; the 2021 evaluation's
ranking page shows its 24 proposals as 撤销9、更名8、调整隶属关系7.

What the browser does not do, and why (said here so nobody mistakes it for the journey):
- The other 176 self-evaluations of the city (市发展改革委's other 14 among them) are filled and
  submitted through the services (`selfeval_save` / `selfeval_submit`, as the system): the reporting cannot be
  closed before its deadline while any is unsubmitted, the deadline cannot lie in the past when the
  evaluation is opened today, and the live server's clock cannot be moved. They report one to four meetings,
  except WEAK, which reports none (the register holds no 2025 meeting of it) — the weak result of the journey.
- The meeting is recorded before the evaluation opens: a self-evaluation's pre-fill is what the register
  held when the evaluation was opened (kept so a reviewer sees what the product knew then), as a host
  department records its year's meetings during that year.

Set YIXIE_SHOTS=/some/dir to keep a screenshot of every page on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import expect

from yixie.testing.browser import as_user, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = timezone.localdate()
YEAR = 2025  # no demo evaluation covers it; carried out in 2026
HOSTED = "市现代物流业发展领导小组"  # 市发展改革委 leads it and hosts its office (demo/city.py)
LED = "市预制菜产业发展工作领导小组"  # led by 市发展改革委; office 市农业农村局; 市商务局 among its members
WEAK = "市低空经济发展专项小组"  # led and hosted by 市发展改革委, set up locally (not exempt)
MEETING_TITLE = f"{HOSTED}{YEAR}年第1次全体会议"


def test_j4_evaluation_from_the_indicator_system_to_an_application(browser, live_server, demo):
    from yixie.core.models import Proposal
    from yixie.evaluation.models import Evaluation, EvidenceFile, IndicatorSystem, MemberScore
    from yixie.meetings.models import Meeting

    # 1. 市发展改革委 records a 2025 meeting of a body its office hosts, in the meetings register.
    fgw = as_user(browser, live_server, "fagaiwei")
    fgw.goto(f"{live_server.url}/meetings/")
    fgw.locator("#hosted").get_by_role("link", name=HOSTED).click()
    fgw.get_by_role("link", name="登记会议").first.click()
    form = fgw.locator("#meeting-form")
    form.get_by_label("会议类型").select_option(label="全体会议")
    form.get_by_label("会议日期").fill(f"{YEAR}-06-18")
    form.get_by_label("会议名称").fill(MEETING_TITLE)
    form.get_by_label("主持人（非领导职务时）").fill("市发展和改革委员会主任")
    form.get_by_label("市农业农村局", exact=True).check()
    form.get_by_label("市交通运输局", exact=True).check()
    form.get_by_label("研究事项").fill("研究部署全市现代物流业发展年度重点工作")
    form.get_by_label("议定事项（每行一项，可稍后补充）").fill("市交通运输局牵头编制物流枢纽建设方案\n各成员单位按月报送工作进展")
    shot(fgw, "01-meeting-form")
    form.get_by_role("button", name="保存").click()
    expect(fgw.locator(".alert-success")).to_be_visible()
    expect(fgw.locator("h1")).to_contain_text(MEETING_TITLE)
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    assert meeting.held_on.year == YEAR and meeting.decisions.count() == 2 and meeting.body.name == HOSTED
    shot(fgw, "02-meeting")

    # 2. 编办 builds the 2025 indicator system as a copy of 2022's and opens the 2025 evaluation.
    bb = as_user(browser, live_server, "bianban")
    bb.goto(f"{live_server.url}/evaluation/")
    shot(bb, "03-evaluation-list")
    bb.goto(f"{live_server.url}/evaluation/systems/")
    sys_form = bb.locator("#system-form")
    sys_form.get_by_label("评价年度").fill(str(YEAR))
    sys_form.get_by_label("名称").fill(f"潍坊市{YEAR}年度议事协调机构运行成效评价指标体系")
    sys_form.get_by_label("沿用的指标体系").select_option(label="潍坊市2022年度议事协调机构运行成效评价指标体系（已冻结）")
    shot(bb, "04-system-form")
    sys_form.get_by_role("button", name="新建").click()
    expect(bb.locator(".alert-success")).to_contain_text("已建立")
    system = IndicatorSystem.objects.get(region__code="370700", year=YEAR)
    old = IndicatorSystem.objects.get(region__code="370700", year=2022)
    assert sorted(system.indicators.values_list("name", "weight")) == sorted(old.indicators.values_list("name", "weight"))
    expect(bb.locator("#unusable")).to_have_count(0)  # each target's weights total 100
    shot(bb, "05-system")

    bb.goto(f"{live_server.url}/evaluation/new/")
    opening = bb.locator("#open-form")
    expect(opening.get_by_label("评价年度")).to_have_value(str(YEAR))
    expect(opening.get_by_label("开展年份")).to_have_value(str(TODAY.year))
    deadline, scoring_deadline = TODAY + timedelta(days=20), TODAY + timedelta(days=30)
    opening.get_by_label("自评报送截止日期").fill(deadline.isoformat())
    opening.get_by_label("成员单位评价截止日期").fill(scoring_deadline.isoformat())
    shot(bb, "06-open-form")
    opening.get_by_role("button", name="部署评价并生成自评").click()
    expect(bb.locator(".alert-success")).to_contain_text("已部署")
    evaluation = Evaluation.objects.get(region__code="370700", year=YEAR)
    assert evaluation.carried_out_in == TODAY.year and evaluation.deadline == deadline
    assert evaluation.system_id == system.pk
    expect(bb.locator("#status")).to_have_text("自评填报")
    shot(bb, "07-evaluation-opened")

    # 3. 市发展改革委 drafts the self-evaluation: the register's meeting shows beside the figure; a figure that is
    #    not a number is refused at the field in Chinese, with what was typed kept.
    fgw.goto(f"{live_server.url}/evaluation/{evaluation.pk}/")
    fgw.locator("#worklist tr", has_text=HOSTED).get_by_role("link", name="填写自评").click()
    expect(fgw.locator("h1")).to_contain_text(HOSTED)
    expect(fgw.locator("[data-known=meetings_held]")).to_contain_text("会议登记1次（全体会议1次）")
    expect(fgw.locator("#known")).to_contain_text("会议议定事项：2项")
    se_form = fgw.locator("#selfeval-form")
    se_form.get_by_label("召开会议次数").fill("一次")
    se_form.get_by_label("印发文件数").fill("0")
    se_form.get_by_label("协调解决问题数").fill("6")
    se_form.get_by_label("年度重点任务数").fill("10")
    se_form.get_by_label("完成重点任务数").fill("9")
    se_form.get_by_label("建立的工作机制").fill("建立成员单位联络员制度和按月调度机制")
    se_form.get_by_label("成绩亮点").fill("编制物流枢纽建设方案，重点物流项目按期推进")
    se_form.get_by_label("问题短板").fill("部分成员单位信息报送不够及时")
    se_form.get_by_label("下一年度工作打算").fill("完善信息共享机制，强化调度推进")
    se_form.get_by_role("button", name="保存").click()
    field = se_form.get_by_label("召开会议次数")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(se_form.locator(".invalid-feedback")).to_contain_text("召开会议次数应填写不小于0的整数，收到“一次”")
    expect(field).to_have_value("一次")
    expect(se_form.get_by_label("成绩亮点")).to_have_value("编制物流枢纽建设方案，重点物流项目按期推进")
    shot(fgw, "08-selfeval-refused")
    field.fill("1")
    se_form.get_by_role("button", name="保存").click()
    expect(fgw.locator(".alert-success")).to_contain_text("自评已保存")
    fgw.locator("#evidence-form input[type=file]").set_input_files(
        files=[{"name": "现代物流业领导小组年度工作总结.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    fgw.locator("#evidence-form").get_by_role("button", name="上传").click()
    expect(fgw.locator(".alert-success")).to_contain_text("已上传")
    expect(fgw.locator("#evidence")).to_contain_text("现代物流业领导小组年度工作总结.pdf")
    expect(fgw.locator("#submit")).to_contain_text("报送由本部门组织人事科室办理")
    shot(fgw, "09-selfeval-saved")
    se_url = fgw.url
    se = evaluation.self_evaluations.get(name=HOSTED)
    assert se.meetings_held == 1 and se.tasks_done == 9 and se.prefill["meetings_held"] == 1
    assert EvidenceFile.objects.filter(self_evaluation=se).count() == 1

    hr = as_user(browser, live_server, "fagaiwei_hr")
    hr.goto(se_url)
    hr.get_by_role("button", name="审核报送").click()
    expect(hr.locator(".alert-success")).to_contain_text("自评已报送")
    expect(hr.locator("#se-status")).to_have_text("已报送")
    shot(hr, "10-selfeval-submitted")

    # The other self-evaluations of the city (not the journey): filled and submitted through the services.
    _others_submit(evaluation, exclude=HOSTED)

    # 4. 两办 and 组织部 agree; 编办 grades the judged indicator, agrees and completes the check.
    for username, office in (("liangban", "两办"), ("zuzhibu", "组织部")):
        page = as_user(browser, live_server, username)
        page.goto(se_url)
        page.get_by_role("link", name="审核", exact=True).click()
        page.locator("#check-form").get_by_label("同意", exact=True).check()
        page.get_by_role("button", name="提交审核意见").click()
        expect(page.locator(".alert-success")).to_contain_text(f"已登记{office}对“{HOSTED}”的审核意见：同意")
    bb.goto(se_url)
    bb.get_by_role("link", name="审核", exact=True).click()
    check = bb.locator("#check-form")
    grade_selects = check.locator("select")
    assert grade_selects.count() >= 1
    for i in range(grade_selects.count()):
        grade_selects.nth(i).select_option("好")
    check.get_by_label("同意", exact=True).check()
    shot(bb, "11-check-form")
    check.get_by_role("button", name="提交审核意见").click()
    expect(bb.locator(".alert-success")).to_contain_text("已登记编办")
    bb.get_by_role("link", name="审核", exact=True).click()
    bb.locator("#check-done").get_by_role("button", name="审核完成").click()
    expect(bb.locator(".alert-success")).to_contain_text("审核完成")
    expect(bb.locator("#se-status")).to_have_text("已审核")
    shot(bb, "12-selfeval-checked")
    se.refresh_from_db()
    assert se.status == "checked" and se.score is not None and se.grade
    assert set(se.checks.values_list("office", flat=True)) == {"establishment", "general_office", "organisation"}
    assert all(v == "好" for v in se.grades.values()) and se.grades

    # 5. 市发展改革委, lead department of LED, scores its member units: a score out of range refused first.
    fgw.goto(f"{live_server.url}/evaluation/scoring/")
    fgw.locator("#worklist tr", has_text=LED).get_by_role("link", name="评分").click()
    expect(fgw.locator("h1")).to_contain_text(LED)
    ny_row = fgw.locator("#score-form tr", has_text="市农业农村局")
    sw_row = fgw.locator("#score-form tr", has_text="市商务局")
    ny_inputs, sw_inputs = ny_row.locator("input[type=text]"), sw_row.locator("input[type=text]")
    n = ny_inputs.count()
    assert n >= 2
    assert n == 3  # 协调配合 (40), 信息共享 (30), 任务落实 (30) in the 2022 system
    ny_inputs.nth(0).fill("150")
    ny_inputs.nth(1).fill("27")
    ny_inputs.nth(2).fill("28.5")
    for i, v in enumerate(("30", "20", "22")):
        sw_inputs.nth(i).fill(v)
    ny_row.locator("textarea").fill("预制菜原料基地建设任务落实有力")
    sw_row.locator("textarea").fill("冷链物流信息报送不够及时")
    fgw.get_by_role("button", name="保存评价").click()
    expect(fgw.locator(".alert-danger")).to_contain_text("评分未保存")
    expect(ny_row.locator(".invalid-feedback").first).to_contain_text("150")
    expect(ny_inputs.nth(0)).to_have_value("150")
    expect(ny_row.locator("textarea")).to_have_value("预制菜原料基地建设任务落实有力")
    shot(fgw, "13-scoring-refused")
    assert not MemberScore.objects.filter(evaluation=evaluation, body__name=LED).exclude(total=None).exists()
    ny_inputs.nth(0).fill("36")
    fgw.get_by_role("button", name="保存评价").click()
    expect(fgw.locator(".alert-success")).to_contain_text(f"已保存“{LED}”2个成员单位的评价")
    shot(fgw, "14-scoring-saved")
    ny_score = MemberScore.objects.get(evaluation=evaluation, body__name=LED, department__name="市农业农村局")
    sw_score = MemberScore.objects.get(evaluation=evaluation, body__name=LED, department__name="市商务局")
    assert (str(ny_score.total), str(sw_score.total)) == ("91.5", "72.0")

    # 6. 市农业农村局 sees its own result from 市发展改革委, and nobody else's.
    ny = as_user(browser, live_server, "nongye")
    ny.goto(f"{live_server.url}/evaluation/results/")
    ny.locator("#evaluations tr", has_text=f"{YEAR}年度").get_by_role("link", name="我单位评价结果").click()
    expect(ny.locator("h1")).to_contain_text("我单位评价结果：市农业农村局")
    row = ny.locator("#member-results tr", has_text=LED)
    expect(row).to_contain_text("市发展和改革委员会")
    expect(row).to_contain_text(str(ny_score.total))
    expect(row).to_contain_text("预制菜原料基地建设任务落实有力")
    expect(ny.locator("main")).not_to_contain_text("市商务局")
    expect(ny.locator("main")).not_to_contain_text("冷链物流信息报送不够及时")
    # one row per body it sits in, each its own score: none of the other member units' rows
    own = MemberScore.objects.filter(evaluation=evaluation, department__name="市农业农村局")
    expect(ny.locator("#member-results tbody tr")).to_have_count(own.count())
    others = MemberScore.objects.filter(evaluation=evaluation, body__in=own.values("body")).exclude(
        department__name="市农业农村局").exclude(comment="").values_list("comment", flat=True)
    for comment in set(others) - set(own.values_list("comment", flat=True)):
        expect(ny.locator("main")).not_to_contain_text(comment)
    shot(ny, "15-member-own-results")

    # 7. 编办 closes the reporting, computes the results, sees the ranking and the charts.
    bb.goto(f"{live_server.url}/evaluation/{evaluation.pk}/results/")
    expect(bb.locator("#results-status")).to_contain_text("尚未计算评价结果")
    bb.get_by_role("button", name="结束自评填报").click()
    expect(bb.locator(".alert-success")).to_contain_text("自评填报已结束")
    expect(bb.locator("#evaluation-status")).to_have_text("审核评分")
    bb.get_by_role("button", name="计算评价结果").click()
    expect(bb.locator(".alert-success")).to_contain_text("评价结果已计算完成")
    evaluation.refresh_from_db()
    assert evaluation.status == "checking" and evaluation.results_status == "done"
    expect(bb.locator("#categories")).to_contain_text("政府议事协调机构")
    expect(bb.locator("#proposals-summary")).to_have_count(0)  # none drafted yet
    shot(bb, "16-ranking")
    se.refresh_from_db()
    assert se.rank is not None and se.candidate == ""
    # the ranking within its category: filtered to it, the first row ranks 1 and the ranks ascend
    bb.goto(f"{live_server.url}/evaluation/{evaluation.pk}/results/?category={se.category}")
    ranks = [int(t) for t in bb.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts()]
    assert ranks[0] == 1 and ranks == sorted(ranks), ranks
    bb.goto(f"{live_server.url}/evaluation/{evaluation.pk}/results/{se.pk}/")
    expect(bb.locator("#summary")).to_contain_text(str(se.score))
    expect(bb.locator("#summary")).to_contain_text(se.grade)
    expect(bb.locator("#summary .yx-card", has_text="类别内排名").locator(".yx-stat")).to_have_text(str(se.rank))
    bb.goto(f"{live_server.url}/evaluation/{evaluation.pk}/results/")
    bb.get_by_role("link", name="统计图表").click()
    expect(bb.locator("h1")).to_contain_text("评价统计图表")
    for chart in ("grade-chart-data", "member-chart-data"):
        el = bb.locator(f".yx-chart[data-chart='{chart}']")
        expect(el.locator("svg").first).to_be_visible()
        expect(el).not_to_contain_text("图表未能显示")
    assert bb.evaluate("window.echarts.getInstanceByDom(document.querySelector('.yx-chart')) !== undefined")
    expect(bb.locator("#grade-table")).to_contain_text(str(YEAR))
    shot(bb, "17-charts")

    # 8. 编办 picks a weak result from the candidates and drafts an abolition proposal.
    bb.goto(f"{live_server.url}/evaluation/{evaluation.pk}/results/")
    bb.get_by_role("link", name="撤销候选").click()
    weak_row = bb.locator("#candidates tr", has_text=WEAK)
    expect(weak_row).to_contain_text("全年未召开会议")
    expect(bb.locator("#candidates")).not_to_contain_text(HOSTED)
    shot(bb, "18-candidates")
    weak_row.get_by_role("link", name="提出调整建议").click()
    expect(bb.locator("h1")).to_contain_text(WEAK)
    expect(bb.locator("#proposal-form input[name=kind][value=abolish]")).to_be_checked()
    reason = bb.locator("#proposal-form textarea[name=reason]")
    expect(reason).to_have_value("全年未召开会议，作用发挥不明显。")  # pre-filled from the result
    reason.fill("全年未召开会议，成员单位之间没有开展协同工作，作用发挥不明显；建议撤销，相关工作由市发展和改革委员会承担。")
    shot(bb, "19-propose")
    bb.locator("#proposal-form").get_by_role("button", name="提出调整建议").click()
    expect(bb.locator(".alert-success")).to_contain_text(f"已提出调整建议：撤销“{WEAK}”")
    expect(bb.locator("#proposals")).to_contain_text("撤销")
    shot(bb, "20-result-with-proposal")
    proposal = Proposal.objects.get(source_ref=f"evaluation:{evaluation.pk}")
    assert proposal.kind == "abolish" and proposal.status == "open" and proposal.body_label == WEAK
    assert proposal.evidence["candidate"] == "no_meeting" and proposal.evidence["meetings_held"] == 0

    # 9. 市发展改革委 finds it among the proposals and drafts the application from it.
    fgw.goto(f"{live_server.url}/approvals/proposals/")
    prow = fgw.locator("tr", has_text=WEAK)
    expect(prow).to_contain_text("多方评价")
    shot(fgw, "21-proposals")
    prow.get_by_role("link", name="据此起草申请").click()
    expect(fgw.locator("#proposal-origin")).to_contain_text("编办建议")
    expect(fgw.locator("#proposal-origin")).to_contain_text(WEAK)
    shot(fgw, "22-application-form")
    fgw.get_by_role("button", name="保存草稿").click()
    expect(fgw.locator("#origin-badge")).to_have_text("编办建议")
    shot(fgw, "23-application")
    proposal.refresh_from_db()
    assert proposal.status == "taken"
    application = django_apps.get_model("approvals", "Application").objects.get(
        pk=int(proposal.taken_ref.removeprefix("application:")))
    assert (application.kind, application.body_id, application.status) == ("abolish", proposal.body_id, "draft")

    # 10. The 2021 evaluation's ranking page: the 24 proposals it raised, 9 / 8 / 7 by kind.
    bb.goto(f"{live_server.url}/evaluation/results/")
    bb.locator("#evaluations tr", has_text="2021年度").get_by_role("link", name="结果和排名").click()
    summary = bb.locator("#proposals-summary")
    expect(summary).to_contain_text("共24条")
    expect(summary).to_contain_text("撤销9条、更名8条、调整隶属关系7条")
    expect(summary).to_contain_text("已受理24条")  # all taken into the 2022 review campaign
    expect(bb.locator("#evaluation-status")).to_have_text("结果已发布")
    expect(bb.get_by_role("button", name="重新计算结果")).to_have_count(0)  # published: nothing to recompute
    shot(bb, "24-ranking-2021")


def _others_submit(evaluation, *, exclude: str) -> None:
    from yixie.evaluation import services

    for se in evaluation.self_evaluations.exclude(name=exclude).order_by("id"):
        quiet = se.name == WEAK
        k = se.pk  # figures that differ from body to body, so the ranking ranks
        planned = 6 + k % 10
        services.selfeval_save(actor=None, self_evaluation=se, data={
            "meetings_held": "0" if quiet else str(1 + k % 4), "documents_issued": "0" if quiet else str(k % 3),
            "problems_coordinated": "0" if quiet else str(2 + k % 7), "tasks_planned": str(planned),
            "tasks_done": "0" if quiet else str(planned - k % 3),
            "mechanisms": "" if quiet else "建立成员单位联络员制度", "duties_performed": "统筹协调成员单位推进年度工作。",
            "highlights": "年度重点任务按期推进" if not quiet else "未开展工作。",
            "shortcomings": "督促检查机制有待健全", "next_plan": "加强调度推进"})
        services.selfeval_submit(actor=None, self_evaluation=se)
