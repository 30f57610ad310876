"""An application drafted from a proposal of the intake (编办建议) says so, pre-filled from its evidence."""

from django.urls import reverse

from yixie.approvals import services
from yixie.core.models import ProposalStatus
from yixie.core.proposals import proposal_raise
from yixie.testing.factories import establish


def _proposal(city, body, **evidence):
    return proposal_raise(kind="rename", region_id=city.city.pk, body_id=body.pk, body_label=body.name,
                          reason="名称与职责任务不相适应，建议更名。", source="多方评价", source_ref="evaluation:1",
                          evidence={"year": 2021, "score": "58.5", "grade": "缺失", **evidence})


def test_the_draft_form_is_prefilled_from_the_proposal_and_marked(city, client_for):
    body = establish(city.city, name="市智慧城市建设领导小组", lead=city.fgw)
    p = _proposal(city, body, new_name="市数字城市建设领导小组")
    r = client_for(city.clerk).get(reverse("approvals:new") + f"?kind=rename&body={body.pk}&proposal={p.pk}")
    assert r.status_code == 200
    html = r.content.decode()
    assert "编办建议" in html and "多方评价" in html
    assert 'value="市数字城市建设领导小组"' in html  # the proposed new name, not the current one


def test_the_application_page_names_the_proposal_it_came_from(city, client_for):
    body = establish(city.city, name="市智慧城市建设领导小组", lead=city.fgw)
    p = _proposal(city, body)
    app = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                     kind="rename", body=body, reasons=p.reason,
                                     proposed={"name": "市数字城市建设领导小组"}, proposal=p)
    p.refresh_from_db()
    assert p.status == ProposalStatus.TAKEN and p.taken_ref == f"application:{app.pk}"
    html = client_for(city.clerk).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert 'id="origin-badge"' in html and "2021年度评价得分 58.5" in html and "缺失" in html
    other = establish(city.city, name="市另一个领导小组", lead=city.fgw)
    plain = services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw,
                                       kind="rename", body=other, reasons="工作需要。",
                                       proposed={"name": "市另一个工作领导小组"})
    assert 'id="origin-badge"' not in client_for(city.clerk).get(
        reverse("approvals:detail", args=[plain.pk])).content.decode()
