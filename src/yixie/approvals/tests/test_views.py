"""Approval pages through the full stack: forms, actions, bad input, scopes."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yixie.approvals.choices import ApplicationStatus as S
from yixie.approvals.models import Application
from yixie.testing.factories import establish

from .conftest import PDF

pytestmark = pytest.mark.django_db


def create_payload(city, **over):
    data = {
        "kind_fixed": "establish", "reasons": "省级设有对口机构，工作跨部门。",
        "name": "市预制菜产业发展工作领导小组", "category": "government", "form": "领导小组", "sequence": "government",
        "legal_ground": "counterpart", "lead_department": city.fgw.pk, "office_department": city.nyj.pk,
        "leader": city.mayor.pk, "deputies": [city.vice.pk],
        "members": [city.fgw.pk, city.gxj.pk, city.nyj.pk, city.swj.pk], "principal_members": [city.fgw.pk],
        "duties": "统筹推进全市预制菜产业发展。", "task_scope": "single",
    }
    data.update(over)
    return data


def test_clerk_drafts_hr_submits_general_office_accepts(client_for, city):
    c = client_for(city.clerk)
    r = c.post(reverse("approvals:new") + "?kind=establish", create_payload(city))
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get()
    detail = c.get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert "请上传草拟的工作规则" in detail
    r = c.post(reverse("approvals:attach", args=[app.pk]),
               {"kind": "rules", "file": SimpleUploadedFile("规则.pdf", PDF)}, follow=True)
    assert "材料已上传" in r.content.decode()
    # The drafting clerk may not submit; the HR section does.
    assert c.post(reverse("approvals:submit", args=[app.pk])).status_code == 403
    r = client_for(city.hr).post(reverse("approvals:submit", args=[app.pk]), follow=True)
    assert "申请已提交" in r.content.decode()
    lb = client_for(city.liangban)
    assert "受理" in lb.get(reverse("approvals:todo")).content.decode()
    r = lb.post(reverse("approvals:accept", args=[app.pk]), {"acc-decision": "approve"}, follow=True)
    assert "已受理" in r.content.decode()
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW
    page = client_for(city.bianban).get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert "编办审核" in page and "逐项填写审核要点" in page and "领导兼职情况" in page


@pytest.mark.parametrize("over, message", [
    ({"name": ""}, "这个字段是必填项"),
    ({"is_temporary": "on"}, "临时机构须写明"),
    ({"lead_department": "999999"}, "选择一个有效的选项"),
    ({"ends_on": "2026-02-30", "is_temporary": "on"}, "日期"),
])
def test_bad_draft_input_is_answered_in_chinese(client_for, city, over, message):
    r = client_for(city.clerk).post(reverse("approvals:new") + "?kind=establish", create_payload(city, **over))
    text = r.content.decode()
    if r.status_code == 302:  # rule findings only block submission: shown on the detail page
        text = client_for(city.clerk).get(r["Location"]).content.decode()
    assert message in text


def test_wrong_file_type_refused(client_for, city):
    c = client_for(city.clerk)
    c.post(reverse("approvals:new") + "?kind=establish", create_payload(city))
    app = Application.objects.get()
    r = c.post(reverse("approvals:attach", args=[app.pk]),
               {"kind": "rules", "file": SimpleUploadedFile("规则.pdf", b"GIF89a not a pdf")}, follow=True)
    assert "不是有效的PDF文件" in r.content.decode()
    assert app.files.count() == 0


def test_refused_action_shows_a_message_not_a_500(client_for, city):
    c = client_for(city.clerk)
    c.post(reverse("approvals:new") + "?kind=establish", create_payload(city))
    app = Application.objects.get()
    r = client_for(city.hr).post(reverse("approvals:submit", args=[app.pk]), follow=True)
    assert r.status_code == 200 and "工作规则" in r.content.decode()
    r = client_for(city.liangban).post(reverse("approvals:accept", args=[app.pk]), follow=True)
    assert r.status_code == 404  # drafts are invisible to the general offices
    r = client_for(city.bianban).post(reverse("approvals:review", args=[app.pk, "nonsense"]))
    assert r.status_code == 404


def test_county_clerk_cannot_see_city_application(client_for, city):
    c = client_for(city.clerk)
    c.post(reverse("approvals:new") + "?kind=establish", create_payload(city))
    app = Application.objects.get()
    assert client_for(city.qz_clerk).get(reverse("approvals:detail", args=[app.pk])).status_code == 404
    assert client_for(city.yj_clerk).get(reverse("approvals:detail", args=[app.pk])).status_code == 404


def test_change_application_prefills_the_body_state(client_for, city):
    body = establish(city.city, name="市安全生产委员会", lead=city.fgw, on=date(2015, 1, 1))
    page = client_for(city.clerk).get(reverse("approvals:new") + f"?kind=rename&body={body.pk}").content.decode()
    assert 'value="市安全生产委员会"' in page


def test_stats_page(client_for, city):
    r = client_for(city.bianban).get(reverse("approvals:stats"))
    assert r.status_code == 200 and "当天提出审核意见" in r.content.decode()
    assert client_for(city.clerk).get(reverse("approvals:stats")).status_code == 403


def test_stats_page_draws_turnaround_charts_from_json_script(client_for, city):
    import json
    import re

    from .turnaround_data import decided_reviews

    page = client_for(city.bianban).get(reverse("approvals:stats")).content.decode()
    assert 'id="turnaround-chart-empty"' in page and "data-chart=" not in page and "echarts.min.js" in page
    decided_reviews(city)
    page = client_for(city.bianban).get(reverse("approvals:stats")).content.decode()
    assert 'data-chart="turnaround-chart-data"' in page and 'data-chart="same-day-chart-data"' in page
    assert re.search(r'<script src="/static/echarts/dist/echarts\.min\.js[^"]*" defer>', page)
    assert re.search(r'<script src="/static/yixie/charts\.js[^"]*" defer>', page)
    option = json.loads(re.search(r'<script id="turnaround-chart-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert option["xAxis"]["data"][:2] == ["两办受理", "编办审核"]
    median, longest = option["series"]
    assert (median["name"], median["data"][0], longest["data"][0]) == ("用时中位数", 3.0, 30.0)
    assert median["data"][2] is None  # no 组织部 review decided yet: a gap, not a zero
    donut = json.loads(re.search(r'<script id="same-day-chart-data" type="application/json">(.*?)</script>',
                                 page, re.S).group(1))
    assert [(d["name"], d["value"]) for d in donut["series"][0]["data"]] == [("当天办结", 1), ("次日及以后", 1)]
    assert '<table class="table table-sm yx-table bg-white border mb-0" id="steps">' in page  # kept for print


def test_pages_without_charts_do_not_load_echarts(client_for, city):
    assert "echarts" not in client_for(city.bianban).get(reverse("approvals:todo")).content.decode()


def test_bad_meeting_and_publication_input_is_named(client_for, city):
    from django.utils import timezone

    from yixie.approvals import services
    from yixie.approvals.choices import Decision, ReviewStep

    from .conftest import ALL_YES, draft

    app = services.submit(actor=city.hr, app=draft(city))
    app = services.accept(actor=city.liangban, app=app)
    app = services.review(actor=city.bianban, app=app, step=ReviewStep.ESTABLISHMENT, decision=Decision.APPROVE,
                          checklist=ALL_YES)
    app = services.review(actor=city.zuzhibu, app=app, step=ReviewStep.PERSONNEL, decision=Decision.APPROVE)
    c = client_for(city.liangban)
    r = c.post(reverse("approvals:deliberate", args=[app.pk]), {"held_on": "2023-13-01", "session": "",
                                                               "agenda_item": "x", "approved": "yes"}, follow=True)
    text = r.content.decode()
    assert "会议信息有误" in text and "会议日期" in text and "会议届次" in text
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    r = c.post(reverse("approvals:deliberate", args=[app.pk]), {"held_on": future, "session": "第1次",
                                                               "agenda_item": "x", "approved": "yes"}, follow=True)
    assert "不能晚于今天" in r.content.decode()
    today = timezone.localdate()
    c.post(reverse("approvals:deliberate", args=[app.pk]), {"held_on": today.isoformat(), "session": "第1次",
                                                           "agenda_item": "x", "approved": "yes"})
    r = c.post(reverse("approvals:publish", args=[app.pk]), {"number": f"潍政字{today.year}号", "issuer": "潍坊市人民政府",
                                                            "issued_on": today.isoformat(), "title": "通知"},
               follow=True)
    assert "文号" in r.content.decode() and "〔" in r.content.decode()
    app.refresh_from_db()
    assert app.status == "decided"


def test_bianban_may_widen_the_overlap_check_to_subordinate_regions(client_for, city):
    from yixie.approvals import services
    from yixie.overlap import api as overlap

    from .conftest import draft

    overlap.invalidate()
    establish(city.county, name="青州市预制菜产业发展工作专班", lead=city.qz_fgj,
              duties="统筹推进青州市预制菜产业发展，建设预制菜原料基地。")
    app = services.submit(actor=city.hr, app=draft(city))
    app = services.accept(actor=city.liangban, app=app)
    url = reverse("approvals:detail", args=[app.pk])
    bb = client_for(city.bianban)
    page = bb.get(url).content.decode()
    assert "含下辖地区" in page and "青州市预制菜产业发展工作专班" not in page
    page = bb.get(url + "?overlaps=wide").content.decode()
    assert "青州市预制菜产业发展工作专班" in page and "仅本级" in page
    # The applicant's clerk sees the evidence of the own region only, and no toggle.
    page = client_for(city.clerk).get(url + "?overlaps=wide").content.decode()
    assert "含下辖地区" not in page and "青州市预制菜产业发展工作专班" not in page
    overlap.invalidate()
