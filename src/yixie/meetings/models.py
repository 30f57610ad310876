"""The register of a body's meetings and of the documents issued in its name (会议登记、以机构名义发文).

Kept by the department that hosts the body's office. It is what the yearly evaluation counts (meetings
held, documents issued, decisions carried out) and what the seed's "会议多、文来文往" is about: a leader's
meeting load per post, the bodies that met no meeting in a year, the decisions never carried out
(议而不决、议而不行). It sits on the floor above the ledger so that the engines, the capabilities and the
dashboards all read it (decision 0025). Nothing here is hard-deleted: a wrong entry is voided with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yixie.core.models import NoDeleteModel, NoDeleteQuerySet, TimeStamped
from yixie.ledger.models import Body
from yixie.org.models import Department, Post, Region

from .choices import DecisionStatus, MeetingKind


class Meeting(NoDeleteModel, TimeStamped):
    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="meetings")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("会议类型", max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=200)
    chair_post = models.ForeignKey(Post, verbose_name="主持人职务", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    chair_label = models.CharField("主持人（非领导职务时）", max_length=60, blank=True)
    departments = models.ManyToManyField(Department, verbose_name="参会单位", blank=True, related_name="+")
    posts = models.ManyToManyField(Post, verbose_name="参会领导职务", blank=True, related_name="+")
    topics = models.TextField("研究事项", blank=True)
    minutes = models.FileField("会议纪要", upload_to="meetings/minutes/%Y/", blank=True)
    minutes_name = models.CharField("纪要文件名", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    is_void = models.BooleanField("已作废", default=False)
    void_reason = models.CharField("作废原因", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "会议登记"
        verbose_name_plural = "会议登记"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["body", "held_on"]), models.Index(fields=["region", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class MeetingDecision(TimeStamped):
    """A decision of a meeting (议定事项), followed until it is carried out."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="decisions")
    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("议定事项")
    department = models.ForeignKey(Department, verbose_name="牵头落实单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("落实时限", null=True, blank=True)
    status = models.CharField("落实情况", max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.OPEN,
                              db_index=True)
    done_on = models.DateField("落实日期", null=True, blank=True)
    done_note = models.TextField("落实说明", blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["meeting", "id"]
        indexes = [models.Index(fields=["body", "status"])]

    def __str__(self) -> str:
        return self.text[:40]


class BodyDocument(NoDeleteModel, TimeStamped):
    """A document issued in the body's own name (以议事协调机构名义发文). Issuing to lower levels needs
    approval (spec §3 rule 3): one issued to them without it is kept, and shows as such."""

    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="issued_documents")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("文号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    issued_on = models.DateField("印发日期")
    to_lower_levels = models.BooleanField("向下级发文", default=False)
    approved = models.BooleanField("已经批准", default=False)
    approval_note = models.CharField("批准情况（批准文件或说明）", max_length=200, blank=True)
    file = models.FileField("文件", upload_to="meetings/documents/%Y/", blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    is_void = models.BooleanField("已作废", default=False)
    void_reason = models.CharField("作废原因", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "机构发文"
        verbose_name_plural = "机构发文"
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["body", "issued_on"]), models.Index(fields=["region", "issued_on"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def unapproved_to_lower(self) -> bool:
        return self.to_lower_levels and not self.approved
