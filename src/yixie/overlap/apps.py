from django.apps import AppConfig


class OverlapConfig(AppConfig):
    """An engine: compares a proposed body with every body and department of a region. No pages."""

    name = "yixie.overlap"
    label = "overlap"
    verbose_name = "职责交叉比对"
