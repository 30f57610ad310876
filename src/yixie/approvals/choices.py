"""The approval workflow's vocabulary, and the two maps every module reads: which ledger event an
application writes, and which action (and to-do label) each review step needs."""

from django.db import models

from yixie.ledger.choices import EventKind
from yixie.overlap.api import HIGH as OVERLAP_HIGH


class ApplicationKind(models.TextChoices):
    ESTABLISH = "establish", "设立"
    ADJUST = "adjust", "调整（职责、成员、组长）"
    RENAME = "rename", "更名"
    ABOLISH = "abolish", "撤销"
    MERGE = "merge", "合并"
    REAFFILIATE = "reaffiliate", "改变隶属关系"
    DOWNGRADE = "downgrade", "降格"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待两办受理"
    IN_REVIEW = "in_review", "审核中"
    REVIEWED = "reviewed", "待会议研究"
    DECIDED = "decided", "待发文"
    PUBLISHED = "published", "已发文公布"
    RETURNED = "returned", "退回修改"
    REFUSED = "refused", "不予同意"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STATUSES = {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW,
                 ApplicationStatus.REVIEWED, ApplicationStatus.DECIDED, ApplicationStatus.RETURNED}
CLOSED_STATUSES = {ApplicationStatus.PUBLISHED, ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN}


class ReviewStep(models.TextChoices):
    ACCEPTANCE = "acceptance", "两办受理"
    ESTABLISHMENT = "establishment", "编办审核"
    PERSONNEL = "personnel", "组织部审核"
    DELIBERATION = "deliberation", "会议研究"
    PUBLICATION = "publication", "发文公布"


class Decision(models.TextChoices):
    APPROVE = "approve", "同意"
    RETURN = "return", "退回修改"
    REFUSE = "refuse", "不予同意"
    RECOMMEND = "recommend", "建议改设其他形式"


class Meeting(models.TextChoices):
    """Which meeting decides; its label for a region (青州市委常委会会议 …) is `selectors.meeting_label`."""

    PARTY = "party", "党委常委会会议"
    GOVERNMENT = "government", "政府常务会议"


class RecommendedForm(models.TextChoices):
    SPECIAL_GROUP = "special", "改设专项小组"
    JOINT_MEETING = "joint", "改设部门间联席会议"
    DEPARTMENT = "department", "交由职能部门承担"


class AttachmentKind(models.TextChoices):
    UPPER = "upper", "上级文件"
    RULES = "rules", "工作规则（草案）"
    EVIDENCE = "evidence", "佐证材料"
    OTHER = "other", "其他"


#: The ledger event each kind of application writes on publication (the ledger's `change_apply` may refine
#: an adjustment into a member change or a rename by what actually changes).
APPLICATION_EVENT_KIND: dict[str, str] = {
    ApplicationKind.ESTABLISH: EventKind.ESTABLISH,
    ApplicationKind.ADJUST: EventKind.ADJUST,
    ApplicationKind.RENAME: EventKind.RENAME,
    ApplicationKind.ABOLISH: EventKind.ABOLISH,
    ApplicationKind.MERGE: EventKind.MERGE,
    ApplicationKind.REAFFILIATE: EventKind.REAFFILIATE,
    ApplicationKind.DOWNGRADE: EventKind.DOWNGRADE,
}

#: Each review step: the action a user needs to handle it, and its label in the to-do list.
STEP_ACTIONS: dict[str, tuple[str, str]] = {
    ReviewStep.ACCEPTANCE: ("application.accept", "受理"),
    ReviewStep.ESTABLISHMENT: ("application.review_establishment", "编办审核"),
    ReviewStep.PERSONNEL: ("application.review_personnel", "组织部审核"),
    ReviewStep.DELIBERATION: ("application.deliberate", "登记会议研究结果"),
    ReviewStep.PUBLICATION: ("application.publish", "发文公布"),
}

#: The value of a step's deadline meaning "the same (calendar) day the step started".
SAME_DAY = "same_day"

_DEFAULT_SOURCE = "本系统默认值，可由各地调整"

#: The policy key of the overlap score from which an application is taken as likely to duplicate a body.
OVERLAP_HIGH_KEY = "approvals.overlap.high"

#: The policy keys of the review deadlines (hours, or SAME_DAY), with their national defaults; registered
#: in the ledger's policy table by `ApprovalsConfig.ready()` (`ledger.policy.register_defaults`).
#: The fifth element cites the article the default rests on ("<regulation code>#<article number>").
_DEADLINES_CITE = "yixie-defaults#第一条"
POLICY_DEFAULTS: dict[str, tuple[object, str, str, str, str]] = {
    "approvals.deadline.acceptance": (24, "warning", _DEFAULT_SOURCE, "两办受理时限（小时）", _DEADLINES_CITE),
    "approvals.deadline.establishment": (
        SAME_DAY, "warning",
        "潍坊市议事协调机构“五位一体”管理：对符合设置条件的议事协调机构，在收到设置申请和有关佐证材料当天即可提出审核意见",
        "编办审核时限（same_day 为材料齐全当天，或小时数）", "yixie-defaults#第二条"),
    "approvals.deadline.personnel": (72, "warning", _DEFAULT_SOURCE, "组织部审核时限（小时）", _DEADLINES_CITE),
    "approvals.deadline.deliberation": (24 * 30, "warning", _DEFAULT_SOURCE, "会议研究时限（小时）", _DEADLINES_CITE),
    "approvals.deadline.publication": (24 * 7, "warning", _DEFAULT_SOURCE, "发文公布时限（小时）", _DEADLINES_CITE),
    # The overlap engine's own "likely duplicate" mark (overlap.api.HIGH) as the default; a region may set
    # its own. At or above it the department is warned before it submits, 编办's checklist item
    # proh_similar is pre-answered with the evidence, and approving over it needs a written reason.
    OVERLAP_HIGH_KEY: (OVERLAP_HIGH, "warning",
                       "各级党委和政府不设立与已设立的议事协调机构职责相同或相近的议事协调机构",
                       "职责重复度“较高”的综合相似度（0–1）", "dfyx-2025#第四条"),
}


def deadline_key(step: str) -> str:
    return f"approvals.deadline.{step}"
