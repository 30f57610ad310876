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

    def ready(self) -> None:
        from . import jobs

        jobs.register_daily("core.purge", "yixie.core.jobs.purge", hour=3, minute=10)
        # After every migrate (all apps' ready() have run by then): the schedule table follows the registry.
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="yixie.core.jobs.sync")
