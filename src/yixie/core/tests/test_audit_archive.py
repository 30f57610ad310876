"""Old audit entries are archived before they are purged, never younger than six months; SM3 digests."""

from __future__ import annotations

import hashlib
import json
import warnings
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from yixie.core import audit, auditarchive, auditchain
from yixie.core.models import AuditArchive, AuditChainHead, AuditEntry


@pytest.fixture
def target(db, django_user_model, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.YIXIE_AUDIT_RETENTION_DAYS = 183
    return django_user_model.objects.create_user("target", password="x" * 12)


def _write(target, *, days_ago: int, n: int, tag: str = "test") -> list[AuditEntry]:
    entries = []
    for i in range(n):
        e = audit.entry(actor=None, action=f"{tag}.write", target=target, after={"i": i, "名称": "测试"},
                        reason=f"{days_ago} 天前第 {i} 条")
        e.at = timezone.now() - timedelta(days=days_ago, minutes=n - i)
        entries.append(e)
    audit.record_many(entries)
    return list(AuditEntry.objects.filter(action=f"{tag}.write", seq__gte=entries[0].seq).order_by("seq"))


def _sql(statement: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_archiving_refuses_a_retention_below_six_months(target, settings):
    _write(target, days_ago=400, n=3)
    settings.YIXIE_AUDIT_RETENTION_DAYS = 182
    with pytest.raises(CommandError, match="至少保存六个月"):
        call_command("audit_archive")
    assert AuditEntry.objects.count() == 3
    assert not AuditArchive.objects.exists()
    assert not auditarchive.archive_dir().exists() or not any(auditarchive.archive_dir().iterdir())


def test_old_entries_are_archived_then_deleted_and_the_chain_still_verifies(target, capsys):
    old = _write(target, days_ago=400, n=5)
    young = _write(target, days_ago=100, n=3, tag="young")
    young_rows = list(AuditEntry.objects.filter(seq__gt=old[-1].seq).order_by("seq").values())
    call_command("audit_archive")
    out = capsys.readouterr().out
    assert f"第 {old[0].seq} 至 {old[-1].seq} 条（5 条）" in out
    assert "归档后校验通过" in out
    # The old ones left the database, the young ones are untouched.
    assert not AuditEntry.objects.filter(seq__lte=old[-1].seq).exists()
    assert list(AuditEntry.objects.order_by("seq").values()) == young_rows
    record = AuditArchive.objects.get()
    assert (record.first_seq, record.up_to_seq, record.count, record.last_hash) == (
        old[0].seq, old[-1].seq, 5, old[-1].hash)
    # The file holds every field of every archived entry, and its digest is recorded.
    path = auditarchive.archive_dir() / record.file_name
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["seq"] for line in lines] == [e.seq for e in old]
    assert lines[-1]["hash"] == old[-1].hash and lines[0]["prev_hash"] == old[0].prev_hash
    assert set(lines[0]) == set(auditarchive.FIELDS)
    assert record.digest == hashlib.sha256(path.read_bytes()).hexdigest() and record.algorithm == "sha256"
    assert auditchain.verify().ok
    call_command("audit_verify", "--archives")
    assert "已校验归档文件 1 个，其中操作日志 5 条" in capsys.readouterr().out
    # Archiving again finds nothing older than retention.
    call_command("audit_archive")
    assert "没有早于" in capsys.readouterr().out
    assert young[0].seq == AuditEntry.objects.order_by("seq").first().seq


def test_the_before_date_never_reaches_inside_retention_and_archives_only_a_prefix(target):
    oldest = _write(target, days_ago=900, n=2)
    _write(target, days_ago=400, n=2, tag="middle")
    _write(target, days_ago=10, n=2, tag="recent")
    call_command("audit_archive", "--before", (timezone.localdate() - timedelta(days=600)).isoformat())
    assert AuditArchive.objects.get().up_to_seq == oldest[-1].seq
    assert AuditEntry.objects.count() == 4
    # A far later --before is held to the retention period: the recent entries stay.
    call_command("audit_archive", "--before", (timezone.localdate() + timedelta(days=1)).isoformat())
    assert AuditEntry.objects.filter(action="recent.write").count() == 2
    assert AuditEntry.objects.count() == 2
    assert AuditArchive.objects.count() == 2
    assert auditchain.verify().ok
    assert auditarchive.verify_archives().ok
    with pytest.raises(CommandError, match="日期格式不对"):
        call_command("audit_archive", "--before", "2026/01/01")


def test_entries_younger_than_retention_stop_the_archive_even_if_older_ones_follow(target):
    # An entry stamped recently but chained before older ones (a clock step) stops the prefix there.
    _write(target, days_ago=400, n=2)
    _write(target, days_ago=10, n=1, tag="recent")
    _write(target, days_ago=400, n=2, tag="late")
    call_command("audit_archive")
    assert AuditEntry.objects.count() == 3
    assert auditchain.verify().ok


def test_a_tampered_archive_file_is_detected(target, capsys):
    _write(target, days_ago=400, n=4)
    _write(target, days_ago=1, n=1, tag="young")
    call_command("audit_archive")
    record = AuditArchive.objects.get()
    path = auditarchive.archive_dir() / record.file_name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("400 天前第 2 条", "400 天前第 9 条"), encoding="utf-8")
    call_command("audit_verify")  # the journal in the database is still whole ...
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("audit_verify", "--archives")  # ... the archive file is not
    err = capsys.readouterr().err
    assert "摘要与归档记录不符" in err and "内容与其摘要不符" in err
    path.unlink()
    assert any("不见了" in p for p in auditarchive.verify_archives().problems)


def test_verify_holds_the_first_remaining_entry_to_the_archive_record(target):
    _write(target, days_ago=400, n=3)
    young = _write(target, days_ago=1, n=3, tag="young")
    call_command("audit_archive")
    assert auditchain.verify().ok
    # Someone removes the first entry after the archive: before, verify trusted whatever came first.
    with auditchain.maintenance():
        _sql("DELETE FROM core_auditentry WHERE seq = %s", [young[0].seq])
    report = auditchain.verify()
    assert any("最近一次归档" in p and "缺失" in p for p in report.problems), report.problems


def test_a_journal_starting_after_seq_one_without_an_archive_record_is_a_gap(target):
    entries = _write(target, days_ago=1, n=3)
    with auditchain.maintenance():
        _sql("DELETE FROM core_auditentry WHERE seq = %s", [entries[0].seq])
    assert any("开头" in p and "缺失" in p for p in auditchain.verify().problems)


def test_everything_archived_still_verifies_against_the_head(target):
    _write(target, days_ago=400, n=3)
    call_command("audit_archive")
    assert not AuditEntry.objects.exists()
    assert auditchain.verify().ok
    with auditchain.maintenance():
        _sql("UPDATE core_auditchainhead SET seq = seq + 1 WHERE id = 1")
    assert any("最近一次归档" in p for p in auditchain.verify().problems)


# ---------------------------------------------------------------- SM3

def test_sm3_is_available_here():
    assert "sm3" in hashlib.algorithms_available
    # GB/T 32905-2016 example A.1: SM3("abc").
    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")


def test_sm3_entries_verify_and_a_chain_switching_from_sha256_to_sm3_verifies(target, settings):
    settings.YIXIE_AUDIT_DIGEST = "sha256"
    first = _write(target, days_ago=400, n=2)
    settings.YIXIE_AUDIT_DIGEST = "sm3"
    then = _write(target, days_ago=300, n=2, tag="sm3")
    assert [e.algorithm for e in first + then] == ["sha256", "sha256", "sm3", "sm3"]
    e = then[0]
    assert e.prev_hash == first[-1].hash
    assert e.hash == hashlib.new("sm3", e.prev_hash.encode() + auditchain.canonical(e)).hexdigest()
    assert AuditChainHead.objects.get(pk=1).hash == then[-1].hash
    assert auditchain.verify(anchors=[auditchain.head_anchor()]).ok
    # An sm3 entry changed behind the guard's back is caught like any other.
    with auditchain.maintenance():
        _sql("UPDATE core_auditentry SET reason = %s WHERE id = %s", ["篡改", then[1].pk])
    assert any(f"第 {then[1].seq} 条" in p for p in auditchain.verify().problems)


def test_archives_take_the_configured_digest(target, settings):
    settings.YIXIE_AUDIT_DIGEST = "sm3"
    _write(target, days_ago=400, n=3)
    call_command("audit_archive")
    record = AuditArchive.objects.get()
    path = auditarchive.archive_dir() / record.file_name
    assert record.algorithm == "sm3"
    assert record.digest == hashlib.new("sm3", path.read_bytes()).hexdigest()
    assert auditarchive.verify_archives().ok


def test_the_settings_come_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "YIXIE_AUDIT_DIGEST": "SM3", "YIXIE_AUDIT_RETENTION_DAYS": "400",
           "YIXIE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "yixie.settings"}
    env.pop("YIXIE_ARCHIVE_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", "from yixie import settings as s; "
                          "print(s.YIXIE_AUDIT_DIGEST, s.YIXIE_AUDIT_RETENTION_DAYS, 'archive' in s.DATABASES)"],
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["sm3", "400", "False"]
    env["YIXIE_ARCHIVE_DATABASE_URL"] = "postgres://yixie_archive@db:5432/yixie"
    out = subprocess.run([sys.executable, "-c", "from yixie import settings as s; "
                          "a = s.DATABASES['archive']; print(a['USER'], a['NAME'], a['TEST']['MIRROR'])"],
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["yixie_archive", "yixie", "default"]


ARCHIVER = "yixie_test_archiver"


@pytest.fixture
def archive_role(transactional_db, settings, tmp_path):
    """PostgreSQL only: a login that may only read the journal, delete from it and record archives, wired
    as the `archive` alias as YIXIE_ARCHIVE_DATABASE_URL would."""
    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("a separate database role is a PostgreSQL deployment")
    settings.VAR_DIR = tmp_path
    settings.YIXIE_AUDIT_RETENTION_DAYS = 183

    def run(*statements):
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    run(f"DROP OWNED BY {ARCHIVER}" if _role_exists() else "SELECT 1", f"DROP ROLE IF EXISTS {ARCHIVER}",
        f"CREATE ROLE {ARCHIVER} LOGIN",
        f"GRANT USAGE ON SCHEMA public TO {ARCHIVER}",
        f"GRANT SELECT ON core_auditentry, core_auditchainhead TO {ARCHIVER}",
        f"GRANT SELECT, INSERT ON core_auditarchive TO {ARCHIVER}",
        f"GRANT USAGE, SELECT ON SEQUENCE core_auditarchive_id_seq TO {ARCHIVER}")
    cfg = {**connections["default"].settings_dict, "USER": ARCHIVER, "PASSWORD": ""}
    # A connection made here, as the settings would make it at start-up (the test case only allows
    # connections it knows of or made on the fly).
    wrapper = type(connections["default"])(cfg, alias="archive")
    connections._connections.archive = wrapper
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Overriding setting DATABASES": only auditarchive.alias() reads it
        settings.DATABASES = {**settings.DATABASES, "archive": cfg}
    try:
        yield run
    finally:
        wrapper.close()
        delattr(connections._connections, "archive")
        run(f"DROP OWNED BY {ARCHIVER}", f"DROP ROLE {ARCHIVER}")


def _role_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ARCHIVER])
        return cursor.fetchone() is not None


def test_archiving_deletes_through_its_own_role(archive_role, django_user_model):
    from django.db import DatabaseError

    target = django_user_model.objects.create_user("target", password="x" * 12)
    old = _write(target, days_ago=400, n=3)
    _write(target, days_ago=1, n=1, tag="young")
    assert auditarchive.alias() == "archive"
    # Without DELETE on the journal the archive login cannot purge: nothing is recorded, nothing deleted,
    # the file written is set aside.
    with pytest.raises(DatabaseError, match="permission denied"):
        call_command("audit_archive")
    assert AuditEntry.objects.count() == 4 and not AuditArchive.objects.exists()
    assert [p.name.endswith(".abandoned") for p in auditarchive.archive_dir().iterdir()] == [True]
    archive_role(f"GRANT DELETE ON core_auditentry TO {ARCHIVER}")
    call_command("audit_archive")
    assert AuditArchive.objects.get().up_to_seq == old[-1].seq
    assert AuditEntry.objects.count() == 1
    assert auditchain.verify().ok and auditarchive.verify_archives().ok
