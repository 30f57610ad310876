"""The dispute pages as each role uses them: the whole procedure through the forms, refusals on their field with
what was typed kept, the division in force meanwhile, overdue stages, 404 out of scope, query counts."""

import re
from datetime import timedelta

from django.urls import reverse

from yixie.ledger.choices import EventKind
from yixie.rules.choices import DisputeStatus, WorkRulesStatus
from yixie.rules.models import Dispute

from .samples_disputes import TASK, TODAY, a_dispute, dispute_world, pdf


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_member_raises_from_the_bodys_page_prefilled(city, client_for):
    body = dispute_world(city)
    c = client_for(city.gx_clerk)
    page = c.get(reverse("rules:dispute_new") + f"?body={body.pk}")
    assert page.status_code == 200 and page.context["form"].initial["body"] == body.pk
    content = text(page)
    assert "市商务局" in content and f"第1项：{TASK}" in content and "负责餐饮行业燃气使用安全的行业管理。" in content
    assert "市工业和信息化局" not in [str(x) for x in page.context["form"].fields["parties"].queryset]
    task = city._dispute_task
    r = c.post(reverse("rules:dispute_new"), {"body": body.pk, "matter": "餐饮燃气", "objection": "分工不清。",
                                              "parties": [city.swj.pk], "cited_task": task.pk})
    d = Dispute.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("rules:dispute", kwargs={"pk": d.pk})
    assert d.raised_by == city.gxj and d.cited_task == task and d.raised_by_user == city.gx_clerk


def test_a_department_not_in_the_body_gets_nothing_to_raise_on(city, client_for):
    body = dispute_world(city)
    c = client_for(city.clerk)
    page = c.get(reverse("rules:dispute_new") + f"?body={body.pk}")
    assert page.status_code == 200 and page.context["body"] is None
    assert "不是任何议事协调机构的成员单位" in text(page)
    r = c.post(reverse("rules:dispute_new"), {"body": body.pk, "matter": "x", "objection": "y",
                                              "parties": [city.swj.pk]})
    assert r.status_code == 200 and "body" in r.context["form"].errors and Dispute.objects.count() == 0


def test_the_whole_procedure_through_the_pages(city, client_for):
    d = a_dispute(city)
    host = client_for(city.yj_clerk)
    page = text(host.get(reverse("rules:dispute", kwargs={"pk": d.pk})))
    assert "争议处理期间，按原分工执行。" in page and "主办 市应急管理局；协办 市工业和信息化局" in page
    assert "登记协商情况" in page and reverse("rules:dispute_escalate", kwargs={"pk": d.pk}) not in page
    # escalation before a consultation: refused with the words
    r = host.post(reverse("rules:dispute_escalate", kwargs={"pk": d.pk}),
                  {"on": TODAY.isoformat(), "note": "分歧大", "version": d.version})
    assert r.status_code == 200 and "尚未登记协商情况，不能提请编办协调；请先组织成员单位协商。" in text(r)
    assert "分歧大" in text(r)  # what was typed is kept
    r = host.post(reverse("rules:dispute_consult", kwargs={"pk": d.pk}), {
        "held_on": TODAY.isoformat(), "present": [city.gxj.pk, city.swj.pk, city.yjj.pk], "agreed": "no",
        "summary": "各方意见不一。", "version": d.version})
    assert r.status_code == 302, r.context["form"].errors if r.status_code == 200 else ""
    d.refresh_from_db()
    r = host.post(reverse("rules:dispute_escalate", kwargs={"pk": d.pk}),
                  {"on": TODAY.isoformat(), "note": "分歧较大，提请编办协调。", "version": d.version,
                   "files": [pdf("材料一.pdf"), pdf("材料二.pdf")]})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == DisputeStatus.ESCALATED and d.files.count() == 2
    bb = client_for(city.bianban)
    page = text(bb.get(reverse("rules:dispute", kwargs={"pk": d.pk})))
    assert "提出协调意见" in page and "提交编委会研究" in page
    r = bb.post(reverse("rules:dispute_opinion", kwargs={"pk": d.pk}), {
        "on": TODAY.isoformat(), "text": "由市商务局主办。", "principal": [city.swj.pk], "assisting": [city.yjj.pk],
        "document_number": "", "document_issuer": "中共潍坊市委机构编制委员会办公室", "document_title": "协调意见",
        "move_duty": "", "move_text": "", "version": d.version})
    assert r.status_code == 302, r.context["form"].errors if r.status_code == 200 else ""
    d.refresh_from_db()
    assert d.status == DisputeStatus.SETTLED and d.ledger_event.kind == EventKind.DIVISION
    page = text(bb.get(reverse("rules:dispute", kwargs={"pk": d.pk})))
    assert "已办结" in page and "（无文号）" in page and "已据此修订为" in page and "争议处理期间" not in page
    # the raiser sees the status; an outsider gets 404
    assert client_for(city.gx_clerk).get(reverse("rules:dispute", kwargs={"pk": d.pk})).status_code == 200
    assert client_for(city.clerk).get(reverse("rules:dispute", kwargs={"pk": d.pk})).status_code == 404
    body_page = text(client_for(city.bianban).get(reverse("ledger:body_detail", kwargs={"pk": d.body_id})))
    assert "职责分工调整" in body_page


def test_a_refused_consultation_keeps_what_was_typed(city, client_for):
    d = a_dispute(city)
    r = client_for(city.yj_clerk).post(reverse("rules:dispute_consult", kwargs={"pk": d.pk}), {
        "held_on": TODAY.isoformat(), "present": [city.gxj.pk], "agreed": "no", "summary": "只来了一家。",
        "version": d.version})
    assert r.status_code == 200 and r.context["form"].errors["present"] == ["协商应至少有两个单位参加，请选择参加单位。"]
    assert "只来了一家。" in text(r)


def test_a_stale_page_is_refused_not_lost(city, client_for):
    d = a_dispute(city, stage="agreed")
    r = client_for(city.bianban).post(reverse("rules:dispute_file", kwargs={"pk": d.pk}),
                                      {"on": TODAY.isoformat(), "version": d.version - 1})
    assert r.status_code == 200 and "已被他人办理或修改" in text(r)
    d.refresh_from_db()
    assert d.status == DisputeStatus.AGREED


def test_the_list_shows_overdue_stages_and_filters(city, client_for):
    late = a_dispute(city)  # raised 40 days ago, consultation due in 30: 10 days overdue
    done = a_dispute(city, 1, stage="settled")
    c = client_for(city.bianban)
    page = text(c.get(reverse("rules:disputes")))
    assert "超期10天" in page and late.matter in page and done.matter in page
    page = text(c.get(reverse("rules:disputes") + "?overdue=1"))
    assert late.matter in page and done.matter not in page
    page = text(c.get(reverse("rules:disputes") + "?status=settled"))
    assert late.matter not in page and done.matter in page
    detail = text(c.get(reverse("rules:dispute", kwargs={"pk": late.pk})))
    assert "超期10天" in detail


def test_the_list_filter_by_body_goes_through_the_scope(city, client_for):
    from yixie.ledger.models import Body

    a_dispute(city)
    county_body = Body.objects.get(name="青州市安全生产测试委员会")
    page = client_for(city.gx_clerk).get(reverse("rules:disputes") + f"?body={county_body.pk}")
    assert page.status_code == 200 and page.context["body"] is None and page.context["rows"] == []


def test_the_detail_page_costs_the_same_whatever_the_stage_history(city, client_for, django_assert_max_num_queries):
    small = a_dispute(city)
    big = a_dispute(city, 1, stage="escalated")
    c = client_for(city.bianban)
    counts = []
    for d in (small, big):
        c.get(reverse("rules:dispute", kwargs={"pk": d.pk}))
        with django_assert_max_num_queries(30) as captured:
            assert c.get(reverse("rules:dispute", kwargs={"pk": d.pk})).status_code == 200
        counts.append(len(captured))
    assert abs(counts[0] - counts[1]) <= 2, counts


def test_a_settled_dispute_on_a_body_without_work_rules_says_so(city, client_for):
    from yixie.rules.models import WorkRules

    d = a_dispute(city, stage="agreed")
    WorkRules.objects.update(status=WorkRulesStatus.DRAFT)
    page = text(client_for(city.bianban).get(reverse("rules:dispute", kwargs={"pk": d.pk})))
    assert "该机构尚无已备案的工作规则，按各单位现行职责执行。" in page
    client_for(city.bianban).post(reverse("rules:dispute_file", kwargs={"pk": d.pk}),
                                  {"on": TODAY.isoformat(), "version": d.version})
    page = text(client_for(city.bianban).get(reverse("rules:dispute", kwargs={"pk": d.pk})))
    assert "该机构没有已备案的工作规则，未修订工作规则" in page


def test_minutes_and_materials_download_for_those_who_see(city, client_for):
    d = a_dispute(city, stage="agreed")
    consultation = d.consultations.get()
    url = reverse("rules:dispute_minutes", kwargs={"pk": d.pk, "c_pk": consultation.pk})
    assert client_for(city.gx_clerk).get(url).status_code == 200
    assert client_for(city.clerk).get(url).status_code == 404
    e = a_dispute(city, 1, stage="escalated")
    f = e.files.get()
    assert client_for(city.bianban).get(reverse("rules:dispute_download", kwargs={"pk": e.pk, "file_pk": f.pk})
                                        ).status_code == 200
    assert client_for(city.bianban).get(reverse("rules:dispute_download", kwargs={"pk": d.pk, "file_pk": f.pk})
                                        ).status_code == 404
    assert TODAY - timedelta(days=1) < TODAY
