"""The security parameters are the security administrator's (安全参数, yixie.core.security): the environment
gives the defaults, a value set in the admin site overrides them at once, each change journaled."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from yixie.core import audit, security
from yixie.core.models import AuditEntry, SecurityPolicy
from yixie.core.roles import Role
from yixie.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    security.clear_cache()
    yield
    security.clear_cache()


def test_defaults_come_from_the_environment_and_a_row_overrides_them(settings):
    settings.YIXIE_PASSWORD_MIN_LENGTH = 11
    assert security.param("password_min_length") == 11
    SecurityPolicy.objects.create(password_min_length=14)
    assert security.param("password_min_length") == 14
    assert security.param("password_history") == settings.YIXIE_PASSWORD_HISTORY  # empty field: the default


def test_a_stricter_password_rule_applies_at_once(city):
    validate_password("Abcdefgh12!x", city.bianban)  # 12 characters: fine by default
    SecurityPolicy.objects.create(password_min_length=14, password_min_classes=4)
    with pytest.raises(ValidationError, match="至少需要 14 个字符"):
        validate_password("Abcdefgh12!x", city.bianban)
    with pytest.raises(ValidationError, match="至少 4 类"):
        validate_password("abcdefghijkl12!x", city.bianban)


def test_the_lockout_limit_follows_the_parameter(city):
    SecurityPolicy.objects.create(login_failure_limit=3)
    c = Client(REMOTE_ADDR="10.7.7.7")
    for _ in range(3):
        c.post(reverse("login"), {"username": "bianban", "password": "wrong"})
    r = c.post(reverse("login"), {"username": "bianban", "password": PASSWORD})
    assert r.status_code == 429 and "_auth_user_id" not in c.session


def test_out_of_range_values_are_refused_in_chinese():
    with pytest.raises(ValidationError) as exc:
        SecurityPolicy(password_min_length=4, idle_timeout_minutes=9999).full_clean()
    assert "须在 8 至 64 之间" in str(exc.value) and "须在 0 至 480 之间" in str(exc.value)


def test_only_the_security_administrator_sets_them_and_each_change_is_journaled(city, client_for):
    anquan = make_user("anquan", Role.SECURITY_ADMIN, region=city.city)
    xitong = make_user("xitong", Role.SYSTEM_ADMIN, region=city.city)
    add = reverse("admin:core_securitypolicy_add")
    assert client_for(xitong).get(add).status_code == 403
    assert client_for(city.bianban).get(add).status_code in (302, 403)
    c = client_for(anquan)
    r = c.post(add, {"password_min_length": "12", "idle_timeout_minutes": "15"}, REMOTE_ADDR="10.8.8.8")
    assert r.status_code == 302, r.content.decode()[:2000]
    assert security.param("idle_timeout_minutes") == 15
    e = AuditEntry.objects.get(action=audit.ADMIN_ADD, target_type="core.securitypolicy")
    assert e.actor == anquan and e.after["password_min_length"] == 12 and e.client_ip == "10.8.8.8"
    r = c.post(reverse("admin:core_securitypolicy_change", args=[1]), {"password_min_length": "99"})
    assert r.status_code == 200 and "须在 8 至 64 之间" in r.content.decode()
    assert security.param("password_min_length") == 12
