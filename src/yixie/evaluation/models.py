"""The yearly evaluation (多方评价): indicator systems as data, a year's evaluation, each body's
self-evaluation by its office's host department, the lead department's scores of its member units, and
the results (score, grade, candidates) from which 编办 drafts adjustment proposals.

The evaluation year is the year whose work is evaluated (the work of 2021, evaluated in 2022); the year it
is carried out is kept apart (`carried_out_in`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yixie.core.models import TimeStamped
from yixie.ledger.models import Body
from yixie.org.models import Department, Region

from .choices import (
    DEFAULT_SCALE,
    Candidate,
    CheckVerdict,
    Dimension,
    EvaluationStatus,
    Method,
    Office,
    SelfStatus,
    Source,
    Target,
)


def default_scale():
    return [dict(g) for g in DEFAULT_SCALE]


class IndicatorSystem(TimeStamped):
    """A region's indicator system for one evaluation year; frozen once that year's evaluation opens."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("评价年度")
    title = models.CharField("名称", max_length=200)
    based_on = models.ForeignKey("self", verbose_name="沿用自", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    scale = models.JSONField("等次标准", default=default_scale)
    source = models.CharField("制定依据", max_length=300, blank=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "评价指标体系"
        verbose_name_plural = "评价指标体系"
        ordering = ["-year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="indicatorsystem_region_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Indicator(TimeStamped):
    system = models.ForeignKey(IndicatorSystem, on_delete=models.PROTECT, related_name="indicators")
    target = models.CharField("评价对象", max_length=8, choices=Target.choices)
    dimension = models.CharField("维度", max_length=14, choices=Dimension.choices)
    name = models.CharField("指标", max_length=100)
    weight = models.DecimalField("分值", max_digits=5, decimal_places=1)
    method = models.CharField("计分方式", max_length=8, choices=Method.choices)
    source = models.CharField("数据来源", max_length=24, choices=Source.choices, blank=True)
    norm = models.DecimalField("标准值", max_digits=8, decimal_places=1, null=True, blank=True,
                               help_text="数量对标时达到该数值得满分")
    guidance = models.TextField("评分说明", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["system", "target", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Evaluation(TimeStamped):
    """A region's evaluation of one year's work."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("评价年度")
    carried_out_in = models.PositiveSmallIntegerField("开展年份")
    title = models.CharField("名称", max_length=200)
    system = models.ForeignKey(IndicatorSystem, verbose_name="指标体系", on_delete=models.PROTECT,
                               related_name="evaluations")
    status = models.CharField("阶段", max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.OPEN,
                              db_index=True)
    opened_on = models.DateField("部署日期")
    deadline = models.DateField("自评报送截止日期")
    scoring_deadline = models.DateField("成员单位评价截止日期")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="部署人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    results_at = models.DateTimeField("结果计算时间", null=True, blank=True)
    results_status = models.CharField("结果计算状态", max_length=10, blank=True)
    results_error = models.TextField("结果计算未完成的原因", blank=True)
    published_on = models.DateField("结果发布日期", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "年度评价"
        verbose_name_plural = "年度评价"
        ordering = ["-year", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="evaluation_region_year")]

    def __str__(self) -> str:
        return self.title


class SelfEvaluation(TimeStamped):
    """A body's self-evaluation (运行成效自我评价): drafted by the host department's business section,
    submitted by its HR section, checked by 编办 with 两办 and 组织部."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="self_evaluations")
    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name="办事机构所在部门", on_delete=models.PROTECT,
                                   related_name="+")
    lead_department = models.ForeignKey(Department, verbose_name="牵头部门", on_delete=models.PROTECT,
                                        related_name="+")
    name = models.CharField("机构名称", max_length=150)
    category = models.CharField("类别", max_length=12)
    legal_ground = models.CharField("设立依据", max_length=12)
    status = models.CharField("状态", max_length=10, choices=SelfStatus.choices, default=SelfStatus.DRAFT,
                              db_index=True)
    # The figures (what the product knew is kept in `prefill`, what the department says here).
    meetings_held = models.PositiveIntegerField("召开会议次数", null=True, blank=True)
    documents_issued = models.PositiveIntegerField("印发文件数", null=True, blank=True)
    problems_coordinated = models.PositiveIntegerField("协调解决问题数", null=True, blank=True)
    tasks_planned = models.PositiveIntegerField("年度重点任务数", null=True, blank=True)
    tasks_done = models.PositiveIntegerField("完成重点任务数", null=True, blank=True)
    mechanisms = models.TextField("建立的工作机制（工作规则、责任清单、报告制度等）", blank=True)
    duties_performed = models.TextField("履行职责情况", blank=True)
    highlights = models.TextField("成绩亮点", blank=True)
    shortcomings = models.TextField("问题短板", blank=True)
    next_plan = models.TextField("下一年度工作打算", blank=True)
    grades = models.JSONField("等次评定", default=dict, blank=True, help_text="指标编号 → 等次（由编办审核时评定）")
    prefill = models.JSONField("系统带入数据", default=dict, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField("填写时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    returned_reason = models.TextField("退回理由", blank=True)
    reopened_until = models.DateField("补报截止日期", null=True, blank=True)
    reopen_reason = models.TextField("准予补报理由", blank=True)
    # The result.
    self_score = models.DecimalField("自评得分", max_digits=5, decimal_places=1, null=True, blank=True)
    adjusted_score = models.DecimalField("审核调整得分", max_digits=5, decimal_places=1, null=True, blank=True)
    adjust_reason = models.TextField("调整理由", blank=True)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, blank=True, db_index=True)
    rank = models.PositiveIntegerField("类别内排名", null=True, blank=True)
    exemplary = models.BooleanField("典型标杆", default=False)
    exemplary_note = models.CharField("标杆说明", max_length=300, blank=True)
    candidate = models.CharField("撤销候选", max_length=12, choices=Candidate.choices, blank=True)
    candidate_exempt = models.BooleanField("不予建议撤销（应急指挥或上级要求设立）", default=False)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField("审核时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "运行成效自我评价"
        verbose_name_plural = "运行成效自我评价"
        ordering = ["evaluation", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "body"], name="selfeval_evaluation_body")]
        indexes = [models.Index(fields=["evaluation", "department"]), models.Index(fields=["evaluation", "category"])]

    def __str__(self) -> str:
        return self.name


class EvaluationCheck(TimeStamped):
    """One office's check of a self-evaluation: agree, adjust the score (with a reason) or return it."""

    self_evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.PROTECT, related_name="checks")
    office = models.CharField("审核单位", max_length=14, choices=Office.choices)
    verdict = models.CharField("意见", max_length=8, choices=CheckVerdict.choices)
    score = models.DecimalField("建议得分", max_digits=5, decimal_places=1, null=True, blank=True)
    reason = models.TextField("理由", blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "自评审核意见"
        verbose_name_plural = "自评审核意见"
        ordering = ["self_evaluation", "created_at", "id"]


class EvidenceFile(TimeStamped):
    """A file in support of a self-evaluation (会议纪要、工作总结 …), checked by content on upload."""

    self_evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.PROTECT, related_name="files")
    file = models.FileField("文件", upload_to="evaluation/evidence/%Y/")
    original_name = models.CharField("原文件名", max_length=255)
    file_type = models.CharField("格式", max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["self_evaluation", "id"]


class MemberScore(TimeStamped):
    """The lead department's score of one member unit of one of its bodies (成员单位发挥作用评价)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="member_scores")
    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name="成员单位", on_delete=models.PROTECT, related_name="+")
    lead_department = models.ForeignKey(Department, verbose_name="评价单位（牵头部门）", on_delete=models.PROTECT,
                                        related_name="+")
    scores = models.JSONField("各项得分", default=dict, blank=True, help_text="指标编号 → 得分")
    total = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, blank=True)
    comment = models.TextField("评价意见", blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评价人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField("评价时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "成员单位评价"
        verbose_name_plural = "成员单位评价"
        ordering = ["evaluation", "body", "department__order", "department_id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "body", "department"],
                                               name="memberscore_evaluation_body_department")]
        indexes = [models.Index(fields=["evaluation", "department"]),
                   models.Index(fields=["evaluation", "lead_department"])]

    def __str__(self) -> str:
        return f"{self.body} · {self.department}"



class ScoringReopening(TimeStamped):
    """编办 lets a lead department score its member units after the scoring deadline, until a day, for a stated
    reason (准予补评). Rows are kept: a later one may extend an earlier one."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="scoring_reopenings")
    department = models.ForeignKey(Department, verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+")
    until = models.DateField("补评截止日期")
    reason = models.TextField("准予补评理由")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="准予人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "准予补评"
        verbose_name_plural = "准予补评"
        ordering = ["evaluation", "department", "-until", "-id"]
        indexes = [models.Index(fields=["evaluation", "department"])]

    def __str__(self) -> str:
        return f"{self.department} 补评至 {self.until}"
