from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, post_save


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
        from django.conf import settings

        from . import audit, auditchain, jobs, passwords, security, sessions
        from .registry import register_actions
        from .roles import Role

        register_actions({"audit.view": "查看操作日志"},
                         grants={Role.ESTABLISHMENT: ["audit.view"], Role.GENERAL_OFFICE: ["audit.view"]})
        # The security journal's checks and export belong to the audit administrator alone (三员分立,
        # docs/decisions/0021): no business role holds them. (编办/两办 keep "audit.view": a body's history.)
        register_actions({"audit.verify": "校验操作日志完整性", "audit.export": "导出操作日志"},
                         grants={Role.AUDIT_ADMIN: ["audit.verify", "audit.export"]})
        jobs.register_daily("core.purge", "yixie.core.jobs.purge", hour=3, minute=10)
        # The audit chain's head, verified and anchored outside the database once a day.
        jobs.register_daily("core.audit_anchor", "yixie.core.auditchain.daily_anchor", hour=2, minute=50)
        user_logged_in.connect(audit.on_login, dispatch_uid="yixie.core.audit.login")
        from .models import SecurityPolicy

        post_save.connect(security.clear_cache, sender=SecurityPolicy, dispatch_uid="yixie.core.security.cache")
        post_save.connect(passwords.on_user_created, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="yixie.core.passwords.created")
        user_logged_in.connect(sessions.on_login, dispatch_uid="yixie.core.sessions.login")
        user_logged_out.connect(audit.on_logout, dispatch_uid="yixie.core.audit.logout")
        user_login_failed.connect(audit.on_login_failed, dispatch_uid="yixie.core.audit.login_failed")
        connection_created.connect(auditchain.register_sqlite_function, dispatch_uid="yixie.core.auditchain.sqlite")
        # The daily alerts: every registered alert source's findings become notifications (once per key).
        jobs.register_daily("core.alerts", "yixie.core.notifications.run_alerts", hour=6, minute=0)
        # After every migrate (all apps' ready() have run by then): the schedule table follows the registry.
        post_migrate.connect(auditchain.ensure_guard, sender=self, dispatch_uid="yixie.core.auditchain.guard")
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="yixie.core.jobs.sync")
