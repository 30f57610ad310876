"""Background jobs (docs/decisions/0009): the registry of daily jobs, the synchronous mode the other tests
use, the nightly purge, and two real worker processes sharing one daily schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Task

from yixie.core import jobs
from yixie.core.models import AuditEntry
from yixie.testing.jobworker import Worker, wait_for


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the project's own restored afterwards."""
    monkeypatch.setattr(jobs, "_daily", {})
    return jobs


# ---------------------------------------------------------------- the registry

def test_core_registers_its_nightly_purge():
    [purge] = [j for j in jobs.daily_jobs() if j.name == "core.purge"]
    assert purge.func == "yixie.core.jobs.purge" and purge.hour == 3


def test_register_daily_refuses_a_time_that_does_not_exist(registry):
    with pytest.raises(ValueError):
        registry.register_daily("x", "yixie.core.jobs.purge", hour=24)


def test_next_run_is_the_next_such_time_in_the_server_time_zone():
    tz = timezone.get_current_timezone()
    before = timezone.make_aware(datetime(2026, 3, 1, 2, 0), tz)
    after = timezone.make_aware(datetime(2026, 3, 1, 3, 10), tz)
    assert jobs.next_run_at(3, 10, now=before) == timezone.make_aware(datetime(2026, 3, 1, 3, 10), tz)
    assert jobs.next_run_at(3, 10, now=after) == timezone.make_aware(datetime(2026, 3, 2, 3, 10), tz)


@pytest.mark.django_db
def test_sync_schedules_is_idempotent_and_leaves_other_schedules_alone(registry):
    Schedule.objects.all().delete()
    Schedule.objects.create(name="made-in-admin", func="yixie.core.jobs.purge", schedule_type=Schedule.HOURLY)
    registry.register_daily("a.one", "yixie.core.jobs.purge", hour=2)
    registry.register_daily("a.two", "yixie.core.jobs.purge", hour=4, minute=30)
    assert registry.sync_schedules()["created"] == ["yixie:a.one", "yixie:a.two"]
    one = Schedule.objects.get(name="yixie:a.one")
    assert one.schedule_type == Schedule.DAILY and one.repeats == -1
    assert timezone.localtime(one.next_run).hour == 2 and one.next_run > timezone.now()

    # unchanged, even if overdue: nothing moves (a restart must not skip or repeat a day)
    Schedule.objects.filter(pk=one.pk).update(next_run=one.next_run - timedelta(days=1))
    kept = Schedule.objects.get(pk=one.pk).next_run
    assert registry.sync_schedules()["kept"] == ["yixie:a.one", "yixie:a.two"]
    assert Schedule.objects.get(pk=one.pk).next_run == kept

    # moved to another hour: rescheduled; dropped from the registry: removed; the admin's own: untouched
    registry.register_daily("a.one", "yixie.core.jobs.purge", hour=5)
    del registry._daily["a.two"]
    done = registry.sync_schedules()
    assert done["updated"] == ["yixie:a.one"] and done["removed"] == ["yixie:a.two"]
    assert timezone.localtime(Schedule.objects.get(name="yixie:a.one").next_run).hour == 5
    assert set(Schedule.objects.values_list("name", flat=True)) == {"yixie:a.one", "made-in-admin"}


@pytest.mark.django_db
def test_jobs_sync_command_writes_the_projects_registry():
    from django.core.management import call_command

    Schedule.objects.all().delete()
    call_command("jobs_sync", verbosity=0)
    assert Schedule.objects.filter(name="yixie:core.purge", func="yixie.core.jobs.purge").count() == 1
    call_command("jobs_sync", verbosity=0)
    assert Schedule.objects.filter(name__startswith="yixie:").count() == len(jobs.daily_jobs())


# ---------------------------------------------------------------- synchronous mode (what other tests rely on)

@pytest.mark.django_db
def test_sync_mode_runs_the_job_at_once_and_keeps_its_result():
    assert jobs.is_sync()  # settings_test
    jobs.enqueue("yixie.core.jobs.purge")
    assert AuditEntry.objects.filter(action="system.purge").count() == 1
    assert Task.objects.get(func="yixie.core.jobs.purge").success
    assert not OrmQ.objects.exists()


@pytest.mark.django_db
def test_sync_mode_runs_on_commit_jobs_inside_the_callers_transaction():
    jobs.enqueue_on_commit(jobs.purge)
    assert AuditEntry.objects.filter(action="system.purge").count() == 1


@pytest.mark.django_db(transaction=True)
def test_without_sync_mode_a_job_waits_in_the_queue_until_the_transaction_commits(settings):
    from django.db import transaction

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    with transaction.atomic():
        jobs.enqueue_on_commit(jobs.purge)
        assert not OrmQ.objects.exists()
    assert OrmQ.objects.count() == 1
    assert not AuditEntry.objects.filter(action="system.purge").exists()


# ---------------------------------------------------------------- the nightly purge

@pytest.mark.django_db
def test_purge_drops_expired_sessions_and_old_job_results_and_says_so_in_the_journal():
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="x", expire_date=now - timedelta(hours=1))
    Session.objects.create(session_key="live", session_data="x", expire_date=now + timedelta(hours=1))
    for name, age in (("old-result", 91), ("recent-result", 5)):
        Task.objects.create(id=name, name=name, func="x", started=now - timedelta(days=age),
                            stopped=now - timedelta(days=age), success=False)
    summary = jobs.purge()
    assert set(Session.objects.values_list("session_key", flat=True)) == {"live"}
    assert set(Task.objects.values_list("name", flat=True)) == {"recent-result"}
    entry = AuditEntry.objects.get(action="system.purge")
    assert entry.after == {"sessions": 1, "job_results": 1} and entry.reason == summary
    assert "过期会话 1 个" in summary


# ---------------------------------------------------------------- administrators see the jobs

@pytest.mark.django_db
def test_job_admin_is_for_superusers_only():
    User = get_user_model()
    root = User.objects.create_user("root", password="x" * 10, is_staff=True, is_superuser=True)
    staff = User.objects.create_user("staff", password="x" * 10, is_staff=True)
    Task.objects.create(id="t1", name="import-1", func="yixie.ledger.tasks.run_import_job",
                        started=timezone.now(), stopped=timezone.now(), success=False, result="boom")
    client = Client()
    for url in ("/admin/django_q/failure/", "/admin/django_q/schedule/", "/admin/django_q/ormq/",
                "/admin/django_q/success/"):
        client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get(url).status_code == 302, url  # to the admin login
        client.force_login(root, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get(url).status_code == 200, url
    assert "import-1" in client.get("/admin/django_q/failure/").content.decode()


# ---------------------------------------------------------------- SQLite beside a worker

@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000


# ---------------------------------------------------------------- real workers

@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_daily_job_due_now_runs_exactly_once_with_two_workers(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    jobs.sync_schedules()
    Schedule.objects.filter(name="yixie:core.purge").update(next_run=timezone.now() - timedelta(seconds=1))
    # Both workers start together, so their schedulers (every 30 s) look at the due schedule at about
    # the same moment: the row lock (PostgreSQL) or the write lock (SQLite) lets one of them take it.
    with Worker(log=tmp_path / "a.log"), Worker(log=tmp_path / "b.log"):
        wait_for(lambda: Task.objects.filter(func="yixie.core.jobs.purge", success=True).exists(),
                 timeout=90, what="the daily job to run")
        # Let both schedulers pass at least once more, then count.
        ticks = timezone.now() + timedelta(seconds=35)
        wait_for(lambda: timezone.now() > ticks, timeout=40, what="two more scheduler ticks", every=1)
    assert AuditEntry.objects.filter(action="system.purge").count() == 1
    assert Task.objects.filter(func="yixie.core.jobs.purge").count() == 1
    s = Schedule.objects.get(name="yixie:core.purge")
    assert s.next_run > timezone.now() + timedelta(hours=1)  # moved on to the next day's run
    assert not OrmQ.objects.exists()
