"""Review campaigns (定期调整): a campaign over a region's bodies as of a snapshot, the departments' reports
on the bodies they lead, the three offices' joint review, the meetings and the published list.

A city campaign may have county parts (市县联动): each county's part is a `Campaign` of its own with
`parent` set to the city's, running its own review, meetings and list under the city's plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yixie.core.models import NoDeleteModel, NoDeleteQuerySet, TimeStamped
from yixie.ledger.models import Body, Document, LedgerEvent
from yixie.org.models import Department, Region

from .choices import Action, FileKind, ItemOrigin, Meeting, Office, Phase, Reason, ReportStatus, Verdict


class Campaign(NoDeleteModel, TimeStamped):
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="campaigns")
    parent = models.ForeignKey("self", verbose_name="上级行动方案", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="parts")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    categories = models.JSONField("纳入范围（机构类别）", default=list)
    plan_document = models.ForeignKey(Document, verbose_name="行动方案", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    snapshot_on = models.DateField("台账快照日期")
    phase = models.CharField("阶段", max_length=14, choices=Phase.choices, default=Phase.SORTING, db_index=True)
    deadlines = models.JSONField("各阶段截止日期", default=dict, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.PROTECT,
                                  related_name="+")
    version = models.PositiveIntegerField("版本", default=1)
    opinion_on = models.DateField("调整规范意见日期", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    list_document = models.ForeignKey(Document, verbose_name="公布清单文件", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发文登记人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发文登记时间", null=True, blank=True)
    events_applied = models.PositiveIntegerField("写入台账事项数", default=0)
    # Publication runs as a job: who claimed it (one claim wins), and what stopped it if it failed.
    publish_status = models.CharField("发文办理状态", max_length=10, blank=True)
    publish_error = models.TextField("发文未能办理的原因", blank=True)
    publish_request = models.JSONField("发文登记内容", default=dict, blank=True)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = "调整规范行动"
        verbose_name_plural = "调整规范行动"
        ordering = ["-year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="campaign_region_year")]

    def __str__(self) -> str:
        return self.title

    def deadline(self, phase: str):
        from datetime import date

        value = (self.deadlines or {}).get(phase)
        return date.fromisoformat(value) if value else None


class DepartmentReport(TimeStamped):
    """A department's whole report (部门自评 with its 自查报告), submitted by its HR section."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    department = models.ForeignKey(Department, verbose_name="部门", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    inspection = models.FileField("自查报告", upload_to="campaigns/inspection/%Y/", blank=True)
    inspection_name = models.CharField("自查报告文件名", max_length=200, blank=True)
    note = models.TextField("报送说明", blank=True)
    returned_reason = models.TextField("退回理由", blank=True)
    reminded_at = models.DateTimeField("最近催报时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "部门自评报告"
        verbose_name_plural = "部门自评报告"
        ordering = ["campaign", "department__order", "department_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "department"], name="report_campaign_department")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.department}"


class CampaignItem(TimeStamped):
    """One body on the campaign's worklist: its state at the snapshot, the department's self-report, and
    the result the joint review settled on (what the list publishes)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="items")
    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(DepartmentReport, on_delete=models.PROTECT, related_name="items")
    origin = models.CharField("来源", max_length=14, choices=ItemOrigin.choices, default=ItemOrigin.SNAPSHOT)
    proposal_id = models.BigIntegerField("调整建议", null=True, blank=True)
    # The body as the campaign saw it (the snapshot, or the latest state when it was brought up to date).
    name = models.CharField("机构名称", max_length=150)
    category = models.CharField("类别", max_length=12)
    sequence = models.CharField("序列", max_length=12)
    state = models.JSONField("快照时状态", default=dict)
    state_event = models.ForeignKey(LedgerEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    changed_after_snapshot = models.BooleanField("快照后发生变化", default=False)
    refreshed_at = models.DateTimeField("更新到最新状态时间", null=True, blank=True)
    # The department's self-report (部门自评).
    action = models.CharField("拟调整方式", max_length=14, choices=Action.choices, blank=True)
    reason = models.CharField("理由", max_length=12, choices=Reason.choices, blank=True)
    reason_text = models.TextField("理由说明", blank=True)
    merge_into = models.ForeignKey(Body, verbose_name="拟并入机构", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    new_name = models.CharField("拟更名为", max_length=150, blank=True)
    new_department = models.ForeignKey(Department, verbose_name="拟调整牵头部门", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    leader_changes = models.TextField("组长、副组长调整意见", blank=True)
    member_changes = models.TextField("成员单位调整意见", blank=True)
    basis = models.TextField("依据文件", blank=True)
    meetings_held = models.PositiveIntegerField("近三年召开会议次数", null=True, blank=True)
    documents_issued = models.PositiveIntegerField("近三年印发文件数", null=True, blank=True)
    tasks_done = models.TextField("完成工作任务情况", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("填报时间", null=True, blank=True)
    # The settled result (调整规范意见), once the three offices agree or 编办 settles a difference.
    final_action = models.CharField("审定调整方式", max_length=14, choices=Action.choices, blank=True)
    final_merge_into = models.ForeignKey(Body, verbose_name="审定并入机构", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    final_new_name = models.CharField("审定名称", max_length=150, blank=True)
    final_new_department = models.ForeignKey(Department, verbose_name="审定牵头部门", null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    final_reason = models.CharField("审定理由", max_length=12, choices=Reason.choices, blank=True)
    final_note = models.TextField("审定说明", blank=True)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审定人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    settled_at = models.DateTimeField("审定时间", null=True, blank=True)
    event = models.ForeignKey(LedgerEvent, verbose_name="台账事项", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "行动清单事项"
        verbose_name_plural = "行动清单事项"
        ordering = ["campaign", "department__order", "department_id", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "body"], name="item_campaign_body")]
        indexes = [models.Index(fields=["campaign", "department"])]

    def __str__(self) -> str:
        return self.name


class ItemOpinion(TimeStamped):
    """One office's opinion on one item in the joint review (联合论证)."""

    item = models.ForeignKey(CampaignItem, on_delete=models.PROTECT, related_name="opinions")
    office = models.CharField("审核单位", max_length=14, choices=Office.choices)
    verdict = models.CharField("意见", max_length=10, choices=Verdict.choices)
    action = models.CharField("建议调整方式", max_length=14, choices=Action.choices, blank=True)
    merge_into = models.ForeignKey(Body, verbose_name="建议并入机构", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    new_name = models.CharField("建议名称", max_length=150, blank=True)
    new_department = models.ForeignKey(Department, verbose_name="建议牵头部门", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("理由", blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = "联合审核意见"
        verbose_name_plural = "联合审核意见"
        ordering = ["item", "office"]
        constraints = [models.UniqueConstraint(fields=["item", "office"], name="opinion_item_office")]


class Deliberation(TimeStamped):
    """The meeting that decided the campaign's result for one sequence (市委常委会会议 / 市政府常务会议)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="deliberations")
    meeting = models.CharField("会议", max_length=12, choices=Meeting.choices)
    held_on = models.DateField("会议日期")
    session = models.CharField("会次", max_length=60, blank=True)
    note = models.TextField("会议意见", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "会议研究"
        verbose_name_plural = "会议研究"
        ordering = ["campaign", "meeting"]
        constraints = [models.UniqueConstraint(fields=["campaign", "meeting"], name="deliberation_campaign_meeting")]


class CampaignFile(TimeStamped):
    """A generated document of the campaign (the list and the opinion, Word and PDF), made by a job."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("文件", max_length=14, choices=FileKind.choices)
    file = models.FileField("文件", upload_to="campaigns/files/%Y/", blank=True)
    status = models.CharField("状态", max_length=10, default="pending")
    error = models.TextField("错误", blank=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)

    class Meta:
        verbose_name = "行动文件"
        verbose_name_plural = "行动文件"
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="campaignfile_campaign_kind")]
