"""Roles (spec §1) and what each may do. Scopes (which rows) are decided in `yixie.org.scopes`."""

from django.db import models


class Role(models.TextChoices):
    ESTABLISHMENT = "establishment", "编办管理员"
    GENERAL_OFFICE = "general_office", "两办经办人"
    ORGANISATION = "organisation", "组织部审核人"
    DEPARTMENT = "department", "部门经办人"
    LEADER = "leader", "领导查阅"


# Roles held for a region (the region and those below it) versus for one department.
REGION_ROLES = {Role.ESTABLISHMENT, Role.GENERAL_OFFICE, Role.ORGANISATION, Role.LEADER}
DEPARTMENT_ROLES = {Role.DEPARTMENT}

# Actions, named "<area>.<verb>". A view declares the action it needs; nothing else is allowed.
ROLE_ACTIONS: dict[str, set[str]] = {
    Role.ESTABLISHMENT: {
        "ledger.view", "ledger.export", "ledger.edit", "ledger.import", "document.view", "document.edit",
        "org.view", "org.edit", "audit.view",
    },
    Role.GENERAL_OFFICE: {"ledger.view", "ledger.export", "document.view", "org.view", "audit.view"},
    Role.ORGANISATION: {"ledger.view", "ledger.export", "document.view", "org.view"},
    Role.DEPARTMENT: {"ledger.view", "ledger.export", "document.view", "org.view"},
    Role.LEADER: {"ledger.view", "ledger.export", "document.view", "org.view"},
}
ALL_ACTIONS = set().union(*ROLE_ACTIONS.values())
