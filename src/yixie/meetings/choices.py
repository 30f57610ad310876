"""The meetings register's vocabulary: kinds of meeting, the state of a decision."""

from django.db import models


class MeetingKind(models.TextChoices):
    FULL = "full", "全体会议"
    OFFICE = "office", "办公室会议"
    SPECIAL = "special", "专题会议"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "未落实"
    DONE = "done", "已落实"
