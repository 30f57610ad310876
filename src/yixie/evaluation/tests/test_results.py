"""Part B's services: member-unit scoring and its refusals, the year's results (scores, grades, ranks,
candidates and their exemption), the results job, 典型标杆, and proposals reaching the intake."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yixie.core.errors import DomainError
from yixie.core.models import AuditEntry, Proposal
from yixie.evaluation import result_selectors, results
from yixie.evaluation.models import Evaluation, MemberScore, ScoringReopening, SelfEvaluation
from yixie.testing.factories import establish

from .results_world import open_evaluation, results_world, score_all, se_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ev(city):
    return results_world(city)


def _ids(evaluation):
    return list(evaluation.system.indicators.filter(target="member").order_by("order").values_list("id", flat=True))


def _points(evaluation, *values):
    return {str(i): v for i, v in zip(_ids(evaluation), values, strict=True)}


def _row(evaluation, body, department):
    return MemberScore.objects.get(evaluation=evaluation, body=body, department=department)


# ---- member-unit scoring ------------------------------------------------------------------------------------

def test_the_lead_department_scores_a_member_unit(city, ev):
    evaluation, b = ev
    row = _row(evaluation, b["a"], city.gxj)
    saved = results.member_score_save(actor=city.clerk, score_row=row, scores=_points(evaluation, "38", "27.5", "24"),
                                      comment="协调配合积极，信息报送及时。", version=row.version)
    saved.refresh_from_db()
    assert saved.total == Decimal("89.5") and saved.grade == "高效"
    assert saved.scores == _points(evaluation, "38.0", "27.5", "24.0")
    assert saved.comment == "协调配合积极，信息报送及时。" and saved.scored_by == city.clerk
    assert saved.version == row.version + 1
    entry = AuditEntry.objects.filter(action="成员单位评价打分", target_id=str(row.pk)).get()
    assert entry.after["total"] == "89.5" and entry.body_id == b["a"].pk


def test_the_hr_section_of_the_lead_department_may_score_too(city, ev):
    evaluation, b = ev
    row = _row(evaluation, b["a"], city.nyj)
    results.member_score_save(actor=city.hr, score_row=row, scores=_points(evaluation, "20", "15", "15"))
    row.refresh_from_db()
    assert row.total == Decimal("50.0") and row.grade == "缺失"


def test_another_department_may_not_score(city, ev):
    evaluation, b = ev
    row = _row(evaluation, b["a"], city.nyj)
    with pytest.raises(DomainError) as exc:
        results.member_score_save(actor=city.gx_clerk, score_row=row, scores=_points(evaluation, "20", "15", "15"))
    assert exc.value.code == "not_lead" and "只有牵头部门" in exc.value.message
    with pytest.raises(DomainError):
        results.member_score_save(actor=city.bianban, score_row=row, scores=_points(evaluation, "20", "15", "15"))
    row.refresh_from_db()
    assert row.total is None and row.scores == {}


def test_a_lead_department_scoring_itself_is_refused(city, ev):
    evaluation, b = ev
    row = MemberScore.objects.create(evaluation=evaluation, body=b["a"], department=city.fgw, lead_department=city.fgw)
    with pytest.raises(DomainError) as exc:
        results.member_score_save(actor=city.clerk, score_row=row, scores=_points(evaluation, "40", "30", "30"))
    assert exc.value.code == "self_scoring" and "牵头部门不能评价本单位" in exc.value.message


@pytest.mark.parametrize("values, field, text", [
    (("41", "20", "20"), 0, "超出范围：应在0到40分之间"),
    (("-1", "20", "20"), 0, "超出范围"),
    (("30", "三十", "20"), 1, "不是数字"),
    (("30", "20", ""), 2, "请填写"),
    (("30", "NaN", "20"), 1, "超出范围"),
])
def test_a_bad_figure_is_refused_on_its_field(city, ev, values, field, text):
    evaluation, b = ev
    row = _row(evaluation, b["a"], city.gxj)
    with pytest.raises(DomainError) as exc:
        results.member_score_save(actor=city.clerk, score_row=row, scores=_points(evaluation, *values))
    assert exc.value.field == f"score_{_ids(evaluation)[field]}" and text in exc.value.message
    row.refresh_from_db()
    assert row.total is None


def test_scoring_after_the_deadline_is_refused(city, ev):
    evaluation, b = ev
    Evaluation.objects.filter(pk=evaluation.pk).update(scoring_deadline=timezone.localdate() - timedelta(days=1))
    row = _row(evaluation, b["a"], city.gxj)
    with pytest.raises(DomainError) as exc:
        results.member_score_save(actor=city.clerk, score_row=row, scores=_points(evaluation, "30", "20", "20"))
    assert exc.value.code == "late" and "截止" in exc.value.message


def test_the_establishment_office_lets_a_late_lead_department_score_until_a_day(city, ev, client_for):
    """准予补评: only 编办, with a reason and a day not past, journaled; the lead department then scores until
    that day; the evaluation page shows who is late and who was let score."""
    evaluation, b = ev
    today = timezone.localdate()
    Evaluation.objects.filter(pk=evaluation.pk).update(scoring_deadline=today - timedelta(days=3))
    evaluation.refresh_from_db()
    row = _row(evaluation, b["a"], city.gxj)
    progress = result_selectors.scoring_progress(evaluation)
    fgw = next(r for r in progress["rows"] if r["department"] == city.fgw)
    assert fgw["late"] and fgw["left"] == fgw["units"] and progress["past"]

    def reopen(actor=city.bianban, **kw):
        args = {"evaluation": evaluation, "department": city.fgw, "until": today + timedelta(days=5),
                "reason": "牵头部门主要负责同志调整，评价材料需重新汇总。", **kw}
        return results.member_scoring_reopen(actor=actor, **args)

    for actor, kw, field in ((city.bianban, {"reason": " "}, "reason"),
                             (city.bianban, {"until": today - timedelta(days=1)}, "until"),
                             (city.liangban, {}, None), (city.clerk, {}, None),
                             (city.bianban, {"department": city.gxj}, "department")):
        with pytest.raises(DomainError) as exc:
            reopen(actor, **kw)
        assert field is None or exc.value.field == field, exc.value.message
    assert not ScoringReopening.objects.exists()
    granted = reopen()
    assert AuditEntry.objects.filter(action="准予补评成员单位", reason=granted.reason).exists()
    results.member_score_save(actor=city.clerk, score_row=row, scores=_points(evaluation, "30", "20", "20"))
    row.refresh_from_db()
    assert row.total == Decimal("70.0")
    fgw = next(r for r in result_selectors.scoring_progress(evaluation)["rows"] if r["department"] == city.fgw)
    assert fgw["reopened_until"] == today + timedelta(days=5) and fgw["scored"] == 1
    # the reopening runs out
    with pytest.raises(DomainError) as exc:
        results.member_score_save(actor=city.clerk, score_row=row, scores=_points(evaluation, "30", "20", "20"),
                                  on=today + timedelta(days=6))
    assert exc.value.code == "late" and "已过期" in exc.value.message
    # the page: 编办 sees the progress and reaches the form; a department out of the evaluation is not offered
    html = client_for(city.bianban).get(reverse("evaluation:detail", args=[evaluation.pk])).content.decode()
    assert 'id="scoring"' in html and "准予补评至" in html
    url = reverse("evaluation:scoring_reopen", args=[evaluation.pk])
    r = client_for(city.bianban).post(url, {"department": city.gxj.pk, "until": str(today), "reason": "x"})
    assert r.status_code == 400 and "不是本次评价中" in r.content.decode()
    r = client_for(city.bianban).post(url, {"department": city.fgw.pk, "until": str(today), "reason": ""})
    assert r.status_code == 400 and "请写明准予补评的理由" in r.content.decode()
    r = client_for(city.bianban).post(url, {"department": city.fgw.pk, "until": str(today + timedelta(days=9)),
                                            "reason": "再延一周。"})
    assert r.status_code == 302 and ScoringReopening.objects.count() == 2
    assert client_for(city.clerk).get(url).status_code == 403


def test_scoring_once_published_is_refused(city, ev):
    evaluation, b = ev
    Evaluation.objects.filter(pk=evaluation.pk).update(status="closed")
    with pytest.raises(DomainError) as exc:
        results.member_score_save(actor=city.clerk, score_row=_row(evaluation, b["a"], city.gxj),
                                  scores=_points(evaluation, "30", "20", "20"))
    assert exc.value.code == "closed"


def test_a_score_changed_meanwhile_is_not_overwritten(city, ev):
    evaluation, b = ev
    row = _row(evaluation, b["a"], city.gxj)
    opened = row.version
    results.member_score_save(actor=city.hr, score_row=row, scores=_points(evaluation, "30", "20", "20"), version=opened)
    with pytest.raises(DomainError) as exc:
        results.member_score_save(actor=city.clerk, score_row=row, scores=_points(evaluation, "10", "10", "10"),
                                  version=opened)
    assert exc.value.code == "version" and "已被" in exc.value.message
    row.refresh_from_db()
    assert row.total == Decimal("70.0")


def test_saving_a_body_s_member_units_is_all_or_nothing(city, ev):
    evaluation, b = ev
    rows = list(MemberScore.objects.filter(evaluation=evaluation, body=b["a"]).order_by("department__order"))
    entries = {rows[0].pk: {"scores": _points(evaluation, "30", "20", "20"), "version": rows[0].version},
               rows[1].pk: {"scores": _points(evaluation, "30", "99", "20"), "version": rows[1].version}}
    saved, errors = results.member_scores_save(actor=city.clerk, rows=rows, entries=entries)
    assert saved == [] and list(errors) == [rows[1].pk]
    assert f"score_{_ids(evaluation)[1]}" in errors[rows[1].pk]
    assert not MemberScore.objects.filter(evaluation=evaluation, total__isnull=False).exists()
    # every bad figure of a row is named, not only the first
    entries[rows[1].pk]["scores"] = _points(evaluation, "45", "三十", "20")
    _saved, errors = results.member_scores_save(actor=city.clerk, rows=rows, entries=entries)
    assert set(errors[rows[1].pk]) == {f"score_{_ids(evaluation)[0]}", f"score_{_ids(evaluation)[1]}"}
    # a refusal of the service itself (another department) leaves nothing saved either
    _saved, errors = results.member_scores_save(actor=city.gx_clerk, rows=rows, entries={
        rows[0].pk: {"scores": _points(evaluation, "30", "20", "20")}})
    assert "只有牵头部门" in errors[rows[0].pk]["__all__"]
    assert not MemberScore.objects.filter(evaluation=evaluation, total__isnull=False).exists()


# ---- the year's results ---------------------------------------------------------------------------------------

def test_results_give_each_body_a_score_grade_and_rank_within_its_category(city, ev):
    evaluation, b = ev
    counts = results.results_compute(evaluation)
    assert counts["bodies"] == 5
    a, bb, idle, emergency, joint = (se_of(evaluation, b[k]) for k in ("a", "b", "idle", "emergency", "joint"))
    # a: meetings 6/4 → 30, tasks 9/10 → 36, mechanisms → 30
    assert (a.self_score, a.score, a.grade) == (Decimal("96.0"), Decimal("96.0"), "高效")
    # b: meetings 2/4 → 15, tasks 2/4 → 20, no mechanisms → 0
    assert (bb.score, bb.grade) == (Decimal("35.0"), "缺失")
    # government bodies ranked together, the joint meeting on its own
    assert a.rank == 1 and joint.rank == 1
    assert sorted([a.rank, bb.rank, idle.rank, emergency.rank]) == [1, 2, 3, 4]
    assert emergency.score == Decimal("70.0") and emergency.rank == 2
    evaluation.refresh_from_db()
    assert evaluation.results_status == "done" and evaluation.results_at is not None


def test_an_adjusted_score_counts_over_the_self_score(city, ev):
    evaluation, b = ev
    SelfEvaluation.objects.filter(evaluation=evaluation, body=b["b"]).update(adjusted_score=Decimal("88"))
    results.results_compute(evaluation)
    se = se_of(evaluation, b["b"])
    assert se.self_score == Decimal("35.0") and se.score == Decimal("88.0") and se.grade == "高效" and se.rank == 2


def test_the_grade_scale_is_data(city, ev):
    evaluation, b = ev
    system = evaluation.system
    system.scale = [{"grade": "优秀", "min": 95}, {"grade": "合格", "min": 30}, {"grade": "不合格", "min": 0}]
    system.save()
    results.results_compute(evaluation)
    assert se_of(evaluation, b["a"]).grade == "优秀" and se_of(evaluation, b["b"]).grade == "合格"


def test_bodies_with_no_meeting_or_no_tasks_are_candidates_except_emergency_and_upper(city, ev):
    evaluation, b = ev
    results.results_compute(evaluation)
    idle, emergency, a = se_of(evaluation, b["idle"]), se_of(evaluation, b["emergency"]), se_of(evaluation, b["a"])
    assert (idle.candidate, idle.candidate_exempt) == ("no_meeting", False)
    assert (emergency.candidate, emergency.candidate_exempt) == ("no_meeting", True)
    assert a.candidate == "" and not a.candidate_exempt
    # no tasks listed (None or 0) is a candidate too; required by the upper level: listed, exempt
    SelfEvaluation.objects.filter(pk=a.pk).update(tasks_planned=None, legal_ground="upper")
    results.results_compute(evaluation)
    a.refresh_from_db()
    assert (a.candidate, a.candidate_exempt) == ("no_tasks", True)


def test_member_totals_and_grades_are_computed_with_the_results(city, ev):
    evaluation, b = ev
    ids = _ids(evaluation)
    row = _row(evaluation, b["a"], city.gxj)
    MemberScore.objects.filter(pk=row.pk).update(scores={str(ids[0]): "30", str(ids[1]): "30", str(ids[2]): "25"})
    results.results_compute(evaluation)
    row.refresh_from_db()
    assert row.total == Decimal("85.0") and row.grade == "高效"
    assert _row(evaluation, b["a"], city.nyj).total is None


def test_computing_results_takes_a_fixed_number_of_queries(city, ev):
    evaluation, b = ev
    with CaptureQueriesContext(connection) as small:
        results.results_compute(evaluation)
    for k in range(6):
        body = establish(city.city, name=f"市第{k}专项工作领导小组", lead=city.gxj, members=[city.fgw, city.nyj])
        se = SelfEvaluation.objects.create(evaluation=evaluation, body=body, department=city.gxj,
                                           lead_department=city.gxj, name=body.name, category="government",
                                           legal_ground="local", meetings_held=k, tasks_planned=3, tasks_done=1)
        MemberScore.objects.create(evaluation=evaluation, body=body, department=city.fgw, lead_department=city.gxj)
        assert se.pk
    with CaptureQueriesContext(connection) as big:
        results.results_compute(evaluation)
    assert len(big.captured_queries) == len(small.captured_queries)  # one bulk update per 1,000 changed rows
    assert len(big.captured_queries) <= 16


def test_the_results_job_runs_and_keeps_its_state(city, ev):
    evaluation, b = ev
    evaluation = results.results_request(actor=city.bianban, evaluation=evaluation)  # jobs run at once in tests
    assert evaluation.results_status == "done" and evaluation.results_error == ""
    assert se_of(evaluation, b["a"]).grade == "高效"
    assert AuditEntry.objects.filter(action="计算评价结果", target_id=str(evaluation.pk)).exists()


def test_a_crashed_results_job_is_kept_on_the_evaluation(city, ev, monkeypatch):
    evaluation, b = ev

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(results, "results_compute", boom)
    evaluation = results.results_request(actor=city.bianban, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.results_status == "failed" and evaluation.results_error == results.CRASHED
    assert se_of(evaluation, b["a"]).grade == ""


def test_only_bianban_computes_and_not_twice_at_once(city, ev):
    evaluation, _b = ev
    with pytest.raises(DomainError) as exc:
        results.results_request(actor=city.clerk, evaluation=evaluation)
    assert exc.value.code == "not_manager"
    Evaluation.objects.filter(pk=evaluation.pk).update(results_status="running")
    with pytest.raises(DomainError) as exc:
        results.results_request(actor=city.bianban, evaluation=evaluation)
    assert exc.value.code == "running" and "正在计算" in exc.value.message
    with pytest.raises(DomainError):
        results.results_request(actor=city.qz_bianban, evaluation=evaluation)  # a county's 编办: not its region


# ---- 典型标杆 ----------------------------------------------------------------------------------------------------

def test_bianban_marks_and_unmarks_an_exemplary_body(city, ev):
    evaluation, b = ev
    se = se_of(evaluation, b["a"])
    results.exemplary_mark(actor=city.bianban, self_evaluation=se, note="建立周调度机制，任务全部按期完成")
    se.refresh_from_db()
    assert se.exemplary and se.exemplary_note == "建立周调度机制，任务全部按期完成"
    with pytest.raises(DomainError):
        results.exemplary_mark(actor=city.clerk, self_evaluation=se)
    with pytest.raises(DomainError):
        results.exemplary_mark(actor=city.bianban, self_evaluation=se, note="长" * 301)
    results.exemplary_unmark(actor=city.bianban, self_evaluation=se)
    se.refresh_from_db()
    assert not se.exemplary and se.exemplary_note == ""
    assert AuditEntry.objects.filter(action__in=["标记典型标杆", "取消典型标杆"], target_id=str(se.pk)).count() == 2


# ---- proposals ----------------------------------------------------------------------------------------------------

def test_a_proposal_reaches_the_intake_with_the_evaluation_as_evidence(city, ev):
    evaluation, b = ev
    results.results_compute(evaluation)
    se = se_of(evaluation, b["idle"])
    p = results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="abolish", reason="全年未开展工作")
    p = Proposal.objects.get(pk=p.pk)
    assert (p.kind, p.region_id, p.body_id, p.body_label) == ("abolish", city.city.pk, b["idle"].pk, "市闲置工作领导小组")
    assert p.source == "多方评价" and p.source_ref == f"evaluation:{evaluation.pk}"
    assert p.source_url == f"/evaluation/{evaluation.pk}/results/{se.pk}/"
    assert p.evidence["year"] == 2025 and p.evidence["meetings_held"] == 0 and p.evidence["tasks"] == 0
    assert p.evidence["candidate"] == "no_meeting" and p.evidence["grade"] == se.grade
    assert p.evidence["score"] == str(se.score) and p.evidence["proposed_by"] == "编办"
    assert p.reason.startswith("【编办建议·潍坊市2025年度议事协调机构运行评价】建议撤销“市闲置工作领导小组”。") and "全年未开展工作" in p.reason and "全年召开会议0次" in p.reason
    assert p.raised_by == city.bianban and p.status == "open"
    # raising it again while open gives the same proposal
    again = results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="abolish", reason="再次提出")
    assert again.pk == p.pk and Proposal.objects.count() == 1


def test_proposals_to_rename_reaffiliate_and_merge_carry_their_target(city, ev):
    evaluation, b = ev
    se = se_of(evaluation, b["b"])
    p = results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="rename", reason="职责调整",
                               new_name="市现代物流发展领导小组")
    assert p.evidence["new_name"] == "市现代物流发展领导小组" and "建议将“市物流业发展领导小组”更名为“市现代物流发展领导小组”。" in p.reason
    p = results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="reaffiliate", reason="职能划转",
                               new_department=city.swj)
    assert p.evidence["new_department"] == {"id": city.swj.pk, "name": "市商务局"} and "改由市商务局牵头" in p.reason
    p = results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="merge", reason="职责相近",
                               merge_into=b["a"])
    assert p.evidence["merge_into"]["id"] == b["a"].pk and p.kind == "merge"
    assert "建议将“市物流业发展领导小组”并入“市重点项目建设领导小组”" in p.reason


@pytest.mark.parametrize("kind, extra, field, text", [
    ("rename", {}, "new_name", "请填写建议的新名称"),
    ("rename", {"new_name": "市物流业发展领导小组"}, "new_name", "相同"),
    ("reaffiliate", {}, "new_department", "请选择建议的牵头部门"),
    ("merge", {}, "merge_into", "请选择并入的机构"),
    ("downgrade", {}, "kind", "请选择建议事项"),
])
def test_incomplete_proposals_are_refused(city, ev, kind, extra, field, text):
    evaluation, b = ev
    with pytest.raises(DomainError) as exc:
        results.proposal_draft(actor=city.bianban, self_evaluation=se_of(evaluation, b["b"]), kind=kind,
                               reason="理由", **extra)
    assert exc.value.field == field and text in exc.value.message
    assert not Proposal.objects.exists()


def test_proposals_refused_to_others_and_for_merging_into_itself(city, ev):
    evaluation, b = ev
    se = se_of(evaluation, b["b"])
    with pytest.raises(DomainError):
        results.proposal_draft(actor=city.clerk, self_evaluation=se, kind="abolish", reason="理由")
    with pytest.raises(DomainError):
        results.proposal_draft(actor=city.liangban, self_evaluation=se, kind="abolish", reason="理由")
    with pytest.raises(DomainError) as exc:
        results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="merge", reason="理由", merge_into=b["b"])
    assert "不能与本机构合并" in exc.value.message
    with pytest.raises(DomainError) as exc:
        results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="abolish", reason="  ")
    assert exc.value.field == "reason"
    assert not Proposal.objects.exists()


def test_an_exempt_candidate_is_listed_but_not_proposed_for_abolition(city, ev):
    evaluation, b = ev
    results.results_compute(evaluation)
    se = se_of(evaluation, b["emergency"])
    assert se.candidate and se.candidate_exempt
    with pytest.raises(DomainError) as exc:
        results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="abolish", reason="全年未开会")
    assert exc.value.code == "exempt" and "应急指挥类机构" in exc.value.message
    assert "不因运行情况提出撤销建议" in exc.value.message and "工作任务已经完成" in exc.value.message
    assert not Proposal.objects.exists()
    # other adjustments stay possible
    p = results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="rename", reason="规范名称",
                               new_name="市防汛抗旱应急指挥部")
    assert p.kind == "rename"
    # its task finished (said explicitly), its abolition may be proposed, and the proposal says why
    p = results.proposal_draft(actor=city.bianban, self_evaluation=se, kind="abolish", reason="专项任务已经完成",
                               task_finished=True)
    assert p.kind == "abolish" and p.evidence["task_finished"] is True


def test_a_county_evaluation_is_its_own(city):
    body = establish(city.county, name="青州市乡村振兴领导小组", lead=city.qz_fgj, members=[city.qz_yjj])
    evaluation = open_evaluation(city.county, [body], 2025)
    results.results_compute(evaluation)
    assert se_of(evaluation, body).grade == "高效"
    score_all(evaluation)
    results.results_compute(evaluation)
    ms = MemberScore.objects.get(evaluation=evaluation)
    assert ms.total == Decimal("90") and ms.grade == "高效"
    with pytest.raises(DomainError):  # the city's 编办 is above the county: it may; the county's own may too
        results.exemplary_mark(actor=city.clerk, self_evaluation=se_of(evaluation, body))
    results.exemplary_mark(actor=city.qz_bianban, self_evaluation=se_of(evaluation, body))
    results.exemplary_mark(actor=city.bianban, self_evaluation=se_of(evaluation, body))


# ---- the year's steps: reporting closed, results published ------------------------------------------------------

def test_reporting_closes_after_the_deadline_or_when_all_are_in(city, ev):
    evaluation, b = ev
    SelfEvaluation.objects.filter(pk=se_of(evaluation, b["a"]).pk).update(status="draft")
    with pytest.raises(DomainError) as exc:
        results.reporting_close(actor=city.bianban, evaluation=evaluation)
    assert exc.value.code == "early" and "还有1个机构的自评未报送" in exc.value.message
    with pytest.raises(DomainError) as exc:
        results.reporting_close(actor=city.liangban, evaluation=evaluation)
    assert exc.value.code == "not_manager"
    done = results.reporting_close(actor=city.bianban, evaluation=evaluation,
                                   on=evaluation.deadline + timedelta(days=1))
    assert done.status == "checking"
    assert AuditEntry.objects.filter(action="结束自评填报", target_id=str(evaluation.pk), reason="未报送1个").exists()
    with pytest.raises(DomainError) as exc:
        results.reporting_close(actor=city.bianban, evaluation=done)
    assert exc.value.code == "status"


def test_results_are_published_once_checked_and_computed_after_the_last_change(city, ev):
    evaluation, b = ev
    with pytest.raises(DomainError) as exc:
        results.results_publish(actor=city.bianban, evaluation=evaluation)
    assert exc.value.code == "status"  # still reporting
    SelfEvaluation.objects.filter(evaluation=evaluation).update(status="checked", checked_at=timezone.now())
    evaluation = results.reporting_close(actor=city.bianban, evaluation=evaluation)
    with pytest.raises(DomainError) as exc:
        results.results_publish(actor=city.bianban, evaluation=evaluation)
    assert exc.value.code == "no_results"
    results.results_compute(evaluation)
    # a score given after the results were computed: they must be computed again first
    row = MemberScore.objects.filter(evaluation=evaluation).exclude(department=city.fgw).first()
    MemberScore.objects.filter(pk=row.pk).update(scored_at=timezone.now() + timedelta(minutes=1))
    with pytest.raises(DomainError) as exc:
        results.results_publish(actor=city.bianban, evaluation=evaluation)
    assert exc.value.code == "stale_results"
    MemberScore.objects.filter(pk=row.pk).update(scored_at=timezone.now() - timedelta(minutes=5))
    published = results.results_publish(actor=city.bianban, evaluation=Evaluation.objects.get(pk=evaluation.pk))
    assert published.status == "closed" and published.published_on == timezone.localdate()
    # closed: no more scoring
    with pytest.raises(DomainError) as exc:
        results.member_score_save(actor=city.clerk, score_row=_row(evaluation, b["a"], city.gxj),
                                  scores=_points(evaluation, "30", "20", "20"))
    assert exc.value.code == "closed"


def test_the_results_page_offers_the_steps_to_the_establishment_office_only(city, ev, client_for):
    from django.urls import reverse

    evaluation, _b = ev
    SelfEvaluation.objects.filter(evaluation=evaluation).update(status="checked", checked_at=timezone.now())
    page = client_for(city.bianban).get(reverse("evaluation:ranking", args=[evaluation.pk])).content.decode()
    assert "结束自评填报" in page
    assert "结束自评填报" not in client_for(city.liangban).get(
        reverse("evaluation:ranking", args=[evaluation.pk])).content.decode()
    r = client_for(city.liangban).post(reverse("evaluation:close_reporting", args=[evaluation.pk]))
    assert r.status_code in (403, 404) and Evaluation.objects.get(pk=evaluation.pk).status == "open"
    r = client_for(city.bianban).post(reverse("evaluation:close_reporting", args=[evaluation.pk]), follow=True)
    assert "自评填报已结束" in r.content.decode() and Evaluation.objects.get(pk=evaluation.pk).status == "checking"
    results.results_compute(Evaluation.objects.get(pk=evaluation.pk))
    page = client_for(city.bianban).get(reverse("evaluation:ranking", args=[evaluation.pk])).content.decode()
    assert "发布评价结果" in page
    r = client_for(city.bianban).post(reverse("evaluation:publish", args=[evaluation.pk]), follow=True)
    assert "评价结果已发布" in r.content.decode() and Evaluation.objects.get(pk=evaluation.pk).status == "closed"
