"""The audit journal cannot be rewritten unseen: append-only in the database, hash-chained, anchored."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse

from yixie.core import audit, auditchain
from yixie.core.models import AuditChainHead, AuditEntry


def _write(n: int, *, region) -> list[AuditEntry]:
    return [audit.record(actor=None, action="test.write", target=region, after={"i": i, "名称": "测试"},
                         reason=f"第{i}次") for i in range(n)]


def _sql(statement: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def region(db, django_user_model):
    """Any saved row serves as the entries' target."""
    return django_user_model.objects.create_user("target", password="x" * 12)


def test_entries_are_numbered_and_linked_and_verify_clean(region):
    before = AuditChainHead.objects.get(pk=1).seq
    entries = _write(3, region=region)
    entries += [audit.entry(actor=None, action="test.bulk", target=region, after={"n": n}) for n in range(4)]
    audit.record_many(entries[3:])
    rows = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.seq for e in rows] == list(range(before + 1, before + 8))
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert AuditChainHead.objects.get(pk=1).hash == rows[-1].hash
    report = auditchain.verify()
    assert report.ok, report.problems
    assert report.checked == before + 7


@pytest.mark.parametrize("statement", [
    "UPDATE core_auditentry SET reason = 'changed'",
    "DELETE FROM core_auditentry",
])
def test_the_database_refuses_to_change_the_journal(region, statement):
    _write(2, region=region)
    with pytest.raises(DatabaseError, match="操作日志只能追加"):
        _sql(statement)
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditEntry.objects.filter(action="test.write").update(reason="changed")
    assert AuditEntry.objects.filter(reason="changed").count() == 0
    assert AuditEntry.objects.filter(action="test.write").count() == 2


def test_the_orm_refuses_to_save_an_entry_again(region):
    e = _write(1, region=region)[0]
    e.reason = "changed"
    with pytest.raises(Exception, match="只能追加"):
        e.save()


def test_an_edit_a_gap_and_a_removed_tail_are_detected(region):
    entries = _write(6, region=region)
    anchor = auditchain.head_anchor()
    assert auditchain.verify(anchors=[anchor]).ok
    # Someone who got round the guard (a database superuser) edits one entry ...
    with auditchain.maintenance():
        _sql("UPDATE core_auditentry SET reason = %s WHERE id = %s", ["篡改", entries[1].pk])
    report = auditchain.verify()
    assert not report.ok
    assert any(f"第 {entries[1].seq} 条" in p and "被修改" in p for p in report.problems)


def test_a_removed_entry_leaves_a_gap(region):
    entries = _write(5, region=region)
    with auditchain.maintenance():
        _sql("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    report = auditchain.verify()
    assert any("缺失" in p for p in report.problems), report.problems


def test_a_removed_tail_is_detected_by_the_anchor_only(region):
    entries = _write(5, region=region)
    anchor = auditchain.head_anchor()
    # The tail removed and the head rewound to match: the chain alone still looks whole ...
    with auditchain.maintenance():
        _sql("DELETE FROM core_auditentry WHERE seq > %s", [entries[2].seq])
        _sql("UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [entries[2].seq, entries[2].hash])
    assert auditchain.verify().ok
    # ... the head anchored outside the database shows it.
    report = auditchain.verify(anchors=[anchor])
    assert not report.ok
    assert any("末尾的日志被删除" in p for p in report.problems)


def test_the_command_and_the_anchors_file(region, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    _write(2, region=region)
    call_command("audit_verify", "--write-anchor")
    out = capsys.readouterr().out
    assert "校验通过" in out
    anchors = auditchain.read_anchors()
    assert anchors and anchors[-1].seq == AuditChainHead.objects.get(pk=1).seq
    with auditchain.maintenance():
        _sql("DELETE FROM core_auditentry WHERE seq = %s", [anchors[-1].seq])
        _sql("UPDATE core_auditchainhead SET seq = seq - 1 WHERE id = 1")
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("audit_verify")
    with pytest.raises(CommandError, match="格式不对"):
        call_command("audit_verify", "--anchor", "abc")


def test_the_daily_job_anchors_the_head(region, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    _write(1, region=region)
    summary = auditchain.daily_anchor()
    assert "校验通过" in summary
    assert auditchain.read_anchors()[-1].hash == AuditChainHead.objects.get(pk=1).hash


def test_entries_carry_the_client_address(region, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    token = audit.client_ip.set("10.1.2.3")
    try:
        e = _write(1, region=region)[0]
    finally:
        audit.client_ip.reset(token)
    assert AuditEntry.objects.get(pk=e.pk).client_ip == "10.1.2.3"
    page = client.get(reverse("core:audit_chain"), REMOTE_ADDR="10.9.9.9")
    assert page.status_code == 200
    assert "校验通过" in page.content.decode()


def test_the_chain_page_is_for_the_system_not_business_roles(region, client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="x" * 12)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("core:audit_chain")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_chain(django_user_model):
    region = django_user_model.objects.create_user("target", password="x" * 12)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit.record(actor=None, action="test.concurrent", target=region, after={"k": k, "i": i})
                    audit.record_many([audit.entry(actor=None, action="test.concurrent.bulk", target=region,
                                                   after={"k": k, "i": i, "j": j}) for j in range(3)])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert AuditEntry.objects.filter(action__startswith="test.concurrent").count() == 3 * 15 * 4
    report = auditchain.verify()
    assert report.ok, report.problems
