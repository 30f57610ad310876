"""`yixie ledger_import FILE`: import the seven-indicator template, all rows or none."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yixie.ledger.excel import import_workbook
from yixie.org.models import Region


class Command(BaseCommand):
    help = "从 Excel（.xlsx，台账导入模板）导入议事协调机构：逐行检查，全部无误才导入，否则一条也不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 文件")
        parser.add_argument("--region", help="默认区划代码（“所属区划”一栏为空的行记入此区划），如 370700")
        parser.add_argument("--user", help="以该用户名义导入（记入操作日志，并按其权限限定区划）")

    def handle(self, *args, file: str, region: str | None = None, user: str | None = None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件“{file}”不存在。")
        default_region = None
        if region:
            default_region = Region.objects.filter(code=region.strip()).first()
            if default_region is None:
                raise CommandError(f"区划代码“{region}”不存在。")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在或已停用。")

        def progress(done: int, total: int) -> None:
            if options.get("verbosity", 1) >= 2:
                self.stdout.write(f"进度 {done}/{total}")

        report = import_workbook(path, actor=actor, default_region=default_region, progress=progress,
                                 source=(f"命令行导入：{path.name}", ""))
        for w in report.warnings:
            if options.get("verbosity", 1) >= 1:
                self.stdout.write(f"提示：{w}")
        if not report.ok:
            for line in report.lines():
                self.stderr.write(line)
            raise CommandError(f"导入失败：共 {len(report.errors)} 处问题，没有导入任何内容。")
        self.stdout.write(self.style.SUCCESS(f"已导入 {report.created} 个机构"))
