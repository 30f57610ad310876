"""Archiving old audit journal entries: written to a file first, deleted only after (issue 10, item 3).

等保2.0 asks that audit records be kept at least six months. `YIXIE_AUDIT_RETENTION_DAYS` (default 3650,
never below 183) says how long entries stay in the database; `yixie audit-archive` moves the entries older
than that (and older than `--before`, if given) to a JSON-lines file under `YIXIE_VAR_DIR/audit/archive/`,
records the file, its digest and the last archived entry in an `AuditArchive` row, and only then deletes
the entries, inside `auditchain.maintenance()` and through the `archive` database alias when
`YIXIE_ARCHIVE_DATABASE_URL` is set (the role that may DELETE on the journal; deploy/README.md).

Archiving takes a prefix of the chain: the entries up to the first one still within retention, in `seq`
order, so the first remaining entry links to the last archived hash and `auditchain.verify` checks that.
`verify_archives` re-reads every archive file: its digest, every entry's seal and link, and the links
between archives and to the journal.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from . import auditchain

MIN_RETENTION_DAYS = 183  # six months
#: Every column of an entry, in the order written to the archive file.
FIELDS = ("id", "seq", "at", "actor_id", "action", "target_type", "target_id", "target_label", "body_id",
          "before", "after", "reason", "client_ip", "prev_hash", "hash", "algorithm")


class ArchiveError(Exception):
    """A refusal with a message for the operator (Chinese)."""


def archive_dir() -> Path:
    return Path(settings.VAR_DIR) / "audit" / "archive"


def alias() -> str:
    """The database alias that may delete journal entries: `archive` when configured, else `default`."""
    return "archive" if "archive" in settings.DATABASES else "default"


def retention_days() -> int:
    days = int(getattr(settings, "YIXIE_AUDIT_RETENTION_DAYS", 3650))
    if days < MIN_RETENTION_DAYS:
        raise ArchiveError(f"操作日志保存期限 YIXIE_AUDIT_RETENTION_DAYS={days} 天太短：等保要求至少保存六个月"
                           f"（{MIN_RETENTION_DAYS} 天）。请改大后再归档，本次未归档任何日志。")
    return days


def file_digest(path: Path, name: str) -> str:
    import hashlib

    h = hashlib.new(name)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _line(e) -> str:
    values = {name: getattr(e, name) for name in FIELDS}
    values["at"] = auditchain._at_text(e.at)
    for name in ("before", "after"):
        values[name] = json.loads(values[name]) if isinstance(values[name], str) else values[name]
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass
class ArchiveResult:
    record: object | None  # the AuditArchive row, or None when nothing was old enough
    cutoff: datetime
    path: Path | None = None


def archive(*, before: datetime | None = None, now: datetime | None = None) -> ArchiveResult:
    """Archive the journal's oldest entries, older than the retention period (and than `before`)."""
    from .models import AuditArchive, AuditEntry

    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    if before is not None:
        cutoff = min(cutoff, before)
    using = alias()
    entries = AuditEntry.objects.using(using)
    last = AuditArchive.objects.using(using).order_by("-up_to_seq").first()
    start = last.up_to_seq if last else 0
    # A prefix of the chain: up to (not including) the first entry still within retention.
    young = entries.filter(seq__gt=start, at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
    old = entries.filter(seq__gt=start)
    if young is not None:
        old = old.filter(seq__lt=young)
    rows = old.order_by("seq")
    first_row = rows.first()
    if first_row is None:
        return ArchiveResult(record=None, cutoff=cutoff)
    name = auditchain.algorithm()
    folder = archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    up_to, last_hash, count = first_row.seq, first_row.hash, 0
    tmp = folder / f".writing-{os.getpid()}.jsonl"
    with tmp.open("w", encoding="utf-8") as f:
        for e in rows.iterator(chunk_size=2000):
            f.write(_line(e) + "\n")
            up_to, last_hash, count = e.seq, e.hash, count + 1
        f.flush()
        os.fsync(f.fileno())
    path = folder / f"audit-{first_row.seq:010d}-{up_to:010d}.jsonl"
    if path.exists():
        tmp.unlink()
        raise ArchiveError(f"归档文件 {path} 已存在，本次未归档任何日志。请检查是否有另一次归档未完成。")
    tmp.rename(path)
    digest = file_digest(path, name)
    try:
        # Maintenance outside the transaction: a failed DELETE aborts the transaction, and the guard must
        # be put back after the rollback, not inside the aborted transaction.
        with auditchain.maintenance(using), transaction.atomic(using=using):
            record = AuditArchive.objects.using(using).create(
                first_seq=first_row.seq, up_to_seq=up_to, last_hash=last_hash, count=count, file_name=path.name,
                digest=digest, algorithm=name, cutoff=cutoff, created_at=now)
            with connections[using].cursor() as cursor:
                cursor.execute("DELETE FROM core_auditentry WHERE seq > %s AND seq <= %s", [start, up_to])
                deleted = cursor.rowcount
            if deleted != count:
                raise ArchiveError(f"归档时日志条数变化（写入文件 {count} 条，删除 {deleted} 条），已撤销本次归档。")
    except BaseException:
        path.rename(folder / f"{path.name}.abandoned")  # nothing was deleted: keep the file aside, not as an archive
        raise
    return ArchiveResult(record=record, cutoff=cutoff, path=path)


@dataclass
class ArchivesReport:
    checked_files: int = 0
    checked_entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _entry_from(values: dict) -> SimpleNamespace:
    values = dict(values)
    values["at"] = datetime.fromisoformat(values["at"].replace("Z", "+00:00"))
    return SimpleNamespace(**values)


def verify_archives() -> ArchivesReport:
    """Re-read every archive file: its digest, each entry's seal and link, and the joins between files."""
    from .models import AuditArchive

    report = ArchivesReport()
    problems = report.problems
    prev_hash, expected = auditchain.GENESIS, 1
    for a in AuditArchive.objects.order_by("up_to_seq"):
        path = archive_dir() / a.file_name
        label = f"归档文件 {a.file_name}（第 {a.first_seq} 至 {a.up_to_seq} 条）"
        report.checked_files += 1
        if not path.exists():
            problems.append(f"{label}不见了（应在 {archive_dir()}）。")
            prev_hash, expected = a.last_hash, a.up_to_seq + 1
            continue
        if file_digest(path, a.algorithm) != a.digest:
            problems.append(f"{label}的 {a.algorithm} 摘要与归档记录不符：文件被修改过。")
        if a.first_seq != expected:
            problems.append(f"{label}与前一次归档不相接：应从第 {expected} 条开始。")
        seq = a.first_seq - 1
        with path.open(encoding="utf-8") as f:
            for number, text in enumerate(f, start=1):
                try:
                    e = _entry_from(json.loads(text))
                except (ValueError, TypeError, KeyError):
                    problems.append(f"{label}第 {number} 行无法读取。")
                    break
                if e.seq != seq + 1:
                    problems.append(f"{label}中第 {seq + 1} 条之后缺失日志（下一条为第 {e.seq} 条）。")
                if e.prev_hash != prev_hash and e.seq == seq + 1:
                    problems.append(f"{label}中第 {e.seq} 条与前一条的链接不符。")
                if auditchain.seal(e, e.prev_hash) != e.hash:
                    problems.append(f"{label}中第 {e.seq} 条的内容与其摘要不符（被修改过）。")
                prev_hash, seq = e.hash, e.seq
                report.checked_entries += 1
        if seq != a.up_to_seq or prev_hash != a.last_hash:
            problems.append(f"{label}的最后一条（第 {seq} 条）与归档记录不符。")
        prev_hash, expected = a.last_hash, a.up_to_seq + 1
    return report
