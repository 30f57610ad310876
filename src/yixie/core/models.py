"""Base mixins and the audit journal shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class HardDeleteRefused(Exception):
    """Raised when code tries to hard-delete ledger data (it is never deleted, only ended)."""


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):  # noqa: D401 - refuse bulk deletes too
        raise HardDeleteRefused(f"{self.model._meta.verbose_name}不可删除：台账数据只能撤销或作废，不能物理删除。")


class NoDeleteModel(models.Model):
    """Ledger rows are never hard-deleted: mistakes are corrected by a new, audited write."""

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(f"{self._meta.verbose_name}不可删除：台账数据只能撤销或作废，不能物理删除。")


class TimeStamped(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Who did what, when, with the state before and after and a human reason.

    Written only by `yixie.core.audit` (`record`, or `record_many` for bulk writes); never updated or
    deleted.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=40)
    target_type = models.CharField("对象类型", max_length=60)
    target_id = models.CharField("对象编号", max_length=40)
    target_label = models.CharField("对象", max_length=300, blank=True)
    body_id = models.BigIntegerField("相关机构", null=True, blank=True, db_index=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    reason = models.CharField("说明", max_length=500, blank=True)
    client_ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)
    # The chain (yixie.core.auditchain): one serialised order, each entry sealing the one before it.
    seq = models.BigIntegerField("链序号", null=True, blank=True, unique=True)
    prev_hash = models.CharField("前一条摘要", max_length=64, blank=True)
    hash = models.CharField("摘要", max_length=64, blank=True)
    algorithm = models.CharField("摘要算法", max_length=12, default="sha256")

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        from django.utils import timezone

        from .dates import format_date_zh

        at = timezone.localtime(self.at) if self.at else None  # China Standard Time, not UTC
        when = f"{format_date_zh(at.date())} {at:%H:%M}" if at else ""
        return f"{when} {self.action} {self.target_label}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise HardDeleteRefused("操作日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused("操作日志不可删除。")

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every key whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Notification(models.Model):
    """A message to one user in the in-app centre: what happened or what is due, and a link to act on it.

    Written by `yixie.core.notifications.notify` (directly, or by the daily alerts job from the registered
    alert sources); `key` makes a repeated alert to the same user a no-op."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notifications")
    source = models.CharField("来源", max_length=40)
    key = models.CharField("去重键", max_length=200)
    title = models.CharField("标题", max_length=300)
    text = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    OPEN = "open", "待处理"
    TAKEN = "taken", "已受理"
    DISMISSED = "dismissed", "不予采纳"


class Proposal(NoDeleteModel):
    """A proposed change to a body that one capability raises and another takes in (the proposal intake).

    An evaluation result, an expiry, a reconciliation difference raise one; the approval workflow opens an
    application from it, or a review campaign puts it on a worklist. The body and region are kept as ids:
    `core` sits below the ledger and the organisation tables and must not point at them."""

    kind = models.CharField("建议事项", max_length=20)
    region_id = models.BigIntegerField("区划", db_index=True)
    body_id = models.BigIntegerField("机构", null=True, blank=True, db_index=True)
    body_label = models.CharField("机构名称", max_length=200, blank=True)
    reason = models.TextField("理由")
    evidence = models.JSONField("依据", default=dict, blank=True)
    source = models.CharField("来源", max_length=40)
    source_ref = models.CharField("来源记录", max_length=200, blank=True)
    source_url = models.CharField("来源链接", max_length=500, blank=True)
    status = models.CharField("状态", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN,
                              db_index=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("提出时间", auto_now_add=True)
    taken_by = models.CharField("受理方", max_length=40, blank=True)
    taken_ref = models.CharField("受理记录", max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "调整建议"
        verbose_name_plural = "调整建议"
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref", "kind", "body_id"],
                                    condition=models.Q(status="open"), name="proposal_open_once"),
        ]

    def __str__(self) -> str:
        return f"{self.body_label or self.body_id}：{self.kind}"


class AuditChainHead(models.Model):
    """The journal's one head (a single row): the last sequence number and hash. Every journal writer
    bumps it first, which puts all entries in one order (yixie.core.auditchain)."""

    seq = models.BigIntegerField("最新链序号", default=0)
    hash = models.CharField("最新摘要", max_length=64)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "操作日志链头"
        verbose_name_plural = "操作日志链头"

    def __str__(self) -> str:
        return f"第 {self.seq} 条 {self.hash[:16]}…"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused("操作日志链头不可删除。")


class AuditArchive(models.Model):
    """Journal entries moved out of the database into an archive file (`yixie audit-archive`): the file,
    its digest and the last entry archived, so the chain still verifies from the first remaining entry
    (yixie.core.auditarchive). Never updated or deleted."""

    up_to_seq = models.BigIntegerField("归档至链序号", unique=True)
    first_seq = models.BigIntegerField("归档起始链序号")
    last_hash = models.CharField("最后一条摘要", max_length=64)
    count = models.PositiveIntegerField("条数")
    file_name = models.CharField("归档文件", max_length=200)
    digest = models.CharField("文件摘要", max_length=64)
    algorithm = models.CharField("摘要算法", max_length=12)
    cutoff = models.DateTimeField("归档截止时间")
    created_at = models.DateTimeField("归档时间", default=timezone.now)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志归档"
        verbose_name_plural = "操作日志归档"
        ordering = ["-up_to_seq"]

    def __str__(self) -> str:
        return f"第 {self.first_seq} 至 {self.up_to_seq} 条（{self.count} 条）{self.file_name}"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused("操作日志归档记录不可删除。")


class PasswordHistory(models.Model):
    """One password a user has had (its hash, never the password), written whenever a password is set
    (core/passwords.py). The newest row says when the password was last changed (expiry); the last
    YIXIE_PASSWORD_HISTORY rows may not be used again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="+")
    password_hash = models.CharField("密码摘要", max_length=128)
    changed_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="core_pwhist_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """The one live session of a user when YIXIE_SINGLE_SESSION is on (core/sessions.py)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="+")
    session_key = models.CharField("会话", max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = "当前会话"

    def __str__(self) -> str:
        return f"{self.user_id}"


class SecurityPolicy(models.Model):
    """The security administrator's values of the security parameters (one row; yixie.core.security).
    An empty field keeps the environment's default."""

    password_min_length = models.PositiveSmallIntegerField("密码最短长度（字符）", null=True, blank=True)
    password_min_classes = models.PositiveSmallIntegerField("密码至少包含的字符类别数", null=True, blank=True,
                                                            help_text="大写字母、小写字母、数字、符号四类中至少几类")
    password_history = models.PositiveSmallIntegerField("不得重复使用最近几次的密码", null=True, blank=True)
    password_max_age_days = models.PositiveSmallIntegerField("管理员密码有效期（天）", null=True, blank=True,
                                                             help_text="0 为不过期")
    login_failure_limit = models.PositiveSmallIntegerField("同一账号同一地址连续失败锁定次数", null=True, blank=True)
    login_ip_failure_limit = models.PositiveSmallIntegerField("同一地址失败暂停次数", null=True, blank=True)
    login_max_delay_seconds = models.PositiveIntegerField("多地址尝试同一账号的最长等待（秒）", null=True, blank=True)
    idle_timeout_minutes = models.PositiveSmallIntegerField("无操作自动退出（分钟）", null=True, blank=True,
                                                            help_text="0 为不限")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "安全参数"
        verbose_name_plural = "安全参数"

    def __str__(self) -> str:
        return "安全参数"

    def save(self, *args, **kwargs):
        self.pk = 1  # one row
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .security import PARAMS

        errors = {}
        for name, p in PARAMS.items():
            value = getattr(self, name)
            if value is not None and not (p.low <= value <= p.high):
                errors[name] = f"“{p.label}”须在 {p.low} 至 {p.high} 之间。"
        if errors:
            raise ValidationError(errors)
