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


def test_a_merger_proposal_drafts_the_body_merged_into_the_one_that_survives(city, client_for):
    """编办 proposes “X 并入 Y” (Y led by another department): X's lead department drafts a merger in which Y
    survives and X is merged — Y offered though the department does not sit in it; the other way round refused."""
    x = establish(city.city, name="市智慧城市建设领导小组", lead=city.fgw)
    y = establish(city.city, name="市数字经济发展领导小组", lead=city.gxj)
    p = proposal_raise(kind="merge", region_id=city.city.pk, body_id=x.pk, body_label=x.name,
                       reason="职能与市数字经济发展领导小组重叠，建议并入。", source="多方评价", source_ref="evaluation:1",
                       evidence={"year": 2021, "merge_into": {"id": y.pk, "name": y.name}})
    c = client_for(city.clerk)
    url = reverse("approvals:new") + f"?kind=merge&body={x.pk}&proposal={p.pk}"
    html = c.get(url).content.decode()
    assert f'<option value="{y.pk}" selected>' in html  # the survivor
    assert f'name="merge_bodies" value="{x.pk}"' in html
    assert "checked" in html.split(f'name="merge_bodies" value="{x.pk}"')[1][:80]  # merged
    with_y_not_offered = c.get(reverse("approvals:new") + f"?kind=merge&body={x.pk}").content.decode()
    assert f'value="{y.pk}"' not in with_y_not_offered  # only the proposal names it to this department
    r = c.post(url, {"kind_fixed": "merge", "proposal": p.pk, "body": y.pk, "merge_bodies": [x.pk],
                     "reasons": p.reason})
    assert r.status_code == 302, r.content.decode()[:2000]
    p.refresh_from_db()
    assert p.status == ProposalStatus.TAKEN
    app = services.Application.objects.get(pk=int(p.taken_ref.split(":")[1]))
    assert app.kind == "merge" and app.body_id == y.pk and list(app.merge_bodies.values_list("pk", flat=True)) == [x.pk]
    # the proposal's body as the survivor does not express it
    q = proposal_raise(kind="merge", region_id=city.city.pk, body_id=x.pk, body_label=x.name, reason="再议。",
                       source="多方评价", source_ref="evaluation:2", evidence={"merge_into": {"id": y.pk}})
    z = establish(city.city, name="市大数据工作领导小组", lead=city.fgw)
    try:
        services.application_save(actor=city.clerk, app=None, region=city.city, department=city.fgw, kind="merge",
                                  body=x, reasons="x", proposed={}, merge_bodies=[z], proposal=q)
    except services.ApprovalError as exc:
        assert exc.field == "merge_bodies" and "被合并" in exc.message
    else:
        raise AssertionError("a merger the other way round was accepted")
    q.refresh_from_db()
    assert q.status == ProposalStatus.OPEN
