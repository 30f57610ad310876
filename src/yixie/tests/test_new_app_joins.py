"""A new capability joins the product from its own `apps.py` and one line in INSTALLED_APPS: its URLs are
routed, walked for every role, and its navigation entry shows, with no edit anywhere else."""

import importlib

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

from yixie import urls as root_urls

from .test_url_walker import ROLES, add_administrators, walk_as
from .walker import concrete_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_sample_app():
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "yixie.tests.sample_app"]):
        importlib.reload(root_urls)
        clear_url_caches()
        yield
    importlib.reload(root_urls)
    clear_url_caches()


def test_an_empty_capability_is_walked_for_every_role(with_sample_app, client_for, city):
    add_administrators(city)
    urls, missing = concrete_urls(city)
    assert missing == []
    for username in ROLES:
        seen = dict(walk_as(client_for, urls, username))
        assert f"/sample/{city.fgw.pk}/" in seen and "/sample/" in seen
        expected = 200 if username in ("admin", "bianban", "qz_bianban") else 403
        assert seen["/sample/"] == expected, username


def test_its_navigation_entry_shows_to_those_who_may_use_it(with_sample_app, client_for, city):
    assert "示例能力" in client_for(city.bianban).get("/").content.decode()
    assert "示例能力" not in client_for(city.clerk).get("/").content.decode()
