"""Regions (GB/T 2260), departments, posts and who holds them, and role assignments."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from yixie.core.models import NoDeleteModel, TimeStamped
from yixie.core.roles import DEPARTMENT_ROLES, Role

from .choices import DepartmentKind, RegionLevel


class Region(NoDeleteModel):
    """An administrative division; codes follow GB/T 2260 (6 digits) or 9 digits for townships."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    # How the region's Party committee and government are named, and how their documents are numbered
    # (docs/decisions/0012): blank means the usual form derived from the name (see the properties below).
    agency_prefix = models.CharField("机关代字", max_length=10, blank=True,
                                     help_text="本级党委、政府文号的机关代字前缀，如潍坊市“潍”（潍发、潍政字）、青州市“青”；"
                                               "空则取区划名称的第一个字")
    party_committee = models.CharField("党委名称", max_length=60, blank=True,
                                       help_text="如 中共潍坊市委；空则为“中共”＋区划全称＋“委”")
    government = models.CharField("政府名称", max_length=60, blank=True,
                                  help_text="如 潍坊市人民政府；空则为区划全称＋“人民政府”")
    meeting_prefix = models.CharField("会议名称前缀", max_length=30, blank=True,
                                      help_text="常委会会议、常务会议名称的前缀，如市级“市”（市委常委会会议）、"
                                                "青州市“青州市”（青州市委常委会会议）；空则市级为“市”，其余为区划名称")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """The formal name: a city's district carries its city's name (潍坊市寒亭区)."""
        if self.level == RegionLevel.COUNTY and self.name.endswith("区") and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name

    @property
    def agency_prefix_or_default(self) -> str:
        return self.agency_prefix or self.name[:1]

    @property
    def party_committee_name(self) -> str:
        return self.party_committee or f"中共{self.full_name}委"

    @property
    def government_name(self) -> str:
        return self.government or f"{self.full_name}人民政府"

    @property
    def meeting_prefix_or_default(self) -> str:
        if self.meeting_prefix:
            return self.meeting_prefix
        return {RegionLevel.CITY: "市", RegionLevel.PROVINCE: "省"}.get(self.level, self.name)

    @property
    def is_township(self) -> bool:
        return self.level == RegionLevel.TOWNSHIP

    def clean(self) -> None:
        if not self.code.isdigit() or len(self.code) not in (6, 9, 12):
            raise ValidationError({"code": "区划代码应为6位（县级以上，GB/T 2260）或9位（乡镇）数字。"})


class Department(NoDeleteModel, TimeStamped):
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments")
    name = models.CharField("部门名称", max_length=100)
    short_name = models.CharField("简称", max_length=60, blank=True)
    kind = models.CharField("类别", max_length=12, choices=DepartmentKind.choices)
    order = models.PositiveIntegerField("排序", default=100)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    duties = models.TextField("主要职责（三定规定）", blank=True)
    is_active = models.BooleanField("在用", default=True)
    # When the department was set up and when it ended (the 2018–2019 institutional reform set up 市应急管理局
    # and ended 市安全生产监督管理局 …): blank set-up date = it always existed, blank end = it still exists.
    # No body is hosted by a department, or counts it as a member, outside these dates (ledger.policy).
    established_on = models.DateField("设立日期", null=True, blank=True, help_text="空表示设立日期不详（视为一直存在）")
    ended_on = models.DateField("撤销日期", null=True, blank=True,
                                help_text="部门撤销、整合或更名之日（当日起不再存在）；空表示仍然存在")

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["region__code", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def exists_on(self, on) -> bool:
        """Whether the department existed on `on`: set up on or before it, and not yet ended."""
        return (self.established_on is None or self.established_on <= on) and (
            self.ended_on is None or on < self.ended_on)

    def clean(self) -> None:
        if self.established_on and self.ended_on and self.ended_on < self.established_on:
            raise ValidationError({"ended_on": "撤销日期不能早于设立日期。"})


class DepartmentDuty(NoDeleteModel, TimeStamped):
    """One duty of a department's 三定规定 as a row: what disputes cite and the overlap engine reads.

    Dated: a duty moved to another department by 编办's division opinion or the establishment committee's
    decision ends here (`ended_on`, `moved_to`) and starts there, so a department's duties on any date read as
    they were. `basis` names the 三定规定 or the decision it rests on (docs/decisions/0026)."""

    department = models.ForeignKey(Department, verbose_name="部门", on_delete=models.PROTECT, related_name="duty_rows")
    ordinal = models.PositiveIntegerField("序号")
    text = models.TextField("职责")
    basis = models.CharField("依据", max_length=200, blank=True, help_text="例如：《潍坊市应急管理局职能配置、内设机构和人员编制规定》")
    valid_from = models.DateField("起始日期", null=True, blank=True, help_text="空表示自三定规定施行起")
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=300, blank=True)
    moved_to = models.ForeignKey("self", verbose_name="划转为", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="moved_from")
    source_label = models.CharField("来源", max_length=100, blank=True)
    source_url = models.CharField("来源链接", max_length=200, blank=True)

    class Meta:
        verbose_name = "部门职责（三定）"
        verbose_name_plural = "部门职责（三定）"
        ordering = ["department_id", "ordinal", "id"]
        indexes = [models.Index(fields=["department", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.department}：{self.text[:30]}"

    def in_force_on(self, on) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.ended_on is None or on < self.ended_on)


class Post(NoDeleteModel, TimeStamped):
    """A leadership post (市长, 分管副市长 …): bodies seat posts, not people (自然补入)."""

    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="posts")
    name = models.CharField("职务", max_length=60)
    order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "领导职务"
        verbose_name_plural = "领导职务"
        ordering = ["region__code", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="post_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name

    def holder_on(self, on):
        for h in self.holdings.all():
            if h.started_on <= on and (h.ended_on is None or h.ended_on >= on):
                return h
        return None


class PostHolding(NoDeleteModel, TimeStamped):
    post = models.ForeignKey(Post, verbose_name="职务", on_delete=models.PROTECT, related_name="holdings")
    person_name = models.CharField("姓名", max_length=30)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        ordering = ["post", "-started_on"]

    def __str__(self) -> str:
        return f"{self.post} {self.person_name}"


class RoleAssignment(TimeStamped):
    """A user's role, held for a region (and the regions below it) or for one department."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name="区划", null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(region__isnull=False, department__isnull=True)
                           | models.Q(region__isnull=True, department__isnull=False)),
                name="role_assignment_region_xor_department",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}（{self.department or self.region}）"

    def clean(self) -> None:
        if self.role in DEPARTMENT_ROLES and not self.department_id:
            raise ValidationError({"department": "部门经办人须指定所在部门。"})
        if self.role not in DEPARTMENT_ROLES and not self.region_id:
            raise ValidationError({"region": "该角色须指定所辖区划。"})
        from .services import OrgError, check_role_exclusive

        try:
            check_role_exclusive(user=self.user if self.user_id else None, role=self.role, assignment_pk=self.pk)
        except OrgError as exc:
            raise ValidationError({exc.field: exc.message}) from exc
