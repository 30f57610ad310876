from django.apps import AppConfig


class RulesConfig(AppConfig):
    """制度保障 (spec §2.5): each body's work rules with the member units' duties and their filing with 编办,
    and duty-division disputes (docs/decisions/0026)."""

    name = "yixie.rules"
    label = "rules"
    verbose_name = "制度保障"
    url_prefix = "rules/"

    def ready(self) -> None:
        from .registration import register

        register()
