"""J3 in real Chromium on the demo city: 编办 opens the 2026 campaign (the city, with 青州市 as a county part) on
today's ledger; 市发展改革委 and 市农业农村局 file their self-reports (one abolition, one rename); 市发展改革委's HR
section submits on time with a PDF 自查报告, 市农业农村局's after the deadline; the board shows it; 两办, 组织部 and
编办 review, 编办 raises and settles a conflict; the meetings are recorded; the list is published; the ledger as
of the publication date shows the abolished body gone and the renamed one under its new name.

What the browser does not do, and why (said here so nobody mistakes it for the journey):
- 市农业农村局's HR section submits through the service with a submission date three days after the reporting
  deadline (`report_submit(on=…)`): the deadline cannot lie in the past when a campaign is opened today, and
  the live server's clock cannot be moved.
- The other 38 lead departments of the demo city report "keep" and submit through the services: their 127
  bodies are not part of the journey, but the list cannot be published while any of them is unsettled.

Set YIXIE_SHOTS=/some/dir to keep a screenshot of every page on the way."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from yixie.campaigns import services
from yixie.campaigns.choices import Action, ReportStatus
from yixie.campaigns.models import Campaign
from yixie.testing.browser import as_user, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = timezone.localdate()
YEAR = 2026  # a year no demo campaign uses
ABOLISHED = "市对口支援工作领导小组"  # 市发展改革委 leads both in the demo
RENAMED_FROM = "市服务业发展领导小组"
RENAMED = "市现代服务业高质量发展工作领导小组"


def fill_worklist(page, campaign_url: str, choose) -> dict:
    """Open the department's first unreported body and go through its worklist with 保存并填写下一个;
    `choose(n, name)` says what to report on the n-th body. Returns {name: action}."""
    page.goto(campaign_url)
    page.locator("[id^=report-]").get_by_role("link", name="填写自评").first.click()
    done = {}
    while "/items/" in page.url:
        name = page.locator("h1").inner_text().split(" ")[0].strip()
        action, extra = choose(len(done), name)
        page.locator(f"input[name='action'][value='{action}']").check()
        for label, value in extra.items():
            field = page.get_by_label(label, exact=True)
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        if not done:
            page.get_by_label("近三年召开会议次数").fill("4")
            page.get_by_label("完成工作任务情况").fill("协调解决问题12个，完成年度重点任务8项")
            shot(page, f"05-item-{page.url.rstrip('/').split('/')[-1]}")
        done[name] = action
        page.get_by_role("button", name="保存并填写下一个").click()
        expect(page.locator(".alert-success")).to_contain_text("自评已保存")
    return done


def test_j3_review_campaign_from_opening_to_the_published_list(browser, live_server, demo, tmp_path):
    # 1. 编办 opens the campaign: the city and 青州市, today's ledger, the reporting deadline today.
    bb = as_user(browser, live_server, "bianban")
    bb.goto(f"{live_server.url}/campaigns/")
    shot(bb, "01-list-empty")
    bb.get_by_role("link", name="发起调整规范行动").click()
    bb.get_by_label("行动名称").fill(f"潍坊市{YEAR}年议事协调机构调整规范行动")
    bb.get_by_label("年度").fill(str(YEAR))
    bb.locator("#open-form").get_by_label("青州市").check()
    expect(bb.get_by_label("党委议事协调机构")).to_be_checked()
    expect(bb.get_by_label("政府议事协调机构")).to_be_checked()
    expect(bb.get_by_label("部门间联席会议")).not_to_be_checked()
    bb.get_by_label("台账快照日期").fill(TODAY.isoformat())
    for phase, days in (("部署", 0), ("部门梳理", 0), ("汇总提报", 0), ("联合审核", 10), ("会议研究", 20),
                        ("发文公布", 30)):
        bb.get_by_label(f"“{phase}”截止日期").fill((TODAY + timedelta(days=days)).isoformat())
    shot(bb, "02-open-form")
    bb.get_by_role("button", name="发起行动并生成梳理清单").click()
    expect(bb.locator(".alert-success")).to_contain_text("已发起")
    expect(bb.locator("#phase")).to_have_text("部门梳理")
    campaign_url = bb.url
    campaign = Campaign.objects.get(year=YEAR, parent=None)
    assert campaign.items.count() == 154 and campaign.parts.get().region.name == "青州市"
    expect(bb.locator("#parts")).to_contain_text("青州市")
    shot(bb, "03-detail-opened")

    # 2. 市发展改革委 reports: the first body abolished, the second renamed, the rest kept.
    def fgw_choice(n, name):
        if name == ABOLISHED:
            return "abolish", {"理由": "finished", "理由说明": "对口支援任务已经完成，工作转入常态"}
        if name == RENAMED_FROM:
            return "rename", {"新名称（选择“更名”时填写）": RENAMED, "理由": "name"}
        return "keep", {}

    fgw = as_user(browser, live_server, "fagaiwei")
    fgw.goto(campaign_url)
    expect(fgw.locator("#board")).to_have_count(0)  # a department sees its worklist, not the board
    shot(fgw, "04-detail-department")
    reported = fill_worklist(fgw, campaign_url, fgw_choice)
    assert len(reported) == 13 and reported[ABOLISHED] == "abolish" and reported[RENAMED_FROM] == "rename"
    abolished, renamed = ABOLISHED, RENAMED_FROM
    fgw.goto(campaign_url)
    expect(fgw.locator("[id^=report-]")).to_contain_text("已全部填写")

    # 3. Its HR section submits with the 自查报告, on time.
    hr = as_user(browser, live_server, "fagaiwei_hr")
    hr.goto(campaign_url)
    report = hr.locator("[id^=report-]").first
    report.locator("input[type=file]").set_input_files(files=[{"name": "市发展改革委自查报告.pdf",
                                                               "mimeType": "application/pdf", "buffer": PDF}])
    report.get_by_role("button", name="审核并报送").click()
    expect(hr.locator(".alert-success")).to_contain_text("自评报告已报送")
    expect(hr.locator("[id^=report-]").first).to_contain_text("市发展改革委自查报告.pdf")
    shot(hr, "06-detail-submitted")

    # 4. 编办 watches the board and reminds the departments that have not submitted.
    bb.goto(campaign_url)
    row = bb.locator("#board-table tbody tr", has_text="市发展和改革委员会")
    expect(row).to_contain_text("13 / 13")
    expect(row).to_contain_text("已报送")
    expect(row).not_to_contain_text("逾期")
    bb.get_by_role("button", name="催报").click()
    expect(bb.locator(".alert-success")).to_contain_text("尚未报送的部门发送催报通知")
    shot(bb, "07-board-reminded")

    # 5. 市农业农村局 reports everything as kept; its HR section submits three days after the deadline.
    ny = as_user(browser, live_server, "nongye")
    assert len(fill_worklist(ny, campaign_url, lambda n, name: ("keep", {}))) == 9
    ny_report = campaign.reports.get(department__name="市农业农村局")
    services.report_submit(actor=_user("nongye_hr"), report=ny_report,
                           inspection=SimpleUploadedFile("市农业农村局自查报告.pdf", PDF), on=TODAY + timedelta(days=3))
    # The other departments (not part of the journey) keep their bodies and submit on time.
    for it in campaign.items.filter(action=""):
        services.item_report(actor=None, item=it, action=Action.KEEP)
    for r in campaign.reports.exclude(status=ReportStatus.SUBMITTED):
        services.report_submit(actor=None, report=r, inspection=SimpleUploadedFile("自查报告.pdf", PDF))
    bb.goto(campaign_url)
    late = bb.locator("#board-table tbody tr", has_text="市农业农村局")
    expect(late).to_contain_text("逾期报送")
    expect(bb.locator("#board-table tfoot")).to_contain_text("逾期1")
    expect(bb.locator("#board-table thead")).to_contain_text("拟撤销")
    shot(bb, "08-board-all-submitted")

    # 6. 编办 moves on to the joint review.
    bb.get_by_role("button", name="转入“汇总提报”阶段").click()
    expect(bb.locator("#phase")).to_have_text("汇总提报")
    bb.get_by_role("button", name="转入“联合审核”阶段").click()
    expect(bb.locator("#phase")).to_have_text("联合审核")

    # 7. 编办 proposes to abolish a body 市农业农村局 keeps (a conflict), then agrees with the rest.
    ny_body = "市农业综合开发领导小组"
    bb.get_by_role("link", name="联合审核").first.click()
    bb.get_by_label("牵头部门").select_option(label="市农业农村局")
    expect(bb.locator("#review-table")).to_contain_text(ny_body)
    bb.locator("#review-table tr", has_text=ny_body).get_by_role("link", name="其他意见").click()
    bb.get_by_label("同意调整，但调整方式不同").check()
    bb.locator("#opinion-form input[name='action'][value='abolish']").check()
    bb.locator("#opinion-form").get_by_label("理由", exact=True).fill("农业综合开发职能已并入农田建设管理，职责弱化")
    shot(bb, "10-opinion-form")
    bb.get_by_role("button", name="提交审核意见").click()
    expect(bb.locator(".alert-success")).to_contain_text("已提出")
    bb.get_by_role("button", name="其余事项均同意部门意见").click()
    expect(bb.locator(".alert-success")).to_contain_text("编办已同意其余")

    # 8. 两办 and 组织部 agree with the departments.
    for username, office in (("liangban", "两办"), ("zuzhibu", "组织部")):
        page = as_user(browser, live_server, username)
        page.goto(f"{campaign_url}review/")
        page.get_by_role("button", name="其余事项均同意部门意见").click()
        expect(page.locator(".alert-success")).to_contain_text(f"{office}已同意其余")
    lb = as_user(browser, live_server, "liangban")

    # 9. One conflict is left; 编办 settles it.
    bb.goto(f"{campaign_url}review/?show=conflicts")
    expect(bb.locator("#summary")).to_contain_text("意见不一致1个")
    shot(bb, "09-review-conflicts")
    bb.locator("#review-table tr", has_text=ny_body).get_by_role("link", name="协调审定").click()
    settle = bb.locator("#settle-form")
    settle.locator("input[name='settle-action'][value='abolish']").check()
    settle.get_by_label("调整理由").select_option("weakened")
    settle.get_by_label("协调一致情况").fill("经编办、两办、组织部与市农业农村局会商，部门同意撤销")
    shot(bb, "11-settle-form")
    settle.get_by_role("button", name="审定").click()
    expect(bb.locator(".alert-success")).to_contain_text("已审定")
    bb.goto(campaign_url)
    bb.get_by_role("button", name="转入“会议研究”阶段").click()
    expect(bb.locator("#phase")).to_have_text("会议研究")

    # 10. 两办 records the two meetings and publishes the list.
    lb.goto(f"{campaign_url}deliberate/")
    for meeting, session in (("市委常委会会议", "第45次"), ("市政府常务会议", "第30次")):
        lb.locator("select[name=meeting]").select_option(label=meeting)
        lb.get_by_label("会议日期").fill(TODAY.isoformat())
        lb.get_by_label("会次").fill(session)
        lb.get_by_label("会议意见").fill("原则同意调整规范意见")
        lb.get_by_role("button", name="登记").click()
        expect(lb.locator(".alert-success")).to_contain_text(f"已登记{meeting}")
    shot(lb, "12-deliberate")
    lb.get_by_role("link", name="下一步：发文公布").click()
    expect(lb.locator("#problems")).to_contain_text("可以发文公布")
    lb.get_by_label("文号").fill(f"潍办发〔{YEAR}〕40号")
    lb.get_by_label("发文机关").fill("中共潍坊市委办公室 潍坊市人民政府办公室")
    lb.get_by_label("成文日期（公布日期）").fill(TODAY.isoformat())
    shot(lb, "13-publish-form")
    lb.get_by_role("button", name="发文公布并更新台账").click()
    expect(lb.locator("#publish-status")).to_contain_text("已公布")
    expect(lb.locator("#events")).to_contain_text(abolished)
    expect(lb.locator("#events")).to_contain_text(ny_body)
    shot(lb, "14-published")

    # 11. The ledger as of the publication date: the abolished bodies gone, the renamed one under its new name.
    lb.get_by_role("link", name=f"查看{TODAY.year}年{TODAY.month}月{TODAY.day}日的台账").click()
    assert f"on={TODAY.isoformat()}" in lb.url
    for name, present in ((abolished, False), (ny_body, False), (renamed, False), (RENAMED, True)):
        lb.goto(f"{live_server.url}/ledger/?on={TODAY.isoformat()}&q={name}")
        table = lb.locator("#ledger-table")
        (expect(table).to_contain_text(name) if present else expect(table).not_to_contain_text(name))
    shot(lb, "15-ledger-after")
    lb.goto(f"{live_server.url}/ledger/?on={(TODAY - timedelta(days=1)).isoformat()}&q={abolished}")
    expect(lb.locator("#ledger-table")).to_contain_text(abolished)  # the day before, it still stood

    # The published list as Word and PDF, downloaded from the campaign page: they read right.
    lb.goto(campaign_url)
    texts = {}
    for label in ("公布清单（Word）", "公布清单（PDF）"):
        with lb.expect_download() as dl:
            lb.locator("#files").get_by_role("link", name=label).click()
        path = tmp_path / dl.value.suggested_filename
        dl.value.save_as(path)
        texts[label] = _document_text(path, tmp_path)
    for text in texts.values():
        assert f"潍办发〔{YEAR}〕40号" in text and RENAMED in text and abolished in text
        assert "调整规范前，市级党委、政府议事协调机构共154个；调整规范后保留152个" in text

    # 12. The statistics: before, after, the reduction.
    bb.goto(f"{campaign_url}stats/")
    expect(bb.locator("#before")).to_have_text("154")
    expect(bb.locator("#after")).to_have_text("152")
    expect(bb.locator("#reduction")).to_contain_text("精简2个")
    shot(bb, "16-stats")
    bb.goto(f"{live_server.url}/campaigns/")
    expect(bb.locator("#campaigns")).to_contain_text(f"潍办发〔{YEAR}〕40号")
    shot(bb, "17-list-published")


def _document_text(path, tmp_path) -> str:
    """The text of a downloaded Word or PDF file (the PDF's first page also drawn to a PNG to look at)."""
    if path.suffix == ".docx":
        from docx import Document

        d = Document(str(path))
        parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for row in t.rows for c in row.cells]
        return "".join(parts).replace("\n", "")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        folder = Path(os.environ.get("YIXIE_SHOTS") or tmp_path)  # the first page, to look at
        folder.mkdir(parents=True, exist_ok=True)
        pdf[0].render(scale=1.2).to_pil().save(folder / "18-list-pdf-page1.png")
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    return text.replace("\r", "").replace("\n", "")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
