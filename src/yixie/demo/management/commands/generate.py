"""`yixie generate --scale city|province|nation [--seed N]`: a synthetic ledger for benchmarks."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("在空数据库中生成基准测试数据：区划、部门、领导职务、议事协调机构、文件、2019年以来的历史沿革和各状态的申请"
            "（city：1个市约12个县；province：16个市约140个县；nation：31个省约330个市3000个县）。"
            "只能填充空数据库；数据库由 DATABASE_URL 指定。")

    def add_arguments(self, parser):
        parser.add_argument("--scale", required=True, choices=["city", "province", "nation", "tiny"],
                            help="规模（tiny 仅供测试使用）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子：相同种子生成相同数据（默认 2026）")

    def handle(self, *args, **options):
        from yixie.demo.generate import BENCH_PASSWORD, GenerateError, generate

        verbosity = options.get("verbosity", 1)

        def log(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(message)
                self.stdout.flush()

        try:
            stats = generate(options["scale"], seed=options["seed"], log=log)
        except GenerateError as exc:
            raise CommandError(exc.message) from exc
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(
                f"生成完成：区划 {stats.regions:,} 个，部门 {stats.departments:,} 个，机构 {stats.bodies:,} 个，"
                f"历史沿革事项 {stats.events:,} 项，成员单位 {stats.memberships:,} 条，文件 {stats.documents:,} 件，"
                f"申请 {stats.applications:,} 件（审批环节 {stats.reviews:,} 个），用户 {stats.users:,} 个；"
                f"用时 {stats.seconds:.1f} 秒。基准测试账号 bench_bianban、bench_clerk、bench_admin，"
                f"密码 {BENCH_PASSWORD}。"))
