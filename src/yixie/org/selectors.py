"""Reads of the organisation tables (regions, departments, posts). Scopes are in `scopes.py`."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from yixie.core.dates import DateParseError, parse_date

from .models import Department


def region_from_query(regions, raw: str | None):
    """The region a page was asked for (`?region=<id>`) if the user may see it; else their city, or first."""
    region = regions.filter(pk=int(raw)).first() if raw and raw.isdecimal() and len(raw) <= 18 else None
    return region or regions.filter(level="city").first() or regions.first()


def date_from_query(raw: str | None) -> tuple[date, str]:
    """The date a page was asked for (`?on=`, in any form clerks type), today by default; and an error text."""
    if not raw or not raw.strip():
        return timezone.localdate(), ""
    try:
        return parse_date(raw), ""
    except DateParseError as exc:
        return timezone.localdate(), f"日期“{raw}”无法识别：{exc.message}，已按今天显示。"


def departments_of(region):
    return Department.objects.filter(region=region).order_by("order", "id")


#: How a region-wide role's office is called: "潍坊市" + "委编办" → 潍坊市委编办.
_REGION_OFFICE = {"establishment": "委编办", "general_office": "两办", "organisation": "委组织部", "leader": "领导"}


def office_of(user) -> str:
    """The office a user works for, from their first role: the department (部门经办人, 组织人事科室) or the
    region's office (潍坊市委编办, 潍坊市两办, 潍坊市委组织部). Registered with core.people for user_label."""
    from .models import RoleAssignment

    ra = (RoleAssignment.objects.filter(user_id=user.pk).select_related("region", "department")
          .order_by("id").first())
    if ra is None:
        return ""
    if ra.department_id:
        return ra.department.name
    suffix = _REGION_OFFICE.get(ra.role, "")
    return f"{ra.region.name}{suffix}" if suffix else ra.region.name
