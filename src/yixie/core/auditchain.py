"""The audit journal as a hash chain: one serialised order, each entry sealing the one before it.

Why (issue 10, docs/decisions/0017-audit-chain.md): the journal must show whether anybody rewrote it.
The database refuses UPDATE and DELETE on it (triggers installed by core's migration 0003); the chain
shows an edit, a gap or a removed tail even to someone who got round the triggers.

- **Order**: every writer first bumps the single `AuditChainHead` row (an UPDATE, so PostgreSQL
  holds the row lock and SQLite, in IMMEDIATE mode, the write lock until the transaction ends); the
  entries take the next `seq` numbers and hash onto the head's hash. Entries of transactions that
  commit later get later numbers, whatever their primary keys.
- **Seal**: `hash = H(prev_hash + canonical(entry))`; the first entry's prev_hash is `GENESIS`.
- **Anchor**: the head's (seq, hash) is written outside the table — the daily job's log and the
  anchors file under YIXIE_VAR_DIR, and each backup — so a removed tail (with the head row rewound)
  is detected by comparing with the last anchor.
- **Maintenance**: archiving old entries (and the test suite's flush) lifts the guard for one block
  (`maintenance()`): a per-connection SQL function on SQLite, a transaction-local setting on PostgreSQL.
  A deployment takes UPDATE/DELETE/TRUNCATE on the journal from the application's database role
  (deploy/README.md), so the guard is not the only barrier there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger("yixie.audit")

GENESIS = "0" * 64
#: Fields sealed by the hash, in this order (the row's id is not: it is assigned out of commit order).
SEALED = ("seq", "at", "actor_id", "action", "target_type", "target_id", "target_label", "body_id",
          "before", "after", "reason", "client_ip", "algorithm")


# ---------------------------------------------------------------- digests

def algorithm() -> str:
    """The digest new entries use: sha256, or the national SM3 where the setting asks and OpenSSL has it."""
    wanted = getattr(settings, "YIXIE_AUDIT_DIGEST", "sha256")
    if wanted == "sm3" and "sm3" not in hashlib.algorithms_available:
        logger.warning("YIXIE_AUDIT_DIGEST=sm3 but this OpenSSL has no SM3; using sha256")
        return "sha256"
    return wanted


def digest(name: str, data: bytes) -> str:
    return hashlib.new(name, data).hexdigest()


def _at_text(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(e) -> bytes:
    """The entry's sealed fields as bytes, the same whether read back from SQLite or PostgreSQL."""
    values = {name: getattr(e, name) for name in SEALED}
    values["at"] = _at_text(e.at)
    for name in ("before", "after"):
        # JSON columns read back as parsed values; re-serialise them in one canonical form.
        values[name] = json.loads(values[name]) if isinstance(values[name], str) else values[name]
    values["target_id"] = str(values["target_id"])
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def seal(e, prev_hash: str) -> str:
    return digest(e.algorithm, prev_hash.encode() + canonical(e))


# ---------------------------------------------------------------- writing

def chain(entries: Sequence) -> None:
    """Number and seal unsaved entries in the journal's one order. Call inside the writing transaction,
    right before inserting them."""
    from .models import AuditChainHead

    if not entries:
        return
    now = timezone.now()
    name = algorithm()
    with transaction.atomic():
        bumped = AuditChainHead.objects.filter(pk=1).update(seq=F("seq") + len(entries))
        if not bumped:  # an emptied database (a test's flush): start the chain; several writers may race here
            AuditChainHead.objects.bulk_create([AuditChainHead(pk=1, seq=0, hash=GENESIS)], ignore_conflicts=True)
            AuditChainHead.objects.filter(pk=1).update(seq=F("seq") + len(entries))
        head = AuditChainHead.objects.get(pk=1)
        seq = head.seq - len(entries)
        prev = head.hash
        for e in entries:
            seq += 1
            e.seq = seq
            if e.at is None:
                e.at = now
            e.algorithm = name
            e.prev_hash = prev
            e.hash = prev = seal(e, prev)
        AuditChainHead.objects.filter(pk=1).update(hash=prev, updated_at=now)


# ---------------------------------------------------------------- the guard

_local = threading.local()


def maintenance_on() -> int:
    return 1 if getattr(_local, "maintenance", False) else 0


@contextlib.contextmanager
def maintenance(using: str = "default") -> Iterator[None]:
    """Lift the append-only guard for this thread's connection (`using`, a DATABASES alias) for the block
    (archiving, test flush)."""
    conn = connections[using]
    _local.maintenance = True
    try:
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config('yixie.audit_maintenance', 'on', false)")
        yield
    finally:
        _local.maintenance = False
        if conn.vendor == "postgresql" and conn.connection is not None:
            with conn.cursor() as cursor:
                cursor.execute("SELECT set_config('yixie.audit_maintenance', 'off', false)")


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """`connection_created`: SQLite's triggers ask this function whether maintenance is on. A client
    without it (the sqlite3 shell) cannot run the guarded statements at all."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("yixie_audit_maintenance", 0, maintenance_on)


GUARD_MESSAGE = "操作日志只能追加，不能修改或删除"

SQLITE_GUARD = [
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
    f"WHEN yixie_audit_maintenance() = 0 BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END",
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    f"WHEN yixie_audit_maintenance() = 0 BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END",
    "CREATE TRIGGER IF NOT EXISTS core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead "
    f"WHEN yixie_audit_maintenance() = 0 BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END",
]
SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_delete",
]
POSTGRES_GUARD = [
    f"""
    CREATE OR REPLACE FUNCTION yixie_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('yixie.audit_maintenance', true), 'off') = 'on' THEN
            IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{GUARD_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "CREATE OR REPLACE TRIGGER core_auditentry_no_change BEFORE UPDATE OR DELETE ON core_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION yixie_audit_guard()",
    "CREATE OR REPLACE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION yixie_audit_guard()",
    "CREATE OR REPLACE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead "
    "FOR EACH ROW EXECUTE FUNCTION yixie_audit_guard()",
    "CREATE OR REPLACE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead "
    "FOR EACH STATEMENT EXECUTE FUNCTION yixie_audit_guard()",
]
POSTGRES_UNGUARD = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_delete ON core_auditchainhead",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead",
    "DROP FUNCTION IF EXISTS yixie_audit_guard()",
]


def install_guard(schema_editor) -> None:
    statements = {"sqlite": SQLITE_GUARD, "postgresql": POSTGRES_GUARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def ensure_guard(sender=None, using="default", **kwargs) -> None:
    """`post_migrate`: put the guard back if a migration rebuilt the table (SQLite drops a table's
    triggers when Django remakes it to alter a column)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    conn = connections[using]
    if not MigrationRecorder(conn).migration_qs.filter(app="core", name="0003_audit_chain").exists():
        return
    with conn.schema_editor() as editor:
        install_guard(editor)


def remove_guard(schema_editor) -> None:
    statements = {"sqlite": SQLITE_UNGUARD, "postgresql": POSTGRES_UNGUARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


# ---------------------------------------------------------------- anchoring and verifying

def anchors_file() -> Path:
    return Path(settings.VAR_DIR) / "audit" / "anchors.log"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str = ""

    def line(self) -> str:
        return f"{self.at}\t{self.seq}\t{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor | None:
        parts = text.strip().split("\t")
        if len(parts) == 3 and parts[1].isdigit():
            return cls(seq=int(parts[1]), hash=parts[2], at=parts[0])
        if len(parts) == 1 and ":" in parts[0]:  # seq:hash, as an operator types it
            seq, _, h = parts[0].partition(":")
            if seq.isdigit():
                return cls(seq=int(seq), hash=h)
        return None


def head_anchor() -> Anchor:
    from .models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S%z")
    return Anchor(seq=head.seq, hash=head.hash, at=now) if head else Anchor(seq=0, hash=GENESIS, at=now)


def write_anchor(anchor: Anchor | None = None) -> Anchor:
    """Append the head (or `anchor`, a head read elsewhere: a backup's snapshot) to the anchors file and
    the log; the daily job and every backup call it."""
    anchor = anchor or head_anchor()
    path = anchors_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(anchor.line() + "\n")
    logger.info("audit chain head: seq=%s hash=%s", anchor.seq, anchor.hash)
    return anchor


def read_anchors(path: Path | None = None) -> list[Anchor]:
    path = path or anchors_file()
    if not path.exists():
        return []
    return [a for a in (Anchor.parse(line) for line in path.read_text(encoding="utf-8").splitlines()) if a]


def daily_anchor() -> str:
    """The daily job: verify the chain and anchor its head outside the database."""
    report = verify(anchors=read_anchors())
    anchor = write_anchor()
    summary = f"操作日志链头：第 {anchor.seq} 条，{anchor.hash}；校验{'通过' if report.ok else '发现问题'}。"
    if not report.ok:
        logger.error("audit chain verification failed: %s", "; ".join(report.problems[:20]))
    return summary


@dataclass
class VerifyReport:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    first_seq: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


MAX_PROBLEMS = 200


def verify(*, anchors: Sequence[Anchor] = (), chunk: int = 5000) -> VerifyReport:
    """Walk the whole journal in `seq` order: every seal, every link, no gap, and the anchors held.

    Entries moved to archive files (`yixie audit-archive`) are held to the newest archive record: the
    first remaining entry must follow the last archived one and link to its hash. The archive files
    themselves are checked by `yixie.core.auditarchive.verify_archives`."""
    from .models import AuditArchive, AuditChainHead, AuditEntry

    report = VerifyReport()
    problems = report.problems

    def problem(text: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(text)

    unsealed = AuditEntry.objects.filter(seq__isnull=True).count()
    if unsealed:
        problem(f"有 {unsealed} 条操作日志没有链序号（未经系统写入）。")
    expected_seq: int | None = None
    prev = GENESIS
    seen: dict[int, str] = {}
    anchor_seqs = {a.seq for a in anchors}
    archived = AuditArchive.objects.order_by("-up_to_seq").first()
    last = archived.up_to_seq if archived else 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:chunk])
        if not rows:
            break
        for e in rows:
            if expected_seq is None:
                report.first_seq = e.seq
                # The journal may start after archived entries: the newest archive record says where.
                prev, expected_seq = (archived.last_hash, archived.up_to_seq + 1) if archived else (GENESIS, 1)
                if e.seq != expected_seq:
                    what = f"最近一次归档（至第 {archived.up_to_seq} 条）之后" if archived else "开头"
                    problem(f"{what}的第 {expected_seq} 至 {e.seq - 1} 条操作日志缺失。")
                    prev, expected_seq = e.prev_hash, e.seq
            if e.seq != expected_seq:
                problem(f"第 {expected_seq} 至 {e.seq - 1} 条操作日志缺失。")
                prev = e.prev_hash
            elif e.prev_hash != prev:
                problem(f"第 {e.seq} 条操作日志与前一条的链接不符（前一条被修改或删除）。")
            if seal(e, e.prev_hash) != e.hash:
                problem(f"第 {e.seq} 条操作日志的内容与其摘要不符（被修改过）：{e.action} {e.target_label}")
            prev = e.hash
            expected_seq = e.seq + 1
            report.checked += 1
            if e.seq in anchor_seqs:
                seen[e.seq] = e.hash
        last = rows[-1].seq
    head = AuditChainHead.objects.filter(pk=1).first()
    report.head_seq = head.seq if head else 0
    report.head_hash = head.hash if head else GENESIS
    if report.checked and head and (head.seq != last or head.hash != prev):
        problem(f"链头记录（第 {head.seq} 条）与最后一条操作日志（第 {last} 条）不符。")
    elif not report.checked and archived and head and (head.seq, head.hash) != (archived.up_to_seq,
                                                                               archived.last_hash):
        problem(f"链头记录（第 {head.seq} 条）与最近一次归档（至第 {archived.up_to_seq} 条）不符。")
    if archived and not report.first_seq:
        report.first_seq = archived.up_to_seq + 1
    for a in anchors:
        if a.seq > last:
            problem(f"锚定记录{('（' + a.at + '）') if a.at else ''}显示已有第 {a.seq} 条操作日志，"
                    f"现只有到第 {last} 条：末尾的日志被删除。")
        elif a.seq >= report.first_seq and a.seq in seen and seen[a.seq] != a.hash:
            problem(f"第 {a.seq} 条操作日志的摘要与锚定记录{('（' + a.at + '）') if a.at else ''}不符。")
    return report
