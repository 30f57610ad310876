"""The in-app notification centre: writes (`notify`, `mark_read`) and reads (`unread_count`, `for_user`).

Capabilities tell users what is due through here instead of each keeping its own messages; the daily
alerts job turns the registered alert sources into notifications (`run_alerts`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification
from .registry import ALERT_SOURCES


def notify(*, recipients: Iterable[int], source: str, key: str, title: str, url: str = "", text: str = "") -> int:
    """Tell each user once per `key`; returns how many notifications were new."""
    recipients = sorted(set(recipients))
    if not recipients:
        return 0
    existing = set(Notification.objects.filter(recipient_id__in=recipients, key=key)
                   .values_list("recipient_id", flat=True))
    fresh = [Notification(recipient_id=r, source=source, key=key[:200], title=title[:300], url=url[:500], text=text)
             for r in recipients if r not in existing]
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(fresh)
    except IntegrityError:  # another process told the same user meanwhile: add the rest one by one
        created = 0
        for n in fresh:
            try:
                with transaction.atomic():
                    n.save()
                created += 1
            except IntegrityError:
                pass
        return created
    return len(fresh)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (these ids, or all) read; another user's ids are ignored."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def for_user(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def run_alerts(on=None) -> dict[str, int]:
    """The daily alerts job: every registered alert source's findings for `on` become notifications
    (once per alert key and user). Returns {source key: new notifications}."""
    on = on or timezone.localdate()
    created: dict[str, int] = {}
    for source in ALERT_SOURCES:
        n = 0
        for alert in source.collect(on):
            n += notify(recipients=alert.recipients, source=source.key, key=alert.key, title=alert.title,
                        url=alert.url, text=alert.text)
        created[source.key] = n
    return created
