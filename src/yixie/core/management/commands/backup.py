"""`yixie backup [--output DIR]`: the database and every stored file in one archive (docs/decisions/0019)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yixie.core import backup


class Command(BaseCommand):
    help = ("Back up the database (native: SQLite backup API or pg_dump) and every stored file into one .tar.gz "
            "with a manifest (digests of every member, rows per table, the audit chain head).")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None,
                            help="folder for the archive (default: YIXIE_VAR_DIR/backups)")

    def handle(self, *args, **options):
        try:
            result = backup.backup(options["output"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = result.manifest
        files = sum(1 for name in m["members"] if name.startswith(backup.FILES_PREFIX))
        self.stdout.write(f"已备份：{result.path}")
        self.stdout.write(f"数据库：{backup.VENDOR_LABEL[m['vendor']]}，{len(m['tables'])} 张表共 "
                          f"{sum(m['tables'].values())} 行；文件 {files} 个；摘要算法 "
                          f"{next(iter(m['members'].values()))['algorithm']}。")
        a = m["audit_anchor"]
        self.stdout.write(f"操作日志链头：第 {a['seq']} 条 {a['hash']}（已记入锚定文件）。")
