"""Two-factor login (docs/decisions/0021): 编办 and the three administrators must give a TOTP code after
their password; others may. Codes here are real TOTP codes computed from the device's key."""


import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from yixie.core import twofactor
from yixie.core.models import AuditEntry
from yixie.core.roles import Role
from yixie.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.YIXIE_2FA_REQUIRED = True


def _code(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def _login(client, username):
    r = client.post("/login/", {"username": username, "password": PASSWORD})
    assert r.status_code == 302, r.content.decode()[:500]
    return r


def test_establishment_user_without_a_device_is_sent_to_setup_and_enrols(city, client):
    _login(client, "bianban")
    r = client.get("/ledger/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/setup/?next=")
    r = client.get("/account/2fa/setup/")
    page = r.content.decode()
    assert "须使用双因素认证" in page and "otpauth://totp/" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=city.bianban, confirmed=False)
    assert twofactor.secret_text(device).replace(" ", "") in page.replace(" ", "")
    r = client.post("/account/2fa/setup/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert r.status_code == 400 and "动态口令不正确或已过期" in r.content.decode()
    assert client.get("/ledger/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # one failure makes the next try wait a second (test_repeated_wrong_codes...)
    r = client.post("/account/2fa/setup/", {"code": _code(device), "next": "/ledger/"})
    assert r.status_code == 302 and r["Location"] == "/ledger/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/ledger/").status_code == 200
    assert AuditEntry.objects.filter(actor=city.bianban, action=twofactor.ENABLED).exists()


def test_user_with_a_device_must_give_the_current_code(city, client):
    device = TOTPDevice.objects.create(user=city.bianban, name="手机", confirmed=True)
    _login(client, "bianban")
    r = client.get("/ledger/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/verify/")
    # The setup page cannot be used to bind another phone with the password alone.
    assert client.get("/account/2fa/setup/")["Location"].startswith("/account/2fa/verify/")
    r = client.post("/account/2fa/verify/", {"code": "12ab"})
    assert r.status_code == 400 and "动态口令应为6位数字" in r.content.decode()
    stale = _code(device, offset=-10)  # five minutes old
    r = client.post("/account/2fa/verify/", {"code": stale})
    assert r.status_code == 400 and "动态口令不正确或已过期" in r.content.decode()
    assert AuditEntry.objects.filter(actor=city.bianban, action=twofactor.FAILED).count() == 2
    device.refresh_from_db()
    device.throttle_reset()  # the throttle (tested below) would ask the test to wait
    r = client.post("/account/2fa/verify/", {"code": _code(device), "next": "/ledger/"})
    assert r.status_code == 302 and r["Location"] == "/ledger/"
    assert client.get("/ledger/").status_code == 200


def test_repeated_wrong_codes_are_throttled(city, client):
    device = TOTPDevice.objects.create(user=city.bianban, name="手机", confirmed=True)
    _login(client, "bianban")
    client.post("/account/2fa/verify/", {"code": _code(device, offset=-20)})
    r = client.post("/account/2fa/verify/", {"code": _code(device)})
    assert r.status_code == 400 and "连续输错次数过多" in r.content.decode()


def test_administrators_must_verify_in_the_admin_too(city, client):
    shenji = make_user("shenji", Role.AUDIT_ADMIN, region=city.city)
    device = TOTPDevice.objects.create(user=shenji, name="手机", confirmed=True)
    _login(client, "shenji")
    r = client.get("/admin/core/auditentry/")
    assert r.status_code == 302 and r["Location"].startswith("/account/2fa/verify/")
    r = client.post("/account/2fa/verify/", {"code": _code(device), "next": "/admin/core/auditentry/"})
    assert r["Location"] == "/admin/core/auditentry/"
    assert client.get("/admin/core/auditentry/").status_code == 200


def test_a_department_clerk_is_not_forced_but_may_opt_in(city, client):
    _login(client, "fagaiwei")
    assert client.get("/ledger/").status_code == 200
    r = client.get("/account/2fa/setup/")
    assert r.status_code == 200 and "可自愿启用" in r.content.decode()
    device = TOTPDevice.objects.get(user=city.clerk)
    client.post("/account/2fa/setup/", {"code": _code(device)})
    client.post("/logout/")
    # Once set up, the code is asked for at every login.
    _login(client, "fagaiwei")
    assert client.get("/ledger/")["Location"].startswith("/account/2fa/verify/")


def test_nobody_is_asked_when_turned_off(city, client, settings):
    settings.YIXIE_2FA_REQUIRED = False
    TOTPDevice.objects.create(user=city.bianban, name="手机", confirmed=True)
    _login(client, "bianban")
    assert client.get("/ledger/").status_code == 200


def test_the_security_administrator_unbinds_a_lost_phone(city, client_for, settings):
    settings.YIXIE_2FA_REQUIRED = False
    device = TOTPDevice.objects.create(user=city.bianban, name="手机", confirmed=True)
    anquan = make_user("anquan", Role.SECURITY_ADMIN, region=city.city)
    c = client_for(anquan)
    page = c.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "手机身份验证器" in page and device.key not in page
    assert c.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode().count(device.key) == 0
    r = c.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    c2 = client_for(make_user("xitong", Role.SYSTEM_ADMIN, region=city.city))
    assert c2.get("/admin/otp_totp/totpdevice/").status_code == 403
