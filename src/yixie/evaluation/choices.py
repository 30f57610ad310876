"""The evaluation's vocabulary (多方评价): what an indicator scores, how, from which figure; the states of
a year's evaluation and of a self-evaluation; the offices that check; the default grade scale."""

from django.db import models

from yixie.core.proposals import KIND_LABELS


class Target(models.TextChoices):
    BODY = "body", "机构运行成效"
    MEMBER = "member", "成员单位发挥作用"


class Method(models.TextChoices):
    COUNT = "count", "数量对标（达到标准值得满分）"
    RATIO = "ratio", "完成比例"
    YESNO = "yesno", "是否（是得满分）"
    GRADE = "grade", "等次评定（好/较好/一般/差）"
    POINTS = "points", "牵头部门打分（0至分值）"


#: The grade method's levels and the share of the indicator's weight each earns.
GRADE_LEVELS = {"好": 1.0, "较好": 0.8, "一般": 0.6, "差": 0.3}


class Source(models.TextChoices):
    """The self-evaluation figure an indicator reads (empty: judged, scored by hand)."""

    MEETINGS_HELD = "meetings_held", "召开会议次数"
    DOCUMENTS_ISSUED = "documents_issued", "印发文件数"
    PROBLEMS_COORDINATED = "problems_coordinated", "协调解决问题数"
    TASKS_DONE_RATIO = "tasks_done_ratio", "重点任务完成比例"
    DECISIONS_DONE_RATIO = "decisions_done_ratio", "议定事项落实比例"
    WORK_RULES_FILED = "work_rules_filed", "工作规则已报备"
    MECHANISMS = "mechanisms", "建立工作机制"
    NO_UNAPPROVED_DOCUMENTS = "no_unapproved_documents", "未擅自向下级发文（发文登记）"


class Dimension(models.TextChoices):
    RESULTS = "results", "工作实绩性"
    REGULARITY = "regularity", "运行规范度"
    COORDINATION = "coordination", "协调配合度"
    # member-unit dimensions
    COOPERATION = "cooperation", "协调配合"
    INFORMATION = "information", "信息共享"
    DELIVERY = "delivery", "任务落实"


class EvaluationStatus(models.TextChoices):
    OPEN = "open", "自评填报"
    CHECKING = "checking", "审核评分"
    CLOSED = "closed", "结果已发布"


class SelfStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    CHECKED = "checked", "已审核"


class Office(models.TextChoices):
    ESTABLISHMENT = "establishment", "编办"
    GENERAL_OFFICE = "general_office", "两办"
    ORGANISATION = "organisation", "组织部"


class CheckVerdict(models.TextChoices):
    AGREE = "agree", "同意"
    ADJUST = "adjust", "调整评分"
    RETURN = "return", "退回补充"


class Candidate(models.TextChoices):
    """Why a body is listed as a candidate for abolition."""

    NO_MEETING = "no_meeting", "全年未召开会议"
    NO_TASKS = "no_tasks", "未列出工作任务"


#: The default grade scale (kept as data on the indicator system): a grade and the lowest score that earns it.
DEFAULT_SCALE = [{"grade": "高效", "min": 85}, {"grade": "平稳", "min": 60}, {"grade": "缺失", "min": 0}]

#: The proposals an evaluation may draft (the intake's kinds, as the approval workflow names them).
PROPOSAL_KINDS = {k: KIND_LABELS[k] for k in ("abolish", "rename", "reaffiliate", "merge")}
