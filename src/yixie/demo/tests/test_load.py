"""The demo city loads through the services and reproduces the seed's figures in the ledger itself."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import F

from yixie.campaigns import selectors as campaign_selectors
from yixie.campaigns.choices import Action, Phase, ReportStatus
from yixie.campaigns.models import Campaign
from yixie.ledger.choices import BodyCategory, EventKind
from yixie.ledger.models import Body, LedgerEvent
from yixie.ledger.selectors import bodies_as_of
from yixie.org.models import Department, Region

from .disputes_checks import disputes_in_the_demo

pytestmark = pytest.mark.django_db


def test_demo_city_reproduces_the_seed_figures(client):
    call_command("demo", verbosity=0)
    city = Region.objects.get(code="370700")
    assert city.children.filter(level="county").count() == 12

    def counted(on):
        return bodies_as_of(region=city, on=on).filter(
            category__in=[BodyCategory.PARTY, BodyCategory.GOVERNMENT]).count()

    assert counted(date(2019, 1, 1)) == 292
    assert counted(date(2019, 7, 1)) == 133
    assert bodies_as_of(region=city, on=date(2026, 11, 25)).filter(category=BodyCategory.MECHANISM).count() == 2
    # The review campaigns ran through the product (see test_campaigns_ran_through_the_product).
    on_2022 = LedgerEvent.objects.filter(region=city, effective_on=date(2022, 9, 30), is_void=False)
    assert on_2022.filter(kind=EventKind.ABOLISH).count() == 9
    assert on_2022.filter(kind=EventKind.RENAME).count() == 8
    assert on_2022.filter(kind=EventKind.REAFFILIATE).count() == 7
    _campaigns_ran_through_the_product(city)
    _evaluations_ran_through_the_product(city)
    disputes_in_the_demo(client)  # 制度保障: the seed's three duty disputes and an open one
    assert not Body.objects.filter(region__level="township").exists()
    # No body is hosted by a department before it was set up or after it ended (the services refused it).
    live = LedgerEvent.objects.filter(is_void=False).exclude(
        kind__in=[EventKind.ABOLISH, EventKind.MERGE, EventKind.DERECOGNISE])
    for host in ("lead_department", "office_department"):
        assert not live.filter(**{f"{host}__established_on__gt": F("effective_on")}).exists()
        assert not live.filter(**{f"{host}__ended_on__lte": F("effective_on")}).exists()
    assert Department.objects.get(name="市应急管理局").established_on == date(2019, 1, 10)
    assert Department.objects.get(name="市安全生产监督管理局").ended_on == date(2019, 1, 10)
    for county in city.children.filter(level="county"):
        assert bodies_as_of(region=county, on=date(2026, 11, 25)).count() >= 25, county.name
    yzc = Body.objects.get(name="市预制菜产业发展工作领导小组")
    assert yzc.basis_document.number == "潍政字〔2023〕12号" and yzc.office_department.name == "市农业农村局"
    # Loading twice is refused; --if-empty skips.
    call_command("demo", if_empty=True, verbosity=0)
    with pytest.raises(Exception, match="已有数据"):
        call_command("demo", verbosity=0)


def _campaigns_ran_through_the_product(city):
    """The 2019 and 2022 campaigns were run by the demo's users through the campaign services (city and
    county parts, each with its own list); the 2025 one is at its self-report phase. (Called from the test
    above: the demo loads once.)"""
    c19 = Campaign.objects.get(region=city, year=2019)
    s = campaign_selectors.stats(c19)
    assert (s["before"], s["after"], s["reduced"], s["rate"]) == (292, 133, 159, 54)
    assert c19.list_document.number.startswith("潍发〔2019〕") and c19.published_on == date(2019, 6, 28)
    assert c19.events_applied == 159 and c19.deliberations.count() == 2
    board = campaign_selectors.board(c19)
    assert board["total"].submitted == board["total"].departments and board["total"].reported == 292
    assert sorted(r.label for r in board["rows"] if r.late) == ["市住房和城乡建设局", "市水利局"]
    assert c19.reports.filter(submitted_by__username="fagaiwei_hr").exists()

    c22 = Campaign.objects.get(region=city, year=2022)
    assert c22.phase == Phase.PUBLISHED and c22.events_applied == 24
    assert sorted(c22.categories) == ["government", "joint", "party", "taskforce"]
    day = LedgerEvent.objects.filter(region=city, effective_on=c22.published_on, is_void=False)
    assert day.count() == 24 and set(day.values_list("kind", flat=True)) == {
        EventKind.ABOLISH, EventKind.RENAME, EventKind.REAFFILIATE}
    assert set(day.values_list("document_id", flat=True)) == {c22.list_document_id}
    assert set(day.values_list("source_url", flat=True)) == {f"/campaigns/{c22.pk}/"}
    assert set(c22.items.exclude(event=None).values_list("event_id", flat=True)) == set(day.values_list("id", flat=True))
    # a re-affiliation moves the lead and the office, the new lead becoming the 主办 member unit
    moved = c22.items.get(name="市减灾委员会").event.state
    assert moved["lead_department"]["name"] == moved["office_department"]["name"] == "市应急管理局"
    assert (moved["members"][0]["department"], moved["members"][0]["role"]) == ("市应急管理局", "principal")
    assert [m["role"] for m in moved["members"][1:]] == ["assisting"] * (len(moved["members"]) - 1)
    # 编办 proposed an abolition the department did not, and settled it; 组织部 kept a body the department
    # would have given up
    shack = c22.items.get(name="市棚户区改造工作领导小组")
    assert (shack.action, shack.final_action) == (Action.KEEP, Action.ABOLISH) and shack.settled_by.username == "bianban"
    title = c22.items.get(name="市职称改革工作领导小组")
    assert (title.action, title.final_action) == (Action.ABOLISH, Action.KEEP)
    assert LedgerEvent.objects.filter(body=title.body, effective_on__gte=c22.snapshot_on).count() == 0

    numbers = set()
    for year in (2019, 2022):
        for part in Campaign.objects.filter(parent__region=city, parent__year=year).select_related("region"):
            assert part.phase == Phase.PUBLISHED and part.deliberations.count() == 2, part.title
            doc = part.list_document
            assert doc.region_id == part.region_id and doc.issued_on == part.published_on
            assert LedgerEvent.objects.filter(region=part.region, document=doc, kind__in=[
                EventKind.ABOLISH, EventKind.MERGE, EventKind.RENAME, EventKind.REAFFILIATE]).count() == \
                part.events_applied
            numbers.add(doc.number)
            st = campaign_selectors.stats(part)
            assert st["after"] == st["before"] - part.items.filter(
                final_action__in=[Action.ABOLISH, Action.MERGE], body__region__level="county",
                body__category__in=[BodyCategory.PARTY, BodyCategory.GOVERNMENT]).count(), part.title
    assert len(numbers) == 24

    c25 = Campaign.objects.get(region=city, year=2025)
    assert c25.phase == Phase.SORTING and c25.parts.filter(phase=Phase.SORTING).count() == 12
    assert c25.items.filter(action="").count() > 100 and c25.items.exclude(action="").count() >= 6
    for department in ("市发展和改革委员会", "市农业农村局"):
        assert c25.items.filter(department__name=department, action="").exists(), department
    assert list(c25.reports.filter(status=ReportStatus.SUBMITTED).values_list("department__name", flat=True)) == [
        "市统计局"]
    assert not LedgerEvent.objects.filter(effective_on__gte=c25.snapshot_on, region=city, kind__in=[
        EventKind.ABOLISH, EventKind.MERGE, EventKind.RENAME, EventKind.DOWNGRADE, EventKind.DERECOGNISE]).exists()


def _evaluations_ran_through_the_product(city):
    """The 2021 and 2022 evaluations were done through the evaluation services on a meetings register filled
    through its services; the 2021 one's proposals are the 2022 campaign's 24 (9 abolish, 8 rename, 7
    re-affiliate), taken in by it; the seed's two examples are benchmarks with their figures."""
    from yixie.core.models import Proposal, ProposalStatus
    from yixie.evaluation.choices import EvaluationStatus
    from yixie.evaluation.models import Evaluation, MemberScore
    from yixie.meetings.models import BodyDocument, Meeting

    e21 = Evaluation.objects.get(region=city, year=2021)
    e22 = Evaluation.objects.get(region=city, year=2022)
    assert (e21.carried_out_in, e22.carried_out_in) == (2022, 2023)
    assert e21.status == e22.status == EvaluationStatus.CLOSED
    assert e21.system.is_frozen and e21.system != e22.system
    proposals = Proposal.objects.filter(source_ref=f"evaluation:{e21.pk}")
    assert {k: proposals.filter(kind=k).count() for k in ("abolish", "rename", "reaffiliate")} == \
        {"abolish": 9, "rename": 8, "reaffiliate": 7}
    # Counted once: each was taken into the 2022 campaign, and is the change its list made.
    c22 = Campaign.objects.get(region=city, year=2022)
    assert set(proposals.values_list("status", "taken_by").distinct()) == {(ProposalStatus.TAKEN, "campaigns")}
    assert c22.items.exclude(proposal_id=None).count() == 24
    for item in c22.items.exclude(proposal_id=None):
        assert item.final_action == proposals.get(pk=item.proposal_id).kind, item.name
    assert not Proposal.objects.filter(source_ref=f"evaluation:{e22.pk}").exists()
    # The seed's examples, from the register.
    pb = e21.self_evaluations.get(name="市委党建工作领导小组")
    assert (pb.meetings_held, pb.problems_coordinated, pb.exemplary, pb.grade) == (4, 12, True, "高效")
    assert Meeting.objects.filter(body=pb.body, held_on__year=2021, is_void=False).count() == 4
    assert BodyDocument.objects.get(body=pb.body, number="潍党建组〔2021〕1号").title == "关于印发《2021年全市党建工作要点》的通知"
    eco = e21.self_evaluations.get(name="市生态环境保护委员会")
    assert (eco.tasks_planned, eco.tasks_done, eco.exemplary, eco.grade) == (78, 78, True, "高效")
    assert "责任清单" in eco.mechanisms and "工作报告制度" in eco.mechanisms
    assert Meeting.objects.filter(body=eco.body, held_on__year=2021, is_void=False).count() == 3
    assert set(BodyDocument.objects.filter(body=eco.body, issued_on__year=2021).values_list("number", flat=True)) == {
        "潍环委〔2021〕1号", "潍环委〔2021〕2号", "潍环委办〔2021〕1号"}
    assert eco.prefill["work_rules_filed_on"] and eco.prefill["decisions_done"] == eco.prefill["decisions_total"] == 7
    # The bodies abolished in 2022 held no meeting in 2021: candidates (exempt where the upper level required them).
    abolished = e21.self_evaluations.filter(body__in=proposals.filter(kind="abolish").values("body_id"))
    assert abolished.count() == 9 and set(abolished.values_list("candidate", flat=True)) == {"no_meeting"}
    # Every member unit was scored by its lead department, and no lead department scored itself.
    scores = MemberScore.objects.filter(evaluation=e21)
    assert scores.count() > 1000 and not scores.filter(total=None).exists()
    assert not scores.filter(department_id=F("lead_department_id")).exists()
    # This year's register (the leaders' view): meetings so far, and bodies that met none yet.
    from yixie.meetings import selectors as register

    assert Meeting.objects.filter(region=city, held_on__year=2026).count() > 200
    assert 0 < len(register.bodies_without_meeting(region=city, year=2026)) < 40
