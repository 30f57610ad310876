"""The review campaign's rules, from opening to the published list (services only)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from yixie.campaigns import selectors, services
from yixie.campaigns.choices import Action, Meeting, Office, Phase, Reason, ReportStatus, Verdict
from yixie.campaigns.models import Campaign, CampaignItem
from yixie.core.errors import DomainError
from yixie.ledger.choices import BodyCategory, BodyStatus
from yixie.ledger.models import Body, LedgerEvent
from yixie.ledger.selectors import state_on
from yixie.testing.factories import establish

SNAP = date(2022, 3, 1)
DEADLINES = {"sorting": "2022-04-15", "reporting": "2022-04-30", "review": "2022-06-30",
             "deliberation": "2022-08-31", "published": "2022-09-30"}


def pdf(name="自查报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def _four_bodies(c):
    """Two bodies led by 发改委, one by 工信局, one Party body by 农业农村局."""
    c.a = establish(c.city, name="市甲领导小组", lead=c.fgw, members=[c.gxj], on=date(2019, 3, 1))
    c.b = establish(c.city, name="市乙领导小组", lead=c.fgw, members=[c.nyj], on=date(2019, 3, 1))
    c.c = establish(c.city, name="市丙工作领导小组", lead=c.gxj, members=[c.fgw], on=date(2019, 3, 1))
    c.d = establish(c.city, name="市丁委员会", lead=c.nyj, members=[c.fgw], on=date(2019, 3, 1),
                    category=BodyCategory.PARTY)
    return c


@pytest.fixture
def world(city):
    c = _four_bodies(city)
    c.j = establish(c.city, name="市戊联席会议", lead=c.nyj, on=date(2019, 3, 1),
                    category=BodyCategory.JOINT_MEETING, form="联席会议")
    c.q = establish(c.county, name="青州市甲领导小组", lead=c.qz_fgj, on=date(2019, 3, 1))
    return c


def open_campaign(c, **kw):
    return services.campaign_open(
        actor=c.bianban, region=c.city, year=2022, title="潍坊市2022年议事协调机构调整规范行动",
        categories=kw.pop("categories", ["party", "government"]), snapshot_on=SNAP, deadlines=DEADLINES,
        counties=kw.pop("counties", [c.county]), **kw)


def item(campaign, body):
    return campaign.items.get(body=body)


def test_open_takes_the_snapshot_with_a_report_per_lead_department_and_a_part_per_county(world):
    c = world
    later = establish(c.city, name="市己领导小组", lead=c.fgw, on=date(2022, 5, 1))  # after the snapshot
    campaign = open_campaign(c)
    assert {i.body_id for i in campaign.items.all()} == {c.a.pk, c.b.pk, c.c.pk, c.d.pk}
    assert later.pk not in campaign.items.values_list("body_id", flat=True)
    assert c.j.pk not in campaign.items.values_list("body_id", flat=True)  # joint meetings not chosen
    assert sorted(campaign.reports.values_list("department__name", flat=True)) == sorted(
        [c.fgw.name, c.gxj.name, c.nyj.name])
    part = campaign.parts.get()
    assert part.region == c.county and [i.body_id for i in part.items.all()] == [c.q.pk]
    with pytest.raises(DomainError, match="已经发起"):
        open_campaign(c, counties=[])


def test_deadlines_in_phase_order_and_the_reporting_deadline_required(world):
    c = world
    with pytest.raises(DomainError, match="早于"):
        services.campaign_open(actor=c.bianban, region=c.city, year=2022, title="t", categories=["government"],
                               snapshot_on=SNAP, deadlines={"sorting": "2022-05-01", "reporting": "2022-04-01"})
    with pytest.raises(DomainError, match="汇总提报"):
        services.campaign_open(actor=c.bianban, region=c.city, year=2022, title="t", categories=["government"],
                               snapshot_on=SNAP, deadlines={"sorting": "2022-05-01"})
    assert not Campaign.objects.exists()


def test_report_rules_name_the_body_and_the_field(world):
    c = world
    campaign = open_campaign(c)
    ia = item(campaign, c.a)
    # another department may not report on a body it does not lead
    with pytest.raises(DomainError, match="只能由牵头部门") as e:
        services.item_report(actor=c.gx_clerk, item=ia, action=Action.KEEP)
    assert e.value.field == "department"
    with pytest.raises(DomainError, match="请选择理由"):
        services.item_report(actor=c.clerk, item=ia, action=Action.ABOLISH)
    # merge into a body in another region
    with pytest.raises(DomainError, match="不属于潍坊市") as e:
        services.item_report(actor=c.clerk, item=ia, action=Action.MERGE, reason=Reason.OVERLAP, merge_into=c.q)
    assert e.value.field == "merge_into" and "市甲领导小组" in e.value.message
    # merge into a body that another report abolishes
    services.item_report(actor=c.clerk, item=item(campaign, c.b), action=Action.ABOLISH, reason=Reason.FINISHED)
    with pytest.raises(DomainError, match="本次拟撤销"):
        services.item_report(actor=c.clerk, item=ia, action=Action.MERGE, reason=Reason.OVERLAP, merge_into=c.b)
    # rename to a name in use
    with pytest.raises(DomainError, match="市丙工作领导小组") as e:
        services.item_report(actor=c.clerk, item=ia, action=Action.RENAME, reason=Reason.NAME_MISMATCH,
                             new_name="市丙工作领导小组")
    assert e.value.field == "new_name"
    with pytest.raises(DomainError, match="整数"):
        services.item_report(actor=c.clerk, item=ia, action=Action.KEEP, meetings_held="三次")
    ia = services.item_report(actor=c.clerk, item=ia, action=Action.KEEP, meetings_held="3", documents_issued=2,
                              tasks_done="完成年度重点任务12项")
    assert ia.meetings_held == 3 and ia.action == Action.KEEP
    # two people saving the same item: the second, from the old version, is told
    with pytest.raises(DomainError, match="已被他人修改（20") as e:
        services.item_report(actor=c.clerk, item=ia, action=Action.ABOLISH, reason=Reason.WEAKENED,
                             expected_version=ia.version - 1)
    assert "年" in e.value.message and "-" not in e.value.message  # 2026年12月1日 13:22, not an ISO date
    # an item nobody reported yet, opened at another version: told too, no crash on the missing time
    other = CampaignItem.objects.filter(campaign=campaign, reported_at=None).exclude(pk=ia.pk).first()
    assert other is not None
    with pytest.raises(DomainError, match="已被他人修改，"):
        services.item_report(actor=c.clerk, item=other, action=Action.KEEP, expected_version=other.version + 1)


def test_submission_needs_every_item_and_the_inspection_report_and_marks_late(world):
    c = world
    campaign = open_campaign(c)
    report = campaign.reports.get(department=c.fgw)
    services.item_report(actor=c.clerk, item=item(campaign, c.a), action=Action.KEEP)
    with pytest.raises(DomainError, match="市乙领导小组"):
        services.report_submit(actor=c.hr, report=report, inspection=pdf())
    services.item_report(actor=c.clerk, item=item(campaign, c.b), action=Action.ABOLISH, reason=Reason.FINISHED)
    with pytest.raises(DomainError, match="自查报告"):
        services.report_submit(actor=c.hr, report=report)
    with pytest.raises(DomainError, match="只能由牵头部门"):
        services.report_submit(actor=c.clerk, report=report, inspection=pdf())  # the clerk is not HR
    with pytest.raises(DomainError, match="内容不是有效"):
        services.report_submit(actor=c.hr, report=report, inspection=SimpleUploadedFile("自查.pdf", b"not a pdf"))
    report = services.report_submit(actor=c.hr, report=report, inspection=pdf(), on=date(2022, 5, 3))
    assert report.status == ReportStatus.SUBMITTED and services.report_is_late(report, campaign)
    with pytest.raises(DomainError, match="已报送"):
        services.item_report(actor=c.clerk, item=item(campaign, c.a), action=Action.ABOLISH, reason=Reason.WEAKENED)
    b = selectors.board(campaign, today=date(2022, 5, 10))
    rows = {r.label: r for r in b["rows"]}
    assert rows[c.fgw.name].submitted == 1 and rows[c.fgw.name].overdue == 1  # late, still shown
    assert rows[c.gxj.name].reported == 0 and rows[c.gxj.name].overdue == 1  # not yet reported: overdue
    assert b["total"].actions[Action.ABOLISH] == 1 and b["total"].bodies == 4
    assert [p.label for p in b["parts"]] == ["青州市"]


def _report_all(c, campaign):
    services.item_report(actor=c.clerk, item=item(campaign, c.a), action=Action.RENAME, reason=Reason.NAME_MISMATCH,
                         new_name="市甲委员会")
    services.item_report(actor=c.clerk, item=item(campaign, c.b), action=Action.ABOLISH, reason=Reason.FINISHED)
    services.item_report(actor=c.gx_clerk, item=item(campaign, c.c), action=Action.KEEP)
    services.item_report(actor=None, item=item(campaign, c.d), action=Action.TO_JOINT, reason=Reason.WEAKENED,
                         new_name="市丁工作联席会议")
    for r in campaign.reports.all():
        services.report_submit(actor=None, report=r, inspection=pdf(), on=date(2022, 4, 20))


def _to_review(c, campaign):
    services.campaign_advance(actor=c.bianban, campaign=campaign, to=Phase.REPORTING)
    return services.campaign_advance(actor=c.bianban, campaign=campaign, to=Phase.REVIEW)


def test_joint_review_conflict_must_be_settled_before_deliberation(world):
    c = world
    campaign = open_campaign(c)
    _report_all(c, campaign)
    campaign = _to_review(c, campaign)
    ic = item(campaign, c.c)
    # 编办 proposes an action the department did not: merge 市丙 into 市甲
    services.opinion_give(actor=c.bianban, item=ic, office=Office.ESTABLISHMENT, verdict=Verdict.CHANGE,
                          action=Action.MERGE, merge_into=c.a, reason="与市甲领导小组职能重叠")
    for office, who in ((Office.GENERAL_OFFICE, c.liangban), (Office.ORGANISATION, c.zuzhibu)):
        services.opinions_agree_rest(actor=who, campaign=campaign, office=office)
    services.opinions_agree_rest(actor=c.bianban, campaign=campaign, office=Office.ESTABLISHMENT)
    ic.refresh_from_db()
    assert ic.final_action == "" and selectors.review_summary(campaign)["conflicts"] == 1
    assert item(campaign, c.b).final_action == Action.ABOLISH  # all agree: settled
    with pytest.raises(DomainError, match="市丙工作领导小组"):
        services.campaign_advance(actor=c.bianban, campaign=campaign, to=Phase.DELIBERATION)
    with pytest.raises(DomainError, match="协调一致"):
        services.item_settle(actor=c.bianban, item=ic, action=Action.MERGE, reason=Reason.OVERLAP, merge_into=c.a,
                             note="")
    services.item_settle(actor=c.bianban, item=ic, action=Action.MERGE, reason=Reason.OVERLAP, merge_into=c.a,
                         note="经三方会商，部门同意并入市甲领导小组")
    campaign = services.campaign_advance(actor=c.bianban, campaign=campaign, to=Phase.DELIBERATION,
                                         on=date(2022, 7, 1))
    assert campaign.opinion_on == date(2022, 7, 1)
    s = selectors.stats(campaign)
    assert (s["before"], s["after"], s["reduced"]) == (4, 1, 3)  # 甲 renamed stays; 乙, 丙 end; 丁 downgraded


def _to_deliberation(c):
    campaign = open_campaign(c)
    _report_all(c, campaign)
    campaign = _to_review(c, campaign)
    for office, who in ((Office.ESTABLISHMENT, c.bianban), (Office.GENERAL_OFFICE, c.liangban),
                        (Office.ORGANISATION, c.zuzhibu)):
        services.opinions_agree_rest(actor=who, campaign=campaign, office=office)
    return services.campaign_advance(actor=c.bianban, campaign=campaign, to=Phase.DELIBERATION, on=date(2022, 7, 1))


def publish(c, campaign, number="潍办发〔2022〕30号", on=date(2022, 9, 30)):
    return services.campaign_publish(actor=c.liangban, campaign=campaign, number=number, issuer="中共潍坊市委办公室",
                                     issued_on=on, title="关于公布市级议事协调机构调整规范结果的通知")


def test_publication_needs_the_meetings_then_applies_every_change_once(world):
    c = world
    campaign = _to_deliberation(c)
    with pytest.raises(DomainError, match="市委常委会会议"):
        publish(c, campaign)
    services.deliberation_record(actor=c.liangban, campaign=campaign, meeting=Meeting.PARTY,
                                 held_on=date(2022, 9, 20), session="第45次")
    with pytest.raises(DomainError, match="市政府常务会议"):
        publish(c, campaign)
    services.deliberation_record(actor=c.liangban, campaign=campaign, meeting=Meeting.GOVERNMENT,
                                 held_on=date(2022, 9, 22))
    with pytest.raises(DomainError, match="早于"):
        publish(c, campaign, on=date(2022, 9, 21))
    assert not LedgerEvent.objects.filter(effective_on=date(2022, 9, 21)).exists()
    before_events = LedgerEvent.objects.count()
    campaign = publish(c, campaign)
    assert campaign.phase == Phase.PUBLISHED and campaign.events_applied == 3
    assert LedgerEvent.objects.count() == before_events + 3
    on = date(2022, 9, 30)
    assert state_on(c.a, on)["name"] == "市甲委员会"
    assert state_on(c.b, on)["status"] == BodyStatus.ABOLISHED
    assert state_on(c.d, on)["category"] == BodyCategory.JOINT_MEETING
    assert state_on(c.d, on)["name"] == "市丁工作联席会议"  # a downgrade may take a name of its new form
    event = LedgerEvent.objects.get(body=c.b, kind="abolish")
    assert event.document.number == "潍办发〔2022〕30号" and event.source_url == f"/campaigns/{campaign.pk}/"
    assert event.note == "调整规范：撤销；工作任务结束"  # the body's history says what and why
    assert LedgerEvent.objects.get(body=c.a, kind="rename").note == "调整规范：更名为市甲委员会；名称与职责任务不相适应"
    # the ledger as of the publication date equals the list
    in_force = set(LedgerEvent.objects.in_force_on(on).filter(region=c.city, status=BodyStatus.ACTIVE,
                                                              category__in=["party", "government"])
                   .values_list("body_id", flat=True))
    staying = {i.body_id for i in campaign.items.all() if i.final_action in (Action.KEEP, Action.RENAME)}
    assert in_force == staying
    # again: nothing changes
    with pytest.raises(DomainError, match="不能重复公布"):
        publish(c, campaign, number="潍办发〔2022〕31号")
    assert LedgerEvent.objects.count() == before_events + 3


def test_a_refused_change_leaves_nothing_half_applied(world):
    c = world
    campaign = _to_deliberation(c)
    for m in (Meeting.PARTY, Meeting.GOVERNMENT):
        services.deliberation_record(actor=c.liangban, campaign=campaign, meeting=m, held_on=date(2022, 9, 20))
    # the new name was taken meanwhile by a body set up after the review
    establish(c.city, name="市甲委员会", lead=c.gxj, on=date(2022, 8, 1))
    before = LedgerEvent.objects.count()
    with pytest.raises(DomainError, match="市甲领导小组"):
        publish(c, campaign)
    assert LedgerEvent.objects.count() == before
    assert not campaign.items.exclude(event=None).exists()
    assert Body.objects.get(pk=c.b.pk).status == BodyStatus.ACTIVE
    campaign.refresh_from_db()
    assert campaign.phase == Phase.DELIBERATION and campaign.publish_status == "failed"


def test_a_body_changed_after_the_snapshot_is_flagged_and_brought_up_to_date(world):
    from yixie.ledger import services as ledger

    c = world
    campaign = open_campaign(c)
    ledger.event_record(actor=None, body=c.c, kind="rename", on=date(2022, 4, 1), changes={"name": "市丙委员会"})
    assert [i.body_id for i in services.items_changed_after_snapshot(campaign)] == [c.c.pk]
    _report_all(c, campaign)
    _to_review(c, campaign)
    ic = item(campaign, c.c)
    assert ic.changed_after_snapshot and ic.name == "市丙委员会" and ic.refreshed_at


def test_proposal_enters_a_running_campaign_as_an_item(world):
    c = world
    campaign = open_campaign(c, categories=["government"])
    it = services.item_add(actor=c.bianban, campaign=campaign, body=c.d, proposal_id=7)
    assert it.origin == "establishment" and it.report.department == c.nyj
    assert services.item_add(actor=c.bianban, campaign=campaign, body=c.d).pk == it.pk
    with pytest.raises(DomainError, match="不属于潍坊市"):
        services.item_add(actor=c.bianban, campaign=campaign, body=c.q)


@pytest.mark.django_db(transaction=True)
def test_two_people_publishing_at_once_exactly_one_succeeds(city):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections: PostgreSQL")
    c = _four_bodies(city)
    campaign = _to_deliberation(c)
    for m in (Meeting.PARTY, Meeting.GOVERNMENT):
        services.deliberation_record(actor=c.liangban, campaign=campaign, meeting=m, held_on=date(2022, 9, 20))
    results = []
    barrier = threading.Barrier(2)

    def go(n):
        from django.db import connections
        try:
            barrier.wait()
            publish(c, Campaign.objects.get(pk=campaign.pk), number=f"潍办发〔2022〕{40 + n}号")
            results.append("ok")
        except DomainError as exc:
            results.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert LedgerEvent.objects.filter(kind="abolish", body=c.b).count() == 1
    assert CampaignItem.objects.filter(campaign=campaign).exclude(event=None).count() == 3


def test_merge_and_reaffiliation_are_published_with_the_members_moved(world):
    c = world
    campaign = open_campaign(c, counties=[])
    services.item_report(actor=c.clerk, item=item(campaign, c.a), action=Action.KEEP)
    services.item_report(actor=c.clerk, item=item(campaign, c.b), action=Action.MERGE, reason=Reason.OVERLAP,
                         merge_into=c.c)
    services.item_report(actor=c.gx_clerk, item=item(campaign, c.c), action=Action.REAFFILIATE,
                         reason=Reason.TRANSFERRED, new_department=c.nyj)
    services.item_report(actor=None, item=item(campaign, c.d), action=Action.KEEP)
    for r in campaign.reports.all():
        services.report_submit(actor=None, report=r, inspection=pdf(), on=date(2022, 4, 20))
    campaign = _to_review(c, campaign)
    for office, who in ((Office.ESTABLISHMENT, c.bianban), (Office.GENERAL_OFFICE, c.liangban),
                        (Office.ORGANISATION, c.zuzhibu)):
        services.opinions_agree_rest(actor=who, campaign=campaign, office=office)
    campaign = services.campaign_advance(actor=c.bianban, campaign=campaign, to=Phase.DELIBERATION,
                                         on=date(2022, 7, 1))
    for m in (Meeting.PARTY, Meeting.GOVERNMENT):
        services.deliberation_record(actor=c.liangban, campaign=campaign, meeting=m, held_on=date(2022, 9, 20))
    campaign = publish(c, campaign)
    on = date(2022, 9, 30)
    merged = state_on(c.b, on)
    assert merged["status"] == BodyStatus.MERGED and Body.objects.get(pk=c.b.pk).successor_id == c.c.pk
    moved = state_on(c.c, on)
    assert moved["lead_department"]["id"] == c.nyj.pk and moved["office_department"]["id"] == c.nyj.pk
    roles = {m["department_id"]: m["role"] for m in moved["members"]}
    assert roles[c.nyj.pk] == "principal" and roles[c.fgw.pk] == "assisting"
    assert campaign.items.exclude(event=None).count() == 2
    assert item(campaign, c.c).event.kind == "reaffiliate"
