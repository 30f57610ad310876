"""Sessions (docs/decisions/0020): the cookie ends with the browser, an idle session is logged out without
a session write on every request, and optionally one live session per user."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yixie.core import sessions
from yixie.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, monkeypatch, start=1_800_000_000):
        self.now = start
        monkeypatch.setattr(sessions, "WRITE_EVERY", 60)  # the product's own interval, not the tests' (conftest)
        monkeypatch.setattr(sessions.time, "time", lambda: self.now)


def test_the_session_cookie_ends_with_the_browser(client_for, city):
    client = client_for(city.clerk)
    response = client.get("/ledger/")
    assert response.status_code == 200
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_an_idle_session_is_logged_out_with_a_chinese_message(client_for, city, monkeypatch):
    clock = Clock(monkeypatch)
    client = client_for(city.clerk)
    assert client.get("/ledger/").status_code == 200
    clock.now += 29 * 60
    assert client.get("/ledger/").status_code == 200  # 29 minutes idle: still in
    clock.now += 31 * 60
    response = client.get("/ledger/?q=1")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/ledger/")
    page = client.get(response["Location"])
    assert "您已超过30分钟未操作，请重新登录。" in page.content.decode()
    assert client.get("/ledger/").status_code == 302  # logged out for good


def test_the_idle_timeout_is_a_setting(client_for, city, monkeypatch, settings):
    settings.YIXIE_IDLE_TIMEOUT_MINUTES = 5
    clock = Clock(monkeypatch)
    client = client_for(city.clerk)
    assert client.get("/ledger/").status_code == 200
    clock.now += 6 * 60
    response = client.get("/ledger/", follow=True)
    assert "您已超过5分钟未操作" in response.content.decode()


def test_an_idle_htmx_request_sends_the_browser_to_the_login_page(client_for, city, monkeypatch):
    clock = Clock(monkeypatch)
    client = client_for(city.clerk)
    client.get("/ledger/")
    clock.now += 31 * 60
    response = client.get("/ledger/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/login/"


def session_writes(queries) -> int:
    return sum(1 for q in queries if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(
        ("UPDATE", "INSERT")))


def test_activity_is_written_at_most_once_a_minute(client_for, city, monkeypatch):
    clock = Clock(monkeypatch)
    client = client_for(city.clerk)
    client.get("/ledger/")
    start = client.session[sessions.LAST_ACTIVITY]
    for _ in range(3):
        clock.now += 15
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/ledger/").status_code == 200
        assert session_writes(ctx.captured_queries) == 0
    assert client.session[sessions.LAST_ACTIVITY] == start
    clock.now += 20  # 65 seconds since the last write
    with CaptureQueriesContext(connection) as ctx:
        client.get("/ledger/")
    assert session_writes(ctx.captured_queries) == 1
    assert client.session[sessions.LAST_ACTIVITY] == clock.now


def login(username) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_single_session_ends_the_earlier_one(city, settings):
    settings.YIXIE_SINGLE_SESSION = True
    office = login("fagaiwei")
    assert office.get("/ledger/").status_code == 200
    home = login("fagaiwei")
    assert home.get("/ledger/").status_code == 200
    assert office.get("/ledger/").status_code == 302  # the first browser is logged out
    assert login("fagaiwei_hr").get("/ledger/").status_code == 200
    assert home.get("/ledger/").status_code == 200  # another user's login ends nobody else's session


def test_without_single_session_both_stay(city, settings):
    settings.YIXIE_SINGLE_SESSION = False
    office = login("fagaiwei")
    home = login("fagaiwei")
    assert office.get("/ledger/").status_code == 200
    assert home.get("/ledger/").status_code == 200
