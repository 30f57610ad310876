"""`yixie backup` and `yixie restore`: the database and every stored file in one archive (issue 10, item 2).

docs/decisions/0019-backup.md. The archive is a `.tar.gz` holding

- `database/yixie.sqlite3` (SQLite's online backup API: a consistent copy of the live file) or
  `database/yixie.pgdump` (`pg_dump --format=custom`): a native dump, so a backup restores to the same
  database vendor (the manifest says which);
- `files/…`: every file under MEDIA_ROOT (documents, attachments, import uploads, exports);
- `audit-archive/…`: the audit journal's archive files (`yixie audit-archive`);
- `manifest.json`, last: product version, vendor, time, rows per table, each member's size and digest
  (with its algorithm: sha256 or sm3, `YIXIE_AUDIT_DIGEST`) and the audit chain's head, which is also
  appended to the anchors file (`auditchain.write_anchor`).

Restore checks every digest before it touches anything, refuses a non-empty database without `--yes`,
loads the database (SQLite: the backup API into the configured file; PostgreSQL: `pg_restore --clean
--if-exists --single-transaction`), puts the files back (files not in the backup are moved aside, not
deleted), then verifies the audit chain against the head recorded in the manifest.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from . import auditchain

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database/yixie.sqlite3", "postgresql": "database/yixie.pgdump"}
FILES_PREFIX = "files/"
ARCHIVES_PREFIX = "audit-archive/"  # the audit journal's archive files (YIXIE_VAR_DIR/audit/archive)
VENDOR_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A refusal or failure with a message for the operator (Chinese)."""


def when(manifest: dict) -> str:
    """The backup's time as the operator reads it (local time)."""
    from datetime import datetime

    try:
        return timezone.localtime(datetime.fromisoformat(manifest["created_at"])).strftime("%Y-%m-%d %H:%M:%S")
    except (KeyError, TypeError, ValueError):
        return str(manifest.get("created_at", ""))


def product_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("yixie")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without install
        return "unknown"


def table_counts(using: str = "default") -> dict[str, int]:
    """Rows in every table the models know (including many-to-many tables), by table name."""
    conn = connections[using]
    existing = set(conn.introspection.table_names())
    counts: dict[str, int] = {}
    with conn.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in existing and table not in counts and model._meta.managed:
                cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


class _Hashing:
    """A file reader that digests what it reads (so a member's digest is of exactly the bytes archived)."""

    def __init__(self, f, name: str):
        self.f, self.h, self.size = f, hashlib.new(name), 0

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.h.update(data)
        self.size += len(data)
        return data


def _pg_env(conn) -> tuple[list[str], dict[str, str]]:
    s = conn.settings_dict
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args + ["--no-password", "--dbname", str(s["NAME"])], env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装与数据库服务器同版本的 PostgreSQL 客户端（Debian：apt-get install "
                          "postgresql-client-15）后再{what}。")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what}失败（{command[0]} 退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def _model_tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed})


def _read_copy(cursor, existing: set[str], quote) -> tuple[dict[str, int], tuple[int, str]]:
    """Rows per table and the audit chain head, as the dump holds them."""
    counts = {}
    for table in _model_tables():
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1")
    row = cursor.fetchone()
    return counts, (row[0], row[1]) if row else (0, auditchain.GENESIS)


def _dump_database(conn, target: Path) -> tuple[dict[str, int], tuple[int, str]]:
    """Dump the database to `target`; return the rows per table and the chain head of exactly that dump."""
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            conn.connection.backup(dest)
            existing = {r[0] for r in dest.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return _read_copy(dest.cursor(), existing, conn.ops.quote_name)
        finally:
            dest.close()
    if conn.vendor == "postgresql":
        args, env = _pg_env(conn)
        existing = set(conn.introspection.table_names())
        if conn.in_atomic_block:  # inside a caller's transaction: no snapshot to share, counts are a close read
            _run(["pg_dump", "--format=custom", "--file", str(target), *args], env, "备份数据库")
            with conn.cursor() as cursor:
                return _read_copy(cursor, existing, conn.ops.quote_name)
        # One snapshot for pg_dump, the counts and the head: the manifest describes exactly the dump.
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target), *args], env,
                 "备份数据库")
            return _read_copy(cursor, existing, conn.ops.quote_name)
    raise BackupError(f"不支持备份 {conn.vendor} 数据库。")  # pragma: no cover - SQLite and PostgreSQL only


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def audit_archive_files() -> list[Path]:
    from .auditarchive import archive_dir

    folder = archive_dir()
    return sorted(p for p in folder.glob("audit-*.jsonl") if p.is_file()) if folder.exists() else []


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def backup(output: Path | None = None, *, using: str = "default") -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT into `output` (default YIXIE_VAR_DIR/backups)."""
    conn = connections[using]
    if conn.vendor not in DB_MEMBER:
        raise BackupError(f"不支持备份 {conn.vendor} 数据库。")
    output = Path(output or Path(settings.VAR_DIR) / "backups").resolve()
    if output.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise BackupError(f"备份目录 {output} 在存放上传文件的目录（YIXIE_MEDIA_ROOT）之内：备份会把自己也装进去。"
                          "请换一个目录。")
    output.mkdir(parents=True, exist_ok=True)
    name = auditchain.algorithm()
    created = timezone.now()
    stamp = timezone.localtime(created).strftime("%Y%m%d-%H%M%S")
    path = output / f"yixie-backup-{stamp}.tar.gz"
    n = 1
    while path.exists():
        n += 1
        path = output / f"yixie-backup-{stamp}-{n}.tar.gz"
    members: dict[str, dict] = {}
    media_root = Path(settings.MEDIA_ROOT)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(dir=output, prefix=".backup-") as tmp:
        db_file = Path(tmp) / Path(DB_MEMBER[conn.vendor]).name
        counts, (seq, head_hash) = _dump_database(conn, db_file)
        anchor = auditchain.write_anchor(auditchain.Anchor(
            seq=seq, hash=head_hash, at=timezone.localtime(created).strftime("%Y-%m-%d %H:%M:%S%z")))
        try:
            with tarfile.open(partial, "w:gz") as tar:
                sources = [(DB_MEMBER[conn.vendor], db_file)]
                sources += [(FILES_PREFIX + p.relative_to(media_root).as_posix(), p) for p in media_files()]
                sources += [(ARCHIVES_PREFIX + p.name, p) for p in audit_archive_files()]
                for member, source in sources:
                    info = tar.gettarinfo(str(source), arcname=member)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with source.open("rb") as f:
                        reader = _Hashing(f, name)
                        tar.addfile(info, reader)
                    members[member] = {"size": reader.size, "algorithm": name, "digest": reader.h.hexdigest()}
                manifest = {
                    "format": FORMAT,
                    "product": "yixie",
                    "version": product_version(),
                    "vendor": conn.vendor,
                    "created_at": created.isoformat(),
                    "database_member": DB_MEMBER[conn.vendor],
                    "tables": counts,
                    "members": members,
                    "audit_anchor": {"seq": anchor.seq, "hash": anchor.hash, "at": anchor.at},
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(data))
            with partial.open("rb") as f:
                os.fsync(f.fileno())
            partial.rename(path)
        finally:
            if partial.exists():
                partial.unlink()
    return BackupResult(path=path, manifest=manifest)


# ---------------------------------------------------------------- restore

@dataclass
class RestoreResult:
    manifest: dict
    files: int = 0
    displaced: Path | None = None
    report: auditchain.VerifyReport | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and (self.report is None or self.report.ok)


def _unpack(archive: Path, into: Path) -> dict:
    """Extract the archive and check it against its manifest; raise BackupError on anything amiss."""
    bad = f"备份文件 {archive} 已损坏或被修改，未恢复任何数据"
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    try:
        # The whole compressed stream first: its CRC covers every byte, also those after the tar's end marker
        # that extraction never reads (a changed byte there is a changed archive all the same).
        with gzip.open(archive, "rb") as whole:
            while whole.read(1 << 20):
                pass
        with tarfile.open(archive, "r:gz") as tar:
            for info in tar.getmembers():
                if not info.isfile():
                    raise BackupError(f"{bad}：其中有不是普通文件的成员 {info.name}。")
            tar.extractall(into, filter="data")
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, ValueError, zlib.error) as exc:
        # A flipped byte in the compressed stream surfaces as zlib.error (a corrupt block) or EOFError.
        raise BackupError(f"{bad}（无法读取：{exc}）。") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        members = manifest["members"]
        vendor = manifest["vendor"]
        manifest["audit_anchor"]["seq"], manifest["audit_anchor"]["hash"]  # noqa: B018 - must be present
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{bad}：清单 {MANIFEST} 缺失或无法读取。") from exc
    if manifest.get("product") != "yixie" or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} 不是本系统的备份文件（或格式版本不同），未恢复任何数据。")
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    missing, extra = set(members) - present, present - set(members)
    if missing or extra:
        names = "、".join(sorted(missing | extra)[:5])
        raise BackupError(f"{bad}：文件与清单不一致（{names}）。")
    if DB_MEMBER.get(vendor) not in members:
        raise BackupError(f"{bad}：缺少数据库文件。")
    for member, info in sorted(members.items()):
        path = into / member
        try:
            h = hashlib.new(info["algorithm"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(f"{bad}：{member} 的摘要算法 {info.get('algorithm')} 在本机不可用。") from exc
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        if h.hexdigest() != info.get("digest") or path.stat().st_size != info.get("size"):
            raise BackupError(f"{bad}：{member} 的 {info['algorithm']} 摘要与清单不符。")
    return manifest


def read_manifest(archive: Path) -> dict:
    """The archive's manifest, after checking every member against it (nothing is changed)."""
    with tempfile.TemporaryDirectory(prefix="yixie-check-") as tmp:
        return _unpack(Path(archive), Path(tmp))


def database_is_empty(using: str = "default") -> bool:
    """No tables, or a database only just migrated: no user account and no audit journal entry (a plain
    `yixie migrate` fills content types, permissions, job schedules and seed values, which are not data a
    restore could destroy; anything a person did leaves a user or a journal entry)."""
    from django.contrib.auth import get_user_model

    from .models import AuditArchive, AuditEntry

    conn = connections[using]
    existing = set(conn.introspection.table_names())
    models = (get_user_model(), AuditEntry, AuditArchive)
    if not all(m._meta.db_table in existing for m in models):
        return not any(table_counts(using).values())
    return not any(m._base_manager.using(using).exists() for m in models)


def _other_sessions(conn) -> list[str]:
    """Other client sessions on the configured PostgreSQL database (an app server, a job worker, psql)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT usename, application_name, client_addr FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                       "AND backend_type = 'client backend'")
        return [f"{user or '?'} {app or ''} {addr or '本机'}".replace("  ", " ") for user, app, addr in cursor.fetchall()]


def _restore_database(conn, dump: Path) -> None:
    if conn.vendor == "sqlite":
        target = conn.settings_dict["NAME"]
        conn.close()
        src = sqlite3.connect(dump)
        dest = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dest)
        finally:
            src.close()
            dest.close()
    else:
        others = _other_sessions(conn)
        if others:
            raise BackupError(f"数据库还有 {len(others)} 个其他连接（{'；'.join(others[:5])}）：应用服务器或后台任务"
                              "未停止，恢复会一直等它们。请先停止它们（deploy/README.md「Backups」），再运行恢复；"
                              "本次未恢复任何数据。")
        args, env = _pg_env(conn)
        conn.close()
        try:
            _run(["pg_restore", "--clean", "--if-exists", "--single-transaction", "--exit-on-error", *args,
                  str(dump)], env, "恢复数据库")
        except BackupError as exc:
            raise BackupError(f"{exc}\n本次未恢复任何数据（恢复在一个事务中进行，已撤销）。") from exc
    conn.close()


def _restore_files(into: Path, manifest: dict) -> tuple[int, Path | None]:
    """Put the archived files under MEDIA_ROOT; files that are not in the backup are moved aside."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    wanted = {m[len(FILES_PREFIX):] for m in manifest["members"] if m.startswith(FILES_PREFIX)}
    displaced = None
    for p in media_files():
        rel = p.relative_to(root).as_posix()
        if rel not in wanted:
            if displaced is None:
                displaced = Path(settings.VAR_DIR) / "restore" / timezone.localtime().strftime("%Y%m%d-%H%M%S%f") \
                    / "files-not-in-backup"
            (displaced / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(p, displaced / rel)
    for rel in sorted(wanted):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(into / FILES_PREFIX / rel, tmp)
        os.replace(tmp, target)
    # The journal's archive files: put back those missing or different; never remove one.
    from .auditarchive import archive_dir

    for member in manifest["members"]:
        if member.startswith(ARCHIVES_PREFIX):
            target = archive_dir() / member[len(ARCHIVES_PREFIX):]
            target.parent.mkdir(parents=True, exist_ok=True)
            source = into / member
            if not target.exists() or target.read_bytes() != source.read_bytes():
                if target.exists():
                    target.rename(target.with_name(target.name + f".before-restore-{timezone.now():%Y%m%d%H%M%S}"))
                shutil.copyfile(source, target)
    return len(wanted), displaced


def restore(archive: Path, *, overwrite: bool = False, using: str = "default") -> RestoreResult:
    """Restore the archive into the configured database and MEDIA_ROOT, then verify the audit chain."""
    archive = Path(archive)
    conn = connections[using]
    scratch = Path(settings.VAR_DIR) / "restore"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".unpack-") as tmp:
        into = Path(tmp)
        manifest = _unpack(archive, into)
        vendor = manifest["vendor"]
        if vendor != conn.vendor:
            raise BackupError(f"这是 {VENDOR_LABEL.get(vendor, vendor)} 数据库的备份，当前配置的是 "
                              f"{VENDOR_LABEL.get(conn.vendor, conn.vendor)} 数据库：备份只能恢复到同一种数据库，"
                              "未恢复任何数据。")
        if not overwrite and not database_is_empty(using):
            raise BackupError("当前数据库中已有数据，恢复会覆盖全部现有数据。确认要覆盖，请加上 --yes 再运行；"
                              "未恢复任何数据。")
        _restore_database(conn, into / manifest["database_member"])
        files, displaced = _restore_files(into, manifest)
    result = RestoreResult(manifest=manifest, files=files, displaced=displaced)
    counts = table_counts(using)
    for table, n in manifest["tables"].items():
        if counts.get(table) != n:
            result.problems.append(f"恢复后数据表 {table} 有 {counts.get(table)} 行，备份时为 {n} 行。")
    a = manifest["audit_anchor"]
    result.report = auditchain.verify(anchors=[auditchain.Anchor(seq=a["seq"], hash=a["hash"], at=a.get("at", ""))])
    return result
