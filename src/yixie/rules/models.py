"""制度保障 (spec §2.5, docs/decisions/0026): work rules per body (versions, the member units' duties and who leads
or assists on each task, filed with 编办) and duty-division disputes (raised, consulted, escalated, settled)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yixie.core.models import NoDeleteModel, TimeStamped
from yixie.ledger.models import Body, Document, LedgerEvent
from yixie.org.models import Department, DepartmentDuty, Region

from .choices import DisputeFileKind, DisputeStatus, SettledBy, TaskRole, WorkRulesKind, WorkRulesStatus


class UploadedFile(models.Model):
    """A file checked by content (`core.files.check_upload`), kept outside the web root."""

    file = models.FileField("文件", upload_to="rules/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    file_type = models.CharField("格式", max_length=10, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)

    class Meta:
        abstract = True


class WorkRules(NoDeleteModel, TimeStamped, UploadedFile):
    """One version (修订) of a body's work rules: the rules file and its structured content.

    Drafted by the department that hosts the body's office, submitted to 编办, filed (备案) or returned with
    reasons. A revision is a new row pointing at the one it revises; the filed one it replaces becomes
    superseded, never changed. Rows of a version past its draft are not edited."""

    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="work_rules")
    revision = models.PositiveIntegerField("修订次序", default=1)
    kind = models.CharField("名称", max_length=10, choices=WorkRulesKind.choices, default=WorkRulesKind.RULES)
    status = models.CharField("状态", max_length=12, choices=WorkRulesStatus.choices, default=WorkRulesStatus.DRAFT,
                              db_index=True)
    full_meeting = models.CharField("全体会议制度", max_length=200, blank=True,
                                    help_text="例如：原则上每年召开1次，必要时可临时召开")
    office_meeting = models.CharField("办公室会议制度", max_length=200, blank=True,
                                      help_text="例如：原则上每季度召开1次")
    meeting_notes = models.TextField("其他会议和工作制度", blank=True)
    office_duties = models.TextField("办公室职责", blank=True)
    previous = models.ForeignKey("self", verbose_name="修订自", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="revisions")
    revision_reason = models.CharField("修订原因", max_length=300, blank=True)
    # where a revision came from (a settled dispute …), without the ledger knowing
    source_label = models.CharField("来源", max_length=100, blank=True)
    source_url = models.CharField("来源链接", max_length=200, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    review_note = models.TextField("审核意见（退回理由）", blank=True)
    filed_on = models.DateField("备案日期", null=True, blank=True)
    #: Raised by every write: a form carries the version it was opened at (no lost updates).
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "工作规则"
        verbose_name_plural = "工作规则"
        ordering = ["body_id", "-revision", "-id"]
        constraints = [models.UniqueConstraint(fields=["body", "revision"], name="work_rules_unique_revision")]
        indexes = [models.Index(fields=["status", "body"])]

    def __str__(self) -> str:
        return f"{self.body.name}{self.get_kind_display()}（第{self.revision}版）"


class WorkRulesTask(models.Model):
    """A task (工作任务) the work rules divide among the member units; part of its version."""

    work_rules = models.ForeignKey(WorkRules, verbose_name="工作规则", on_delete=models.CASCADE, related_name="tasks")
    ordinal = models.PositiveIntegerField("序号")
    text = models.CharField("工作任务", max_length=300)

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        ordering = ["work_rules_id", "ordinal", "id"]

    def __str__(self) -> str:
        return self.text


class TaskAssignment(models.Model):
    """Who leads (主办) or assists (协办) on a task."""

    task = models.ForeignKey(WorkRulesTask, verbose_name="工作任务", on_delete=models.CASCADE,
                             related_name="assignments")
    department = models.ForeignKey(Department, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("分工", max_length=10, choices=TaskRole.choices)

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        ordering = ["task_id", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "department"], name="task_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.department}（{self.get_role_display()}）"


class MemberDuty(models.Model):
    """A member unit's duties under the work rules (成员单位职责)."""

    work_rules = models.ForeignKey(WorkRules, verbose_name="工作规则", on_delete=models.CASCADE,
                                   related_name="member_duties")
    department = models.ForeignKey(Department, verbose_name="成员单位", on_delete=models.PROTECT,
                                   related_name="work_rules_duties")
    duties = models.TextField("职责", blank=True)

    class Meta:
        verbose_name = "成员单位职责"
        verbose_name_plural = "成员单位职责"
        ordering = ["work_rules_id", "id"]
        constraints = [models.UniqueConstraint(fields=["work_rules", "department"], name="member_duty_unique")]

    def __str__(self) -> str:
        return f"{self.department}：{self.duties[:30]}"


class Dispute(NoDeleteModel, TimeStamped):
    """A duty-division dispute (职责分工争议) among a body's member units about one matter (争议事项).

    Raised by a member unit, consulted by the department hosting the body's office, then either agreed (the
    division changes and the agreement is filed with 编办) or escalated to 编办, which gives its division
    opinion (分工建议) or refers it to the establishment committee. Work goes on under the old division
    meanwhile; each stage has a deadline (`stage_due_on`)."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="disputes")
    matter = models.CharField("争议事项", max_length=200)
    raised_by = models.ForeignKey(Department, verbose_name="提出单位", on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField("提出日期")
    objection = models.TextField("异议内容")
    parties = models.ManyToManyField(Department, verbose_name="涉及单位", related_name="duty_disputes")
    cited_task = models.ForeignKey(WorkRulesTask, verbose_name="引用的工作规则条目", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    cited_duties = models.ManyToManyField(DepartmentDuty, verbose_name="引用的三定职责", blank=True,
                                          related_name="disputes")
    status = models.CharField("状态", max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.RAISED,
                              db_index=True)
    stage_due_on = models.DateField("本阶段办理期限", null=True, blank=True)
    escalated_on = models.DateField("提请协调日期", null=True, blank=True)
    escalation_note = models.TextField("提请协调说明", blank=True)
    opinion = models.TextField("协调意见（分工建议）", blank=True)
    opinion_on = models.DateField("意见日期", null=True, blank=True)
    referred_on = models.DateField("提交编委会日期", null=True, blank=True)
    decision = models.TextField("编委会决定", blank=True)
    decision_on = models.DateField("决定日期", null=True, blank=True)
    #: The division agreed or decided: {"principal": [dept ids], "assisting": [dept ids]}.
    outcome = models.JSONField("分工结果", default=dict, blank=True)
    settled_by = models.CharField("办结方式", max_length=14, choices=SettledBy.choices, blank=True)
    settled_on = models.DateField("办结日期", null=True, blank=True)
    filed_on = models.DateField("编办备案日期", null=True, blank=True)
    basis_document = models.ForeignKey(Document, verbose_name="依据文件（纪要、意见或决定）", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    ledger_event = models.ForeignKey(LedgerEvent, verbose_name="台账事项", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    work_rules = models.ForeignKey(WorkRules, verbose_name="据此修订的工作规则", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    withdrawn_reason = models.CharField("撤回原因", max_length=300, blank=True)
    raised_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "职责分工争议"
        verbose_name_plural = "职责分工争议"
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.body.name}：{self.matter}"


class Consultation(NoDeleteModel, TimeStamped, UploadedFile):
    """A consultation the host department convened on a dispute (协商): when, who came, the outcome."""

    dispute = models.ForeignKey(Dispute, verbose_name="争议", on_delete=models.PROTECT, related_name="consultations")
    held_on = models.DateField("协商日期")
    present = models.ManyToManyField(Department, verbose_name="参加单位", related_name="+")
    agreed = models.BooleanField("达成一致")
    summary = models.TextField("协商情况")
    minutes = models.ForeignKey(Document, verbose_name="会议纪要", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "协商记录"
        verbose_name_plural = "协商记录"
        ordering = ["dispute_id", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} 协商{'一致' if self.agreed else '未达成一致'}"


class DisputeFile(NoDeleteModel, UploadedFile):
    """A file kept with a dispute: minutes, the materials sent with an escalation, 编办's opinion, a decision."""

    dispute = models.ForeignKey(Dispute, verbose_name="争议", on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("类型", max_length=10, choices=DisputeFileKind.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "争议材料"
        verbose_name_plural = "争议材料"
        ordering = ["dispute_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
