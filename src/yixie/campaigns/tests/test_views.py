"""The campaign pages through the full stack: who sees and writes what, refusals in Chinese at the field,
no lost updates, constant query counts, and the whole campaign from opening to the published list."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yixie.campaigns import services
from yixie.campaigns.choices import Action, Office, Phase, Reason, ReportStatus, Verdict
from yixie.campaigns.models import Campaign, CampaignItem, ItemOpinion
from yixie.core.models import Notification, ProposalStatus
from yixie.core.proposals import proposal_raise
from yixie.ledger.choices import BodyCategory, BodyStatus
from yixie.ledger.models import Body
from yixie.ledger.selectors import state_on
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(city):
    c = city
    c.a = establish(c.city, name="市甲领导小组", lead=c.fgw, office=c.gxj, members=[c.gxj], on=date(2019, 3, 1))
    c.b = establish(c.city, name="市乙领导小组", lead=c.fgw, members=[c.nyj], on=date(2019, 3, 1))
    c.c = establish(c.city, name="市丙工作领导小组", lead=c.gxj, members=[c.fgw], on=date(2019, 3, 1))
    c.d = establish(c.city, name="市丁委员会", lead=c.nyj, members=[c.fgw], on=date(2019, 3, 1),
                    category=BodyCategory.PARTY)
    c.q = establish(c.county, name="青州市甲领导小组", lead=c.qz_fgj, on=date(2019, 3, 1))
    return c


def login(user) -> Client:
    """A client of its own per user (the `client_for` fixture logs one shared client in and out)."""
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def open_campaign(c, *, due=TODAY, counties=()):
    return services.campaign_open(actor=c.bianban, region=c.city, year=2026, title="潍坊市2026年议事协调机构调整规范行动",
                                  categories=["party", "government"], snapshot_on=TODAY,
                                  deadlines={"reporting": due.isoformat()}, counties=counties)


def item(campaign, body) -> CampaignItem:
    return campaign.items.get(body=body)


def item_url(campaign, it) -> str:
    return reverse("campaigns:item", args=[campaign.pk, it.pk])


def report_payload(**over) -> dict:
    data = {"action": "keep", "reason": "", "reason_text": "", "merge_into": "", "new_name": "", "new_department": "",
            "leader_changes": "", "member_changes": "", "basis": "", "meetings_held": "3", "documents_issued": "1",
            "tasks_done": "协调解决问题4个"}
    data.update(over)
    return data


def test_opening_a_campaign_from_the_form(world):
    c = login(world.bianban)
    page = c.get(reverse("campaigns:new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "青州市" in html and "汇总提报" in html
    r = c.post(reverse("campaigns:new"), {
        "title": "潍坊市2026年议事协调机构调整规范行动", "year": "2026", "region": world.city.pk,
        "counties": [world.county.pk], "categories": ["party", "government"], "snapshot_on": TODAY.isoformat(),
        "deadline_reporting": (TODAY + timedelta(days=30)).isoformat(),
        "deadline_sorting": (TODAY + timedelta(days=40)).isoformat()})
    # the sorting deadline after the reporting one: refused at that field, nothing written
    assert r.status_code == 200 and not Campaign.objects.exists()
    assert "早于" in str(r.context["form"].errors["deadline_reporting"])
    r = c.post(reverse("campaigns:new"), {
        "title": "潍坊市2026年议事协调机构调整规范行动", "year": "2026", "region": world.city.pk,
        "counties": [world.county.pk], "categories": ["party", "government"], "snapshot_on": TODAY.isoformat(),
        "deadline_reporting": (TODAY + timedelta(days=30)).isoformat()}, follow=True)
    campaign = Campaign.objects.get(parent=None)
    assert campaign.items.count() == 4 and campaign.parts.get().region == world.county
    assert "列入4个机构" in r.content.decode()
    # a county's 编办 cannot open one for the city (the region drop-down holds only its county)
    r = login(world.qz_bianban).post(reverse("campaigns:new"), {
        "title": "t", "year": "2027", "region": world.city.pk, "categories": ["government"],
        "snapshot_on": TODAY.isoformat(), "deadline_reporting": TODAY.isoformat()})
    assert r.status_code == 200 and "region" in r.context["form"].errors
    assert not Campaign.objects.filter(year=2027).exists()


def test_a_department_sees_only_its_worklist(world):
    campaign = open_campaign(world)
    html = login(world.clerk).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "市甲领导小组" in html and "市乙领导小组" in html
    assert "市丙工作领导小组" not in html and "市丁委员会" not in html  # led by others
    assert 'id="board"' not in html  # the progress board is the offices'
    # 编办 sees the board of every department
    html = login(world.bianban).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert 'id="board"' in html and world.nyj.name in html and world.gxj.name in html
    # a department with nothing on the list does not see the campaign
    assert login(world.yj_clerk).get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404


def test_a_host_department_reads_but_cannot_write(world):
    campaign = open_campaign(world)
    ia = item(campaign, world.a)  # led by 市发展改革委, office at 市工业和信息化局
    c = login(world.gx_clerk)
    html = c.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert 'id="hosted"' in html and "市甲领导小组" in html
    page = c.get(item_url(campaign, ia)).content.decode()
    assert "本部门承担该机构的办事机构工作" in page and "<fieldset disabled" in page
    r = c.post(item_url(campaign, ia), report_payload(version=ia.version))
    assert r.status_code == 200 and "只能由牵头部门" in r.content.decode()
    ia.refresh_from_db()
    assert ia.action == ""


def test_another_department_gets_404_for_an_item_it_does_not_lead(world):
    campaign = open_campaign(world)
    ic = item(campaign, world.c)  # 市工业和信息化局's body, no tie to 市应急管理局 or the county
    assert login(world.yj_clerk).get(item_url(campaign, ic)).status_code == 404
    assert login(world.qz_clerk).get(item_url(campaign, ic)).status_code == 404
    # 市发展改革委 sees the campaign, not 市工业和信息化局's item in it (市丙 only names it as a member)
    assert login(world.clerk).get(item_url(campaign, ic)).status_code == 404
    r = login(world.clerk).post(item_url(campaign, ic), report_payload(action="abolish", reason="finished"))
    assert r.status_code == 404
    assert item(campaign, world.c).action == ""


def test_bad_input_is_refused_at_the_field_in_chinese_and_the_input_kept(world):
    campaign = open_campaign(world)
    ia = item(campaign, world.a)
    c = login(world.clerk)
    # a merge target outside the user's scope (a county's body): not even offered
    r = c.post(item_url(campaign, ia), report_payload(action="merge", reason="overlap", merge_into=world.q.pk,
                                                      tasks_done="我填写的任务情况", version=ia.version))
    assert r.status_code == 200
    assert "选择一个有效的选项" in str(r.context["form"].errors["merge_into"])
    assert "我填写的任务情况" in r.content.decode()
    # a rename to a name in use: the service's refusal, named at the new name
    r = c.post(item_url(campaign, ia), report_payload(action="rename", reason="name", new_name="市丙工作领导小组",
                                                      version=ia.version))
    assert "市丙工作领导小组" in str(r.context["form"].errors["new_name"])
    # a count that is not a number
    r = c.post(item_url(campaign, ia), report_payload(meetings_held="三次", version=ia.version))
    assert "整数" in str(r.context["form"].errors["meetings_held"])
    assert item(campaign, world.a).action == ""


def test_two_people_saving_the_same_item_never_silently_undo_each_other(world):
    campaign = open_campaign(world)
    ia = item(campaign, world.a)
    opened = ia.version
    first = login(world.clerk)
    assert first.post(item_url(campaign, ia), report_payload(action="abolish", reason="finished",
                                                              version=opened)).status_code == 302
    second = login(world.hr)
    r = second.post(item_url(campaign, ia), report_payload(action="rename", reason="name", new_name="市甲委员会",
                                                            version=opened))
    assert r.status_code == 200
    html = r.content.decode()
    assert "保存了“市甲领导小组”的自评，调整方式为“撤销”" in html and 'value="市甲委员会"' in html
    it = item(campaign, world.a)
    assert it.action == Action.ABOLISH  # the first save stands
    assert f'name="version" value="{it.version}"' in html  # the page now carries the version saved
    r = second.post(item_url(campaign, ia), report_payload(action="rename", reason="name", new_name="市甲委员会",
                                                            version=it.version))
    assert r.status_code == 302 and item(campaign, world.a).new_name == "市甲委员会"


def test_submission_reminders_and_the_board(world):
    campaign = open_campaign(world, due=TODAY)
    c = login(world.clerk)
    for body, data in ((world.a, report_payload()), (world.b, report_payload(action="abolish", reason="finished"))):
        it = item(campaign, body)
        assert c.post(item_url(campaign, it), report_payload(**data, version=it.version)).status_code == 302
    report = campaign.reports.get(department=world.fgw)
    url = reverse("campaigns:submit", args=[campaign.pk, report.pk])
    # the business clerk may not submit (the HR section does)
    assert c.post(url, {}).status_code == 403
    hr = login(world.hr)
    r = hr.post(url, {}, follow=True)
    assert "请上传自查报告" in r.content.decode()
    r = hr.post(url, {f"r{report.pk}-inspection": SimpleUploadedFile("自查报告.pdf", PDF),
                      f"r{report.pk}-note": "经党组会议研究"}, follow=True)
    assert "自评报告已报送" in r.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # another department's HR section cannot submit 市发展改革委's report
    assert login(world.gx_clerk).post(url, {}).status_code == 404
    # the board: submitted, reported, and the others overdue once the deadline has passed
    Campaign.objects.filter(pk=campaign.pk).update(deadlines={"reporting": (TODAY - timedelta(days=1)).isoformat()})
    bb = login(world.bianban)
    html = bb.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    board = html[html.index('id="board-table"'):]
    assert "已报送" in board and "逾期报送" in board and "已逾期" in board and "拟撤销" in board
    r = bb.post(reverse("campaigns:remind", args=[campaign.pk]), follow=True)
    assert "2个尚未报送的部门" in r.content.decode()
    assert Notification.objects.filter(recipient=world.gx_clerk).exists()  # 市工业和信息化局's HR section
    assert not Notification.objects.filter(recipient=world.clerk).exists()  # 市发展改革委 has submitted
    # the inspection report is served to the offices, not to another department
    ins = reverse("campaigns:inspection", args=[campaign.pk, report.pk])
    assert bb.get(ins).status_code == 200
    assert login(world.gx_clerk).get(ins).status_code == 404


def _to_review(c, campaign):
    services.item_report(actor=c.clerk, item=item(campaign, c.a), action=Action.RENAME, reason=Reason.NAME_MISMATCH,
                         new_name="市甲委员会")
    services.item_report(actor=c.clerk, item=item(campaign, c.b), action=Action.ABOLISH, reason=Reason.FINISHED)
    services.item_report(actor=c.gx_clerk, item=item(campaign, c.c), action=Action.KEEP)
    services.item_report(actor=None, item=item(campaign, c.d), action=Action.KEEP)
    for r in campaign.reports.all():
        services.report_submit(actor=None, report=r, inspection=SimpleUploadedFile("自查报告.pdf", PDF))
    services.campaign_advance(actor=c.bianban, campaign=campaign, to=Phase.REPORTING)
    return services.campaign_advance(actor=c.bianban, campaign=campaign, to=Phase.REVIEW)


def test_joint_review_conflict_settled_by_establishment_office_only(world):
    campaign = _to_review(world, open_campaign(world))
    ic = item(campaign, world.c)
    bb = login(world.bianban)
    opinion = reverse("campaigns:opinion", args=[campaign.pk, ic.pk])
    # 编办 proposes a merge the department did not, pre-filled from the overlap pairs' link
    page = bb.get(opinion + f"?verdict=change&action=merge&merge_into={world.a.pk}")
    assert page.context["form"].initial["merge_into"] == world.a.pk
    # …but an id outside the scope is not pre-filled
    page = bb.get(opinion + f"?verdict=change&action=merge&merge_into={world.q.pk}")
    assert "merge_into" not in page.context["form"].initial
    r = bb.post(opinion, {"form": "opinion", "verdict": "change", "action": "merge", "merge_into": world.a.pk,
                          "reason": ""})
    assert "请写明理由" in str(r.context["form"].errors["reason"])
    r = bb.post(opinion, {"form": "opinion", "verdict": "change", "action": "merge", "merge_into": world.a.pk,
                          "reason": "与市甲领导小组职能重叠"})
    assert r.status_code == 302
    for who in (world.bianban, world.liangban, world.zuzhibu):
        login(who).post(reverse("campaigns:agree_rest", args=[campaign.pk]))
    review = bb.get(reverse("campaigns:review", args=[campaign.pk]) + "?show=conflicts").content.decode()
    assert "市丙工作领导小组" in review and "市乙领导小组" not in review and "意见不一致" in review
    # 两办 cannot settle
    lb = login(world.liangban)
    r = lb.post(opinion, {"form": "settle", "settle-version": ic.version, "settle-action": "merge",
                          "settle-merge_into": world.a.pk, "settle-reason": "overlap", "settle-note": "两办审定"})
    assert r.status_code == 200 and "只有编办" in r.content.decode()
    assert item(campaign, world.c).final_action == ""
    ic = item(campaign, world.c)
    r = bb.post(opinion, {"form": "settle", "settle-version": ic.version, "settle-action": "merge",
                          "settle-merge_into": world.a.pk, "settle-reason": "overlap", "settle-note": ""})
    assert "请写明协调一致的情况" in r.content.decode()
    r = bb.post(opinion, {"form": "settle", "settle-version": ic.version, "settle-action": "merge",
                          "settle-merge_into": world.a.pk, "settle-reason": "overlap",
                          "settle-note": "经三方会商，部门同意并入市甲领导小组"})
    assert r.status_code == 302
    assert item(campaign, world.c).final_action == Action.MERGE
    assert ItemOpinion.objects.filter(item__campaign=campaign, office=Office.GENERAL_OFFICE).count() == 4


def test_meetings_publication_ledger_and_statistics(world):
    campaign = _to_review(world, open_campaign(world))
    for office, who in ((Office.ESTABLISHMENT, world.bianban), (Office.GENERAL_OFFICE, world.liangban),
                        (Office.ORGANISATION, world.zuzhibu)):
        services.opinions_agree_rest(actor=who, campaign=campaign, office=office)
    bb = login(world.bianban)
    campaign.refresh_from_db()
    r = bb.post(reverse("campaigns:advance", args=[campaign.pk]), {"to": "deliberation", "version": campaign.version},
                follow=True)
    assert "已转入“会议研究”阶段" in r.content.decode()
    lb = login(world.liangban)
    publish = reverse("campaigns:publish", args=[campaign.pk])
    page = lb.get(publish).content.decode()
    assert "尚未登记市委常委会会议研究情况" in page and "<fieldset disabled" in page
    deliberate = reverse("campaigns:deliberate", args=[campaign.pk])
    r = lb.post(deliberate, {"meeting": "party", "held_on": (TODAY + timedelta(days=2)).isoformat()})
    assert "晚于今天" in str(r.context["form"].errors["held_on"])
    for m in ("party", "government"):
        assert lb.post(deliberate, {"meeting": m, "held_on": TODAY.isoformat(), "session": "第45次"}).status_code == 302
    page = lb.get(publish).content.decode()
    assert "可以发文公布" in page and "精简" in page
    r = lb.post(publish, {"number": f"潍办发〔{TODAY.year}〕30号", "issuer": "中共潍坊市委办公室",
                          "issued_on": TODAY.isoformat(), "title": "关于公布调整规范结果的通知"}, follow=True)
    html = r.content.decode()
    assert "清单已发文公布" in html and f"?on={TODAY.isoformat()}" in html
    campaign.refresh_from_db()
    assert campaign.phase == Phase.PUBLISHED and campaign.events_applied == 2
    assert state_on(world.a, TODAY)["name"] == "市甲委员会"
    assert Body.objects.get(pk=world.b.pk).status == BodyStatus.ABOLISHED
    # publishing again is refused at the form (the claim is taken)
    r = lb.post(publish, {"number": f"潍办发〔{TODAY.year}〕31号", "issued_on": TODAY.isoformat(), "title": "再次"})
    assert r.status_code == 200 and r.context["form"].errors
    stats = bb.get(reverse("campaigns:stats", args=[campaign.pk])).content.decode()
    assert "精简1个，精简25%" in stats and 'data-chart="category-chart-data"' in stats
    export = bb.get(reverse("campaigns:stats_export", args=[campaign.pk]))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert wb.sheetnames[:2] == ["总体情况", "分类别"] and "清单" in wb.sheetnames
    assert login(world.clerk).get(reverse("campaigns:stats", args=[campaign.pk])).status_code == 403


def test_a_failed_publication_is_shown_with_its_reason(world):
    campaign = _to_review(world, open_campaign(world))
    for office, who in ((Office.ESTABLISHMENT, world.bianban), (Office.GENERAL_OFFICE, world.liangban),
                        (Office.ORGANISATION, world.zuzhibu)):
        services.opinions_agree_rest(actor=who, campaign=campaign, office=office)
    campaign = services.campaign_advance(actor=world.bianban, campaign=campaign, to=Phase.DELIBERATION)
    for m in ("party", "government"):
        services.deliberation_record(actor=world.liangban, campaign=campaign, meeting=m, held_on=TODAY)
    establish(world.city, name="市甲委员会", lead=world.gxj, on=TODAY)  # the new name taken meanwhile
    r = login(world.liangban).post(reverse("campaigns:publish", args=[campaign.pk]), {
        "number": f"潍办发〔{TODAY.year}〕30号", "issued_on": TODAY.isoformat(), "title": "关于公布的通知"}, follow=True)
    html = r.content.decode()
    assert "发文公布未能办理" in html and "市甲领导小组" in html
    campaign.refresh_from_db()
    assert campaign.phase == Phase.DELIBERATION and campaign.publish_status == "failed"


def _count(c, url) -> int:
    assert c.get(url).status_code == 200
    with CaptureQueriesContext(connection) as q:
        assert c.get(url).status_code == 200
    return len(q)


def test_board_and_review_take_a_constant_number_of_queries(world):
    c = world
    campaign = _to_review(c, open_campaign(c))
    bb = login(c.bianban)
    detail = reverse("campaigns:detail", args=[campaign.pk])
    review = reverse("campaigns:review", args=[campaign.pk])
    few = (_count(bb, detail), _count(bb, review))
    # ten more bodies of three more departments, reported, with opinions
    extra = []
    for i in range(10):
        lead = (c.swj, c.yjj, c.nyj)[i % 3]
        extra.append(establish(c.city, name=f"市计数测试{i}号领导小组", lead=lead, on=date(2019, 3, 1)))
    for b in extra:
        services.item_add(actor=c.bianban, campaign=campaign, body=b)
        it = item(campaign, b)
        ItemOpinion.objects.create(item=it, office=Office.ESTABLISHMENT, verdict=Verdict.CHANGE, action=Action.ABOLISH,
                                   reason="职责弱化")
    many = (_count(bb, detail), _count(bb, review))
    assert campaign.items.count() == 14
    assert many == few, (few, many)


def test_a_proposal_enters_a_running_campaign(world):
    campaign = open_campaign(world)
    body = establish(world.city, name="市戊联席会议", lead=world.nyj, on=date(2019, 3, 1), category="joint",
                     form="联席会议")
    p = proposal_raise(kind="abolish", region_id=world.city.pk, body_id=body.pk, body_label=body.name,
                       reason="评价结果：长期未开展工作。", source="evaluation", source_ref="x")
    url = reverse("campaigns:take_proposal") + f"?proposal={p.pk}"
    assert login(world.qz_bianban).get(url).status_code == 404  # another county's 编办
    bb = login(world.bianban)
    assert campaign.title in bb.get(url).content.decode()
    r = bb.post(url, {"campaign": campaign.pk}, follow=True)
    assert "已将“市戊联席会议”纳入" in r.content.decode()
    it = item(campaign, body)
    assert it.origin == "proposal" and it.proposal_id == p.pk
    # the department's item page says where it came from: 编办建议, the kind, the reason
    page = bb.get(reverse("campaigns:item", args=[campaign.pk, it.pk])).content.decode()
    origin = page.split('id="proposal-origin"')[1].split("</table>")[0]
    assert "编办建议" in origin and "撤销" in origin and "评价结果：长期未开展工作。" in origin
    p.refresh_from_db()
    assert p.status == ProposalStatus.TAKEN and p.taken_by == "campaigns"
    assert bb.get(url).status_code == 404  # taken: no longer open


def test_the_pages_hold_no_english_words_a_clerk_would_read(world):
    campaign = _to_review(world, open_campaign(world))
    bb = login(world.bianban)
    for url in (reverse("campaigns:list"), reverse("campaigns:detail", args=[campaign.pk]),
                reverse("campaigns:review", args=[campaign.pk]), reverse("campaigns:stats", args=[campaign.pk])):
        html = bb.get(url).content.decode()
        text = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>", 1)[0])
        assert not re.search(r"\b(None|True|False|draft|submitted|keep|abolish)\b", text), (url, text[:300])


def test_a_county_sees_its_part_of_the_city_campaign(world):
    campaign = open_campaign(world, counties=[world.county])
    part = campaign.parts.get()
    html = login(world.qz_bianban).get(reverse("campaigns:list")).content.decode()
    assert part.title in html and campaign.title not in html
    page = login(world.qz_bianban).get(reverse("campaigns:detail", args=[part.pk])).content.decode()
    assert world.qz_fgj.name in page and f'href="{reverse("campaigns:detail", args=[campaign.pk])}"' not in page
    # the city sees its campaign with the county's progress, and the part only through it
    html = login(world.bianban).get(reverse("campaigns:list")).content.decode()
    assert campaign.title in html and part.title not in html


def test_the_list_documents_are_served_under_the_campaigns_scope(world, tmp_path):
    from django.core.files.base import ContentFile

    from yixie.campaigns.models import CampaignFile

    campaign = open_campaign(world)
    f = CampaignFile(campaign=campaign, kind="list_docx", status="done", generated_at=timezone.now())
    f.file.save("清单.docx", ContentFile(b"PK\x03\x04 docx"), save=True)
    html = login(world.bianban).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    url = reverse("campaigns:file", args=[campaign.pk, f.pk])
    assert "公布清单（Word）" in html and url in html
    r = login(world.bianban).get(url)
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert login(world.yj_clerk).get(url).status_code == 404
    assert login(world.qz_bianban).get(url).status_code == 404
