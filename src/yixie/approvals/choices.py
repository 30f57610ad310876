from django.db import models


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
    PARTY = "party", "市委常委会会议"
    GOVERNMENT = "government", "市政府常务会议"


class RecommendedForm(models.TextChoices):
    SPECIAL_GROUP = "special", "改设专项小组"
    JOINT_MEETING = "joint", "改设部门间联席会议"
    DEPARTMENT = "department", "交由职能部门承担"


class AttachmentKind(models.TextChoices):
    UPPER = "upper", "上级文件"
    RULES = "rules", "工作规则（草案）"
    EVIDENCE = "evidence", "佐证材料"
    OTHER = "other", "其他"
