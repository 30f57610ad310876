"""Writes to the organisation data (departments, posts, holders), each audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from yixie.core import audit
from yixie.core.audit import snapshot
from yixie.core.dates import format_date_zh
from yixie.core.roles import ADMIN_ROLES, Role

from .errors import OrgError  # noqa: F401 (callers import it from here)
from .models import Department, Post, PostHolding, Region, RoleAssignment
from .uscc import UsccError, validate_uscc


def _clean_uscc(uscc: str) -> str:
    if not uscc:
        return ""
    try:
        return validate_uscc(uscc)
    except UsccError as exc:
        raise OrgError(exc.message, "uscc") from exc


def check_department_dates(established_on: date | None, ended_on: date | None) -> None:
    """A department ends on or after the day it was set up (the one home of this check: form and service)."""
    if established_on and ended_on and ended_on < established_on:
        raise OrgError(f"撤销日期{format_date_zh(ended_on)}早于设立日期{format_date_zh(established_on)}，请核对。",
                       "ended_on")


@transaction.atomic
def department_save(*, actor, region: Region, name: str, kind: str, short_name: str = "", order: int = 100,
                    uscc: str = "", duties: str = "", department: Department | None = None,
                    established_on: date | None = None, ended_on: date | None = None) -> Department:
    name = name.strip()
    if not name:
        raise OrgError("请填写部门名称。", "name")
    check_department_dates(established_on, ended_on)
    clash = Department.objects.filter(region=region, name=name)
    if department is not None:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise OrgError(f"{region.name}已有名为“{name}”的部门。", "name")
    uscc = _clean_uscc(uscc)
    if uscc and Department.objects.filter(uscc=uscc).exclude(pk=getattr(department, "pk", None)).exists():
        raise OrgError(f"统一社会信用代码{uscc}已被其他部门使用。", "uscc")
    before = snapshot(department) if department is not None else None
    dept = department or Department()
    dept.region, dept.name, dept.kind = region, name, kind
    dept.short_name, dept.order, dept.uscc = short_name.strip(), order, uscc
    dept.established_on, dept.ended_on = established_on, ended_on
    dept.save()
    # The 三定 duties are rows (org.duties, docs/decisions/0026); `duties` is their derived text.
    from .duties import duties_replace, split_duties

    duties_replace(actor=actor, department=dept, lines=split_duties(duties))
    dept.refresh_from_db()
    audit.record(actor=actor, action="修改部门" if before else "新增部门", target=dept, before=before,
                 after=snapshot(dept))
    return dept


@transaction.atomic
def post_create(*, actor, region: Region, name: str, order: int = 100) -> Post:
    if Post.objects.filter(region=region, name=name).exists():
        raise OrgError(f"{region.name}已有职务“{name}”。", "name")
    post = Post.objects.create(region=region, name=name, order=order)
    audit.record(actor=actor, action="新增领导职务", target=post, after=snapshot(post))
    return post


@transaction.atomic
def post_holder_change(*, actor, post: Post, person_name: str, started_on: date) -> PostHolding:
    """Turnover (自然补入): the post's seats stay; only who holds the post changes."""
    current = post.holdings.filter(ended_on__isnull=True).first()
    if current is not None:
        if started_on <= current.started_on:
            raise OrgError("新任职日期须晚于现任人员的任职日期。", "started_on")
        current.ended_on = date.fromordinal(started_on.toordinal() - 1)
        current.save(update_fields=["ended_on"])
    holding = PostHolding.objects.create(post=post, person_name=person_name.strip(), started_on=started_on)
    audit.record(actor=actor, action="领导职务任职变动", target=post,
                 before={"holder": current.person_name if current else None},
                 after={"holder": holding.person_name, "started_on": started_on})
    return holding


# ---------------------------------------------------------------- role grants (三员分立)

def check_role_exclusive(*, user, role: str, assignment_pk: int | None = None) -> None:
    """No user holds two of the three administrator roles, nor one of them with a business role
    (GB/T 22239-2019 8.1.4.2; docs/decisions/0021). The one home of this rule: the admin form (through
    `RoleAssignment.clean`) and `role_assign` both come here."""
    if user is None or getattr(user, "pk", None) is None or not role:
        return
    held = {r for r in RoleAssignment.objects.filter(user=user).exclude(pk=assignment_pk)
            .values_list("role", flat=True)}
    if role in ADMIN_ROLES:
        others = held - {role}
    else:
        others = held & ADMIN_ROLES
    if not others:
        return
    name = user.get_full_name() or user.username
    held_labels = "、".join(sorted(Role(r).label for r in others))
    raise OrgError(f"用户“{name}”已担任{held_labels}，不能再担任{Role(role).label}："
                   "系统管理员、安全管理员、审计管理员须由三名不同人员分别担任，且不得兼任业务角色（三员分立）。",
                   "role", code="role_exclusive")


@transaction.atomic
def role_assign(*, actor, user, role: str, region: Region | None = None,
                department: Department | None = None) -> RoleAssignment:
    """Grant `user` a role (for a region, or for one department), audited."""
    from django.core.exceptions import ValidationError

    check_role_exclusive(user=user, role=role)
    assignment = RoleAssignment(user=user, role=role, region=region, department=department)
    try:
        assignment.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise OrgError("；".join(messages), field) from exc
    assignment.save()
    audit.record(actor=actor, action="授予角色", target=assignment, after=snapshot(assignment))
    return assignment
