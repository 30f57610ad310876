"""`yixie ledger_import FILE [--apply]`: check the file and print the preview; with --apply, import it,
all rows or none (the same checks and summary as the import page, docs/decisions/0013)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yixie.ledger.excel import import_workbook
from yixie.org.models import Region


class Command(BaseCommand):
    help = ("从 Excel（.xlsx，台账导入模板或导出的台账）导入议事协调机构：先逐行检查并列出预览（未变、修改、新增、冲突、问题），"
            "加 --apply 才写入台账；全部无误才导入，否则一条也不导入。")

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 文件")
        parser.add_argument("--region", help="默认区划代码（“所属区划”一栏为空的行记入此区划），如 370700")
        parser.add_argument("--user", help="以该用户名义导入（记入操作日志，并按其权限限定区划）")
        parser.add_argument("--apply", action="store_true",
                            help="检查无误后写入台账（不加此项只检查并列出预览，不写入任何内容）")

    def handle(self, *args, file: str, region: str | None = None, user: str | None = None, apply: bool = False,
               **options):
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
                                 source=(f"命令行导入：{path.name}", ""), apply=apply)
        verbose = options.get("verbosity", 1) >= 1
        self.stdout.write(f"预览：{report.summary()}")
        if verbose:
            for c in report.changes:
                self.stdout.write(f"修改：工作表「{c['sheet']}」第{c['row']}行 {c['name']}（{c['code']}）："
                                  f"{c['kind']}，{c['on']}，依据 {c['document']}")
                for label, old, new in c["fields"]:
                    self.stdout.write(f"    {label}：{old} → {new}")
            for w in report.warnings:
                self.stdout.write(f"提示：{w}")
        if not report.ok:
            for line in report.lines():
                self.stderr.write(line)
            problems = []
            if report.conflicts:
                problems.append(f"{len(report.conflicts)} 行冲突")
            if report.errors:
                problems.append(f"{len(report.errors)} 处问题")
            raise CommandError(f"导入失败：共 {'、'.join(problems)}，没有导入任何内容。")
        if not apply:
            self.stdout.write("以上为预览，没有写入任何内容；确认无误后加 --apply 重新运行即导入。")
            return
        self.stdout.write(self.style.SUCCESS(f"已导入：新增 {report.created} 个机构，登记变更 {report.changed} 项"))
