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
