"""`yixie ledger_export FILE [--as-of DATE] [--region CODE]`: the ledger in the seven-indicator template."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yixie.core.dates import DateParseError, format_date_zh, parse_date
from yixie.ledger.choices import BodyStatus
from yixie.ledger.excel import write_export
from yixie.ledger.models import LedgerEvent
from yixie.org.models import Region
from yixie.org.scopes import region_subtree_ids


class Command(BaseCommand):
    help = "把议事协调机构台账导出为 Excel（.xlsx，七要素模板，每类机构一个工作表）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="导出到的 .xlsx 文件")
        parser.add_argument("--as-of", dest="as_of", help="台账日期，如 2020-06-30（默认今天）")
        parser.add_argument("--region", help="只导出该区划及其下级区划，如 370700")

    def handle(self, *args, file: str, as_of: str | None = None, region: str | None = None, **options):
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"文件名“{file}”应以 .xlsx 结尾。")
        if not path.parent.is_dir():
            raise CommandError(f"目录“{path.parent}”不存在。")
        on = timezone.localdate()
        if as_of:
            try:
                on = parse_date(as_of)
            except DateParseError as exc:
                raise CommandError(f"--as-of 日期有误：{exc.message}") from exc
        rows = LedgerEvent.objects.in_force_on(on).filter(status=BodyStatus.ACTIVE)
        if region:
            found = Region.objects.filter(code=region.strip()).first()
            if found is None:
                raise CommandError(f"区划代码“{region}”不存在。")
            rows = rows.filter(region_id__in=region_subtree_ids({found.pk}))
        rows = rows.order_by("region__code", "name", "id")
        count = rows.count()
        try:
            write_export(rows, on=on, stream=path)
        except OSError as exc:
            raise CommandError(f"无法写入文件“{file}”：{exc.strerror or exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 个机构（{format_date_zh(on)}台账）到 {path}"))
