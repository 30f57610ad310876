from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yixie.core"
    label = "core"
    verbose_name = "基础"
