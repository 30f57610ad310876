from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_schedules(sender, using="default", **kwargs) -> None:
    from . import jobs

    if using == "default":
        jobs.sync_schedules()


class CoreConfig(AppConfig):
    name = "yixie.core"
    label = "core"
    verbose_name = "基础"
    url_prefix = ""

    def ready(self) -> None:
        from . import jobs
        from .registry import register_actions
        from .roles import Role

        register_actions({"audit.view": "查看操作日志"},
                         grants={Role.ESTABLISHMENT: ["audit.view"], Role.GENERAL_OFFICE: ["audit.view"]})
        jobs.register_daily("core.purge", "yixie.core.jobs.purge", hour=3, minute=10)
        # The daily alerts: every registered alert source's findings become notifications (once per key).
        jobs.register_daily("core.alerts", "yixie.core.notifications.run_alerts", hour=6, minute=0)
        # After every migrate (all apps' ready() have run by then): the schedule table follows the registry.
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="yixie.core.jobs.sync")
