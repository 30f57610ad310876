"""Applications to set up or change a body, and every step of their joint approval (联合审批).

The state graph lives in `Application`'s transitions (django-fsm-2); who may fire them and what each
does to the ledger lives in `yixie.approvals.services`. Every step of the flow is a `Review` row with
the time it started and was decided, so turnaround is measured the same way for every step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from yixie.core.models import NoDeleteModel, NoDeleteQuerySet, TimeStamped
from yixie.ledger.models import Body, Document, LedgerEvent
from yixie.org.models import Department, Region

from .choices import ApplicationKind, ApplicationStatus, AttachmentKind, Decision, RecommendedForm, ReviewStep

S = ApplicationStatus
RETURNABLE = [S.SUBMITTED, S.IN_REVIEW, S.REVIEWED, S.DECIDED]


class Application(ConcurrentTransitionMixin, NoDeleteModel, TimeStamped):
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="applications")
    department = models.ForeignKey(Department, verbose_name="申请部门", on_delete=models.PROTECT,
                                   related_name="applications")
    kind = models.CharField("申请事项", max_length=14, choices=ApplicationKind.choices)
    body = models.ForeignKey(Body, verbose_name="涉及机构", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="applications")
    merge_bodies = models.ManyToManyField(Body, verbose_name="被合并机构", blank=True, related_name="+")
    # 撤一建一 (docs/decisions/0023): the counted bodies of the region a new body replaces; they are abolished
    # or merged by their own applications (publication raises an abolition proposal for each still in force).
    replaces = models.ManyToManyField(Body, verbose_name="撤一建一：被替代的机构", blank=True, related_name="+")
    title = models.CharField("标题", max_length=200)
    reasons = models.TextField("理由和依据")
    proposed = models.JSONField("拟设立/调整后的内容", default=dict, blank=True)
    status = FSMField("状态", default=S.DRAFT, choices=ApplicationStatus.choices, protected=True, db_index=True)
    status_changed_at = models.DateTimeField("进入当前状态时间", default=timezone.now)
    involves_personnel = models.BooleanField("涉及领导职务", default=False)
    round = models.PositiveSmallIntegerField("提交轮次", default=0)
    recommended_form = models.CharField("建议改设形式", max_length=12, choices=RecommendedForm.choices, blank=True)
    last_reason = models.TextField("最近退回/不予同意理由", blank=True)
    overlap_snapshot = models.JSONField("提交时的重复度检查", default=list, blank=True)
    findings_snapshot = models.JSONField("提交时的规则检查", default=list, blank=True)
    load_snapshot = models.JSONField("提交时的领导兼职情况", default=dict, blank=True)
    # The body's state (and version) the change was drafted from: publication applies only what the
    # application changes from it, on top of the body's state then (`ledger.services.change_apply`).
    base_state = models.JSONField("起草时的机构现状", default=dict, blank=True)
    base_version = models.PositiveIntegerField("起草时的机构版本", null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    published_at = models.DateTimeField("发文时间", null=True, blank=True)
    document = models.ForeignKey(Document, verbose_name="公布文件", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="applications")
    ledger_event = models.ForeignKey(LedgerEvent, verbose_name="台账事项", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="applications")
    result_body = models.ForeignKey(Body, verbose_name="结果机构", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "申请"
        verbose_name_plural = "申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"申请{self.created_at:%Y}-{self.pk:04d}" if self.pk and self.created_at else "新申请"

    @property
    def subject_name(self) -> str:
        return self.proposed.get("name") or (self.body.name if self.body_id else "")

    # ---- the state graph (conditions and permissions are checked by the services)

    @transition(field=status, source=[S.DRAFT, S.RETURNED], target=S.SUBMITTED)
    def submit(self):
        pass

    @transition(field=status, source=[S.DRAFT, S.SUBMITTED, S.RETURNED], target=S.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=status, source=S.SUBMITTED, target=S.IN_REVIEW)
    def accept(self):
        pass

    @transition(field=status, source=RETURNABLE, target=S.RETURNED)
    def return_for_revision(self):
        pass

    @transition(field=status, source=RETURNABLE, target=S.REFUSED)
    def refuse(self):
        pass

    @transition(field=status, source=S.IN_REVIEW, target=S.REVIEWED)
    def complete_reviews(self):
        pass

    @transition(field=status, source=S.REVIEWED, target=S.DECIDED)
    def decide(self):
        pass

    @transition(field=status, source=S.DECIDED, target=S.PUBLISHED)
    def publish(self):
        pass


class Review(TimeStamped):
    """One step of one round: who had it, since when, what they decided and why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reviews")
    step = models.CharField("环节", max_length=14, choices=ReviewStep.choices)
    round = models.PositiveSmallIntegerField("轮次")
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decision = models.CharField("意见", max_length=10, choices=Decision.choices, blank=True)
    opinion = models.TextField("意见说明", blank=True)
    checklist = models.JSONField("审核要点", default=dict, blank=True)
    details = models.JSONField("会议等信息", default=dict, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    cancelled = models.BooleanField("已取消", default=False)

    class Meta:
        verbose_name = "审批环节"
        verbose_name_plural = "审批环节"
        ordering = ["application_id", "round", "started_at", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "step", "round"], name="review_once_per_round")]

    def __str__(self) -> str:
        return f"{self.application.number} {self.get_step_display()}"

    @property
    def pending(self) -> bool:
        return not self.decision and not self.cancelled

    @property
    def hours(self) -> float | None:
        if not self.decided_at:
            return None
        return (self.decided_at - self.started_at).total_seconds() / 3600


class MemberConsent(TimeStamped):
    """A member unit's recorded agreement to close a 联席会议 (spec §3.8)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="consents")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    agreed = models.BooleanField("同意")
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "成员单位意见"
        verbose_name_plural = "成员单位意见"
        constraints = [models.UniqueConstraint(fields=["application", "department"], name="consent_once")]

    def __str__(self) -> str:
        return f"{self.department}：{'同意' if self.agreed else '不同意'}"


class ApplicationFile(NoDeleteModel):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("材料类型", max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="applications/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    file_type = models.CharField("类型", max_length=10)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationLog(models.Model):
    """The application's own trail: every transition with who, when and why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=14, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=ApplicationStatus.choices, blank=True)
    reason = models.TextField(blank=True)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def delete(self, *args, **kwargs):
        raise NotImplementedError("审批记录不可删除。")
