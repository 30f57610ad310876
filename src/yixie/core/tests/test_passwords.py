"""Password rules (docs/decisions/0020): complexity, not the login name, no reuse of the last five, expiry
for administrators, and the page where every user changes their own password."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from yixie.core import audit
from yixie.core.models import AuditEntry, PasswordHistory
from yixie.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "yixie-demo-2026"


def errors(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as e:
        return e.messages
    return []


def test_complexity_length_and_classes():
    assert any("至少需要 10 个字符" in m for m in errors("Ab1!xyz"))
    assert any("四类中的至少 3 类" in m and "只有 1 类" in m for m in errors("abcdefghijkl"))
    assert any("只有 2 类" in m for m in errors("abcdefgh1234"))
    assert errors("abcdefgh1!") == []  # lower, digit, symbol: three classes, ten characters
    assert errors("Abcdefgh12") == []  # upper, lower, digit


def test_the_demo_password_passes_for_demo_users():
    User = get_user_model()
    for name in ("bianban", "fagaiwei_hr", "admin"):
        assert errors(DEMO_PASSWORD, User(username=name)) == []


def test_minimum_length_is_a_setting(settings):
    settings.YIXIE_PASSWORD_MIN_LENGTH = 16
    assert any("至少需要 16 个字符" in m for m in errors("abcdefgh1!xyz"))


def test_not_containing_the_login_name_whatever_the_case():
    user = get_user_model()(username="bianban")
    assert any("不能包含登录名“bianban”" in m for m in errors("X-BianBan-2026", user))
    assert errors("X-banbian-2026", user) == []


def change(client, old, new):
    return client.post("/account/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_every_user_changes_their_own_password_and_it_is_journaled(client_for, city):
    client = client_for(city.clerk)
    page = client.get("/account/password/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "修改密码" in body and "至少 10 个字符" in body and "不能与最近使用过的 5 个密码相同" in body
    response = change(client, PASSWORD, "New-pass-2026")
    assert response.status_code == 302 and response["Location"] == "/"
    city.clerk.refresh_from_db()
    assert city.clerk.check_password("New-pass-2026")
    entry = AuditEntry.objects.get(action=audit.PASSWORD_CHANGE)
    assert entry.actor == city.clerk and entry.target_id == str(city.clerk.pk)
    journaled = f"{entry.before} {entry.after} {entry.reason} {entry.target_label}"
    assert "New-pass-2026" not in journaled and PASSWORD not in journaled
    # still logged in (the session follows the new password)
    assert client.get("/ledger/").status_code == 200


def test_a_bad_new_password_is_explained_and_nothing_changes(client_for, city):
    client = client_for(city.clerk)
    response = change(client, PASSWORD, "short")
    assert response.status_code == 200
    assert "至少需要 10 个字符" in response.content.decode()
    city.clerk.refresh_from_db()
    assert city.clerk.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action=audit.PASSWORD_CHANGE).exists()


def test_the_last_five_passwords_cannot_be_used_again(client_for, city, settings):
    client = client_for(city.clerk)
    used = [PASSWORD]
    for i in range(1, 5):
        new = f"Another-pass-{i}"
        assert change(client, used[-1], new).status_code == 302
        used.append(new)
    for old in used:  # the current one and the four before it
        response = change(client, used[-1], old)
        assert "不能与最近使用过的 5 个密码相同" in response.content.decode(), old
    assert change(client, used[-1], "Another-pass-5").status_code == 302
    # six passwords later the first one may come back
    assert change(client, "Another-pass-5", PASSWORD).status_code == 302
    assert PasswordHistory.objects.filter(user=city.clerk).count() == 7
    assert not PasswordHistory.objects.filter(password_hash__contains="pass").exists()


def test_history_length_is_a_setting(client_for, city, settings):
    settings.YIXIE_PASSWORD_HISTORY = 1
    client = client_for(city.clerk)
    assert change(client, PASSWORD, "Another-pass-1").status_code == 302
    assert change(client, "Another-pass-1", PASSWORD).status_code == 302


def age(user, days):
    assert PasswordHistory.objects.filter(user=user).update(changed_at=timezone.now() - timedelta(days=days)) == 1


def test_an_administrators_expired_password_must_be_changed_first(client_for, city):
    age(city.bianban, 91)
    client = client_for(city.bianban)
    response = client.get("/ledger/")
    assert response.status_code == 302 and response["Location"] == "/account/password/"
    page = client.get("/account/password/")
    assert page.status_code == 200
    assert "已超过 90 天未修改" in page.content.decode()
    assert change(client, PASSWORD, "Fresh-pass-2026").status_code == 302
    assert client.get("/ledger/").status_code == 200


def test_superusers_expire_too_but_not_before_90_days(client_for, city):
    age(city.admin, 89)
    assert client_for(city.admin).get("/ledger/").status_code == 200
    age(city.admin, 91)
    client = Client()  # a new session: the expiry time is looked up once per session
    client.force_login(city.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/ledger/")["Location"] == "/account/password/"


def test_other_users_and_zero_days_do_not_expire(client_for, city, settings):
    age(city.clerk, 400)
    assert client_for(city.clerk).get("/ledger/").status_code == 200
    settings.YIXIE_PASSWORD_MAX_AGE_DAYS = 0
    age(city.bianban, 400)
    assert client_for(city.bianban).get("/ledger/").status_code == 200


def test_an_expired_user_can_still_log_out(client_for, city):
    age(city.bianban, 91)
    client = client_for(city.bianban)
    assert client.post("/logout/")["Location"] == "/login/"


def test_a_freshly_created_user_is_not_expired(client_for, city):
    # the demo's users: their password dates from when the demo loaded
    assert PasswordHistory.objects.filter(user=city.bianban).exists()
    assert client_for(city.bianban).get("/ledger/").status_code == 200


def test_a_password_changed_elsewhere_ends_the_redirect(client_for, city):
    age(city.bianban, 91)
    client = client_for(city.bianban)
    assert client.get("/ledger/")["Location"] == "/account/password/"
    city.bianban.set_password("Changed-elsewhere-1")  # e.g. on the admin site
    city.bianban.save()
    client.force_login(city.bianban, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/ledger/").status_code == 200


def test_a_password_without_history_counts_from_when_it_is_first_seen(client_for, city):
    """Users written in bulk (the generator) or from before the history: no immediate lock-out."""
    User = get_user_model()
    User.objects.filter(pk=city.bianban.pk).update(date_joined=timezone.now() - timedelta(days=900))
    PasswordHistory.objects.filter(user=city.bianban).delete()
    assert client_for(city.bianban).get("/ledger/").status_code == 200
    assert PasswordHistory.objects.filter(user=city.bianban).count() == 1
