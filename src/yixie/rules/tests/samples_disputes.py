"""A small world of duty disputes for the tests and the URL walker's samples.

市安全生产测试委员会: 市应急管理局 (yingji) leads it and hosts its office; 市工业和信息化局 (gongxin), 市商务局 and
市农业农村局 are member units; 市发展和改革委员会 (fagaiwei) is not in it. Its work rules are filed, with a task
on 燃气安全监管 led by 市应急管理局. A county body and a department of another city give ids outside every
scope."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yixie.org.models import DepartmentDuty
from yixie.rules import disputes as services
from yixie.rules.choices import TaskRole, WorkRulesStatus
from yixie.rules.models import MemberDuty, TaskAssignment, WorkRules, WorkRulesTask
from yixie.testing.factories import establish, make_department, make_region

TODAY = timezone.localdate()
TASK = "城镇燃气安全监管"


def pdf(name: str = "纪要.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def dispute_world(world):
    """The body, its filed work rules, the departments' 三定 duties (made once per world)."""
    if hasattr(world, "_dispute_body"):
        return world._dispute_body
    body = establish(world.city, name="市安全生产测试委员会", lead=world.yjj, members=[world.gxj, world.swj, world.nyj],
                     on=date(2019, 3, 1))
    establish(world.county, name="青州市安全生产测试委员会", lead=world.qz_yjj, on=date(2019, 3, 1))
    other = make_region("370800", "济宁市", "city")
    make_department(other, "济宁市应急管理局")
    rules = WorkRules.objects.create(body=body, status=WorkRulesStatus.FILED, filed_on=date(2019, 4, 1),
                                     full_meeting="每年召开1次", office_duties="承担委员会日常工作。")
    task = WorkRulesTask.objects.create(work_rules=rules, ordinal=1, text=TASK)
    TaskAssignment.objects.create(task=task, department=world.yjj, role=TaskRole.PRINCIPAL)
    TaskAssignment.objects.create(task=task, department=world.gxj, role=TaskRole.ASSISTING)
    other_task = WorkRulesTask.objects.create(work_rules=rules, ordinal=2, text="危险化学品安全监管")
    TaskAssignment.objects.create(task=other_task, department=world.gxj, role=TaskRole.PRINCIPAL)
    for d, text in ((world.yjj, "负责安全生产综合监督管理。"), (world.gxj, "负责工业行业安全生产监管。"),
                    (world.swj, "负责商贸服务业安全生产监管。"), (world.nyj, "负责农业安全生产监管。")):
        MemberDuty.objects.create(work_rules=rules, department=d, duties=text)
    DepartmentDuty.objects.create(department=world.swj, ordinal=1, text="负责餐饮行业燃气使用安全的行业管理。",
                                  basis="市商务局三定规定")
    DepartmentDuty.objects.create(department=world.yjj, ordinal=1, text="负责工商贸行业安全生产监督管理。",
                                  basis="市应急管理局三定规定")
    world._dispute_body = body
    world._dispute_rules = rules
    world._dispute_task = task
    return body


def a_dispute(world, i: int = 0, *, stage: str = "raised"):
    """A dispute raised by 市工业和信息化局 against 市商务局, taken to `stage`: raised, failed (a consultation
    without agreement), agreed, escalated, referred, settled."""
    body = dispute_world(world)
    d = services.dispute_raise(actor=None, body=body, raised_by=world.gxj, matter=f"{TASK}分工争议{i}号",
                               objection="餐饮场所燃气安全由谁监管不明确。", parties=[world.swj, world.yjj],
                               cited_task=world._dispute_task, on=TODAY - timedelta(days=40))
    if stage == "raised":
        return d
    agreed = stage == "agreed"
    services.consultation_record(actor=None, dispute=d, held_on=TODAY - timedelta(days=30),
                                 present=[world.gxj, world.swj, world.yjj], agreed=agreed,
                                 summary="各方意见不一。" if not agreed else "各方同意由市商务局主办。",
                                 uploaded=pdf() if agreed else None,
                                 principal=[world.swj] if agreed else (), assisting=[world.yjj] if agreed else ())
    if stage in ("failed", "agreed"):
        d.refresh_from_db()
        return d
    services.dispute_escalate(actor=None, dispute=d, on=TODAY - timedelta(days=20), note="分歧较大，提请编办协调。",
                              uploads=[pdf("材料.pdf")])
    if stage == "referred":
        services.dispute_refer(actor=None, dispute=d, on=TODAY - timedelta(days=10), note="涉及三定职责调整。")
    elif stage == "settled":
        services.opinion_give(actor=None, dispute=d, on=TODAY - timedelta(days=10), text="由市商务局主办。",
                              principal=[world.swj], assisting=[world.yjj], document_issuer="中共潍坊市委机构编制委员会办公室",
                              document_title=f"关于{TASK}职责分工的协调意见{i}", uploaded=pdf("意见.pdf"))
    d.refresh_from_db()
    return d


def url_samples(world):
    raised = a_dispute(world, 100)
    agreed = a_dispute(world, 101, stage="agreed")
    escalated = a_dispute(world, 102, stage="escalated")
    referred = a_dispute(world, 103, stage="referred")
    failed = a_dispute(world, 104, stage="failed")
    f = escalated.files.order_by("id").first()
    c = agreed.consultations.order_by("id").first()

    def one(d):
        return {"pk": d.pk}

    return {
        "rules:dispute": one(raised),
        "rules:dispute_consult": one(raised),
        "rules:dispute_escalate": one(failed),
        "rules:dispute_file": one(agreed),
        "rules:dispute_opinion": one(escalated),
        "rules:dispute_refer": one(escalated),
        "rules:dispute_decide": one(referred),
        "rules:dispute_withdraw": one(raised),
        "rules:dispute_download": {"pk": escalated.pk, "file_pk": f.pk},
        "rules:dispute_minutes": {"pk": agreed.pk, "c_pk": c.pk},
    }
