"""Two-factor login (TOTP with django-otp; issue 10, GB/T 22239-2019 8.1.4.1 d; docs/decisions/0021).

Who must use it: superusers, the three administrators and 编办 (`roles.TWO_FACTOR_ROLES`). Everyone else
may set it up, and once set up is asked for it too. `TwoFactorMiddleware` sends a signed-in user who must
but has not yet given a code in this session to enrolment (no device yet) or to the code page. With
`YIXIE_2FA_REQUIRED=0` (the demo's `make run`, the test suite) nobody is asked.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

SETUP_PATH = "/account/2fa/setup/"
VERIFY_PATH = "/account/2fa/verify/"
#: Pages a user who still owes a code may open: the two pages themselves, signing out, static files.
OPEN_PREFIXES = (SETUP_PATH, VERIFY_PATH, "/logout/", "/static/", "/healthz/")

DEVICE_NAME = "手机身份验证器"
ENABLED, VERIFIED, FAILED = "启用双因素认证", "双因素认证通过", "双因素认证失败"


def required_for(user) -> bool:
    """Whether `user` must sign in with a second factor."""
    from .access import user_roles
    from .roles import TWO_FACTOR_ROLES

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(a.role in TWO_FACTOR_ROLES for a in user_roles(user))


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user):
    """The device being enrolled (made on the first visit of the setup page, confirmed by a code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device) -> str:
    """The key as people type it into an authenticator app (base32, in groups of four)."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def qr_svg(uri: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    return qrcode.make(uri, image_factory=SvgPathImage, box_size=8, border=2).to_string(encoding="unicode")


def check_code(user, device, code: str) -> str | None:
    """None when `code` is the device's current code; else why not, in Chinese."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return "请输入身份验证器上显示的6位动态口令。"
    if not (code.isdigit() and len(code) == device.digits):
        return f"动态口令应为{device.digits}位数字，您输入的是“{code[:20]}”。"
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return "动态口令连续输错次数过多，请稍候一分钟再试。"
    if not device.verify_token(code):
        return "动态口令不正确或已过期：请打开手机上的身份验证器，输入“议协”下当前显示的6位数字（每30秒更新一次）。"
    return None


#: Set in the session of a user who need not and has not set up a second factor, so their pages do not
#: look for a device on every request (enrolling goes through the setup page, which verifies the session).
NO_DEVICE_KEY = "yixie_2fa_no_device"


def owes_code(request) -> bool:
    user = request.user
    if not getattr(settings, "YIXIE_2FA_REQUIRED", True) or not user.is_authenticated:
        return False
    if user.is_verified():
        return False
    if required_for(user):
        return True
    if request.session.get(NO_DEVICE_KEY) == user.pk:
        return False
    if confirmed_device(user) is not None:
        return True
    request.session[NO_DEVICE_KEY] = user.pk
    return False


class TwoFactorMiddleware:
    """After the password, the code: until this session has given one, a user who owes it sees only the
    enrolment or code page (the admin site included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(OPEN_PREFIXES) and owes_code(request):
            target = VERIFY_PATH if confirmed_device(request.user) is not None else SETUP_PATH
            if request.method == "GET" and request.path != reverse(settings.LOGIN_REDIRECT_URL):
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
