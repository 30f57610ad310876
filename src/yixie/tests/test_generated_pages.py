"""Every page in the navigation is declared to the generic page tests (yixie.testing.views), so a new app's
pages get their access, scope and query-count tests by inheriting, not by someone remembering."""

from importlib import import_module

from django.apps import apps

from yixie.core.registry import NAVIGATION
from yixie.testing.views import PageTests

#: pages in the navigation that show no rows of their own, with the reason
EXEMPT = {"insight:home": "widgets registered by other apps; walked by the URL walker"}


def declared_pages() -> dict[str, list[str]]:
    for config in apps.get_app_configs():
        if config.name.startswith("yixie."):
            try:
                import_module(f"{config.name}.tests.test_generated")
            except ModuleNotFoundError:
                continue
    pages: dict[str, list[str]] = {}
    todo = list(PageTests.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.url_name and cls.__name__.startswith("Test"):
            pages.setdefault(cls.url_name, []).append(cls.__name__)
    return pages


def test_every_navigation_page_has_generated_tests():
    pages = declared_pages()
    # (test_new_app_joins installs a sample app for one test; its entry stays in the registry)
    installed = {config.label for config in apps.get_app_configs()}
    missing = [e.url_name for e in NAVIGATION if e.url_name.split(":")[0] in installed
               and e.url_name not in pages and e.url_name not in EXEMPT]
    assert missing == [], "declare these pages in <app>/tests/test_generated.py (yixie.testing.views)"


def test_the_list_pages_of_the_issue_are_declared():
    pages = declared_pages()
    for name in ("ledger:body_list", "ledger:body_detail", "ledger:document_list", "ledger:document_detail",
                 "ledger:body_create", "ledger:event_create", "org:department_list", "org:post_list",
                 "org:department_create", "approvals:list", "approvals:todo", "approvals:detail", "approvals:new",
                 "approvals:proposals", "core:notifications"):
        assert name in pages, name
