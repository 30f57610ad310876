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
    # The three administrators (三员分立, GB/T 22239-2019 8.1.4.2, 8.1.5; docs/decisions/0021): they work
    # in the admin site only and hold no business action.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# Roles held for a region (the region and those below it) versus for one department.
REGION_ROLES = {Role.ESTABLISHMENT, Role.GENERAL_OFFICE, Role.ORGANISATION, Role.LEADER}
DEPARTMENT_ROLES = {Role.DEPARTMENT, Role.DEPARTMENT_HR}
#: The three administrators: none of them is held with another of them or with a business role
#: (the rule lives in `yixie.org.services.check_role_exclusive`).
ADMIN_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
#: Every business role, for grants that every business role holds (reading the ledger, say). The
#: administrators are not among them: they read no business data.
ALL_ROLES = tuple(r for r in Role if r not in ADMIN_ROLES)
#: Roles whose holders must sign in with a second factor (besides superusers): the administrators and 编办.
TWO_FACTOR_ROLES = ADMIN_ROLES | {Role.ESTABLISHMENT}

#: role -> actions, filled by each app's `AppConfig.ready()` through `registry.register_actions`.
ROLE_ACTIONS = GRANTS
