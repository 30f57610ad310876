from django.apps import AppConfig


class InsightConfig(AppConfig):
    """The home page and dashboards: read what the floors below registered, write nothing."""

    name = "yixie.insight"
    label = "insight"
    verbose_name = "首页与看板"
    url_prefix = ""

    def ready(self) -> None:
        from yixie.core import registry as r

        from .selectors import todo_widget

        r.register_nav(r.NavEntry("insight.home", "首页", "insight:home", "ledger.view", order=0,
                                  active=("insight:home",)))
        r.register_home_widget(r.HomeWidget("insight.todo", "insight/_todo_widget.html", todo_widget,
                                            "authenticated", order=0))
