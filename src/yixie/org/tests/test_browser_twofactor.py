"""Two-factor login in real Chromium (docs/decisions/0021): 编办 signs in, binds a phone authenticator
with the key the page shows, and later signs in with password and code (a wrong code refused in
Chinese)."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from yixie.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_secret(text: str) -> str:
    raw = text.replace(" ", "")
    return f"{totp(base64.b32decode(raw + '=' * (-len(raw) % 8))):06d}"


def _password(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_establishment_binds_a_phone_then_signs_in_with_a_code(page, live_server, city, settings):
    settings.YIXIE_2FA_REQUIRED = True
    _password(page, live_server, "bianban")
    expect(page.get_by_role("heading", name="双因素认证（手机动态口令）")).to_be_visible()
    expect(page.get_by_text("您的角色登录时须使用双因素认证")).to_be_visible()
    expect(page.locator("#twofactor-qr svg")).to_be_visible()  # the QR code
    secret = page.locator("#twofactor-secret").inner_text()
    page.get_by_label("动态口令").fill(_code_from_secret(secret))
    page.get_by_role("button", name="确认绑定").click()
    expect(page.get_by_text("双因素认证已启用")).to_be_visible()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    _password(page, live_server, "bianban")
    expect(page.get_by_role("heading", name="输入动态口令")).to_be_visible()
    page.get_by_label("动态口令").fill("000000" if _code_from_secret(secret) != "000000" else "111111")
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_text("动态口令不正确或已过期")).to_be_visible()
    TOTPDevice.objects.filter(user=city.bianban).update(throttling_failure_count=0)
    device = TOTPDevice.objects.get(user=city.bianban)
    # The code of the next 30 seconds (the one just used to bind may not be used twice).
    page.get_by_label("动态口令").fill(f"{totp(device.bin_key, drift=1):06d}")
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()
