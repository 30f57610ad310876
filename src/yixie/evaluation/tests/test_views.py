"""The evaluation pages through the full stack: opening from the form, the self-evaluation refused in Chinese
at the field with nothing lost, evidence, the deadline and reopening, the three offices' check, scopes per
role, and constant query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yixie.core.models import AuditEntry
from yixie.evaluation import services
from yixie.evaluation.choices import CheckVerdict, Method, Office, SelfStatus, Target
from yixie.evaluation.models import Evaluation, EvaluationCheck, EvidenceFile, IndicatorSystem, SelfEvaluation
from yixie.meetings.models import Meeting
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
    c.a = establish(c.city, name="市甲领导小组", lead=c.fgw, members=[c.gxj], on=date(2019, 3, 1))
    c.b = establish(c.city, name="市乙领导小组", lead=c.gxj, office=c.fgw, members=[c.nyj], on=date(2019, 3, 1))
    c.c = establish(c.city, name="市丙领导小组", lead=c.nyj, members=[c.fgw], on=date(2019, 3, 1))
    c.q = establish(c.county, name="青州市甲领导小组", lead=c.qz_fgj, on=date(2019, 3, 1))
    Meeting.objects.create(body=c.a, region=c.city, kind="full", held_on=date(2021, 4, 1), title="全体会议")
    c.system = services.system_create(actor=c.bianban, region=c.city, year=2021, title="潍坊市2021年度评价指标体系")
    return c


def login(user) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def opened(c, deadline=None, opened_on=TODAY) -> Evaluation:
    return services.evaluation_open(actor=c.bianban, region=c.city, year=2021, carried_out_in=2022, system=c.system,
                                    opened_on=opened_on, deadline=deadline or TODAY + timedelta(days=10),
                                    scoring_deadline=TODAY + timedelta(days=20))


def se_of(ev, body) -> SelfEvaluation:
    return SelfEvaluation.objects.get(evaluation=ev, body=body)


def payload(se, **over) -> dict:
    data = {"version": str(se.version), "meetings_held": "3", "documents_issued": "2", "problems_coordinated": "5",
            "tasks_planned": "10", "tasks_done": "8", "mechanisms": "工作规则", "duties_performed": "",
            "highlights": "协调解决问题5个。", "shortcomings": "会议偏少。", "next_plan": "按季度开会。"}
    data.update(over)
    return data


def test_opening_an_evaluation_from_the_form_freezes_the_system(world):
    c = world
    b = login(c.bianban)
    page = b.get(reverse("evaluation:new"))
    assert page.status_code == 200 and "部署年度评价" in page.content.decode()
    r = b.post(reverse("evaluation:new"), {
        "region": c.city.pk, "year": "2021", "carried_out_in": "2022", "title": "", "system": c.system.pk,
        "opened_on": TODAY.isoformat(), "deadline": (TODAY + timedelta(days=10)).isoformat(),
        "scoring_deadline": (TODAY + timedelta(days=20)).isoformat()})
    ev = Evaluation.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("evaluation:detail", args=[ev.pk])
    assert ev.title == "潍坊市2021年度议事协调机构运行成效评价"
    assert ev.self_evaluations.count() == 3
    assert IndicatorSystem.objects.get(pk=c.system.pk).is_frozen
    page = b.get(reverse("evaluation:detail", args=[ev.pk])).content.decode()
    assert "各部门自评进度" in page and "市发展和改革委员会" in page
    # the frozen system is read-only: no edit buttons, and an addition is refused with the reason
    editor = b.get(reverse("evaluation:system", args=[c.system.pk])).content.decode()
    assert 'id="read-only"' in editor and "已冻结" in editor and "indicator_remove" not in editor
    r = b.post(reverse("evaluation:system", args=[c.system.pk]), {
        "version": str(IndicatorSystem.objects.get(pk=c.system.pk).version), "target": "body",
        "dimension": "results", "name": "新指标", "weight": "5", "method": "grade", "source": "", "norm": ""})
    assert r.status_code == 200 and "冻结" in r.content.decode()


def test_a_refused_open_form_keeps_what_was_typed(world):
    c = world
    r = login(c.bianban).post(reverse("evaluation:new"), {
        "region": c.city.pk, "year": "2021", "carried_out_in": "2020", "title": "我的评价", "system": c.system.pk,
        "opened_on": TODAY.isoformat(), "deadline": TODAY.isoformat(), "scoring_deadline": TODAY.isoformat()})
    content = r.content.decode()
    assert r.status_code == 200 and "开展年份2020年早于评价年度2021年" in content
    assert 'value="我的评价"' in content
    assert not Evaluation.objects.exists()


def test_the_form_shows_what_the_product_knew_beside_each_figure_and_the_indicator_lines(world):
    c = world
    ev = opened(c)
    page = login(c.clerk).get(reverse("evaluation:selfeval", args=[se_of(ev, c.a).pk])).content.decode()
    assert "系统已知：会议登记1次（全体会议1次）" in page
    assert 'name="meetings_held"' in page and 'value="1"' in page
    for name in ("召开会议", "协调成效", "待编办评定"):
        assert name in page


def test_a_figure_that_is_not_a_number_is_refused_at_its_field_and_nothing_is_lost(world):
    c = world
    ev = opened(c)
    se = se_of(ev, c.a)  # hosted by 市发展改革委
    r = login(c.clerk).post(reverse("evaluation:selfeval", args=[se.pk]), payload(se, problems_coordinated="五个"))
    assert r.status_code == 200
    form = r.context["form"]
    assert "协调解决问题数应填写不小于0的整数，收到“五个”" in form.errors["problems_coordinated"][0]
    content = r.content.decode()
    assert 'value="五个"' in content and "协调解决问题5个。" in content and "按季度开会。" in content
    assert SelfEvaluation.objects.get(pk=se.pk).version == 1
    r = login(c.clerk).post(reverse("evaluation:selfeval", args=[se.pk]), payload(se))
    assert r.status_code == 302
    se.refresh_from_db()
    assert se.problems_coordinated == 5 and se.version == 2


def test_two_tabs_the_second_save_is_refused_with_its_input_kept(world):
    c = world
    ev = opened(c)
    se = se_of(ev, c.a)
    login(c.clerk).post(reverse("evaluation:selfeval", args=[se.pk]), payload(se, meetings_held="4"))
    r = login(c.hr).post(reverse("evaluation:selfeval", args=[se.pk]), payload(se, meetings_held="6"))
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()
    assert 'value="6"' in r.content.decode()
    assert SelfEvaluation.objects.get(pk=se.pk).meetings_held == 4


def test_evidence_of_the_wrong_type_is_refused_on_the_page(world):
    c = world
    ev = opened(c)
    se = se_of(ev, c.a)
    b = login(c.clerk)
    url = reverse("evaluation:evidence", args=[se.pk])
    r = b.post(url, {"file": SimpleUploadedFile("会议纪要.doc", b"\xd0\xcf\x11\xe0old word")})
    assert r.status_code == 200 and "类型不受支持" in r.content.decode()
    r = b.post(url, {"file": SimpleUploadedFile("会议纪要.pdf", b"this is not a pdf at all")})
    assert r.status_code == 200 and "扩展名与实际内容不符" in r.content.decode()
    assert not EvidenceFile.objects.exists()
    r = b.post(url, {"file": SimpleUploadedFile("会议纪要.pdf", PDF)})
    assert r.status_code == 302
    f = EvidenceFile.objects.get()
    download = b.get(reverse("evaluation:evidence_file", args=[se.pk, f.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # another department cannot upload or download
    assert login(c.yj_clerk).post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    assert login(c.yj_clerk).get(reverse("evaluation:evidence_file", args=[se.pk, f.pk])).status_code == 404


def test_the_business_section_drafts_the_hr_section_submits(world):
    c = world
    ev = opened(c)
    se = se_of(ev, c.a)
    login(c.clerk).post(reverse("evaluation:selfeval", args=[se.pk]), payload(se))
    page = login(c.clerk).get(reverse("evaluation:selfeval", args=[se.pk])).content.decode()
    assert "报送由本部门组织人事科室办理" in page
    assert login(c.clerk).post(reverse("evaluation:submit", args=[se.pk])).status_code == 403
    r = login(c.hr).post(reverse("evaluation:submit", args=[se.pk]), follow=True)
    se.refresh_from_db()
    assert se.status == SelfStatus.SUBMITTED and se.self_score is not None
    assert "已报送" in r.content.decode()
    assert AuditEntry.objects.filter(action="报送运行成效自评", target_id=str(se.pk), actor=c.hr).exists()


def test_a_draft_is_saved_with_figures_still_missing_and_the_submission_names_them(world):
    c = world
    ev = opened(c)
    se = se_of(ev, c.a)
    data = {**payload(se), "problems_coordinated": "", "tasks_done": ""}
    r = login(c.clerk).post(reverse("evaluation:selfeval", args=[se.pk]), data)
    assert r.status_code == 302
    se.refresh_from_db()
    assert se.problems_coordinated is None and se.tasks_done is None and se.meetings_held is not None
    r = login(c.hr).post(reverse("evaluation:submit", args=[se.pk]), follow=True)
    html = r.content.decode()
    assert "还缺少" in html and "协调解决问题数" in html and "完成重点任务数" in html
    assert SelfEvaluation.objects.get(pk=se.pk).status == SelfStatus.DRAFT


def test_after_the_deadline_only_a_reopening_lets_the_hr_section_submit(world):
    c = world
    ev = opened(c, deadline=TODAY - timedelta(days=1), opened_on=TODAY - timedelta(days=30))
    se = se_of(ev, c.a)
    login(c.clerk).post(reverse("evaluation:selfeval", args=[se.pk]), payload(se))
    r = login(c.hr).post(reverse("evaluation:submit", args=[se.pk]), follow=True)
    assert "截止日期" in r.content.decode() and "准予补报" in r.content.decode()
    assert SelfEvaluation.objects.get(pk=se.pk).status == SelfStatus.DRAFT
    board = login(c.bianban).get(reverse("evaluation:detail", args=[ev.pk])).context["progress"]
    assert board["total"].overdue == 3
    # reopening: 编办 only, a reason needed
    assert login(c.hr).get(reverse("evaluation:reopen", args=[se.pk])).status_code == 403
    assert login(c.liangban).get(reverse("evaluation:reopen", args=[se.pk])).status_code == 403
    r = login(c.bianban).post(reverse("evaluation:reopen", args=[se.pk]),
                              {"until": (TODAY + timedelta(days=3)).isoformat(), "reason": ""})
    assert r.status_code == 200 and "请写明准予补报的理由" in r.content.decode()
    r = login(c.bianban).post(reverse("evaluation:reopen", args=[se.pk]),
                              {"until": (TODAY + timedelta(days=3)).isoformat(), "reason": "机构改革后材料重新收集。"})
    assert r.status_code == 302
    assert login(c.hr).post(reverse("evaluation:submit", args=[se.pk])).status_code == 302
    assert SelfEvaluation.objects.get(pk=se.pk).status == SelfStatus.SUBMITTED
    board = login(c.bianban).get(reverse("evaluation:detail", args=[ev.pk])).context["progress"]
    assert board["total"].overdue == 2 and board["total"].submitted == 1


def submitted(c, ev, body) -> SelfEvaluation:
    se = se_of(ev, body)
    services.selfeval_save(actor=None, self_evaluation=se, data={
        "meetings_held": 3, "documents_issued": 2, "problems_coordinated": 5, "tasks_planned": 10, "tasks_done": 8,
        "highlights": "亮点", "shortcomings": "短板", "next_plan": "打算"})
    return services.selfeval_submit(actor=None, self_evaluation=se)


def test_the_three_offices_check_each_with_its_own_say(world):
    c = world
    ev = opened(c)
    se = submitted(c, ev, c.a)
    url = reverse("evaluation:check", args=[se.pk])
    grade = ev.system.indicators.get(target=Target.BODY, method=Method.GRADE)
    # 两办 and 组织部 see no grade fields; 编办 does
    assert f"grade_{grade.pk}" not in login(c.liangban).get(url).context["form"].fields
    assert f"grade_{grade.pk}" in login(c.bianban).get(url).context["form"].fields
    r = login(c.zuzhibu).post(url, {"verdict": "adjust", "score": "50", "reason": ""})
    assert r.status_code == 200 and "请写明理由" in r.context["form"].errors["reason"][0]
    r = login(c.zuzhibu).post(url, {"verdict": "adjust", "score": "一百", "reason": "材料不全"})
    assert "不是数字" in r.context["form"].errors["score"][0] and 'value="一百"' in r.content.decode()
    assert login(c.zuzhibu).post(url, {"verdict": "adjust", "score": "50", "reason": "会议纪要不全。"}).status_code == 302
    assert login(c.liangban).post(url, {"verdict": "agree", "score": "", "reason": ""}).status_code == 302
    # 编办 completes without the grade: refused, then with it
    r = login(c.bianban).post(reverse("evaluation:check_done", args=[se.pk]), follow=True)
    assert "协调成效" in r.content.decode() and SelfEvaluation.objects.get(pk=se.pk).status == SelfStatus.SUBMITTED
    r = login(c.bianban).post(url, {"verdict": "adjust", "score": "61", "reason": "采纳组织部意见。",
                                    f"grade_{grade.pk}": "一般"})
    assert r.status_code == 302
    assert login(c.bianban).post(reverse("evaluation:check_done", args=[se.pk])).status_code == 302
    se.refresh_from_db()
    assert se.status == SelfStatus.CHECKED and se.score == 61 and se.grade == "平稳"
    assert se.grades == {str(grade.pk): "一般"}
    assert list(EvaluationCheck.objects.filter(self_evaluation=se).values_list("office", "verdict")) == [
        (Office.ORGANISATION, CheckVerdict.ADJUST), (Office.GENERAL_OFFICE, CheckVerdict.AGREE),
        (Office.ESTABLISHMENT, CheckVerdict.ADJUST)]
    # the department sees the checks on its page
    page = login(c.clerk).get(reverse("evaluation:selfeval", args=[se.pk])).content.decode()
    assert "会议纪要不全。" in page and "等次<strong>平稳</strong>" in page


def test_a_return_sends_it_back_with_the_reason(world):
    c = world
    ev = opened(c)
    se = submitted(c, ev, c.a)
    r = login(c.liangban).post(reverse("evaluation:check", args=[se.pk]),
                               {"verdict": "return", "reason": "请补充全年会议纪要。"})
    assert r.status_code == 302
    page = login(c.clerk).get(reverse("evaluation:selfeval", args=[se.pk])).content.decode()
    assert "自评已退回补充：两办：请补充全年会议纪要。" in page
    assert SelfEvaluation.objects.get(pk=se.pk).status == SelfStatus.RETURNED


def test_scopes_per_role(world):
    c = world
    ev = opened(c)
    a, b, cc = se_of(ev, c.a), se_of(ev, c.b), se_of(ev, c.c)
    # 市发展改革委 hosts 甲 and 乙 (not 丙, which it only joins): its worklist and nothing else
    page = login(c.clerk).get(reverse("evaluation:detail", args=[ev.pk]))
    assert [s.name for s in page.context["mine"]] == ["市乙领导小组", "市甲领导小组"]
    assert login(c.clerk).get(reverse("evaluation:selfeval", args=[cc.pk])).status_code == 404
    # 市工业和信息化局 leads 乙 but hosts nothing: no evaluation at all
    assert login(c.gx_clerk).get(reverse("evaluation:detail", args=[ev.pk])).status_code == 404
    assert login(c.gx_clerk).get(reverse("evaluation:selfeval", args=[b.pk])).status_code == 404
    # the region's offices read everything; a county's 编办 nothing of the city
    for user in (c.bianban, c.liangban, c.zuzhibu, c.leader):
        assert login(user).get(reverse("evaluation:selfeval", args=[a.pk])).status_code == 200
    assert login(c.qz_bianban).get(reverse("evaluation:detail", args=[ev.pk])).status_code == 404
    assert login(c.qz_bianban).get(reverse("evaluation:check", args=[a.pk])).status_code == 404
    # a region role cannot write a department's self-evaluation
    assert login(c.bianban).post(reverse("evaluation:selfeval", args=[a.pk]), payload(a)).status_code == 403
    # ?department= of another region's department shows nothing of it
    r = login(c.clerk).get(reverse("evaluation:selfevals", args=[ev.pk]) + f"?department={c.qz_fgj.pk}")
    assert r.status_code == 200 and r.context["rows"] == [] and "青州市" not in r.content.decode()
    r = login(c.clerk).get(reverse("evaluation:selfevals", args=[ev.pk]) + "?department=99999999999999999999")
    assert r.status_code == 200 and len(r.context["rows"]) == 2


def test_the_list_of_self_evaluations_and_the_board_take_a_constant_number_of_queries(world):
    c = world
    for i in range(12):
        establish(c.city, name=f"市批量{i}号领导小组", lead=[c.fgw, c.nyj, c.yjj][i % 3], members=[c.gxj],
                  on=date(2019, 3, 1))
    ev = opened(c)
    for body in (c.a, c.b):
        submitted(c, ev, body)
    services.check_give(actor=c.liangban, self_evaluation=se_of(ev, c.a), office=Office.GENERAL_OFFICE,
                        verdict=CheckVerdict.AGREE)
    b = login(c.bianban)
    counts = {}
    for name, url in (("list", reverse("evaluation:selfevals", args=[ev.pk])),
                      ("board", reverse("evaluation:detail", args=[ev.pk]))):
        b.get(url)
        with CaptureQueriesContext(connection) as q:
            assert b.get(url).status_code == 200
        counts[name] = len(q)
    assert counts["list"] <= 14 and counts["board"] <= 16, counts  # the board: + the lead departments' scoring (2)
    # as many again: the same
    for i in range(12, 24):
        establish(c.city, name=f"市批量{i}号领导小组", lead=c.nyj, members=[c.gxj], on=date(2019, 3, 1))
    system2 = services.system_create(actor=c.bianban, region=c.city, year=2022, title="2022")
    ev2 = services.evaluation_open(actor=c.bianban, region=c.city, year=2022, carried_out_in=2023, system=system2,
                                   opened_on=TODAY, deadline=TODAY, scoring_deadline=TODAY)
    for body in (c.a, c.b):
        submitted(c, ev2, body)
    services.check_give(actor=c.liangban, self_evaluation=se_of(ev2, c.a), office=Office.GENERAL_OFFICE,
                        verdict=CheckVerdict.AGREE)
    for name, url in (("list", reverse("evaluation:selfevals", args=[ev2.pk])),
                      ("board", reverse("evaluation:detail", args=[ev2.pk]))):
        with CaptureQueriesContext(connection) as q:
            assert b.get(url).status_code == 200
        assert len(q) == counts[name], (name, counts[name], len(q))


def test_the_home_to_do_counts_what_waits(world):
    from yixie.evaluation.selectors import todo_count

    c = world
    ev = opened(c)
    assert todo_count(c.clerk) == 2  # 甲 and 乙 to fill
    assert todo_count(c.liangban) == 0
    submitted(c, ev, c.a)
    assert todo_count(c.hr) == 1
    assert todo_count(c.liangban) == 1 and todo_count(c.zuzhibu) == 1
    services.check_give(actor=c.liangban, self_evaluation=se_of(ev, c.a), office=Office.GENERAL_OFFICE,
                        verdict=CheckVerdict.AGREE)
    assert todo_count(c.liangban) == 0 and todo_count(c.zuzhibu) == 1
    assert todo_count(c.yj_clerk) == 0 and todo_count(c.qz_bianban) == 0
