"""Login throttling: lock an account from one address, stop password spraying, delay a distributed guess,
and never let anybody lock an administrator out at will (yixie.core.lockout)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yixie.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(username: str, password: str, ip: str):
    c = Client(REMOTE_ADDR=ip)
    r = c.post(reverse("login"), {"username": username, "password": password})
    return r, "_auth_user_id" in c.session


def test_five_failures_lock_the_account_from_that_address_only(city):
    for _ in range(5):
        _login("admin", "wrong", "10.0.0.66")
    r, ok = _login("admin", PASSWORD, "10.0.0.66")
    assert not ok
    assert r.status_code == 429 and "暂停从本机" in r.content.decode()
    # The administrator, at their own desk, logs in: nobody can lock them out from elsewhere.
    _r, ok = _login("admin", PASSWORD, "10.0.0.1")
    assert ok


def test_one_password_against_many_accounts_stops_the_address(city, settings):
    settings.YIXIE_LOGIN_IP_FAILURE_LIMIT = 20
    for i in range(20):
        _login(f"user{i}", "Spring2026!", "10.0.0.77")
    r, ok = _login("bianban", PASSWORD, "10.0.0.77")
    assert not ok
    assert "本地址（10.0.0.77）近期登录失败次数过多" in r.content.decode()
    _r, ok = _login("bianban", PASSWORD, "10.0.0.2")
    assert ok


def test_many_addresses_against_one_account_are_slowed_not_locked(city):
    for i in range(11):
        _login("bianban", "wrong", f"10.0.1.{i}")
    r, ok = _login("bianban", PASSWORD, "10.0.2.1")
    assert not ok
    assert "秒后再试" in r.content.decode()
    # After the delay (at most a minute) the owner gets in.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=61))
    _r, ok = _login("bianban", PASSWORD, "10.0.2.1")
    assert ok


def test_behind_a_proxy_the_address_comes_from_the_proxys_header(city, settings):
    """Behind nginx every request comes from the proxy: without YIXIE_PROXY_COUNT the whole office would share
    one address (and one spraying limit); with it, each client is itself, and what a client writes on the
    left of X-Forwarded-For is not believed."""
    from yixie.core.audit import client_address
    from yixie.core.models import AuditEntry

    settings.YIXIE_PROXY_COUNT = 1
    for _ in range(5):
        c = Client(REMOTE_ADDR="10.9.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 172.16.5.5")
        c.post(reverse("login"), {"username": "admin", "password": "wrong"})
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"172.16.5.5"}
    assert set(AuditEntry.objects.filter(action="登录失败").values_list("client_ip", flat=True)) == {"172.16.5.5"}
    # The administrator at another desk, through the same proxy, is not locked out.
    c = Client(REMOTE_ADDR="10.9.0.1", HTTP_X_FORWARDED_FOR="172.16.5.9")
    c.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    assert "_auth_user_id" in c.session

    class Req:
        META = {"REMOTE_ADDR": "10.9.0.1"}

    assert client_address(Req()) == "10.9.0.1"  # no header: the proxy itself
