"""Duty disputes' services: every refusal of the issue with its message and nothing written; settling writes
the ledger event (职责分工调整, a document without 文号), revises the work rules, moves 三定 duties; deadlines
from the policy; stale forms; who may act."""

from datetime import timedelta

import pytest

from yixie.core.models import AuditEntry
from yixie.ledger.choices import EventKind
from yixie.ledger.models import Document, LedgerEvent, PolicyValue
from yixie.ledger.selectors import state_on
from yixie.org.models import DepartmentDuty
from yixie.rules import dispute_selectors as sel
from yixie.rules import disputes as services
from yixie.rules.choices import DisputeStatus, SettledBy, TaskRole, WorkRulesStatus
from yixie.rules.models import Consultation, Dispute, DisputeFile, WorkRules
from yixie.testing.factories import establish

from .samples_disputes import TASK, TODAY, a_dispute, dispute_world, pdf


def counts():
    return {"disputes": Dispute.objects.count(), "consultations": Consultation.objects.count(),
            "files": DisputeFile.objects.count(), "events": LedgerEvent.objects.count(),
            "documents": Document.objects.count(), "rules": WorkRules.objects.count(),
            "duties": DepartmentDuty.objects.count(), "audit": AuditEntry.objects.count(),
            "versions": sum(Dispute.objects.values_list("version", flat=True))}


def refused(fn, message, field=None, **kw):
    before = counts()
    with pytest.raises(services.DisputeError) as exc:
        fn(**kw)
    assert message in exc.value.message, exc.value.message
    if field is not None:
        assert exc.value.field == field
    assert counts() == before, "a refused write wrote rows"
    return exc.value


def raise_kw(city, **over):
    body = dispute_world(city)
    kw = dict(actor=city.gx_clerk, body=body, raised_by=city.gxj, matter="餐饮场所燃气安全监管",
              objection="现行分工不明确。", parties=[city.swj], on=TODAY - timedelta(days=5))
    kw.update(over)
    return kw


# ---------------------------------------------------------------- raise

def test_a_unit_that_is_not_a_member_may_not_raise(city):
    body = dispute_world(city)
    refused(services.dispute_raise, f"市发展和改革委员会不是{body.name}的成员单位，不能对其职责分工提出异议。", "body",
            **raise_kw(city, actor=city.clerk, raised_by=city.fgw))


def test_a_member_raises_and_the_consultation_deadline_is_set(city):
    d = services.dispute_raise(**raise_kw(city, cited_task=None))
    assert d.status == DisputeStatus.RAISED and d.raised_by == city.gxj
    assert d.stage_due_on == d.raised_on + timedelta(days=30)
    assert list(d.parties.all()) == [city.swj]
    assert AuditEntry.objects.filter(action="提出职责分工异议").count() == 1


def test_the_lead_department_may_raise(city):
    d = services.dispute_raise(**raise_kw(city, actor=city.yj_clerk, raised_by=city.yjj))
    assert d.raised_by == city.yjj


@pytest.mark.parametrize("over, message, field", [
    ({"matter": "  "}, "请填写争议事项。", "matter"),
    ({"objection": ""}, "请写明对“餐饮场所燃气安全监管”职责分工的异议内容。", "objection"),
    ({"parties": []}, "请选择涉及的其他单位", "parties"),
])
def test_raise_without_what_it_needs_is_refused(city, over, message, field):
    refused(services.dispute_raise, message, field, **raise_kw(city, **over))


def test_a_party_outside_the_body_is_refused(city):
    body = dispute_world(city)
    refused(services.dispute_raise, f"市发展和改革委员会不是{body.name}的成员单位、牵头部门或办事机构所在部门，不能列为涉及单位。",
            "parties", **raise_kw(city, parties=[city.fgw]))


def test_a_clerk_raises_only_in_their_own_departments_name(city):
    refused(services.dispute_raise, "只能以本单位名义提出异议", **raise_kw(city, actor=city.yj_clerk))


def test_cited_task_must_be_of_the_bodys_filed_rules_and_duties_in_force(city):
    dispute_world(city)
    other = establish(city.city, name="市另一测试领导小组", lead=city.gxj, members=[city.swj])
    foreign = WorkRules.objects.create(body=other, status=WorkRulesStatus.FILED)
    task = foreign.tasks.create(ordinal=1, text="别的任务")
    refused(services.dispute_raise, "所引用的工作任务不属于", "cited_task", **raise_kw(city, cited_task=task))
    ended = DepartmentDuty.objects.create(department=city.swj, ordinal=9, text="已终止的职责", ended_on=TODAY - timedelta(days=30))
    refused(services.dispute_raise, "有效的职责", "cited_duties", **raise_kw(city, cited_duties=[ended]))
    fine = DepartmentDuty.objects.get(department=city.swj, ordinal=1)
    d = services.dispute_raise(**raise_kw(city, cited_task=city._dispute_task, cited_duties=[fine]))
    assert list(d.cited_duties.all()) == [fine]


# ---------------------------------------------------------------- consultation and escalation

def test_escalation_before_a_consultation_is_refused(city):
    d = a_dispute(city)
    e = refused(services.dispute_escalate, "尚未登记协商情况，不能提请编办协调；请先组织成员单位协商。",
                actor=city.yj_clerk, dispute=d, note="提请协调", uploads=[pdf()])
    assert e.message == services.NOT_CONSULTED


def test_escalation_after_an_agreement_is_refused(city):
    d = a_dispute(city, stage="agreed")
    refused(services.dispute_escalate, "成员单位已协商一致，应报编办备案，不能提请编办协调。", actor=city.yj_clerk,
            dispute=d, note="提请协调")


def test_only_the_host_department_consults_and_escalates(city):
    d = a_dispute(city)
    refused(services.consultation_record, f"组织协商由{d.body.name}办事机构所在部门（市应急管理局）办理。",
            actor=city.gx_clerk, dispute=d, held_on=TODAY, present=[city.gxj, city.swj], agreed=False, summary="x")


@pytest.mark.parametrize("over, message, field", [
    ({"present": ["gxj"]}, "协商应至少有两个单位参加", "present"),
    ({"present": ["gxj", "fgw"]}, "市发展和改革委员会不是该争议的提出单位、涉及单位或办事机构所在部门。", "present"),
    ({"summary": ""}, "请填写协商情况", "summary"),
    ({"agreed": True}, "协商一致的，请上传协商会议纪要", "file"),
    ({"agreed": True, "uploaded": "pdf"}, "请选择“城镇燃气安全监管分工争议0号”的主办单位。", "principal"),
    ({"held_on": "future"}, "晚于今天", "held_on"),
])
def test_consultation_refusals(city, over, message, field):
    d = a_dispute(city)
    kw = dict(actor=city.yj_clerk, dispute=d, held_on=TODAY, present=[city.gxj, city.swj], agreed=False,
              summary="各方意见不一。")
    if "present" in over:
        over["present"] = [getattr(city, n) for n in over["present"]]
    if over.get("uploaded") == "pdf":
        over["uploaded"] = pdf()
    if over.get("held_on") == "future":
        over["held_on"] = TODAY + timedelta(days=1)
    kw.update(over)
    refused(services.consultation_record, message, field, **kw)


def test_a_failed_consultation_sets_the_escalation_deadline_and_escalation_the_opinions(city):
    d = a_dispute(city, stage="failed")
    assert d.status == DisputeStatus.RAISED and d.stage_due_on == TODAY - timedelta(days=30) + timedelta(days=15)
    services.dispute_escalate(actor=city.yj_clerk, dispute=d, on=TODAY, note="分歧较大。", uploads=[pdf("材料.pdf")])
    d.refresh_from_db()
    assert d.status == DisputeStatus.ESCALATED and d.escalated_on == TODAY
    assert d.stage_due_on == TODAY + timedelta(days=30)
    assert d.files.get().kind == "materials"


def test_an_upload_is_checked_by_content(city):
    d = a_dispute(city, stage="failed")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("材料.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    refused(services.dispute_escalate, "材料.pdf", "files", actor=city.yj_clerk, dispute=d, note="x", uploads=[bad])


# ---------------------------------------------------------------- settling

def test_an_agreement_filed_by_bianban_changes_the_division_in_the_ledger_and_the_work_rules(city):
    d = a_dispute(city, stage="agreed")
    assert d.status == DisputeStatus.AGREED and d.stage_due_on == TODAY - timedelta(days=30) + timedelta(days=15)
    old = city._dispute_rules
    services.agreement_file(actor=city.bianban, dispute=d, on=TODAY)
    d.refresh_from_db()
    assert d.status == DisputeStatus.SETTLED and d.settled_by == SettledBy.CONSULTATION and d.filed_on == TODAY
    assert d.stage_due_on is None
    event = d.ledger_event
    assert event.kind == EventKind.DIVISION and event.effective_on == TODAY
    assert event.document == d.basis_document and event.document.number == ""
    assert event.document.title.endswith("协商会议纪要") and event.document.files.count() == 1
    assert event.source_label == "职责分工争议" and event.source_url == f"/rules/disputes/{d.pk}/"
    assert d.matter in event.note
    state = state_on(d.body, TODAY)
    assert state["division"] == [{"matter": d.matter, "principal": [{"id": city.swj.pk, "name": "市商务局"}],
                                  "assisting": [{"id": city.yjj.pk, "name": "市应急管理局"}]}]
    # the work rules: a new filed revision with the cited task divided as agreed; the old one superseded
    old.refresh_from_db()
    new = d.work_rules
    assert old.status == WorkRulesStatus.SUPERSEDED
    assert new.status == WorkRulesStatus.FILED and new.filed_on == TODAY and new.previous == old
    assert new.revision == old.revision + 1 and new.source_url == f"/rules/disputes/{d.pk}/"
    tasks = {t.text: t for t in new.tasks.all()}
    assert set(tasks) == {TASK, "危险化学品安全监管"}
    assert {(a.department_id, a.role) for a in tasks[TASK].assignments.all()} == {
        (city.swj.pk, TaskRole.PRINCIPAL), (city.yjj.pk, TaskRole.ASSISTING)}
    assert {(a.department_id, a.role) for a in tasks["危险化学品安全监管"].assignments.all()} == {
        (city.gxj.pk, TaskRole.PRINCIPAL)}
    assert new.member_duties.count() == 4
    assert AuditEntry.objects.filter(action="职责分工协商一致备案").count() == 1


def test_only_bianban_of_the_region_files(city):
    d = a_dispute(city, stage="agreed")
    refused(services.agreement_file, f"协商一致的分工备案由{d.region.name}编办办理。", actor=city.qz_bianban, dispute=d,
            on=TODAY)
    refused(services.agreement_file, "编办办理", actor=city.yj_clerk, dispute=d, on=TODAY)


def test_bianbans_opinion_settles_moves_a_duty_and_adds_the_task_when_absent(city):
    d = a_dispute(city, stage="escalated")
    # a matter the work rules do not name: no cited task
    d.cited_task = None
    d.matter = "外卖配送人员管理"
    d.save()
    duty = DepartmentDuty.objects.get(department=city.yjj, ordinal=1)
    services.opinion_give(
        actor=city.bianban, dispute=d, on=TODAY, text="由市商务局主办，市应急管理局协办。", principal=[city.swj],
        assisting=[city.yjj], document_number=f"潍编办字〔{TODAY.year}〕7号", document_issuer="中共潍坊市委机构编制委员会办公室",
        document_title="关于外卖配送人员管理职责分工的协调意见", uploaded=pdf("意见.pdf"),
        moves=[services.DutyMove(text="负责餐饮行业燃气安全的行业监管。", to_department=city.swj, duty=duty)])
    d.refresh_from_db()
    assert d.status == DisputeStatus.SETTLED and d.settled_by == SettledBy.OPINION and d.opinion_on == TODAY
    assert d.basis_document.number == f"潍编办字〔{TODAY.year}〕7号"
    assert d.ledger_event.document == d.basis_document
    duty.refresh_from_db()
    assert duty.ended_on == TODAY and duty.moved_to.department == city.swj and duty.moved_to.valid_from == TODAY
    assert duty.moved_to.source_url == f"/rules/disputes/{d.pk}/"
    tasks = list(d.work_rules.tasks.order_by("ordinal"))
    assert [t.text for t in tasks] == [TASK, "危险化学品安全监管", "外卖配送人员管理"]
    assert d.files.filter(kind="opinion").count() == 1


def test_a_failing_duty_move_writes_nothing(city):
    d = a_dispute(city, stage="escalated")
    duty = DepartmentDuty.objects.get(department=city.yjj, ordinal=1)
    refused(services.opinion_give, "不是该争议的涉及单位", "move_to", actor=city.bianban, dispute=d, on=TODAY, text="意见",
            principal=[city.swj], document_issuer="编办", document_title="意见",
            moves=[services.DutyMove(text="x", to_department=city.nyj, duty=duty)])


def test_referred_to_the_committee_and_decided(city):
    d = a_dispute(city, stage="referred")
    assert d.status == DisputeStatus.REFERRED and d.stage_due_on == d.referred_on + timedelta(days=60)
    refused(services.opinion_give, "不能提出协调意见", actor=city.bianban, dispute=d, on=TODAY, text="x",
            principal=[city.swj], document_issuer="编办", document_title="x")
    services.decision_record(actor=city.bianban, dispute=d, on=TODAY, text="由市商务局主办。", principal=[city.swj],
                             document_issuer="中共潍坊市委机构编制委员会", document_title="编委会会议纪要")
    d.refresh_from_db()
    assert d.status == DisputeStatus.SETTLED and d.settled_by == SettledBy.COMMITTEE and d.decision_on == TODAY
    assert d.ledger_event.kind == EventKind.DIVISION and d.basis_document.number == ""


def test_a_body_without_filed_work_rules_is_not_revised(city):
    d = a_dispute(city, stage="agreed")
    WorkRules.objects.filter(pk=city._dispute_rules.pk).update(status=WorkRulesStatus.DRAFT)
    services.agreement_file(actor=city.bianban, dispute=d, on=TODAY)
    d.refresh_from_db()
    assert d.status == DisputeStatus.SETTLED and d.work_rules is None and d.ledger_event is not None
    assert WorkRules.objects.count() == 1


def test_a_second_dispute_on_another_matter_keeps_the_first_division(city):
    first = a_dispute(city, 1, stage="agreed")
    services.agreement_file(actor=None, dispute=first, on=TODAY - timedelta(days=5))
    second = a_dispute(city, 2, stage="agreed")
    services.agreement_file(actor=None, dispute=second, on=TODAY)
    assert [e["matter"] for e in state_on(first.body, TODAY)["division"]] == [first.matter, second.matter]
    assert WorkRules.objects.filter(body=first.body, status=WorkRulesStatus.FILED).count() == 1
    assert WorkRules.objects.filter(body=first.body).count() == 3


# ---------------------------------------------------------------- versions, withdrawal, deadlines, to-dos

def test_a_stale_form_is_refused(city):
    d = a_dispute(city)
    stale = d.version
    services.consultation_record(actor=city.yj_clerk, dispute=d, held_on=TODAY, present=[city.gxj, city.swj],
                                 agreed=False, summary="未一致。", expected_version=stale)
    refused(services.consultation_record, "已被他人办理或修改，请刷新页面", "version", actor=city.yj_clerk, dispute=d,
            held_on=TODAY, present=[city.gxj, city.swj], agreed=False, summary="再次协商。", expected_version=stale)


def test_the_raising_unit_withdraws_before_settlement(city):
    d = a_dispute(city)
    refused(services.dispute_withdraw, "只有提出单位（市工业和信息化局）可以撤回异议。", actor=city.yj_clerk, dispute=d,
            reason="x")
    refused(services.dispute_withdraw, "请写明撤回异议的原因。", "reason", actor=city.gx_clerk, dispute=d, reason=" ")
    services.dispute_withdraw(actor=city.gx_clerk, dispute=d, reason="已自行协调解决。")
    d.refresh_from_db()
    assert d.status == DisputeStatus.WITHDRAWN and d.stage_due_on is None
    assert AuditEntry.objects.filter(action="撤回职责分工异议", reason="已自行协调解决。").count() == 1
    settled = a_dispute(city, 1, stage="settled")
    refused(services.dispute_withdraw, "不能撤回", actor=city.gx_clerk, dispute=settled, reason="晚了")


def test_a_regions_policy_sets_the_deadline(city):
    PolicyValue.objects.create(region=city.city, key="disputes.deadline.consultation", value=10, severity="warning",
                               source="测试")
    d = a_dispute(city)
    assert d.stage_due_on == d.raised_on + timedelta(days=10)
    assert sel.overdue_days(d, TODAY) == 30


def test_todos_count_for_whoever_must_act(city):
    a_dispute(city)
    a_dispute(city, 1, stage="escalated")
    a_dispute(city, 2, stage="agreed")
    assert sel.todo_count(city.yj_clerk) == 1
    assert sel.todo_count(city.bianban) == 2
    assert sel.todo_count(city.gx_clerk) == 0
    assert sel.todo_count(city.qz_bianban) == 0


def test_who_sees_a_dispute(city):
    d = a_dispute(city)
    seen = {u.username for u in (city.admin, city.bianban, city.qz_bianban, city.liangban, city.clerk, city.gx_clerk,
                                 city.yj_clerk, city.qz_clerk)
            if sel.disputes_visible_to(u).filter(pk=d.pk).exists()}
    assert seen == {"admin", "bianban", "gongxin", "yingji"}


def test_the_division_in_force_meanwhile(city):
    d = a_dispute(city)
    now = sel.division_in_force(d)
    assert now["principal"] == ["市应急管理局"] and now["assisting"] == ["市工业和信息化局"]
    d2 = a_dispute(city, 1, stage="agreed")
    services.agreement_file(actor=None, dispute=d2, on=TODAY)
    assert sel.division_in_force(d2)["source"] == "台账登记的职责分工"
