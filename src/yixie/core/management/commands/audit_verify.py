"""`yixie audit-verify`: walk the audit journal's hash chain and compare it with the anchored heads."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yixie.core import auditarchive, auditchain


class Command(BaseCommand):
    help = ("Verify the audit journal: every entry's hash, every link, no gap, and the heads anchored outside "
            "the database (the anchors file under YIXIE_VAR_DIR, or --anchor SEQ:HASH from a backup or log).")

    def add_arguments(self, parser):
        parser.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                            help="an anchored head to hold the journal to (repeatable)")
        parser.add_argument("--anchors-file", type=Path, default=None,
                            help="the anchors file to read (default: YIXIE_VAR_DIR/audit/anchors.log)")
        parser.add_argument("--write-anchor", action="store_true",
                            help="after a clean check, append the current head to the anchors file")
        parser.add_argument("--archives", action="store_true",
                            help="also re-read every archive file of old entries (digest, seals, links)")

    def handle(self, *args, **options):
        anchors = auditchain.read_anchors(options["anchors_file"])
        for text in options["anchor"]:
            a = auditchain.Anchor.parse(text)
            if a is None:
                raise CommandError(f"锚定记录格式不对：“{text}”，应为 序号:摘要，例如 1200:3fa4…")
            anchors.append(a)
        report = auditchain.verify(anchors=anchors)
        self.stdout.write(f"已校验操作日志 {report.checked} 条（第 {report.first_seq or 0} 至 {report.head_seq} 条），"
                          f"对照锚定记录 {len(anchors)} 条。")
        self.stdout.write(f"链头：第 {report.head_seq} 条 {report.head_hash}")
        if options["archives"]:
            archives = auditarchive.verify_archives()
            self.stdout.write(f"已校验归档文件 {archives.checked_files} 个，其中操作日志 {archives.checked_entries} 条。")
            report.problems.extend(archives.problems)
        if report.ok:
            self.stdout.write(self.style.SUCCESS("校验通过：操作日志完整，未被修改。"))
            if options["write_anchor"]:
                anchor = auditchain.write_anchor()
                self.stdout.write(f"已记录锚定：{anchor.line()}")
            return
        for p in report.problems:
            self.stderr.write(p)
        raise CommandError(f"校验未通过：发现 {len(report.problems)} 处问题。")
