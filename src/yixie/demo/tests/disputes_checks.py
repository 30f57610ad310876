"""The demo's duty disputes (demo/disputes.py): the seed's three cases settled by 编办's division opinion after a
failed consultation, each a 职责分工调整 in the ledger on a document without 文号, and one open dispute of this year
overdue at its consultation, on the list and the host department's to-dos.

Checked on the demo that test_load.py loads once (a whole demo load is minutes on PostgreSQL): it calls
`disputes_in_the_demo`."""

from datetime import date

from django.urls import reverse

from yixie.ledger.choices import EventKind
from yixie.ledger.models import Body
from yixie.ledger.selectors import state_on
from yixie.org.models import DepartmentDuty
from yixie.rules import dispute_selectors as sel
from yixie.rules.choices import DisputeStatus, SettledBy
from yixie.rules.models import Dispute


def disputes_in_the_demo(client):
    from django.contrib.auth import get_user_model

    assert Dispute.objects.count() == 4
    settled = Dispute.objects.filter(status=DisputeStatus.SETTLED).order_by("raised_on")
    assert [(d.body.name, d.matter) for d in settled] == [
        ("市安全生产委员会", "餐饮等行业生产经营单位燃气安全监管"), ("市委疫情工作指挥部", "外卖配送人员管理"),
        ("市委疫情工作指挥部", "棋牌室监管")]
    for d in settled:
        assert d.raised_on >= date(2021, 1, 1) and d.settled_by == SettledBy.OPINION
        assert d.consultations.get().agreed is False and d.escalated_on and d.opinion_on == d.settled_on
        assert "示例" in d.opinion and "示例" in d.ledger_event.note
        event = d.ledger_event
        assert event.kind == EventKind.DIVISION and event.effective_on == d.opinion_on
        assert event.document.number == "" and "示例" in event.document.title
        entry = next(e for e in state_on(d.body, d.opinion_on)["division"] if e["matter"] == d.matter)
        assert entry["principal"] == [{"id": d.outcome["principal"][0], "name": entry["principal"][0]["name"]}]
    gas = settled[0]
    assert [x["name"] for x in next(e for e in state_on(gas.body, date(2026, 1, 1))["division"])["principal"]] == [
        "市市场监督管理局"]
    added = DepartmentDuty.objects.get(source_url=f"/rules/disputes/{gas.pk}/")
    assert added.department.name == "市市场监督管理局" and added.valid_from == date(2021, 8, 30)
    # the epidemic command ended in 2023: its divisions stand in its history
    epidemic = Body.objects.get(name="市委疫情工作指挥部")
    assert epidemic.events.filter(kind=EventKind.DIVISION).count() == 2
    # the open one: raised this year, its consultation overdue; on the list and on the host's to-dos
    open_one = Dispute.objects.get(status=DisputeStatus.RAISED)
    assert open_one.body.name == "市安全生产委员会" and sel.overdue_days(open_one) == 15
    yingji = get_user_model().objects.get(username="yingji")
    assert sel.todo_count(yingji) == 1
    client.force_login(get_user_model().objects.get(username="bianban"),
                       backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("rules:disputes") + "?overdue=1").content.decode()
    assert open_one.matter in page and "超期15天" in page and "外卖配送人员管理" not in page
