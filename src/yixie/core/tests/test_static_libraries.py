"""Browser libraries from npm (docs/decisions/0010): found by the staticfiles finders and served by the app."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

ECHARTS = "echarts/dist/echarts.min.js"


def test_echarts_is_found_by_the_staticfiles_finders():
    found = finders.find(ECHARTS)
    assert found and Path(found).is_file() and Path(found).stat().st_size > 500_000
    assert Path(found).is_relative_to(settings.NODE_MODULES_DIR)
    assert finders.find("echarts/LICENSE") and finders.find("echarts/NOTICE")


def test_only_the_listed_npm_files_are_collected():
    finder = finders.get_finder("yixie.core.staticfinders.NodeModulesFinder")
    listed = sorted(f"{storage.prefix}/{path}" for path, storage in finder.list([]))
    assert listed == ["echarts/LICENSE", "echarts/NOTICE", ECHARTS]
    assert not finders.find("echarts/dist/echarts.js") and not finders.find("echarts/package.json")
    assert finder.check() == []


def test_echarts_is_served_by_the_app(client):
    r = client.get(static(ECHARTS))
    assert r.status_code == 200
    body = b"".join(r.streaming_content) if r.streaming else r.content
    assert b"echarts" in body and "javascript" in r["Content-Type"]


def test_a_missing_npm_install_is_a_named_warning(settings, tmp_path):
    from yixie.core.staticfinders import NodeModulesFinder

    settings.NODE_MODULES_DIR = tmp_path
    warnings = NodeModulesFinder().check()
    assert [w.id for w in warnings] == ["yixie.W001"] and "make install" in warnings[0].hint
    assert NodeModulesFinder().find(ECHARTS) == []
