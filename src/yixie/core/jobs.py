"""Background jobs: the thin project-wide glue over django-q2 (docs/decisions/0009).

Long work (imports, large exports, generated documents, nightly alerts) runs in a separate worker
process (`yixie qcluster`, started by `make run` beside the web server), never in a thread of a web
worker. Apps hand work over with `enqueue`/`enqueue_on_commit` and register their daily jobs with
`register_daily` from their `AppConfig.ready()`; `sync_schedules` (run after every `migrate`, by the
`jobs_sync` command and when `scripts/run-server.sh` starts the worker) writes the registry into the
library's schedule table, idempotently.

This module imports no other yixie app (floor 1).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

#: Schedules this registry owns carry this prefix in their name; others (made in the admin) are left alone.
PREFIX = "yixie:"


def is_sync() -> bool:
    """True when jobs run at once in the calling process (tests, YIXIE_JOBS_SYNC=1), not in a worker."""
    return bool(settings.Q_CLUSTER.get("sync", False))


def _path(func) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}.{func.__qualname__}"


def enqueue(func, *args: Any, **kwargs: Any) -> str:
    """Queue `func(*args, **kwargs)` for a worker; returns the job id (shown in the admin).

    `func` is a dotted path or a module-level function; arguments must pickle (pass ids, not rows).
    Keyword arguments starting with `q_` are the library's options (`q_options={...}`).
    """
    from django_q.tasks import async_task

    return async_task(_path(func), *args, sync=is_sync(), **kwargs)


def enqueue_on_commit(func, *args: Any, **kwargs: Any) -> None:
    """Queue the job once the current transaction commits, so the worker sees the rows it needs.

    In synchronous mode the job runs at once, inside the caller's transaction: it sees the rows
    already, and a test's transaction (which never commits) would otherwise never run it.
    """
    if is_sync():
        enqueue(func, *args, **kwargs)
        return
    transaction.on_commit(lambda: enqueue(func, *args, **kwargs))


# ---------------------------------------------------------------- daily jobs

@dataclass(frozen=True)
class DailyJob:
    name: str
    func: str
    hour: int
    minute: int


_daily: dict[str, DailyJob] = {}


def register_daily(name: str, func_path: str, *, hour: int = 3, minute: int = 0) -> None:
    """Run `func_path()` once a day at `hour:minute` (server time zone), on one worker only.

    Call from an `AppConfig.ready()`; registering the same name again replaces the entry.
    """
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"bad time for daily job {name!r}: {hour}:{minute}")
    _daily[name] = DailyJob(name=name, func=func_path, hour=hour, minute=minute)


def daily_jobs() -> list[DailyJob]:
    return sorted(_daily.values(), key=lambda j: j.name)


def next_run_at(hour: int, minute: int, *, now: datetime | None = None) -> datetime:
    """The next `hour:minute` in the server's time zone strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    candidate = timezone.make_aware(datetime.combine(now.date(), time(hour, minute)))
    if candidate <= now:
        candidate = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time(hour, minute)))
    return candidate


def sync_schedules() -> dict[str, list[str]]:
    """Make the library's schedule table match the registry; safe to run any number of times.

    A schedule whose function and time are unchanged keeps its `next_run` (so a restart neither
    skips nor repeats a day); a changed one is rescheduled; one no longer registered is removed.
    """
    from django_q.models import Schedule

    done: dict[str, list[str]] = {"created": [], "updated": [], "removed": [], "kept": []}
    wanted = {PREFIX + j.name: j for j in daily_jobs()}
    with transaction.atomic():
        existing = {s.name: s for s in Schedule.objects.filter(name__startswith=PREFIX)}
        for name, job in wanted.items():
            s = existing.get(name)
            if s is None:
                Schedule.objects.create(name=name, func=job.func, schedule_type=Schedule.DAILY, repeats=-1,
                                        next_run=next_run_at(job.hour, job.minute))
                done["created"].append(name)
                continue
            at = timezone.localtime(s.next_run).time() if s.next_run else None
            if (s.func, s.schedule_type, s.repeats, at) != (job.func, Schedule.DAILY, -1, time(job.hour, job.minute)):
                s.func, s.schedule_type, s.repeats = job.func, Schedule.DAILY, -1
                s.next_run = next_run_at(job.hour, job.minute)
                s.save()
                done["updated"].append(name)
            else:
                done["kept"].append(name)
        for name, s in existing.items():
            if name not in wanted:
                s.delete()
                done["removed"].append(name)
    return done


# ---------------------------------------------------------------- core's own daily job

#: Failed or finished job results older than this are purged by the nightly job.
KEEP_JOB_RESULTS = timedelta(days=90)


def purge() -> str:
    """Nightly: drop expired sessions and old job results; leave one line in the audit journal."""
    from django.contrib.sessions.models import Session
    from django_q.models import Task

    from . import audit
    from .models import AuditEntry

    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    results, _ = Task.objects.filter(stopped__lt=now - KEEP_JOB_RESULTS).delete()
    summary = f"每日清理：过期会话 {sessions} 个，{KEEP_JOB_RESULTS.days} 天前的后台任务记录 {results} 条。"
    audit.record_many([AuditEntry(action="system.purge", target_type="core.jobs", target_id="purge",
                                  target_label="每日清理", after={"sessions": sessions, "job_results": results},
                                  reason=summary)])
    return summary
