"""Deny by default, walked: every URL of every app as every role and as an anonymous user."""

import pytest
from django.contrib.auth import get_user_model

from yixie.core.access import user_can
from yixie.core.roles import Role
from yixie.testing.factories import make_user

from .walker import concrete_urls, routes

pytestmark = pytest.mark.django_db

ROLES = ["admin", "bianban", "qz_bianban", "liangban", "zuzhibu", "lingdao", "fagaiwei", "fagaiwei_hr", "nobody",
         "xitong", "anquan", "shenji"]
#: The three administrators (三员分立): they hold no business rule, so every business page answers 403.
ADMINISTRATORS = {"xitong": Role.SYSTEM_ADMIN, "anquan": Role.SECURITY_ADMIN, "shenji": Role.AUDIT_ADMIN}


def add_administrators(city) -> None:
    """The three administrators beside the test city's users (walkers of every role need them)."""
    for username, role in ADMINISTRATORS.items():
        if not get_user_model().objects.filter(username=username).exists():
            make_user(username, role, region=city.city)


def test_every_view_declares_an_access_rule():
    assert [r.name for r in routes() if r.rule is None] == []


def test_every_url_that_takes_arguments_has_a_sample(city):
    _urls, missing = concrete_urls(city)
    assert missing == [], "apps must register sample URL arguments for these (registry.register_url_samples)"


def test_anonymous_is_sent_to_login_everywhere_but_login(client, city):
    urls, _ = concrete_urls(city)
    for route, path in urls:
        response = client.get(path)
        if route.rule == "public":
            assert response.status_code == 200, path
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], path


def walk_as(client_for, urls, username) -> list[tuple[str, int]]:
    """The (path, status) of each URL as this user: nothing above 499; 403 wherever the role lacks the rule."""
    user = get_user_model().objects.get(username=username)
    c = client_for(user)
    seen = []
    for route, path in urls:
        response = c.get(path)
        assert response.status_code < 500, (username, path, response.status_code)
        if route.rule not in ("public", "authenticated") and not user_can(user, route.rule):
            assert response.status_code == 403, (username, path, response.status_code)
        seen.append((path, response.status_code))
    return seen


@pytest.mark.parametrize("username", ROLES)
def test_every_url_as_every_role_never_errors(client_for, city, username):
    add_administrators(city)
    urls, _ = concrete_urls(city)
    assert walk_as(client_for, urls, username)
