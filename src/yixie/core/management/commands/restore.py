"""`yixie restore ARCHIVE [--yes]`: put a backup back into the configured database and file store."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yixie.core import backup


class Command(BaseCommand):
    help = ("Restore a `yixie backup` archive into the configured database (same vendor) and MEDIA_ROOT: every "
            "digest is checked first, then the audit chain is verified against the head recorded in the backup.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar.gz written by `yixie backup`")
        parser.add_argument("--yes", action="store_true",
                            help="overwrite a database that already holds data")
        parser.add_argument("--check", action="store_true",
                            help="only check the archive against its manifest; change nothing")

    def handle(self, *args, **options):
        try:
            if options["check"]:
                m = backup.read_manifest(options["archive"])
                self.stdout.write(self.style.SUCCESS(
                    f"备份文件完好：{len(m['members'])} 个文件的摘要与清单相符（{backup.when(m)} 的备份，"
                    f"{backup.VENDOR_LABEL.get(m['vendor'], m['vendor'])}）。"))
                return
            result = backup.restore(options["archive"], overwrite=options["yes"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = result.manifest
        self.stdout.write(f"已恢复 {backup.when(m)} 的备份：数据库 {sum(m['tables'].values())} 行，文件 {result.files} 个。")
        if result.displaced:
            self.stdout.write(f"备份中没有的 {sum(1 for p in result.displaced.rglob('*') if p.is_file())} 个文件"
                              f"已移到 {result.displaced}（未删除）。")
        report = result.report
        a = m["audit_anchor"]
        self.stdout.write(f"操作日志校验：{report.checked} 条，对照备份记录的链头第 {a['seq']} 条。")
        if result.ok:
            self.stdout.write(self.style.SUCCESS("恢复完成，操作日志完整，未被修改。"))
            return
        for p in result.problems + report.problems:
            self.stderr.write(p)
        raise CommandError(f"恢复后校验未通过：发现 {len(result.problems) + len(report.problems)} 处问题。")
