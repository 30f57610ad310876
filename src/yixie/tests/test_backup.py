"""`yixie backup` then `yixie restore` gives back every row, every stored file and a verifiable audit chain.

Runs on the configured database (SQLite by default, PostgreSQL with DATABASE_URL): the restore goes into
the test database itself, as the command restores into the configured one.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from yixie.core import audit, auditarchive, auditchain, backup
from yixie.core.models import AuditArchive, AuditChainHead
from yixie.ledger import services
from yixie.ledger.models import Body, DocumentFile
from yixie.testing.factories import City, establish

PDF = b"%PDF-1.4\n% first\n%%EOF\n"
PDF2 = b"%PDF-1.4\n% second \xe4\xb8\xad\n%%EOF\n"
PDF3 = b"%PDF-1.4\n% third\n%%EOF\n"


def every_row() -> dict[str, list[dict]]:
    """Every model's rows, all columns, in primary-key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed:
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


def every_file(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.MEDIA_ROOT.mkdir()
    settings.YIXIE_AUDIT_RETENTION_DAYS = 183
    # A year-old stretch of the journal, already archived (the archive file travels with the backup).
    old = [audit.entry(actor=None, action="test.old", target=None, target_type="test", target_id=str(i),
                       target_label="旧日志") for i in range(3)]
    for e in old:
        e.at = timezone.now() - timedelta(days=400)
    audit.record_many(old)
    call_command("audit_archive")
    city = City()
    doc = services.document_create(actor=city.bianban, region=city.city, number="潍政办字〔2019〕12号",
                                   issuer="市政府办公室", issued_on=date(2019, 3, 1), title="关于成立市安全生产委员会的通知")
    services.document_attach_file(actor=city.bianban, document=doc, uploaded=SimpleUploadedFile("通知.pdf", PDF))
    body = establish(city.city, name="市安全生产委员会", lead=city.yjj, actor=city.bianban, document=doc,
                     members=[city.fgw, city.gxj])
    services.work_rules_file(actor=city.bianban, body=body, filed_on=date(2020, 1, 6),
                             uploaded=SimpleUploadedFile("工作规则.pdf", PDF2))
    establish(city.city, name="市乡村振兴工作领导小组", lead=city.nyj, actor=city.bianban)
    return city


def _stop_other_sessions() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        # pg_terminate_backend only signals: the sessions leave pg_stat_activity a moment later (and the
        # browser tests' live servers may leave a score of them), so wait until they are gone.
        deadline = time.monotonic() + 30
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                               "AND backend_type = 'client backend'")
                if not cursor.fetchall() or time.monotonic() > deadline:
                    break
                time.sleep(0.2)


def test_backup_and_restore_give_back_everything(world, settings, tmp_path, capsys):
    city = world
    media = Path(settings.MEDIA_ROOT)
    rows_before, files_before = every_row(), every_file(media)
    assert len(files_before) == 2 and rows_before["ledger.Body"] and rows_before["core.AuditEntry"]

    call_command("backup", "--output", str(tmp_path / "backups"))
    out = capsys.readouterr().out
    assert "已备份" in out and "操作日志链头" in out
    archive = next((tmp_path / "backups").glob("yixie-backup-*.tar.gz"))
    manifest = backup.read_manifest(archive)
    head = AuditChainHead.objects.get(pk=1)
    assert manifest["audit_anchor"]["seq"] == head.seq and manifest["audit_anchor"]["hash"] == head.hash
    assert auditchain.read_anchors()[-1].hash == head.hash  # anchored outside the database too
    assert manifest["vendor"] in ("sqlite", "postgresql")
    assert manifest["tables"]["ledger_body"] == 2
    assert {m for m in manifest["members"] if m.startswith("files/")} == {f"files/{n}" for n in files_before}
    assert all(m["algorithm"] == "sha256" and len(m["digest"]) == 64 for m in manifest["members"].values())
    archived = auditarchive.archive_dir() / AuditArchive.objects.get().file_name
    assert f"audit-archive/{archived.name}" in manifest["members"]
    archived_bytes = archived.read_bytes()

    # Life goes on: a new body, a new file, a changed body, a stored file lost.
    establish(city.city, name="市河长制工作领导小组", lead=city.swj, actor=city.bianban)
    doc2 = services.document_create(actor=city.bianban, region=city.city, number="潍政办字〔2026〕3号",
                                    issuer="市政府办公室", issued_on=date(2026, 1, 5), title="新文件")
    services.document_attach_file(actor=city.bianban, document=doc2, uploaded=SimpleUploadedFile("新.pdf", PDF3))
    services.body_update_aliases(actor=city.bianban, body=Body.objects.get(name="市安全生产委员会"),
                                 aliases=["市安委会"], reason="简称")
    lost = Path(DocumentFile.objects.order_by("pk").first().file.path)
    lost.unlink()
    archived.unlink()
    assert every_row() != rows_before and every_file(media) != files_before

    # As the operator does (deploy/README.md, Backups), the other users of the database go away first: in the
    # suite, the connections earlier tests' servers and threads left open.
    _stop_other_sessions()
    # A database with data is not overwritten without --yes.
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    assert Body.objects.count() == 3

    call_command("restore", str(archive), "--yes")
    out = capsys.readouterr().out
    assert "恢复完成" in out
    assert "备份中没有的 1 个文件已移到" in out

    assert every_row() == rows_before
    assert every_file(media) == files_before
    anchor = auditchain.Anchor(seq=manifest["audit_anchor"]["seq"], hash=manifest["audit_anchor"]["hash"])
    report = auditchain.verify(anchors=[anchor])
    assert report.ok, report.problems
    assert report.first_seq == 4  # entries 1-3 live in the archive file, which is back
    assert archived.read_bytes() == archived_bytes
    assert auditarchive.verify_archives().ok
    # The restored database takes new writes, guarded and chained as before.
    audit.record(actor=None, action="test.after_restore", target=city.city)
    assert auditchain.verify(anchors=[anchor]).ok
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy the archive member by member, letting `change(name, data)` alter one member's bytes."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for info in src.getmembers():
            data = change(info.name, src.extractfile(info).read())
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def test_a_tampered_archive_is_refused_before_anything_changes(world, settings, tmp_path):
    result = backup.backup(tmp_path / "backups")
    rows_before = every_row()
    # One byte changed anywhere in the file (a corrupt compressed block, a bad checksum, a broken header).
    broken = tmp_path / "broken.tar.gz"
    original = result.path.read_bytes()
    content = gzip.decompress(original)
    changed = 0
    for k in range(1, 12):
        data = bytearray(original)
        data[len(data) * k // 12] ^= 0x01
        try:
            same = gzip.decompress(bytes(data)) == content
        except Exception:  # noqa: BLE001 - any failure to read is a change the restore must refuse
            same = False
        if same:
            # A changed back-reference into the tar's zero padding can decode to the very same bytes: nothing
            # was altered, so there is nothing to refuse (rare; it depends on where the byte falls).
            continue
        changed += 1
        broken.write_bytes(bytes(data))
        with pytest.raises(CommandError, match="已损坏或被修改，未恢复任何数据"):
            call_command("restore", str(broken), "--yes")
    assert changed >= 8  # the positions did test something
    # A stored file altered inside a well-formed archive: its digest no longer matches the manifest.
    altered = tmp_path / "altered.tar.gz"
    _rewrite(result.path, altered, lambda name, b: b.replace(b"second", b"secoNd") if name.startswith("files/") else b)
    with pytest.raises(CommandError, match="摘要与清单不符"):
        call_command("restore", str(altered), "--yes")
    # A member added that the manifest does not list.
    with tarfile.open(result.path, "r:gz") as src:
        manifest = json.loads(src.extractfile("manifest.json").read())
    assert gzip.decompress(result.path.read_bytes())  # the untouched archive reads
    assert every_row() == rows_before
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"), "--yes")
    with pytest.raises(CommandError, match="同一种数据库"):
        other = tmp_path / "other.tar.gz"
        vendor = "postgresql" if manifest["vendor"] == "sqlite" else "sqlite"

        def swap(name, b):
            if name == "manifest.json":
                m = json.loads(b)
                m["vendor"] = vendor
                m["database_member"] = backup.DB_MEMBER[vendor]
                m["members"][backup.DB_MEMBER[vendor]] = m["members"].pop(backup.DB_MEMBER[manifest["vendor"]])
                return json.dumps(m).encode()
            return b

        _rewrite(result.path, other, swap)
        # rename the database member too, so only the vendor differs
        renamed = tmp_path / "other2.tar.gz"
        with tarfile.open(other, "r:gz") as src, tarfile.open(renamed, "w:gz") as dst:
            for info in src.getmembers():
                data = src.extractfile(info).read()
                if info.name == backup.DB_MEMBER[manifest["vendor"]]:
                    info.name = backup.DB_MEMBER[vendor]
                dst.addfile(info, io.BytesIO(data))
        call_command("restore", str(renamed), "--yes")
    assert every_row() == rows_before


def test_backup_members_take_the_sm3_digest_when_configured(world, settings, tmp_path):
    with pytest.raises(CommandError, match="备份会把自己也装进去"):
        call_command("backup", "--output", str(Path(settings.MEDIA_ROOT) / "backups"))
    settings.YIXIE_AUDIT_DIGEST = "sm3"
    result = backup.backup(tmp_path / "backups")
    members = result.manifest["members"]
    assert {m["algorithm"] for m in members.values()} == {"sm3"}
    with tarfile.open(result.path, "r:gz") as tar:
        data = tar.extractfile(result.manifest["database_member"]).read()
    assert members[result.manifest["database_member"]]["digest"] == hashlib.new("sm3", data).hexdigest()
    assert backup.read_manifest(result.path)["members"] == members
