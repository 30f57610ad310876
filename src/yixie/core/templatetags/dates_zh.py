"""Dates in templates as the spec writes them (2026年11月30日), by `core.dates.format_date_zh`:
{% load dates_zh %} {{ value|date_zh }} for a date, a datetime (its local day) or an ISO date text;
{{ value|datetime_zh }} adds the local time (2026年11月30日 14:05)."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from yixie.core.dates import format_date_zh

register = template.Library()


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@register.filter
def date_zh(value) -> str:
    day = _day(value)
    return format_date_zh(day) if day else (value if isinstance(value, str) else "")


@register.filter
def datetime_zh(value) -> str:
    if not isinstance(value, datetime.datetime):
        return date_zh(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date_zh(local.date())} {local:%H:%M}"
