"""The evaluation's writes (part A): indicator systems and their freeze, opening a year's evaluation from the
ledger and the register, the self-evaluation (figures, evidence, deadline and reopening) and the check by
the three offices. Every refusal is a Chinese DomainError naming what and where."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yixie.core.errors import DomainError
from yixie.core.models import AuditEntry
from yixie.evaluation import services
from yixie.evaluation.choices import (
    CheckVerdict,
    EvaluationStatus,
    Method,
    Office,
    SelfStatus,
    Source,
    Target,
)
from yixie.evaluation.models import EvaluationCheck, EvidenceFile, Indicator, MemberScore, SelfEvaluation
from yixie.ledger import services as ledger
from yixie.ledger.choices import BodyCategory, EventKind
from yixie.meetings.choices import DecisionStatus
from yixie.meetings.models import BodyDocument, Meeting, MeetingDecision
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
    # 市甲: led by 市发展改革委, office at 市工业和信息化局, members 市工信局 and 市农业农村局
    c.a = establish(c.city, name="市甲领导小组", lead=c.fgw, office=c.gxj, members=[c.gxj, c.nyj], on=date(2019, 3, 1))
    c.b = establish(c.city, name="市乙领导小组", lead=c.fgw, members=[c.nyj, c.fgw], on=date(2019, 3, 1))
    c.joint = establish(c.city, name="市丙联席会议", lead=c.nyj, members=[c.fgw], on=date(2019, 3, 1),
                        category=BodyCategory.JOINT_MEETING, form="联席会议")
    c.mech = establish(c.city, name="市丁协调机制", lead=c.nyj, on=date(2019, 3, 1), category=BodyCategory.MECHANISM,
                       form="协调机制")
    c.late = establish(c.city, name="市戊领导小组", lead=c.fgw, on=date(2022, 2, 1))
    c.q = establish(c.county, name="青州市甲领导小组", lead=c.qz_fgj, on=date(2019, 3, 1))
    return c


def system(c, year=2021, **kw):
    return services.system_create(actor=c.bianban, region=c.city, year=year, title=f"潍坊市{year}年度评价指标体系", **kw)


def open_evaluation(c, *, year=2021, deadline=None, sys=None):
    sys = sys or system(c, year)
    return services.evaluation_open(actor=c.bianban, region=c.city, year=year, carried_out_in=year + 1, system=sys,
                                    opened_on=TODAY, deadline=deadline or TODAY + timedelta(days=10),
                                    scoring_deadline=TODAY + timedelta(days=20))


def selfeval(ev, body) -> SelfEvaluation:
    return SelfEvaluation.objects.get(evaluation=ev, body=body)


FULL = {"meetings_held": "3", "documents_issued": "2", "problems_coordinated": "5", "tasks_planned": "10",
        "tasks_done": "8", "mechanisms": "工作规则、责任清单", "highlights": "协调解决问题5个。",
        "shortcomings": "会议次数偏少。", "next_plan": "按季度召开会议。"}


def refused(fn, *, field=None, contains=""):
    with pytest.raises(DomainError) as exc:
        fn()
    if field is not None:
        assert exc.value.field == field, (exc.value.field, exc.value.message)
    assert contains in exc.value.message, exc.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    return exc.value


# ---------------------------------------------------------------- indicator systems

def test_default_system_weights_total_100_per_target_across_the_three_dimensions(world):
    s = system(world)
    totals = services.weight_totals(s)
    assert totals == {Target.BODY: Decimal("100"), Target.MEMBER: Decimal("100")}
    body = list(s.indicators.filter(target=Target.BODY))
    assert {i.dimension for i in body} == {"results", "regularity", "coordination"}
    grade = [i for i in body if i.method == Method.GRADE]
    assert [i.name for i in grade] == ["协调成效"]
    meetings = s.indicators.get(source=Source.MEETINGS_HELD)
    assert meetings.method == Method.COUNT and meetings.norm == 2
    members = {i.name: i.weight for i in s.indicators.filter(target=Target.MEMBER)}
    assert members == {"协调配合": 40, "信息共享": 30, "任务落实": 30}
    assert AuditEntry.objects.filter(action="新建评价指标体系", target_id=str(s.pk)).exists()


def test_a_system_copies_another_and_a_year_has_one_system(world):
    s = system(world, 2021)
    services.indicator_edit(actor=world.bianban, indicator=s.indicators.get(name="召开会议"), dimension="results",
                            name="召开会议", weight="10", method=Method.COUNT, source=Source.MEETINGS_HELD, norm="4")
    copy = system(world, 2022, copy_from=s)
    assert copy.based_on == s
    assert copy.indicators.count() == s.indicators.count()
    assert copy.indicators.get(name="召开会议").norm == 4
    refused(lambda: system(world, 2022), field="year", contains="已经建立")


def test_indicator_edits_are_checked_and_audited(world):
    s = system(world)
    add = dict(actor=world.bianban, system=s, target=Target.BODY, dimension="results", name="督办落实", method=Method.COUNT,
               source=Source.PROBLEMS_COORDINATED)
    refused(lambda: services.indicator_add(**add, weight="十分", norm="3"), field="weight", contains="不是数字")
    refused(lambda: services.indicator_add(**add, weight="5"), field="norm", contains="标准值")
    refused(lambda: services.indicator_add(**{**add, "source": Source.WORK_RULES_FILED}, weight="5", norm="3"),
            field="source")
    refused(lambda: services.indicator_add(**{**add, "dimension": "cooperation"}, weight="5", norm="3"),
            field="dimension")
    member = dict(actor=world.bianban, system=s, target=Target.MEMBER, dimension="information", name="报送信息",
                  weight="5")
    refused(lambda: services.indicator_add(**member, method=Method.POINTS, source=Source.MEETINGS_HELD), field="source")
    refused(lambda: services.indicator_add(**member, method=Method.GRADE, source=""), field="method", contains="打分")
    refused(lambda: services.indicator_add(**{**add, "method": Method.POINTS, "source": ""}, weight="5"),
            field="method", contains="只用于成员单位指标")
    refused(lambda: services.indicator_add(**add, weight="5", norm="3", expected_version=s.version + 5),
            field="version")
    ind = services.indicator_add(**add, weight="5", norm="3")
    assert ind.weight == 5 and ind.norm == 3
    assert AuditEntry.objects.filter(action="增加评价指标", target_id=str(ind.pk)).exists()
    services.indicator_remove(actor=world.bianban, indicator=ind)
    assert not Indicator.objects.filter(pk=ind.pk).exists()
    assert AuditEntry.objects.filter(action="删除评价指标", target_id=str(ind.pk)).exists()
    services.scale_set(actor=world.bianban, system=s, scale=[{"grade": "好", "min": 80}, {"grade": "差", "min": 0}])
    s.refresh_from_db()
    assert [b["grade"] for b in s.scale] == ["好", "差"]
    refused(lambda: services.scale_set(actor=world.bianban, system=s, scale=[{"grade": "好", "min": 80}]),
            field="scale")


def test_only_the_regions_establishment_office_edits_systems(world):
    s = system(world)
    ind = s.indicators.first()
    for actor in (world.liangban, world.qz_bianban, world.clerk):
        refused(lambda actor=actor: services.indicator_remove(actor=actor, indicator=ind), contains="编办")
    refused(lambda: services.system_create(actor=world.qz_bianban, region=world.city, year=2030, title="x"),
            contains="编办")


def test_a_system_whose_weights_do_not_total_100_cannot_open_an_evaluation(world):
    s = system(world)
    services.indicator_remove(actor=world.bianban, indicator=s.indicators.get(name="印发文件"))
    e = refused(lambda: open_evaluation(world, sys=s), field="system", contains="合计为95分")
    assert "应为100分" in e.message
    assert not SelfEvaluation.objects.exists()


def test_a_years_system_is_frozen_once_its_evaluation_opens(world):
    s = system(world)
    open_evaluation(world, sys=s)
    s.refresh_from_db()
    assert s.is_frozen
    ind = s.indicators.first()
    refused(lambda: services.indicator_add(actor=world.bianban, system=s, target=Target.BODY, dimension="results",
                                           name="新指标", weight="5", method=Method.GRADE), contains="冻结")
    refused(lambda: services.indicator_edit(actor=world.bianban, indicator=ind, dimension=ind.dimension, name="改名",
                                            weight="10", method=ind.method, source=ind.source, norm=ind.norm),
            contains="冻结")
    refused(lambda: services.indicator_remove(actor=world.bianban, indicator=ind), contains="冻结")
    refused(lambda: services.scale_set(actor=world.bianban, system=s, scale=[{"grade": "好", "min": 0}]),
            contains="冻结")
    assert AuditEntry.objects.filter(action="冻结评价指标体系", target_id=str(s.pk)).exists()


# ---------------------------------------------------------------- opening

def test_opening_lists_the_bodies_in_force_on_31_december_with_their_host_and_prefill(world):
    c = world
    Meeting.objects.create(body=c.a, region=c.city, kind="full", held_on=date(2021, 4, 1), title="全体会议")
    m = Meeting.objects.create(body=c.a, region=c.city, kind="office", held_on=date(2021, 9, 1), title="办公室会议")
    Meeting.objects.create(body=c.a, region=c.city, kind="full", held_on=date(2020, 4, 1), title="上年会议")
    MeetingDecision.objects.create(meeting=m, body=c.a, text="议定一", status=DecisionStatus.DONE)
    MeetingDecision.objects.create(meeting=m, body=c.a, text="议定二")
    BodyDocument.objects.create(body=c.a, region=c.city, title="工作要点", issued_on=date(2021, 3, 1),
                                to_lower_levels=True, approved=False)
    ledger.work_rules_file(actor=None, body=c.a, filed_on=date(2021, 6, 1))
    ledger.work_rules_file(actor=None, body=c.b, filed_on=date(2022, 6, 1))
    ev = open_evaluation(c)
    names = set(ev.self_evaluations.values_list("name", flat=True))
    assert names == {"市甲领导小组", "市乙领导小组", "市丙联席会议"}  # no mechanism, none set up later, no county's
    a = selfeval(ev, c.a)
    assert a.department == c.gxj and a.lead_department == c.fgw
    assert a.category == "government" and a.legal_ground == "local" and a.status == SelfStatus.DRAFT
    assert a.prefill["meetings_held"] == 2 and a.prefill["meetings_by_kind"] == {"full": 1, "office": 1}
    assert a.prefill["decisions_total"] == 2 and a.prefill["decisions_done"] == 1
    assert a.prefill["documents_issued"] == 1 and a.prefill["unapproved_documents"] == 1
    assert a.prefill["work_rules_filed_on"] == "2021-06-01"
    assert a.prefill["members"] == 2
    assert a.meetings_held == 2 and a.documents_issued == 1  # figures pre-set from what the product knew
    b = selfeval(ev, c.b)
    assert b.prefill["work_rules_filed_on"] is None and b.prefill["work_rules_filed_later_on"] == "2022-06-01"
    assert b.meetings_held == 0
    # one empty member score per (body, member unit), the lead department not scoring itself
    scores = set(MemberScore.objects.filter(evaluation=ev).values_list("body_id", "department_id", "lead_department_id"))
    assert scores == {(c.a.pk, c.gxj.pk, c.fgw.pk), (c.a.pk, c.nyj.pk, c.fgw.pk), (c.b.pk, c.nyj.pk, c.fgw.pk),
                      (c.joint.pk, c.fgw.pk, c.nyj.pk)}
    assert all(s.total is None for s in MemberScore.objects.all())
    assert AuditEntry.objects.filter(action="部署年度评价", target_id=str(ev.pk)).exists()


def test_the_state_as_of_year_end_is_taken_not_todays(world):
    """Abolished during the evaluated year: out; abolished the year after, renamed the year after: in, by the
    name it had on 31 December; the year's ledger events are counted."""
    c = world
    ledger.event_record(actor=None, body=c.joint, kind=EventKind.ABOLISH, on=date(2021, 6, 30))
    ledger.event_record(actor=None, body=c.a, kind=EventKind.ABOLISH, on=date(2022, 3, 31))
    ledger.event_record(actor=None, body=c.b, kind=EventKind.RENAME, on=date(2022, 3, 31),
                        changes={"name": "市乙工作领导小组"})
    ev = open_evaluation(c)
    assert set(ev.self_evaluations.values_list("name", flat=True)) == {"市甲领导小组", "市乙领导小组"}
    assert selfeval(ev, c.a).prefill["events_total"] == 0
    ev2020 = open_evaluation(c, year=2019)
    assert selfeval(ev2020, c.a).prefill["events"] == {"establish": 1}


def test_opening_is_refused_twice_or_with_the_wrong_years(world):
    c = world
    s = system(c)
    refused(lambda: services.evaluation_open(actor=c.bianban, region=c.city, year=2021, carried_out_in=2020, system=s,
                                             opened_on=TODAY, deadline=TODAY, scoring_deadline=TODAY),
            field="carried_out_in")
    other = system(c, 2020)
    refused(lambda: services.evaluation_open(actor=c.bianban, region=c.city, year=2021, carried_out_in=2022,
                                             system=other, opened_on=TODAY, deadline=TODAY, scoring_deadline=TODAY),
            field="system")
    refused(lambda: services.evaluation_open(actor=c.bianban, region=c.city, year=2021, carried_out_in=2022, system=s,
                                             opened_on=TODAY, deadline=TODAY - timedelta(days=1),
                                             scoring_deadline=TODAY), field="deadline")
    refused(lambda: services.evaluation_open(actor=c.liangban, region=c.city, year=2021, carried_out_in=2022, system=s,
                                             opened_on=TODAY, deadline=TODAY, scoring_deadline=TODAY), contains="编办")
    open_evaluation(c, sys=s)
    refused(lambda: open_evaluation(c, sys=s), field="year", contains="已经部署")


def test_opening_takes_a_fixed_number_of_queries_however_many_bodies(world):
    c = world

    def count(year):
        s = system(c, year)
        with CaptureQueriesContext(connection) as q:
            open_evaluation(c, year=year, sys=s)
        return len(q)

    few = count(2021)
    for i in range(15):
        establish(c.city, name=f"市批量{i}号领导小组", lead=c.yjj, members=[c.fgw, c.nyj], on=date(2019, 3, 1))
    many = count(2022)
    assert many == few, (few, many)
    assert SelfEvaluation.objects.filter(evaluation__year=2022).count() == 19


# ---------------------------------------------------------------- the self-evaluation

def test_the_host_department_saves_figures_and_a_figure_that_is_not_a_number_is_refused(world):
    c = world
    ev = open_evaluation(c)
    se = selfeval(ev, c.a)  # hosted by 市工业和信息化局 (gongxin)
    e = refused(lambda: services.selfeval_save(actor=c.gx_clerk, self_evaluation=se,
                                               data={**FULL, "meetings_held": "三次"}), field="meetings_held")
    assert "召开会议次数" in e.message and "三次" in e.message and "市甲领导小组" in e.message
    refused(lambda: services.selfeval_save(actor=c.gx_clerk, self_evaluation=se, data={**FULL, "tasks_done": "-1"}),
            field="tasks_done")
    refused(lambda: services.selfeval_save(actor=c.gx_clerk, self_evaluation=se, data={**FULL, "tasks_done": "11"}),
            field="tasks_done", contains="大于")
    se.refresh_from_db()
    assert se.version == 1 and se.problems_coordinated is None  # nothing written by a refusal
    # the lead department (市发展改革委) is not the host: refused
    refused(lambda: services.selfeval_save(actor=c.clerk, self_evaluation=se, data=FULL), field="department")
    se = services.selfeval_save(actor=c.gx_clerk, self_evaluation=se, data=FULL, expected_version=1)
    assert se.meetings_held == 3 and se.tasks_done == 8 and se.highlights == "协调解决问题5个。"
    assert se.version == 2 and se.drafted_by == c.gx_clerk
    refused(lambda: services.selfeval_save(actor=c.gx_clerk, self_evaluation=se, data=FULL, expected_version=1),
            field="version", contains="已被他人修改")
    assert AuditEntry.objects.filter(action="填写运行成效自评", target_id=str(se.pk)).count() == 1


def test_evidence_is_checked_by_its_content(world):
    c = world
    ev = open_evaluation(c)
    se = selfeval(ev, c.b)  # hosted by 市发展改革委
    e = refused(lambda: services.evidence_add(actor=c.clerk, self_evaluation=se,
                                              uploaded=SimpleUploadedFile("纪要.exe", b"MZ\x90\x00")), field="file")
    assert "类型不受支持" in e.message
    refused(lambda: services.evidence_add(actor=c.clerk, self_evaluation=se,
                                          uploaded=SimpleUploadedFile("纪要.pdf", b"<html>not a pdf</html>")),
            field="file", contains="扩展名与实际内容不符")
    assert not EvidenceFile.objects.exists()
    f = services.evidence_add(actor=c.clerk, self_evaluation=se, uploaded=SimpleUploadedFile("会议纪要.pdf", PDF))
    assert f.original_name == "会议纪要.pdf" and f.file_type == "PDF" and len(f.sha256) == 64
    refused(lambda: services.evidence_add(actor=c.gx_clerk, self_evaluation=se,
                                          uploaded=SimpleUploadedFile("会议纪要.pdf", PDF)), field="department")


def test_only_the_hr_section_submits_and_the_score_is_computed(world):
    c = world
    ev = open_evaluation(c)
    se = selfeval(ev, c.b)
    refused(lambda: services.selfeval_submit(actor=c.hr, self_evaluation=se), field="missing", contains="成绩亮点")
    services.selfeval_save(actor=c.clerk, self_evaluation=se, data=FULL)
    e = refused(lambda: services.selfeval_submit(actor=c.clerk, self_evaluation=se), field="department")
    assert "组织人事科室" in e.message
    se = services.selfeval_submit(actor=c.hr, self_evaluation=se)
    assert se.status == SelfStatus.SUBMITTED and se.submitted_on == TODAY
    # meetings 3/2 → 10; tasks 8/10 → 12; problems 5/5 → 10; documents 2/1 → 5; rules not filed → 0;
    # no unapproved documents → 10; mechanisms → 10; no decisions → 0; 协调成效 waits for 编办's grade
    assert se.self_score == Decimal("57.0")
    refused(lambda: services.selfeval_save(actor=c.clerk, self_evaluation=se, data=FULL), contains="已于")


def test_what_the_register_learns_after_opening_counts_when_the_self_evaluation_is_sent(world):
    """Decisions carried out, meetings registered and work rules filed after the evaluation opened are brought
    in when the department saves and submits; the figures it typed are its own."""
    c = world
    ev = open_evaluation(c)
    se = selfeval(ev, c.b)
    assert se.prefill["decisions_total"] == 0 and se.prefill["work_rules_filed_on"] is None
    m = Meeting.objects.create(body=c.b, region=c.city, kind="full", held_on=date(2021, 11, 1), title="全体会议")
    MeetingDecision.objects.create(meeting=m, body=c.b, text="议定一", status=DecisionStatus.DONE)
    MeetingDecision.objects.create(meeting=m, body=c.b, text="议定二")
    ledger.work_rules_file(actor=None, body=c.b, filed_on=date(2021, 12, 1))
    services.selfeval_save(actor=c.clerk, self_evaluation=se, data=FULL)
    se = selfeval(ev, c.b)
    assert se.prefill["meetings_held"] == 1 and se.prefill["decisions_total"] == 2
    assert se.prefill["decisions_done"] == 1 and se.prefill["work_rules_filed_on"] == "2021-12-01"
    assert se.meetings_held == 3  # what the department typed
    MeetingDecision.objects.filter(body=c.b).update(status=DecisionStatus.DONE)
    se = services.selfeval_submit(actor=c.hr, self_evaluation=se)
    assert se.prefill["decisions_done"] == 2
    # against the submission without them (57.0): work rules filed in the year +10, decisions all carried out +15
    assert se.self_score == Decimal("82.0")


def test_a_submission_after_the_deadline_needs_a_reopening_by_the_establishment_office(world):
    c = world
    ev = open_evaluation(c, deadline=TODAY)
    se = selfeval(ev, c.b)
    services.selfeval_save(actor=c.clerk, self_evaluation=se, data=FULL)
    late = TODAY + timedelta(days=1)
    e = refused(lambda: services.selfeval_submit(actor=c.hr, self_evaluation=se, on=late), field="deadline")
    assert "截止日期" in e.message and "准予补报" in e.message
    assert services.is_overdue(SelfEvaluation.objects.get(pk=se.pk), today=late)
    refused(lambda: services.selfeval_reopen(actor=c.bianban, self_evaluation=se, until=late, reason="  "),
            field="reason")
    refused(lambda: services.selfeval_reopen(actor=c.liangban, self_evaluation=se, until=late, reason="系统故障"),
            contains="编办")
    refused(lambda: services.selfeval_reopen(actor=c.bianban, self_evaluation=se, until=TODAY - timedelta(days=1),
                                             reason="系统故障"), field="until")
    services.selfeval_reopen(actor=c.bianban, self_evaluation=se, until=late + timedelta(days=2),
                             reason="部门机构改革，材料需重新收集。")
    assert AuditEntry.objects.filter(action="准予补报运行成效自评", target_id=str(se.pk),
                                     reason="部门机构改革，材料需重新收集。").exists()
    se = services.selfeval_submit(actor=c.hr, self_evaluation=se, on=late)
    assert se.status == SelfStatus.SUBMITTED and se.submitted_on == late
    # a reopening that has run out does not help
    se2 = selfeval(ev, c.joint)
    se2.reopened_until = TODAY
    se2.save()
    refused(lambda: services.selfeval_submit(actor=None, self_evaluation=se2, on=late), field="deadline",
            contains="已过期")


# ---------------------------------------------------------------- the check

def submitted(c, ev, body, actor_fill=None, actor_submit=None):
    se = selfeval(ev, body)
    services.selfeval_save(actor=None, self_evaluation=se, data=FULL)
    return services.selfeval_submit(actor=None, self_evaluation=se)


def test_the_three_offices_check_and_only_the_establishment_offices_adjustment_counts(world):
    c = world
    ev = open_evaluation(c)
    se = submitted(c, ev, c.b)
    services.check_give(actor=c.liangban, self_evaluation=se, office=Office.GENERAL_OFFICE, verdict=CheckVerdict.AGREE)
    services.check_give(actor=c.zuzhibu, self_evaluation=se, office=Office.ORGANISATION, verdict=CheckVerdict.ADJUST,
                        score="50", reason="会议纪要不全。")
    se.refresh_from_db()
    assert se.adjusted_score is None  # 组织部's score is a suggestion
    services.check_give(actor=c.bianban, self_evaluation=se, office=Office.ESTABLISHMENT, verdict=CheckVerdict.ADJUST,
                        score="52.5", reason="采纳组织部意见。")
    se.refresh_from_db()
    assert se.adjusted_score == Decimal("52.5") and se.adjust_reason == "采纳组织部意见。"
    assert list(EvaluationCheck.objects.filter(self_evaluation=se).values_list("office", flat=True)) == [
        "general_office", "organisation", "establishment"]
    assert AuditEntry.objects.filter(target_id=str(se.pk), action__startswith="审核运行成效自评").count() == 3


def test_check_refusals(world):
    c = world
    ev = open_evaluation(c)
    draft = selfeval(ev, c.a)
    refused(lambda: services.check_give(actor=c.bianban, self_evaluation=draft, office=Office.ESTABLISHMENT,
                                        verdict=CheckVerdict.AGREE), contains="只有已报送")
    se = submitted(c, ev, c.b)
    give = dict(self_evaluation=se, office=Office.ESTABLISHMENT)
    refused(lambda: services.check_give(actor=c.bianban, **give, verdict=CheckVerdict.ADJUST, score="60"),
            field="reason")
    refused(lambda: services.check_give(actor=c.bianban, **give, verdict=CheckVerdict.ADJUST, score="六十",
                                        reason="x"), field="score", contains="不是数字")
    refused(lambda: services.check_give(actor=c.bianban, **give, verdict=CheckVerdict.ADJUST, score="101",
                                        reason="x"), field="score", contains="超出范围")
    refused(lambda: services.check_give(actor=c.bianban, **give, verdict=CheckVerdict.RETURN), field="reason")
    refused(lambda: services.check_give(actor=c.bianban, **give, verdict="maybe"), field="verdict")
    grade_id = ev.system.indicators.get(method=Method.GRADE, target=Target.BODY).pk
    refused(lambda: services.check_give(actor=c.bianban, **give, verdict=CheckVerdict.AGREE,
                                        grades={str(grade_id): "优秀"}), field=f"grade_{grade_id}")
    # the wrong office, or an office of another region
    refused(lambda: services.check_give(actor=c.liangban, **give, verdict=CheckVerdict.AGREE), field="office")
    refused(lambda: services.check_give(actor=c.qz_bianban, **give, verdict=CheckVerdict.AGREE), field="office")
    refused(lambda: services.check_give(actor=c.hr, self_evaluation=se, office=Office.ORGANISATION,
                                        verdict=CheckVerdict.AGREE), field="office")
    assert not EvaluationCheck.objects.exists()


def test_a_returned_self_evaluation_goes_back_to_the_department_and_is_submitted_again(world):
    c = world
    ev = open_evaluation(c)
    se = submitted(c, ev, c.b)
    services.check_give(actor=c.liangban, self_evaluation=se, office=Office.GENERAL_OFFICE,
                        verdict=CheckVerdict.RETURN, reason="请补充会议纪要。")
    se.refresh_from_db()
    assert se.status == SelfStatus.RETURNED and "请补充会议纪要" in se.returned_reason
    services.selfeval_save(actor=c.clerk, self_evaluation=se, data={**FULL, "meetings_held": "4"})
    se = services.selfeval_submit(actor=c.hr, self_evaluation=se)
    assert se.status == SelfStatus.SUBMITTED and se.meetings_held == 4


def test_a_self_evaluation_returned_during_the_check_is_sent_again_after_the_deadline(world):
    """Reporting closed (审核评分), 组织部 returns one for more: the department may still fill and send it, whatever
    the day, and the results cannot be published while it is away."""
    from yixie.evaluation import results

    c = world
    ev = open_evaluation(c, deadline=TODAY)
    se = submitted(c, ev, c.b)
    late = TODAY + timedelta(days=5)
    ev = results.reporting_close(actor=c.bianban, evaluation=ev, on=late)
    assert ev.status == EvaluationStatus.CHECKING
    services.check_give(actor=c.zuzhibu, self_evaluation=se, office=Office.ORGANISATION,
                        verdict=CheckVerdict.RETURN, reason="请补充专题会议纪要。")
    se = SelfEvaluation.objects.get(pk=se.pk)
    assert services.is_editable(se) and not services.is_overdue(se, today=late)
    e = refused(lambda: results.results_publish(actor=c.bianban, evaluation=ev, on=late))
    assert "退回补充" in e.message
    services.selfeval_save(actor=c.clerk, self_evaluation=se, data={**FULL, "meetings_held": "5"})
    se = services.selfeval_submit(actor=c.hr, self_evaluation=se, on=late)
    assert se.status == SelfStatus.SUBMITTED and se.meetings_held == 5 and se.submitted_on == late
    assert not services.is_editable(se)
    # a draft never sent stays closed once reporting ended
    other = selfeval(ev, c.a)
    refused(lambda: services.selfeval_save(actor=None, self_evaluation=other, data=FULL), contains="审核评分")


def test_the_check_is_done_once_the_grades_are_given(world):
    c = world
    ev = open_evaluation(c)
    se = submitted(c, ev, c.b)
    grade_ind = ev.system.indicators.get(method=Method.GRADE, target=Target.BODY)
    # no body is graded by one office alone: the three offices' opinions first
    e = refused(lambda: services.selfeval_check_done(actor=c.bianban, self_evaluation=se), field="office")
    assert "编办、两办、组织部" in e.message and "还没有编办、两办、组织部的审核意见" in e.message
    # 两办's grades are not taken: grades are 编办's
    services.check_give(actor=c.liangban, self_evaluation=se, office=Office.GENERAL_OFFICE, verdict=CheckVerdict.AGREE,
                        grades={str(grade_ind.pk): "好"})
    se.refresh_from_db()
    assert se.grades == {}
    services.check_give(actor=c.zuzhibu, self_evaluation=se, office=Office.ORGANISATION, verdict=CheckVerdict.AGREE)
    e = refused(lambda: services.selfeval_check_done(actor=c.bianban, self_evaluation=se), field="office")
    assert "还没有编办的审核意见" in e.message
    services.check_give(actor=c.bianban, self_evaluation=se, office=Office.ESTABLISHMENT, verdict=CheckVerdict.AGREE)
    e = refused(lambda: services.selfeval_check_done(actor=c.bianban, self_evaluation=se),
                field=f"grade_{grade_ind.pk}")
    assert "协调成效" in e.message
    refused(lambda: services.selfeval_check_done(actor=c.zuzhibu, self_evaluation=se), contains="编办")
    services.check_give(actor=c.bianban, self_evaluation=se, office=Office.ESTABLISHMENT, verdict=CheckVerdict.AGREE,
                        grades={str(grade_ind.pk): "较好"})
    se = services.selfeval_check_done(actor=c.bianban, self_evaluation=se)
    assert se.status == SelfStatus.CHECKED and se.checked_by == c.bianban
    assert se.score == Decimal("69.0")  # 57 + 15 × 0.8
    assert se.grade == "平稳"
    assert se.self_score == Decimal("57.0")
    refused(lambda: services.check_give(actor=c.bianban, self_evaluation=se, office=Office.ESTABLISHMENT,
                                        verdict=CheckVerdict.AGREE), contains="只有已报送")


def test_an_adjusted_score_is_the_score(world):
    c = world
    ev = open_evaluation(c)
    se = submitted(c, ev, c.b)
    grade_ind = ev.system.indicators.get(method=Method.GRADE, target=Target.BODY)
    services.check_give(actor=c.bianban, self_evaluation=se, office=Office.ESTABLISHMENT, verdict=CheckVerdict.ADJUST,
                        score="88", reason="协调成效突出。", grades={grade_ind.pk: "好"})
    for actor, office in ((c.liangban, Office.GENERAL_OFFICE), (c.zuzhibu, Office.ORGANISATION)):
        services.check_give(actor=actor, self_evaluation=se, office=office, verdict=CheckVerdict.AGREE)
    se = services.selfeval_check_done(actor=c.bianban, self_evaluation=se)
    assert se.score == Decimal("88.0") and se.grade == "高效"
