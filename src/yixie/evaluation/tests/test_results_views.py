"""Part B's pages: the scoring form (errors per field, values kept, nothing lost), a member unit seeing only
its own results, the ranking and candidates, the proposal form reaching the intake, the supervision export
(opened), the charts, scope (out of scope: 404) and query counts."""

import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yixie.core import registry
from yixie.core.models import Proposal
from yixie.evaluation import results
from yixie.evaluation.models import MemberScore
from yixie.testing.factories import establish

from .results_world import results_world, score_all, se_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ev(city):
    evaluation, bodies = results_world(city)
    return evaluation, bodies


def _ids(evaluation):
    return list(evaluation.system.indicators.filter(target="member").order_by("order").values_list("id", flat=True))


def _text(response) -> str:
    return response.content.decode()


# ---- scoring ---------------------------------------------------------------------------------------------------

def test_the_worklist_lists_the_bodies_the_department_leads(client_for, city, ev):
    evaluation, b = ev
    page = _text(client_for(city.clerk).get(reverse("evaluation:scoring")))
    assert "市重点项目建设领导小组" in page and "市闲置工作领导小组" in page
    assert "市防汛抗旱指挥部" not in page  # led by 市应急管理局: fgw is only a member there


def test_the_scoring_form_saves_every_member_unit_of_a_body(client_for, city, ev):
    evaluation, b = ev
    url = reverse("evaluation:score_body", args=[evaluation.pk, b["a"].pk])
    c = client_for(city.clerk)
    page = _text(c.get(url))
    assert "市工业和信息化局" in page and "市农业农村局" in page
    rows = list(MemberScore.objects.filter(evaluation=evaluation, body=b["a"]))
    ids = _ids(evaluation)
    data = {}
    for row, pts in zip(rows, (("35", "25", "28"), ("30", "20", "20")), strict=True):
        data[f"r{row.pk}-version"] = row.version
        data[f"r{row.pk}-comment"] = f"{row.department.name}配合较好"
        for i, p in zip(ids, pts, strict=True):
            data[f"r{row.pk}-score_{i}"] = p
    response = c.post(url, data)
    assert response.status_code == 302
    totals = dict(MemberScore.objects.filter(evaluation=evaluation, body=b["a"]).values_list("department__name", "total"))
    assert {k: str(v) for k, v in totals.items()} == {"市工业和信息化局": "88.0", "市农业农村局": "70.0"}


def test_a_refused_scoring_form_shows_the_error_on_its_field_and_keeps_what_was_typed(client_for, city, ev):
    evaluation, b = ev
    url = reverse("evaluation:score_body", args=[evaluation.pk, b["a"].pk])
    rows = list(MemberScore.objects.filter(evaluation=evaluation, body=b["a"]).order_by("department__order"))
    ids = _ids(evaluation)
    data = {f"r{rows[0].pk}-version": rows[0].version, f"r{rows[1].pk}-version": rows[1].version,
            f"r{rows[0].pk}-comment": "先填的意见不应丢失", f"r{rows[1].pk}-comment": "第二个单位"}
    for i, p in zip(ids, ("35", "25", "28"), strict=True):
        data[f"r{rows[0].pk}-score_{i}"] = p
    for i, p in zip(ids, ("45", "二十", "20"), strict=True):
        data[f"r{rows[1].pk}-score_{i}"] = p
    response = client_for(city.clerk).post(url, data)
    page = _text(response)
    assert response.status_code == 400
    assert "超出范围：应在0到40分之间" in page and "评分未保存" in page
    # the value typed stays in its field, marked invalid; the others keep theirs
    assert re.search(rf'is-invalid" name="r{rows[1].pk}-score_{ids[0]}" id="[^"]+" value="45"', page)
    assert f'name="r{rows[0].pk}-score_{ids[1]}" id="id_r{rows[0].pk}-score_{ids[1]}" value="25"' in page
    assert "先填的意见不应丢失" in page and 'value="二十"' in page
    assert not MemberScore.objects.filter(evaluation=evaluation, total__isnull=False).exists()


def test_member_units_left_blank_stay_unscored(client_for, city, ev):
    evaluation, b = ev
    url = reverse("evaluation:score_body", args=[evaluation.pk, b["a"].pk])
    rows = list(MemberScore.objects.filter(evaluation=evaluation, body=b["a"]).order_by("department__order"))
    ids = _ids(evaluation)
    c = client_for(city.clerk)
    data = {f"r{r.pk}-version": r.version for r in rows}
    response = c.post(url, data)
    assert response.status_code == 400 and "请至少填写一个成员单位的得分" in _text(response)
    data.update({f"r{rows[0].pk}-score_{i}": p for i, p in zip(ids, ("35", "25", "28"), strict=True)})
    assert c.post(url, data).status_code == 302
    assert [r.total for r in MemberScore.objects.filter(pk__in=[r.pk for r in rows]).order_by("department__order")
            ] == [88, None]


def test_another_department_cannot_open_a_body_it_does_not_lead(client_for, city, ev):
    evaluation, b = ev
    assert client_for(city.gx_clerk).get(reverse("evaluation:score_body", args=[evaluation.pk, b["a"].pk])
                                         ).status_code == 404
    assert client_for(city.clerk).get(reverse("evaluation:score_body", args=[evaluation.pk, 999999])).status_code == 404


# ---- a member unit's own results --------------------------------------------------------------------------------

def test_a_member_unit_sees_its_own_results_only(client_for, city, ev):
    evaluation, b = ev
    score_all(evaluation)
    MemberScore.objects.filter(evaluation=evaluation, department=city.gxj).update(comment="工信局的评价意见")
    MemberScore.objects.filter(evaluation=evaluation, department=city.nyj).update(comment="农业农村局的评价意见")
    results.results_compute(evaluation)
    page = _text(client_for(city.gx_clerk).get(reverse("evaluation:my_results", args=[evaluation.pk])))
    assert "我单位评价结果：市工业和信息化局" in page
    assert "市重点项目建设领导小组" in page and "市物流业发展领导小组" in page
    assert "工信局的评价意见" in page and "农业农村局的评价意见" not in page and "市农业农村局" not in page
    # another department's id in the query string changes nothing
    page = _text(client_for(city.gx_clerk).get(reverse("evaluation:my_results", args=[evaluation.pk]),
                                               {"department": city.nyj.pk}))
    assert "农业农村局的评价意见" not in page


def test_on_a_body_s_page_a_member_unit_sees_its_own_row_and_the_lead_all(client_for, city, ev):
    evaluation, b = ev
    score_all(evaluation)
    MemberScore.objects.filter(evaluation=evaluation, department=city.nyj).update(comment="农业农村局的评价意见")
    se = se_of(evaluation, b["emergency"])  # led by 市应急管理局; 市发展改革委 and 市农业农村局 are members
    url = reverse("evaluation:result_detail", args=[evaluation.pk, se.pk])
    assert client_for(city.clerk).get(url).status_code == 404  # neither lead nor host
    se_a = se_of(evaluation, b["a"])
    url = reverse("evaluation:result_detail", args=[evaluation.pk, se_a.pk])
    assert "农业农村局的评价意见" in _text(client_for(city.clerk).get(url))  # fgw leads a: it gave the scores
    assert client_for(city.gx_clerk).get(url).status_code == 404


def test_ranking_roles_see_any_department_s_results(client_for, city, ev):
    evaluation, b = ev
    score_all(evaluation)
    results.results_compute(evaluation)
    page = _text(client_for(city.liangban).get(reverse("evaluation:department_results",
                                                       args=[evaluation.pk, city.nyj.pk])))
    assert "市农业农村局" in page and "市重点项目建设领导小组" in page
    assert client_for(city.gx_clerk).get(reverse("evaluation:department_results",
                                                 args=[evaluation.pk, city.nyj.pk])).status_code == 403
    assert client_for(city.bianban).get(reverse("evaluation:department_results",
                                                args=[evaluation.pk, city.qz_fgj.pk])).status_code == 404


# ---- ranking and candidates ---------------------------------------------------------------------------------------

def test_the_ranking_page_shows_scores_grades_ranks_exemplary_and_candidates(client_for, city, ev):
    evaluation, b = ev
    c = client_for(city.bianban)
    response = c.post(reverse("evaluation:results_compute", args=[evaluation.pk]))
    assert response.status_code == 302
    results.exemplary_mark(actor=city.bianban, self_evaluation=se_of(evaluation, b["a"]), note="标杆")
    page = _text(c.get(reverse("evaluation:ranking", args=[evaluation.pk]), {"category": "government"}))
    assert "结果已于" in page and "提出调整建议" in page and "典型标杆" in page
    table = page[page.index('id="ranking"'):]
    assert table.index("市重点项目建设领导小组") < table.index("市防汛抗旱指挥部") < table.index("市物流业发展领导小组")
    assert "96.0" in table and "高效" in table and "市招商引资联席会议" not in table
    assert "应急指挥或上级要求设立，不建议撤销" in table
    page = _text(c.get(reverse("evaluation:candidates", args=[evaluation.pk])))
    cands = page[page.index('id="candidates"'):]
    assert cands.index("市闲置工作领导小组") < cands.index("市防汛抗旱指挥部")
    assert "不建议撤销" in cands and "市重点项目建设领导小组" not in cands


def test_the_ranking_page_counts_the_proposals_drafted_from_the_evaluation_by_kind(client_for, city, ev):
    from yixie.core import proposals as core_proposals
    from yixie.evaluation import result_selectors

    evaluation, b = ev
    c = client_for(city.bianban)
    url = reverse("evaluation:ranking", args=[evaluation.pk])
    assert 'id="proposals-summary"' not in _text(c.get(url))  # none drafted: no block
    results.results_compute(evaluation)
    results.proposal_draft(actor=city.bianban, self_evaluation=se_of(evaluation, b["idle"]), kind="abolish",
                           reason="全年未开展工作")
    se = se_of(evaluation, b["b"])
    results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="rename", reason="职责调整",
                           new_name="市现代物流发展领导小组")
    taken = results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="reaffiliate", reason="职能划转",
                                   new_department=city.swj)
    core_proposals.proposal_raise(kind="abolish", region_id=city.city.pk, body_id=b["a"].pk, body_label="x",
                                  reason="另一来源", source="到期提醒", actor=None)  # not this evaluation's
    Proposal.objects.filter(pk=taken.pk).update(status="taken")
    counts = result_selectors.proposal_counts(evaluation)
    assert counts == {"total": 3, "kinds": [("撤销", 1), ("更名", 1), ("调整隶属关系", 1)],
                      "statuses": [("待处理", 2), ("已受理", 1)]}
    page = _text(c.get(url))
    block = page[page.index('id="proposals-summary"'):]
    block = block[:block.index("</div>")]
    assert "共3条" in block and "撤销1条、更名1条、调整隶属关系1条" in block and "待处理2条，已受理1条" in block


def test_the_ranking_lists_the_categories_in_the_ledger_s_order(client_for, city, ev):
    from yixie.evaluation import result_selectors
    from yixie.evaluation.models import SelfEvaluation

    evaluation, b = ev
    results.results_compute(evaluation)
    se = se_of(evaluation, b["b"])
    SelfEvaluation.objects.filter(pk=se.pk).update(category="party")  # "party" sorts after "government" as text
    rows = list(result_selectors.ranking(evaluation))
    order = list(result_selectors.CATEGORY_LABELS)
    assert rows[0].pk == se.pk
    assert [order.index(r.category) for r in rows] == sorted(order.index(r.category) for r in rows)
    page = _text(client_for(city.bianban).get(reverse("evaluation:ranking", args=[evaluation.pk])))
    table = page[page.index('id="ranking"'):]
    assert table.index("党委议事协调机构") < table.index("政府议事协调机构")


def test_departments_do_not_see_the_ranking_and_other_regions_are_out_of_scope(client_for, city, ev):
    evaluation, _b = ev
    url = reverse("evaluation:ranking", args=[evaluation.pk])
    assert client_for(city.clerk).get(url).status_code == 403
    assert client_for(city.qz_bianban).get(url).status_code == 404
    assert client_for(city.leader).get(url).status_code == 200
    assert client_for(city.liangban).post(reverse("evaluation:results_compute", args=[evaluation.pk])
                                          ).status_code == 403


def test_page_query_counts_do_not_grow_with_the_bodies(client_for, city, ev):
    evaluation, b = ev
    score_all(evaluation)
    results.results_compute(evaluation)
    bb, gx = client_for(city.bianban), None
    urls = [reverse("evaluation:ranking", args=[evaluation.pk]), reverse("evaluation:supervision", args=[evaluation.pk]),
            reverse("evaluation:candidates", args=[evaluation.pk])]

    def counts(c, urls):
        out = []
        for url in urls:
            c.get(url)  # the first request of a session loads it once
            with CaptureQueriesContext(connection) as q:
                assert c.get(url).status_code == 200
            out.append(len(q.captured_queries))
        return out

    before = counts(bb, urls)
    from django.test import Client

    gx = Client()
    gx.force_login(city.gx_clerk, backend="django.contrib.auth.backends.ModelBackend")
    mine = [reverse("evaluation:my_results", args=[evaluation.pk])]
    mine_before = counts(gx, mine)
    for k in range(8):
        establish(city.city, name=f"市第{k}专项工作领导小组", lead=city.fgw, members=[city.gxj, city.nyj])
    from yixie.evaluation.models import SelfEvaluation
    from yixie.ledger.models import Body

    for body in Body.objects.filter(name__startswith="市第"):
        SelfEvaluation.objects.create(evaluation=evaluation, body=body, department=city.fgw, lead_department=city.fgw,
                                      name=body.name, category="government", legal_ground="local", meetings_held=0)
        for d in (city.gxj, city.nyj):
            MemberScore.objects.create(evaluation=evaluation, body=body, department=d, lead_department=city.fgw)
    score_all(evaluation)
    results.results_compute(evaluation)
    assert counts(bb, urls) == before
    assert counts(gx, mine) == mine_before
    assert max(before) <= 16 and mine_before[0] <= 14


# ---- 典型标杆 and proposals through the pages ---------------------------------------------------------------------

def test_marking_an_exemplary_body_on_its_page(client_for, city, ev):
    evaluation, b = ev
    se = se_of(evaluation, b["a"])
    url = reverse("evaluation:exemplary", args=[evaluation.pk, se.pk])
    assert client_for(city.bianban).post(url, {"note": "周调度机制"}).status_code == 302
    se.refresh_from_db()
    assert se.exemplary and se.exemplary_note == "周调度机制"
    assert client_for(city.clerk).post(url, {"unmark": "1"}).status_code == 403
    client_for(city.bianban).post(url, {"unmark": "1"})
    se.refresh_from_db()
    assert not se.exemplary


def test_a_proposal_drafted_on_the_page_reaches_the_lead_department_s_application_draft(client_for, city, ev):
    evaluation, b = ev
    results.results_compute(evaluation)
    se = se_of(evaluation, b["idle"])
    url = reverse("evaluation:propose", args=[evaluation.pk, se.pk])
    c = client_for(city.bianban)
    page = _text(c.get(url))
    assert "全年未召开会议" in page and 'value="abolish"' in page
    response = c.post(url, {"kind": "abolish", "reason": "全年未召开会议，未开展工作"})
    assert response.status_code == 302
    p = Proposal.objects.get()
    assert p.source == "多方评价" and p.evidence["candidate"] == "no_meeting" and p.body_id == b["idle"].pk
    detail = _text(c.get(reverse("evaluation:result_detail", args=[evaluation.pk, se.pk])))
    assert "全年未召开会议，未开展工作" in detail and "纳入正在进行的调整规范行动" in detail
    # the lead department takes it through the intake's registered taker (the approval workflow)
    takers = {t.key: t for t in registry.PROPOSAL_TAKERS}
    draft = client_for(city.clerk).get(takers["approvals"].url(p))
    assert draft.status_code == 200
    text = _text(draft)
    assert "编办建议" in text and "全年召开会议0次" in text


def test_an_exempt_candidate_s_abolition_is_refused_on_the_form(client_for, city, ev):
    evaluation, b = ev
    results.results_compute(evaluation)
    se = se_of(evaluation, b["emergency"])
    response = client_for(city.bianban).post(reverse("evaluation:propose", args=[evaluation.pk, se.pk]),
                                             {"kind": "abolish", "reason": "未开会"})
    page = _text(response)
    assert response.status_code == 400 and "不因运行情况提出撤销建议" in page and "未开会" in page
    assert not Proposal.objects.exists()
    response = client_for(city.bianban).post(reverse("evaluation:propose", args=[evaluation.pk, se.pk]),
                                             {"kind": "merge", "reason": "合并", "merge_into": "99999999999999999999"})
    assert response.status_code == 400 and not Proposal.objects.exists()


# ---- the supervision export and the charts -------------------------------------------------------------------------

def test_the_supervision_export_has_one_row_per_department(client_for, city, ev):
    from openpyxl import load_workbook

    evaluation, b = ev
    score_all(evaluation, points=("36", "27", "27"))
    ms = MemberScore.objects.get(evaluation=evaluation, body=b["a"], department=city.gxj)
    ids = _ids(evaluation)
    results.member_score_save(actor=city.clerk, score_row=ms, scores={str(ids[0]): "30", str(ids[1]): "20",
                                                                       str(ids[2]): "20"})
    results.results_compute(evaluation)
    response = client_for(city.bianban).get(reverse("evaluation:supervision_export", args=[evaluation.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:9] == ("序号", "部门名称", "统一社会信用代码", "评价年度", "牵头机构数", "参与机构数（成员单位）",
                           "已评价机构数", "成员单位平均得分", "等次")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["市发展和改革委员会"][4:9] == (3, 2, 2, 90.0, "高效")  # leads a, b, idle; member of 2
    assert by_name["市工业和信息化局"][4:9] == (0, 2, 2, 80.0, "平稳")  # (70 + 90) / 2
    assert by_name["市应急管理局"][4:7] == (1, 0, 0) and by_name["市应急管理局"][8] == "未评价"
    assert "市委机构编制委员会办公室" not in by_name
    assert client_for(city.clerk).get(reverse("evaluation:supervision_export", args=[evaluation.pk])).status_code == 403


def test_the_charts_page_draws_grades_by_category_and_year_and_departments(client_for, city, ev):
    evaluation, b = ev
    score_all(evaluation)
    results.results_compute(evaluation)
    page = _text(client_for(city.bianban).get(reverse("evaluation:charts")))
    assert "echarts/dist/echarts.min.js" in page and "yixie/charts.js" in page
    grade = json.loads(re.search(r'<script id="grade-chart-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert grade["xAxis"]["data"] == ["政府\n2025年", "联席会议\n2025年"]
    assert [s["name"] for s in grade["series"]] == ["高效", "平稳", "缺失"]
    # government: a 96 高效, emergency 70 平稳, b 35 and idle 0 缺失; the joint meeting 高效
    assert [s["data"] for s in grade["series"]] == [[1, 1], [1, None], [2, None]]  # no empty bar segments
    member = json.loads(re.search(r'<script id="member-chart-data" type="application/json">(.*?)</script>', page,
                                  re.S)[1])
    assert "市工业和信息化局" in member["yAxis"]["data"]
    assert "<script>" not in page.replace('<script id=', '')  # no inline script (CSP)
