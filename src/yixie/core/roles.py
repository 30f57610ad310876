"""Roles (spec §1) and what each may do. Scopes (which rows) are decided in `yixie.org.scopes`."""

from django.db import models


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

# Actions, named "<area>.<verb>". A view declares the action it needs; nothing else is allowed.
_READ = {"ledger.view", "ledger.export", "document.view", "org.view", "application.view"}
ROLE_ACTIONS: dict[str, set[str]] = {
    Role.ESTABLISHMENT: _READ | {
        "ledger.edit", "ledger.import", "document.edit", "org.edit", "audit.view",
        "application.review_establishment", "approvals.stats",
    },
    Role.GENERAL_OFFICE: _READ | {"audit.view", "application.accept", "application.deliberate",
                                  "application.publish", "approvals.stats"},
    Role.ORGANISATION: _READ | {"application.review_personnel"},
    Role.DEPARTMENT: _READ | {"application.draft", "application.consent"},
    Role.DEPARTMENT_HR: _READ | {"application.draft", "application.submit", "application.consent"},
    Role.LEADER: _READ | {"approvals.stats"},
}
ALL_ACTIONS = set().union(*ROLE_ACTIONS.values())
