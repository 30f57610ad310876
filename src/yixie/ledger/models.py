"""The ledger: bodies, their documents, and the dated events that make up their history.

`LedgerEvent` is the legal record: each event stores the change it made and the body's complete
state after it, plus a few denormalised columns so the ledger as of any date is one indexed query
(see docs/decisions/0002-ledger-events-carry-state.md). `Body` with its seats and memberships is the
current state, kept in step by `yixie.ledger.services` and nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yixie.core.models import NoDeleteModel, NoDeleteQuerySet, TimeStamped
from yixie.org.models import Department, Post, Region

from .choices import (
    BodyCategory,
    BodyFileKind,
    BodyForm,
    BodyStatus,
    EventKind,
    LeaderRole,
    LegalGround,
    MemberRole,
    RegulationKind,
    Sequence,
    Severity,
    TaskScope,
)


class Document(NoDeleteModel, TimeStamped):
    """A basis document (依据文件, 批复, 公布清单) identified by its GB/T 9704 文号."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="documents")
    # Blank for a document that has none (a consultation's minutes, 会议纪要); unique where given.
    number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("发文机关", max_length=100)
    issued_on = models.DateField("成文日期")
    title = models.CharField("标题", max_length=300)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "文件"
        verbose_name_plural = "文件"
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["number"], condition=~Q(number=""),
                                               name="document_unique_number")]

    def __str__(self) -> str:
        return self.number or f"《{self.title}》（无文号）"


class DocumentFile(NoDeleteModel):
    """An attached file, stored outside the web root and served only to users who may see it."""

    document = models.ForeignKey(Document, verbose_name="文件", on_delete=models.PROTECT, related_name="files")
    file = models.FileField("附件", upload_to="documents/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    file_type = models.CharField("类型", max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class BodyQuerySet(NoDeleteQuerySet):
    def visible_to(self, user, action: str = "ledger.view"):
        """Bodies the user may see: their regions' bodies, or those their department leads, hosts or joins."""
        from yixie.org.scopes import scope_for

        def departments(scope):
            ids = scope.department_ids
            involved = (Q(lead_department_id__in=ids) | Q(office_department_id__in=ids)
                        | Q(id__in=Membership.objects.filter(department_id__in=ids).values("body_id")))
            # A department's bodies are its region's (validate_state_refs): that region first, by its index.
            return Q(region_id__in=scope.department_region_ids) & involved

        return scope_for(user, action).restrict(self, regions=lambda ids: Q(region_id__in=ids),
                                                departments=departments)


class Body(NoDeleteModel, TimeStamped):
    """A coordinating body: one identity for its whole life, its current state in these columns."""

    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="bodies")
    name = models.CharField("机构名称", max_length=150, db_index=True)
    short_name = models.CharField("简称", max_length=60, blank=True)
    aliases = models.TextField("别名", blank=True, help_text="每行一个")
    former_names = models.TextField("曾用名", blank=True)
    category = models.CharField("类别", max_length=12, choices=BodyCategory.choices)
    form = models.CharField("机构形式", max_length=10, choices=BodyForm.choices)
    sequence = models.CharField("序列", max_length=12, choices=Sequence.choices)
    legal_ground = models.CharField("设立依据", max_length=12, choices=LegalGround.choices)
    lead_department = models.ForeignKey(Department, verbose_name="牵头部门", on_delete=models.PROTECT,
                                        related_name="led_bodies")
    office_department = models.ForeignKey(Department, verbose_name="办事机构所在部门", on_delete=models.PROTECT,
                                          related_name="hosted_bodies")
    duties = models.TextField("主要职责")
    is_temporary = models.BooleanField("临时机构", default=False)
    ends_on = models.DateField("存续期限", null=True, blank=True)
    end_condition = models.CharField("撤销条件", max_length=300, blank=True)
    upper_counterpart = models.CharField("上级机构设置情况", max_length=300, blank=True)
    task_scope = models.CharField("工作性质", max_length=14, choices=TaskScope.choices, default=TaskScope.SINGLE)
    extra_members_approved = models.BooleanField("成员单位超限已经主要领导同意", default=False)
    status = models.CharField("状态", max_length=14, choices=BodyStatus.choices, default=BodyStatus.ACTIVE,
                              db_index=True)
    established_on = models.DateField("设立时间")
    basis_document = models.ForeignKey(Document, verbose_name="依据文件", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="established_bodies")
    ended_on = models.DateField("撤销时间", null=True, blank=True)
    successor = models.ForeignKey("self", verbose_name="并入机构", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="merged_from")
    origin = models.ForeignKey("self", verbose_name="分设自", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="split_into")
    work_rules_due_on = models.DateField("工作规则应报备日期", null=True, blank=True)
    work_rules_filed_on = models.DateField("工作规则报备日期", null=True, blank=True)
    #: Raised by one by every ledger write to the body (`services._bump_version`): a form carries the version
    #: it was opened at, and a save from a page opened before someone else's change is refused, not lost.
    version = models.PositiveIntegerField("版本", default=1)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = "议事协调机构"
        verbose_name_plural = "议事协调机构"
        ordering = ["region__code", "category", "name"]
        indexes = [models.Index(fields=["region", "category", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a for a in self.aliases.splitlines() if a.strip()]

    @property
    def former_name_list(self) -> list[str]:
        return [a for a in self.former_names.splitlines() if a.strip()]

    @property
    def is_active(self) -> bool:
        return self.status == BodyStatus.ACTIVE


class BodyFile(NoDeleteModel):
    """A file kept with a body: its work rules as drafted with the setup application, or as filed with
    编办 (spec §2.2 step 6). `document` and `source_*` say where it came from (the publication document,
    the application) without the ledger knowing the capability that handed it over."""

    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("类型", max_length=12, choices=BodyFileKind.choices)
    file = models.FileField("文件", upload_to="bodies/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    file_type = models.CharField("格式", max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    filed_on = models.DateField("日期")
    document = models.ForeignKey(Document, verbose_name="随附文件", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="body_files")
    source_label = models.CharField("来源", max_length=60, blank=True)
    source_url = models.CharField("来源链接", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "机构文件"
        verbose_name_plural = "机构文件"
        ordering = ["body_id", "filed_on", "id"]

    def __str__(self) -> str:
        return self.original_name


class LeaderSeat(models.Model):
    """A seat held by a post (current state; the history lives in the events)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="leader_seats")
    role = models.CharField("职位", max_length=10, choices=LeaderRole.choices)
    post = models.ForeignKey(Post, verbose_name="领导职务", on_delete=models.PROTECT, related_name="seats")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "领导席位"
        verbose_name_plural = "领导席位"
        ordering = ["body_id", "order"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.post}"


class Membership(models.Model):
    """A member unit (current state; the history lives in the events)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, verbose_name="成员单位", on_delete=models.PROTECT,
                                   related_name="memberships")
    role = models.CharField("分工", max_length=10, choices=MemberRole.choices, default=MemberRole.ASSISTING)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "成员单位"
        verbose_name_plural = "成员单位"
        ordering = ["body_id", "order"]
        constraints = [models.UniqueConstraint(fields=["body", "department"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.department}（{self.get_role_display()}）"


class LedgerEventQuerySet(NoDeleteQuerySet):
    def in_force_on(self, on):
        """The one state row per body in force on `on` (its latest non-void event at or before that date)."""
        return self.filter(is_void=False, effective_on__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=on)
        )

    def visible_to(self, user, action: str = "ledger.view"):
        from yixie.org.scopes import scope_for

        def departments(scope):
            q = Q(pk__in=[])
            for dept_id, region_id in scope.department_regions:
                # The department's region first (indexed), then the department among the state's.
                q |= Q(region_id=region_id, department_keys__contains=f"|{dept_id}|")
            return q

        return scope_for(user, action).restrict(self, regions=lambda ids: Q(region_id__in=ids),
                                                departments=departments)


class LedgerEvent(NoDeleteModel):
    """One dated change in a body's life (历史沿革), with the body's complete state after it."""

    body = models.ForeignKey(Body, verbose_name="机构", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事项", max_length=14, choices=EventKind.choices)
    effective_on = models.DateField("生效日期")
    seq = models.PositiveIntegerField("同日顺序", default=0)
    document = models.ForeignKey(Document, verbose_name="依据文件", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="events")
    note = models.CharField("说明", max_length=500, blank=True)
    # Where the change came from (an approved application, a campaign …), set by the calling capability
    # so the ledger links back without importing it.
    source_label = models.CharField("来源", max_length=100, blank=True)
    source_url = models.CharField("来源链接", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict)
    state = models.JSONField("变更后状态", default=dict)
    valid_until = models.DateField("被后续事项取代日期", null=True, blank=True)
    is_void = models.BooleanField("已作废", default=False)
    void_reason = models.CharField("作废原因", max_length=300, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True,
                                    on_delete=models.PROTECT, related_name="+")
    # Denormalised from `state` so that the ledger as of a date filters in SQL.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=150)
    category = models.CharField(max_length=12, choices=BodyCategory.choices)
    sequence = models.CharField(max_length=12, choices=Sequence.choices)
    status = models.CharField(max_length=14, choices=BodyStatus.choices)
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    office_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    is_temporary = models.BooleanField(default=False)
    ends_on = models.DateField(null=True, blank=True)
    search_text = models.TextField(blank=True)
    department_keys = models.TextField(blank=True, help_text="|id|id| of lead, office host and member units")

    objects = LedgerEventQuerySet.as_manager()

    class Meta:
        verbose_name = "历史沿革事项"
        verbose_name_plural = "历史沿革事项"
        ordering = ["body", "effective_on", "seq", "id"]
        indexes = [
            models.Index(fields=["effective_on", "valid_until"]),
            models.Index(fields=["region", "category", "status"]),
            models.Index(fields=["body", "effective_on", "seq"]),
            models.Index(fields=["region", "name"]),
        ]

    def __str__(self) -> str:
        return f"{self.effective_on} {self.get_kind_display()} {self.name}"


class Regulation(NoDeleteModel, TimeStamped):
    """A governing regulation (条例, 管理办法, 通知) in the regulations library, kept as versions split into
    articles; the policy values and the approval checklist cite its articles (docs/decisions/0026)."""

    region = models.ForeignKey(Region, verbose_name="制定区划", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="regulations", help_text="空表示国家或省级层面，各地共用")
    code = models.SlugField("引用代码", max_length=40, unique=True,
                            help_text="稳定的引用代码，规则的全国默认值据此引用条款，例如 gwyl-227")
    title = models.CharField("名称", max_length=200, help_text="不含书名号")
    issuer = models.CharField("制定机关", max_length=100, blank=True)
    kind = models.CharField("类别", max_length=10, choices=RegulationKind.choices, default=RegulationKind.MEASURES)
    order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "制度文件"
        verbose_name_plural = "制度文件"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"《{self.title}》"


class RegulationVersion(NoDeleteModel, TimeStamped):
    """One issued text of a regulation. A revision is a new version; the earlier one is kept, marked
    superseded, and what cited its articles still reads them."""

    regulation = models.ForeignKey(Regulation, verbose_name="制度文件", on_delete=models.PROTECT,
                                   related_name="versions")
    label = models.CharField("版本", max_length=60, help_text="例如：2025年版")
    number = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("印发日期")
    effective_on = models.DateField("施行日期", null=True, blank=True)
    superseded_on = models.DateField("被修订（废止）日期", null=True, blank=True)
    #: The article texts are examples written for the demo or a trial, not the regulation's real words.
    is_sample = models.BooleanField("示例条文", default=False)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "制度文件版本"
        verbose_name_plural = "制度文件版本"
        ordering = ["regulation_id", "-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["regulation", "label"], name="regulation_version_unique_label")]

    def __str__(self) -> str:
        return f"{self.regulation}（{self.label}）"

    @property
    def in_force(self) -> bool:
        return self.superseded_on is None


class Article(NoDeleteModel):
    """One article (条) of a regulation's version: what a rule value or a checklist item cites."""

    version = models.ForeignKey(RegulationVersion, verbose_name="版本", on_delete=models.PROTECT,
                                related_name="articles")
    number = models.CharField("条款", max_length=30, help_text="例如：第十条")
    ordinal = models.PositiveIntegerField("顺序")
    heading = models.CharField("条旨", max_length=100, blank=True)
    text = models.TextField("条文")
    is_sample = models.BooleanField("示例条文", default=False)

    class Meta:
        verbose_name = "条款"
        verbose_name_plural = "条款"
        ordering = ["version_id", "ordinal", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "ordinal"], name="article_unique_ordinal")]

    def __str__(self) -> str:
        return f"{self.version.regulation}{self.number}"

    @property
    def citation(self) -> str:
        """《名称》第N条 — the words a rule's source shows."""
        return f"《{self.version.regulation.title}》{self.number}"


class PolicyValue(TimeStamped):
    """A rule's value for a jurisdiction (region) or the national default (no region).

    The checks in `yixie.ledger.policy` read these rows; a city tunes a rule by adding a row for its
    region, not by changing code. Each value names the clause it comes from.
    """

    region = models.ForeignKey(Region, verbose_name="适用区划", null=True, blank=True, on_delete=models.PROTECT,
                               help_text="空表示全国默认")
    key = models.CharField("规则", max_length=60)
    value = models.JSONField("取值", null=True, blank=True)
    severity = models.CharField("处理方式", max_length=10, choices=Severity.choices, default=Severity.ERROR)
    source = models.CharField("依据条款", max_length=300)
    article = models.ForeignKey(Article, verbose_name="依据条文", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="policy_values")

    class Meta:
        verbose_name = "管理规则"
        verbose_name_plural = "管理规则"
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], condition=Q(region__isnull=False),
                                    name="policy_unique_key_per_region"),
            models.UniqueConstraint(fields=["key"], condition=Q(region__isnull=True), name="policy_unique_national_key"),
        ]

    def __str__(self) -> str:
        return f"{self.region or '全国默认'} {self.key}={self.value}"


class ImportJob(TimeStamped):
    """An Excel import run: its file, progress and row-by-row report (all or nothing).

    Two steps (docs/decisions/0013): the first run checks the file and stores the preview (PREVIEWED); the
    user confirms (`confirmed_at`) and the second run checks again and writes, all or nothing."""

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "处理中"
        PREVIEWED = "previewed", "待确认"
        SUCCEEDED = "succeeded", "已导入"
        FAILED = "failed", "未导入"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT,
                                   related_name="+")
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_bodies = models.PositiveIntegerField("新增机构数", default=0)
    errors = models.JSONField("错误", default=list)
    message = models.CharField("结果", max_length=500, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    #: Starts by a job worker; a worker that dies mid-import leaves it to be retried (yixie.ledger.tasks).
    attempts = models.PositiveSmallIntegerField("处理次数", default=0)
    #: What the check found: counts, the changes row by row, the conflicts, and the fingerprint the apply checks.
    preview = models.JSONField("预览", default=dict, blank=True)
    confirmed_at = models.DateTimeField("确认导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.state in (self.State.PENDING, self.State.RUNNING) else 100
        return min(100, int(self.processed_rows * 100 / self.total_rows))


class ExportJob(TimeStamped):
    """A large Excel export, written by a job worker: the filter it was asked with, and the file once ready.

    Small exports are answered at once; one over `settings.YIXIE_EXPORT_INLINE_MAX` rows runs here so a web
    worker is never tied up for the half minute a province's ledger takes."""

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        SUCCEEDED = "succeeded", "已生成"
        FAILED = "failed", "未生成"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.PROTECT,
                                   related_name="+")
    query = models.CharField("筛选条件", max_length=2000, blank=True)
    on = models.DateField("台账日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    rows = models.PositiveIntegerField("机构数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    message = models.CharField("结果", max_length=500, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)
