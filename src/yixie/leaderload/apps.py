from django.apps import AppConfig


class LeaderLoadConfig(AppConfig):
    """An engine: how many bodies each leader post leads or sits in (the seed's 兼职多). No pages."""

    name = "yixie.leaderload"
    label = "leaderload"
    verbose_name = "领导兼职负担"

    def ready(self) -> None:
        from yixie.core.registry import RowFact, register_row_fact

        from .selectors import seats_by_posts

        register_row_fact(RowFact("org.post", "leaderload.seats", "担任组长/副组长的机构数（在设立）", seats_by_posts,
                                  help="截至所示日期在设立的机构中，该职务担任组长或副组长的机构数"))
