"""The product's ways of writing dates, times and people, used by every template (a builtin library:
settings.TEMPLATES ... "builtins"), so that a page never shows 2026-11-30, UTC or a login name."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from yixie.core.dates import format_date_zh
from yixie.core.people import user_label as _user_label

register = template.Library()


@register.filter
def date_zh(value) -> str:
    """{{ d|date_zh }} → 2026年11月30日 (a datetime is first put in China Standard Time; an ISO date text is read)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    if isinstance(value, str):  # an ISO date kept in a JSON snapshot
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if not isinstance(value, datetime.date):
        return str(value)
    return format_date_zh(value)


@register.filter
def datetime_zh(value) -> str:
    """{{ t|datetime_zh }} → 2026年11月30日 14:05, in China Standard Time (settings.TIME_ZONE)."""
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.datetime):
        return date_zh(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_date_zh(value.date())} {value:%H:%M}"


@register.filter
def month_zh(value) -> str:
    """{{ d|month_zh }} → 2026年11月."""
    if value in (None, ""):
        return ""
    return f"{value.year}年{value.month}月"


@register.filter
def user_label(user) -> str:
    """{{ entry.actor|user_label }} → 王敏（潍坊市委编办）."""
    return _user_label(user)
