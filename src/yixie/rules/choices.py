from django.db import models


class WorkRulesKind(models.TextChoices):
    RULES = "rules", "工作规则"
    DETAILS = "details", "工作细则"


class WorkRulesStatus(models.TextChoices):
    DRAFT = "draft", "起草中"
    SUBMITTED = "submitted", "待备案"
    RETURNED = "returned", "已退回修改"
    FILED = "filed", "已备案"
    SUPERSEDED = "superseded", "已被修订"


class TaskRole(models.TextChoices):
    PRINCIPAL = "principal", "主办"
    ASSISTING = "assisting", "协办"


class DisputeStatus(models.TextChoices):
    """The stages of a duty dispute (spec §2.5): raised → consulted by the host department → agreed and filed
    with 编办, or escalated → 编办's division opinion, or referred to the establishment committee → decided."""

    RAISED = "raised", "待协商"
    AGREED = "agreed", "协商一致，待编办备案"
    ESCALATED = "escalated", "已提请编办协调"
    REFERRED = "referred", "已提交编委会研究"
    SETTLED = "settled", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_DISPUTE_STATUSES = (DisputeStatus.RAISED, DisputeStatus.AGREED, DisputeStatus.ESCALATED, DisputeStatus.REFERRED)


class SettledBy(models.TextChoices):
    """How a dispute ended."""

    CONSULTATION = "consultation", "协商一致"
    OPINION = "opinion", "编办分工意见"
    COMMITTEE = "committee", "编委会决定"


class DisputeFileKind(models.TextChoices):
    MINUTES = "minutes", "协商会议纪要"
    MATERIALS = "materials", "提请协调材料"
    OPINION = "opinion", "分工意见"
    DECISION = "decision", "编委会决定"
    OTHER = "other", "其他材料"
