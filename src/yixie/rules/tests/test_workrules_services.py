"""Work rules services and selectors: the steps, every refusal of the issue (with its Chinese message and
nothing written), revisions, due dates and overdue bodies."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yixie.core.models import AuditEntry
from yixie.ledger.choices import BodyFileKind
from yixie.ledger.models import Body, BodyFile, PolicyValue
from yixie.rules import selectors, services
from yixie.rules.choices import TaskRole, WorkRulesStatus
from yixie.rules.models import MemberDuty, TaskAssignment, WorkRules, WorkRulesTask
from yixie.rules.services import TaskRow, WorkRulesError
from yixie.testing.factories import establish

from .samples_workrules import a_body, a_draft, a_filed, a_submitted, complete, docx_file, pdf_file

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def counts():
    return {"wr": WorkRules.objects.count(), "tasks": WorkRulesTask.objects.count(),
            "assign": TaskAssignment.objects.count(), "duties": MemberDuty.objects.count(),
            "versions": sum(WorkRules.objects.values_list("version", flat=True)),
            "statuses": sorted(WorkRules.objects.values_list("status", flat=True)),
            "files": BodyFile.objects.count()}


def refused(fn, expect: str, **kw):
    before = counts()
    with pytest.raises(WorkRulesError) as err:
        fn(**kw)
    assert expect in err.value.message, err.value.message
    assert counts() == before
    return err.value


# ---------------------------------------------------------------- the whole way

def test_draft_submit_file_sets_the_ledger_and_keeps_the_file(city):
    wr = a_draft(city)
    assert wr.status == WorkRulesStatus.DRAFT and wr.revision == 1
    wr = services.draft_save(
        actor=city.clerk, work_rules=wr, expected_version=wr.version, kind="details",
        texts={"full_meeting": "每年1次", "office_meeting": "每季度1次", "office_duties": "承担日常工作"},
        tasks=[TaskRow("统筹", [city.fgw.pk], [city.gxj.pk, city.nyj.pk]), TaskRow("", [], [])],
        member_duties={city.gxj.pk: "负责工业", city.nyj.pk: ""}, uploaded=docx_file())
    assert wr.kind == "details" and wr.file_type == "DOCX" and wr.original_name == "工作规则.docx"
    assert list(wr.tasks.values_list("text", flat=True)) == ["统筹"]
    assert dict(TaskAssignment.objects.filter(task__work_rules=wr).values_list("department_id", "role")) == {
        city.fgw.pk: TaskRole.PRINCIPAL, city.gxj.pk: TaskRole.ASSISTING, city.nyj.pk: TaskRole.ASSISTING}
    assert list(wr.member_duties.values_list("department_id", flat=True)) == [city.gxj.pk]  # blank dropped
    wr = services.submit(actor=city.hr, work_rules=wr, expected_version=wr.version)
    assert wr.status == WorkRulesStatus.SUBMITTED and wr.submitted_by == city.hr
    wr = services.file_rules(actor=city.bianban, work_rules=wr, expected_version=wr.version, on=date(2019, 3, 25))
    assert wr.status == WorkRulesStatus.FILED and wr.filed_on == date(2019, 3, 25) and wr.reviewed_by == city.bianban
    body = Body.objects.get(pk=wr.body_id)
    assert body.work_rules_filed_on == date(2019, 3, 25)
    bf = BodyFile.objects.get(body=body)
    assert bf.kind == BodyFileKind.WORK_RULES and bf.original_name == "工作规则.docx" and bf.sha256 == wr.sha256
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"起草工作规则", "修改工作规则", "报送工作规则备案", "工作规则备案"} <= actions


def test_return_then_edit_and_submit_again(city):
    wr = a_submitted(city)
    wr = services.return_rules(actor=city.bianban, work_rules=wr, expected_version=wr.version,
                               reason="成员单位职责过于笼统，请细化。")
    assert wr.status == WorkRulesStatus.RETURNED and wr.review_note.startswith("成员单位职责")
    wr = services.draft_save(actor=city.clerk, work_rules=wr, expected_version=wr.version,
                             member_duties={city.gxj.pk: "负责工业企业有关工作", city.nyj.pk: "负责农村有关工作"})
    wr = services.submit(actor=city.hr, work_rules=wr, expected_version=wr.version)
    assert wr.status == WorkRulesStatus.SUBMITTED
    wr = services.file_rules(actor=city.bianban, work_rules=wr, expected_version=wr.version)
    assert wr.filed_on == TODAY


def test_a_revision_copies_the_filed_version_and_supersedes_it_when_filed(city):
    first = a_filed(city)
    rev = services.draft_create(actor=city.clerk, body=first.body, revision_reason="成员单位调整")
    assert rev.revision == 2 and rev.previous == first and rev.full_meeting == first.full_meeting
    assert [t.text for t in rev.tasks.all()] == [t.text for t in first.tasks.all()]
    assert sorted(TaskAssignment.objects.filter(task__work_rules=rev).values_list("department_id", "role")) == \
        sorted(TaskAssignment.objects.filter(task__work_rules=first).values_list("department_id", "role"))
    assert dict(rev.member_duties.values_list("department_id", "duties")) == \
        dict(first.member_duties.values_list("department_id", "duties"))
    # the copy is the revision's own: editing it leaves the filed version as it was
    rev = services.draft_save(actor=city.clerk, work_rules=rev, expected_version=rev.version,
                              tasks=[TaskRow("新任务", [city.gxj.pk], [])], uploaded=pdf_file())
    assert [t.text for t in first.tasks.all()] == ["统筹推进有关工作"]
    rev = services.submit(actor=city.hr, work_rules=rev, expected_version=rev.version)
    services.file_rules(actor=city.bianban, work_rules=rev, expected_version=rev.version)
    first.refresh_from_db()
    assert first.status == WorkRulesStatus.SUPERSEDED and first.filed_on == date(2019, 3, 20)
    assert list(selectors.versions_of(first.body).values_list("revision", "status")) == [
        (2, WorkRulesStatus.FILED), (1, WorkRulesStatus.SUPERSEDED)]
    assert BodyFile.objects.filter(body=first.body).count() == 2


# ---------------------------------------------------------------- refusals

def test_a_member_unit_with_no_duty_is_refused_by_name(city):
    wr = a_draft(city)
    wr = services.draft_save(actor=None, work_rules=wr, expected_version=wr.version, uploaded=pdf_file(),
                             tasks=[TaskRow("统筹", [city.fgw.pk], [])], member_duties={city.gxj.pk: "负责工业"})
    err = refused(services.submit, "成员单位“市农业农村局”在工作规则中没有职责", actor=city.hr, work_rules=wr,
                  expected_version=wr.version)
    assert err.field == "member_duties" and "市工业和信息化局" not in err.message
    # a task assignment counts as a duty
    wr = services.draft_save(actor=None, work_rules=wr, expected_version=wr.version,
                             tasks=[TaskRow("统筹", [city.fgw.pk], [city.nyj.pk])])
    assert services.submit(actor=city.hr, work_rules=wr, expected_version=wr.version).status == "submitted"


def test_submit_without_a_file_is_refused(city):
    wr = complete(city, a_draft(city), uploaded=False)
    err = refused(services.submit, "请上传", actor=city.hr, work_rules=wr, expected_version=wr.version)
    assert err.field == "file"


def test_a_task_with_no_principal_unit_is_refused(city):
    wr = complete(city, a_draft(city))
    wr = services.draft_save(actor=None, work_rules=wr, expected_version=wr.version,
                             tasks=[TaskRow("统筹", [], [city.gxj.pk, city.nyj.pk])])
    refused(services.submit, "工作任务“统筹”没有主办单位", actor=city.hr, work_rules=wr, expected_version=wr.version)


def test_a_unit_outside_the_body_is_refused(city):
    wr = a_draft(city)
    refused(services.draft_save, "“市应急管理局”既不是成员单位，也不是牵头部门或办事机构所在部门", actor=city.clerk,
            work_rules=wr, expected_version=wr.version, tasks=[TaskRow("统筹", [city.yjj.pk], [])])
    refused(services.draft_save, "不是“市工作规则样例0号领导小组”的成员单位", actor=city.clerk, work_rules=wr,
            expected_version=wr.version, member_duties={city.yjj.pk: "负责应急"})
    refused(services.draft_save, "不能既主办又协办", actor=city.clerk, work_rules=wr, expected_version=wr.version,
            tasks=[TaskRow("统筹", [city.gxj.pk], [city.gxj.pk])])
    refused(services.draft_save, "没有填写任务内容", actor=city.clerk, work_rules=wr, expected_version=wr.version,
            tasks=[TaskRow("", [city.gxj.pk], [])])


def test_a_wrong_file_type_is_refused_by_content(city):
    wr = a_draft(city)
    fake = SimpleUploadedFile("工作规则.pdf", b"this is a text file, not a pdf" * 10)
    err = refused(services.draft_save, "扩展名与实际内容不符", actor=city.clerk, work_rules=wr,
                  expected_version=wr.version, uploaded=fake)
    assert err.field == "file"
    refused(services.draft_save, "只接受 DOCX、PDF 文件", actor=city.clerk, work_rules=wr, expected_version=wr.version,
            uploaded=SimpleUploadedFile("规则.xlsx", b"PK\x03\x04"))


def test_return_without_a_reason_is_refused(city):
    wr = a_submitted(city)
    err = refused(services.return_rules, "退回修改须写明理由", actor=city.bianban, work_rules=wr,
                  expected_version=wr.version, reason="  ")
    assert err.field == "reason"


def test_a_stale_form_is_refused(city):
    wr = a_draft(city)
    v = wr.version
    services.draft_save(actor=city.clerk, work_rules=wr, expected_version=v, texts={"full_meeting": "每年1次"})
    err = refused(services.draft_save, "已被修改", actor=city.hr, work_rules=wr, expected_version=v,
                  texts={"full_meeting": "每年2次"})
    assert err.field == "version"
    assert WorkRules.objects.get(pk=wr.pk).full_meeting == "每年1次"


def test_scope_of_each_step(city):
    body = a_body(city)
    refused(services.draft_create, "您无权起草", actor=city.yj_clerk, body=body)
    refused(services.draft_create, "您无权起草", actor=city.qz_bianban, body=body)
    wr = complete(city, services.draft_create(actor=city.clerk, body=body))
    refused(services.submit, "您无权报送", actor=city.clerk, work_rules=wr, expected_version=wr.version)  # 业务科室
    refused(services.submit, "您无权报送", actor=city.gx_clerk, work_rules=wr, expected_version=wr.version)  # a member
    wr = services.submit(actor=city.hr, work_rules=wr, expected_version=wr.version)
    refused(services.file_rules, "由潍坊市编办备案", actor=city.qz_bianban, work_rules=wr, expected_version=wr.version)
    refused(services.file_rules, "由潍坊市编办备案", actor=city.hr, work_rules=wr, expected_version=wr.version)
    refused(services.return_rules, "由潍坊市编办备案", actor=city.clerk, work_rules=wr, expected_version=wr.version,
            reason="x")


def test_only_one_open_version_and_only_submitted_ones_are_filed(city):
    wr = a_draft(city)
    refused(services.draft_create, "已有一版起草中的工作规则", actor=city.clerk, body=wr.body)
    refused(services.file_rules, "只有待备案的工作规则可以备案", actor=city.bianban, work_rules=wr,
            expected_version=wr.version)
    filed = a_filed(city, 1)
    refused(services.draft_create, "修订须写明修订原因", actor=city.clerk, body=filed.body)
    refused(services.draft_save, "已备案，不能再修改", actor=city.clerk, work_rules=filed, expected_version=filed.version,
            texts={"full_meeting": "x"})


# ---------------------------------------------------------------- due dates, overdue, to-do

def test_due_date_is_the_ledgers_else_setup_plus_the_policy(city):
    body = a_body(city)
    assert body.work_rules_due_on == body.established_on + timedelta(days=30)
    assert selectors.due_on(body) == body.work_rules_due_on
    Body.objects.filter(pk=body.pk).update(work_rules_due_on=None)
    body.refresh_from_db()
    assert selectors.due_on(body) == body.established_on + timedelta(days=30)
    PolicyValue.objects.create(region=city.city, key="work_rules.deadline_days", value=60, severity="warning",
                               source="测试")
    assert selectors.due_on(body) == body.established_on + timedelta(days=60)


def test_overdue_bodies_and_days_overdue(city):
    late = a_body(city, 1)
    fresh = establish(city.city, name="市新设样例领导小组", lead=city.fgw, on=TODAY - timedelta(days=5))
    filed = a_filed(city, 2).body
    no_due = a_body(city, 3)
    Body.objects.filter(pk=no_due.pk).update(work_rules_due_on=None)
    qs = selectors.overdue(Body.objects.all(), TODAY)
    assert set(qs.values_list("pk", flat=True)) == {late.pk, no_due.pk}
    assert fresh.pk not in qs.values_list("pk", flat=True) and filed.pk not in qs.values_list("pk", flat=True)
    [row] = selectors.with_due(Body.objects.filter(pk=late.pk), TODAY)
    assert row.days_overdue == (TODAY - late.work_rules_due_on).days
    assert {b.pk for b in selectors.overdue_rows(city.qz_bianban)} == set()
    assert {b.pk for b in selectors.overdue_rows(city.bianban)} == {late.pk, no_due.pk}


def test_todo_counts(city):
    a_body(city, 1)  # overdue, hosted by fgw
    wr = a_submitted(city, 2)
    assert selectors.todo_count(city.clerk) == 1  # the overdue one (the submitted one waits for 编办)
    assert selectors.todo_count(city.bianban) == 1
    assert selectors.todo_count(city.yj_clerk) == 0 and selectors.todo_count(city.qz_bianban) == 0
    services.return_rules(actor=city.bianban, work_rules=wr, expected_version=wr.version, reason="请补充")
    assert selectors.todo_count(city.clerk) == 2 and selectors.todo_count(city.bianban) == 0


def test_department_overview(city):
    wr = a_filed(city)
    overview = selectors.department_overview(city.gxj)
    [row] = overview["bodies"]
    assert row["rules"] == wr and row["duties"] == "负责工业领域有关工作" and row["assists"] == ["统筹推进有关工作"]
    assert row["how"] == "成员单位"
    lead = selectors.department_overview(city.fgw)["bodies"][0]
    assert lead["leads"] == ["统筹推进有关工作"] and "牵头部门" in lead["how"]
    assert selectors.bodies_with_duties_of_departments([city.gxj.pk, city.fgw.pk, city.yjj.pk], TODAY) == {
        city.gxj.pk: 1, city.fgw.pk: 1}
