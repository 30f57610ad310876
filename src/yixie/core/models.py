"""Base mixins and the audit journal shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
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

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused("操作日志不可删除。")

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every key whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
