"""`yixie audit-archive [--before DATE]`: move old audit journal entries to an archive file, then delete them."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yixie.core import auditarchive, auditchain


class Command(BaseCommand):
    help = ("Archive audit journal entries older than YIXIE_AUDIT_RETENTION_DAYS (at least 183) and, if given, "
            "than --before: written to YIXIE_VAR_DIR/audit/archive/ with a digest, recorded, then deleted.")

    def add_arguments(self, parser):
        parser.add_argument("--before", default=None, metavar="YYYY-MM-DD",
                            help="archive only entries before this date (never younger than the retention period)")

    def handle(self, *args, **options):
        before = None
        if options["before"]:
            try:
                day = datetime.strptime(options["before"], "%Y-%m-%d").date()
            except ValueError as exc:
                raise CommandError(f"--before 日期格式不对：“{options['before']}”，应为 年-月-日，例如 2026-01-01。") from exc
            before = timezone.make_aware(datetime.combine(day, time.min))
        try:
            result = auditarchive.archive(before=before)
        except auditarchive.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        cutoff = timezone.localtime(result.cutoff).strftime("%Y-%m-%d %H:%M")
        if result.record is None:
            self.stdout.write(f"没有早于 {cutoff} 的操作日志需要归档。")
            return
        r = result.record
        self.stdout.write(f"已归档早于 {cutoff} 的操作日志第 {r.first_seq} 至 {r.up_to_seq} 条（{r.count} 条）："
                          f"{result.path}，{r.algorithm} 摘要 {r.digest}。")
        report = auditchain.verify()
        if not report.ok:
            for p in report.problems:
                self.stderr.write(p)
            raise CommandError(f"归档后校验未通过：发现 {len(report.problems)} 处问题。")
        self.stdout.write(self.style.SUCCESS("归档后校验通过：其余操作日志与归档记录相接。"))
