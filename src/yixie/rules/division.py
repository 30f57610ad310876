"""What a settled duty dispute does to the body's work rules (docs/decisions/0026): a new revision copying the
filed version (its tasks, who leads and assists on each, the member units' duties) with the disputed matter's
task set to the division agreed or decided (the task added where the rules had none), filed on the settling
date; the filed version it replaces is marked superseded, never changed otherwise.

Written against the models directly (the work-rules pages are another part of the capability); where the
body has no filed work rules nothing is revised, and the dispute's page says so."""

from __future__ import annotations

from datetime import date

from django.db.models import Max

from yixie.core import audit
from yixie.ledger.models import Body
from yixie.org.models import Department

from .choices import TaskRole, WorkRulesStatus
from .models import MemberDuty, TaskAssignment, WorkRules, WorkRulesTask


def filed_work_rules(body: Body | int) -> WorkRules | None:
    """The body's work rules in force: its latest filed version (None if it has none filed)."""
    body_id = body if isinstance(body, int) else body.pk
    return (WorkRules.objects.filter(body_id=body_id, status=WorkRulesStatus.FILED)
            .order_by("-revision", "-id").first())


def matter_task(rules: WorkRules | None, matter: str, cited_task_id: int | None = None) -> WorkRulesTask | None:
    """The task of `rules` the matter is about: the cited one (if it belongs to these rules), else the one whose
    text is the matter's."""
    if rules is None:
        return None
    tasks = list(rules.tasks.all())
    for task in tasks:
        if cited_task_id and task.pk == cited_task_id:
            return task
    matter = (matter or "").strip()
    return next((t for t in tasks if t.text.strip() == matter), None)


def revise_for_division(*, actor, body: Body, matter: str, cited_task_id: int | None,
                        principal: list[Department], assisting: list[Department], on: date, reason: str,
                        source: tuple[str, str]) -> WorkRules | None:
    """A new filed revision of the body's work rules with the matter's task divided as settled; the filed
    version it revises becomes superseded. None where the body has no filed work rules. Call inside the
    settling transaction."""
    old = (WorkRules.objects.select_for_update().filter(body=body, status=WorkRulesStatus.FILED)
           .order_by("-revision", "-id").first())
    if old is None or (old.filed_on is not None and old.filed_on > on):
        # no filed rules, or only rules filed after the settling date (a dispute recorded after the fact):
        # the revision would come before the version it revises
        return None
    target = matter_task(old, matter, cited_task_id)
    last = WorkRules.objects.filter(body=body).aggregate(m=Max("revision"))["m"] or old.revision
    new = WorkRules.objects.create(
        body=body, revision=last + 1, kind=old.kind, status=WorkRulesStatus.FILED, full_meeting=old.full_meeting,
        office_meeting=old.office_meeting, meeting_notes=old.meeting_notes, office_duties=old.office_duties,
        previous=old, revision_reason=reason[:300], source_label=source[0][:100], source_url=source[1][:200],
        file=old.file.name if old.file else "", original_name=old.original_name, file_type=old.file_type,
        size=old.size, sha256=old.sha256, filed_on=on)
    copied_target = None
    for task in old.tasks.prefetch_related("assignments").order_by("ordinal", "id"):
        copy = WorkRulesTask.objects.create(work_rules=new, ordinal=task.ordinal, text=task.text)
        if target is not None and task.pk == target.pk:
            copied_target = copy
            continue
        TaskAssignment.objects.bulk_create(TaskAssignment(task=copy, department_id=a.department_id, role=a.role)
                                           for a in task.assignments.all())
    if copied_target is None:
        ordinal = (old.tasks.aggregate(m=Max("ordinal"))["m"] or 0) + 1
        copied_target = WorkRulesTask.objects.create(work_rules=new, ordinal=ordinal, text=matter.strip()[:300])
    TaskAssignment.objects.bulk_create(
        [TaskAssignment(task=copied_target, department=d, role=TaskRole.PRINCIPAL) for d in principal]
        + [TaskAssignment(task=copied_target, department=d, role=TaskRole.ASSISTING) for d in assisting])
    MemberDuty.objects.bulk_create(MemberDuty(work_rules=new, department_id=m.department_id, duties=m.duties)
                                   for m in old.member_duties.order_by("id"))
    old.status = WorkRulesStatus.SUPERSEDED
    old.version += 1
    old.save(update_fields=["status", "version", "updated_at"])
    division = "、".join(f"{d.name}（主办）" for d in principal) + (
        "、" + "、".join(f"{d.name}（协办）" for d in assisting) if assisting else "")
    audit.record(actor=actor, action="修订工作规则（职责分工调整）", target=new, body_id=body.pk, reason=reason,
                 before={"版本": f"第{old.revision}版"},
                 after={"版本": f"第{new.revision}版", "工作任务": copied_target.text, "分工": division,
                        "备案日期": on})
    return new
