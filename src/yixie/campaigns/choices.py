"""The review campaign's vocabulary (定期调整): phases, the actions a report proposes, the reasons, the
offices that review, and which ledger event each action becomes at publication."""

from django.db import models

from yixie.ledger.choices import BodyCategory, BodyForm, EventKind


class Phase(models.TextChoices):
    DEPLOY = "deploy", "部署"
    SORTING = "sorting", "部门梳理"
    REPORTING = "reporting", "汇总提报"
    REVIEW = "review", "联合审核"
    DELIBERATION = "deliberation", "会议研究"
    PUBLISHED = "published", "发文公布"


PHASE_ORDER = [p.value for p in Phase]
#: Phases that carry a deadline (the last one is the publication itself).
DEADLINE_PHASES = [Phase.DEPLOY, Phase.SORTING, Phase.REPORTING, Phase.REVIEW, Phase.DELIBERATION,
                   Phase.PUBLISHED]


class Action(models.TextChoices):
    KEEP = "keep", "保留"
    ABOLISH = "abolish", "撤销"
    MERGE = "merge", "合并（并入其他机构）"
    RENAME = "rename", "更名"
    REAFFILIATE = "reaffiliate", "调整隶属关系"
    TO_JOINT = "to_joint", "改为部门间联席会议"
    TO_SPECIAL = "to_special", "改为专项小组"
    TO_MECHANISM = "to_mechanism", "改为协调机制"
    DERECOGNISE = "derecognise", "不再作为议事协调机构管理"


#: Short labels for tables and charts.
ACTION_SHORT = {
    Action.KEEP: "保留", Action.ABOLISH: "撤销", Action.MERGE: "合并", Action.RENAME: "更名",
    Action.REAFFILIATE: "调整隶属关系", Action.TO_JOINT: "改为联席会议", Action.TO_SPECIAL: "改为专项小组",
    Action.TO_MECHANISM: "改为协调机制", Action.DERECOGNISE: "不再认定",
}

#: The ledger event each action writes at publication (KEEP writes none).
EVENT_OF = {
    Action.ABOLISH: EventKind.ABOLISH,
    Action.MERGE: EventKind.MERGE,
    Action.RENAME: EventKind.RENAME,
    Action.REAFFILIATE: EventKind.REAFFILIATE,
    Action.TO_JOINT: EventKind.DOWNGRADE,
    Action.TO_SPECIAL: EventKind.DOWNGRADE,
    Action.TO_MECHANISM: EventKind.DOWNGRADE,
    Action.DERECOGNISE: EventKind.DERECOGNISE,
}

#: The category and form a downgrade turns the body into.
DOWNGRADE_TO = {
    Action.TO_JOINT: (BodyCategory.JOINT_MEETING, BodyForm.JOINT_MEETING),
    Action.TO_SPECIAL: (BodyCategory.SPECIAL_GROUP, BodyForm.SPECIAL_GROUP),
    Action.TO_MECHANISM: (BodyCategory.MECHANISM, BodyForm.MECHANISM),
}

#: Actions that end the body (it no longer stands in the list after publication).
ENDING = {Action.ABOLISH, Action.MERGE, Action.DERECOGNISE}


class Reason(models.TextChoices):
    """Why a body changes (the seed's reasons first)."""

    WEAKENED = "weakened", "职责弱化"
    OVERLAP = "overlap", "职能重叠"
    FINISHED = "finished", "工作任务结束"
    UPPER_ABOLISHED = "upper", "上级对口机构已撤销或调整"
    NAME_MISMATCH = "name", "名称与职责任务不相适应"
    TRANSFERRED = "transferred", "机构改革后职责划转"
    FEW_MEETINGS = "idle", "长期未开展工作"
    STILL_NEEDED = "needed", "工作任务仍需统筹协调"
    OTHER = "other", "其他"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "梳理中"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "退回补充"


class Office(models.TextChoices):
    """The three offices of the joint review, in the order they sign."""

    ESTABLISHMENT = "establishment", "编办"
    GENERAL_OFFICE = "general_office", "两办"
    ORGANISATION = "organisation", "组织部"


class Verdict(models.TextChoices):
    AGREE = "agree", "同意"
    CHANGE = "change", "同意调整，但调整方式不同"
    DISAGREE = "disagree", "不同意"


class Meeting(models.TextChoices):
    PARTY = "party", "党委常委会会议"
    GOVERNMENT = "government", "政府常务会议"


class ItemOrigin(models.TextChoices):
    SNAPSHOT = "snapshot", "台账快照"
    ESTABLISHMENT = "establishment", "编办提出"
    PROPOSAL = "proposal", "调整建议转入"


class FileKind(models.TextChoices):
    LIST_DOCX = "list_docx", "公布清单（Word）"
    LIST_PDF = "list_pdf", "公布清单（PDF）"
    OPINION_DOCX = "opinion_docx", "调整规范意见（Word）"
    OPINION_PDF = "opinion_pdf", "调整规范意见（PDF）"
