from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yixie.core"
    label = "core"
    verbose_name = "基础"
    url_prefix = ""

    def ready(self) -> None:
        from .registry import register_actions
        from .roles import Role

        register_actions({"audit.view": "查看操作日志"},
                         grants={Role.ESTABLISHMENT: ["audit.view"], Role.GENERAL_OFFICE: ["audit.view"]})
