import time

from django.core.management.base import BaseCommand, CommandError

from yixie.org.models import Region


class Command(BaseCommand):
    help = "载入演示城市（潍坊市及所辖12个县市区）的部门、领导职务、议事协调机构及2019年以来的历史沿革"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="已有数据时跳过（make run 使用）")

    def handle(self, *args, **options):
        if Region.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据载入。")
                return
            raise CommandError("数据库已有数据；演示数据只能载入空数据库。")
        from yixie.demo import city
        from yixie.demo.loader import DEMO_PASSWORD, DemoLoader

        started = time.monotonic()
        counts = DemoLoader(city, log=lambda m: self.stdout.write(m)).load()
        self.stdout.write(self.style.SUCCESS(
            f"演示数据载入完成：机构 {counts['bodies']} 个，事项 {counts['events']} 项，用时 {time.monotonic() - started:.1f} 秒。"
            f"演示账号密码：{DEMO_PASSWORD}"))
