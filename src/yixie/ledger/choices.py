from django.db import models


class BodyCategory(models.TextChoices):
    PARTY = "party", "党委议事协调机构"
    GOVERNMENT = "government", "政府议事协调机构"
    JOINT_MEETING = "joint", "部门间联席会议"
    TASK_FORCE = "taskforce", "工作专班"
    MECHANISM = "mechanism", "协调机制（不纳入议事协调机构管理）"
    SPECIAL_GROUP = "special", "专项小组"


# Categories counted as 议事协调机构 (the others are recorded but not counted).
COUNTED_CATEGORIES = {BodyCategory.PARTY, BodyCategory.GOVERNMENT}
# Categories led by posts (组长/副组长); the others (joint meetings, task forces, mechanisms and the
# lighter 专项小组) are convened by their lead department.
LED_BY_POSTS = {BodyCategory.PARTY, BodyCategory.GOVERNMENT}


class BodyForm(models.TextChoices):
    LEADING_GROUP = "领导小组", "领导小组"
    COMMITTEE = "委员会", "委员会"
    COMMAND = "指挥部", "指挥部"
    JOINT_MEETING = "联席会议", "联席会议"
    TASK_FORCE = "工作专班", "工作专班"
    MECHANISM = "协调机制", "协调机制"
    SPECIAL_GROUP = "专项小组", "专项小组"
    OTHER = "其他", "其他"


class Sequence(models.TextChoices):
    PARTY = "party", "党委序列"
    GOVERNMENT = "government", "政府序列"


class LegalGround(models.TextChoices):
    UPPER = "upper", "中央或上级明确要求、法律法规规定设立"
    COUNTERPART = "counterpart", "上级对口机构设有实体办事机构"
    EMERGENCY = "emergency", "应急指挥、军地协调、维护稳定需要"
    LOCAL = "local", "本地重大任务，经常委会会议或常务会议研究同意"


class BodyStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    ABOLISHED = "abolished", "已撤销"
    MERGED = "merged", "已合并"
    DERECOGNISED = "derecognised", "不再认定"


ENDED_STATUSES = {BodyStatus.ABOLISHED, BodyStatus.MERGED, BodyStatus.DERECOGNISED}


class TaskScope(models.TextChoices):
    SINGLE = "single", "单项工作"
    COMPREHENSIVE = "comprehensive", "综合性工作"


class EventKind(models.TextChoices):
    ESTABLISH = "establish", "设立"
    ADJUST = "adjust", "调整"
    RENAME = "rename", "更名"
    ABOLISH = "abolish", "撤销"
    MERGE = "merge", "合并"
    SPLIT = "split", "分设"
    REAFFILIATE = "reaffiliate", "改变隶属关系"
    DOWNGRADE = "downgrade", "降格"
    DERECOGNISE = "derecognise", "不再认定"
    MEMBERS = "members", "成员调整"
    # A change of the division of duties among the member units (a duty dispute settled, spec §2.5): filed
    # with 编办 rather than approved, on the consultation's minutes or 编办's opinion (docs/decisions/0026).
    DIVISION = "division", "职责分工调整"


# The status a body has after an event of each kind (None: unchanged).
STATUS_AFTER = {
    EventKind.ABOLISH: BodyStatus.ABOLISHED,
    EventKind.MERGE: BodyStatus.MERGED,
    EventKind.DERECOGNISE: BodyStatus.DERECOGNISED,
}


class MemberRole(models.TextChoices):
    PRINCIPAL = "principal", "主办"
    ASSISTING = "assisting", "协办"


class LeaderRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"


class Severity(models.TextChoices):
    ERROR = "error", "不予通过"
    WARNING = "warning", "提示"


class BodyFileKind(models.TextChoices):
    """What a file kept with a body is (`models.BodyFile`)."""

    WORK_RULES_DRAFT = "rules_draft", "工作规则（草案，随设立申请报送）"
    WORK_RULES = "work_rules", "工作规则（备案）"


class RegulationKind(models.TextChoices):
    """What a regulation in the library is (`models.Regulation`)."""

    LAW = "law", "法律、行政法规"
    PARTY = "party", "党内法规"
    MEASURES = "measures", "管理办法"
    NOTICE = "notice", "通知"
    OTHER = "other", "其他规范性文件"
