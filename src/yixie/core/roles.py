"""Roles (spec §1). What each role may do is registered by the apps (`yixie.core.registry`); which rows it
sees is decided in `yixie.org.scopes`."""

from django.db import models

from .registry import GRANTS


class Role(models.TextChoices):
    ESTABLISHMENT = "establishment", "编办管理员"
    GENERAL_OFFICE = "general_office", "两办经办人"
    ORGANISATION = "organisation", "组织部审核人"
    DEPARTMENT = "department", "部门经办人"
    DEPARTMENT_HR = "department_hr", "部门组织人事科室"
    LEADER = "leader", "领导查阅"


# Roles held for a region (the region and those below it) versus for one department.
REGION_ROLES = {Role.ESTABLISHMENT, Role.GENERAL_OFFICE, Role.ORGANISATION, Role.LEADER}
DEPARTMENT_ROLES = {Role.DEPARTMENT, Role.DEPARTMENT_HR}
#: Every role, for grants that every role holds (reading the ledger, say).
ALL_ROLES = tuple(Role)

#: role -> actions, filled by each app's `AppConfig.ready()` through `registry.register_actions`.
ROLE_ACTIONS = GRANTS
