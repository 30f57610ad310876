"""Login throttling beyond django-axes' own lockout (issue 10, identity; GB/T 22239-2019 8.1.4.1 b).

Three limits, all read from axes' failure records (shared by every app server through the database):

1. **Account from one address** (axes itself, `AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]`):
   `AXES_FAILURE_LIMIT` failures lock that account *from that address* for the cool-off time. Someone
   typing an administrator's name with wrong passwords locks only their own address out, never the
   administrator.
2. **One address against many accounts** (password spraying): more than `YIXIE_LOGIN_IP_FAILURE_LIMIT`
   failures from one address across all accounts within the cool-off time stop every login from that address.
3. **One account from many addresses**: past twice `AXES_FAILURE_LIMIT` failures on one account from other
   addresses within the cool-off time, each further try waits a delay that doubles per failure, up to
   `YIXIE_LOGIN_MAX_DELAY_SECONDS` (60 s): slows a distributed guess to a crawl, but the owner, who waits a
   minute, is never locked out.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from . import security


def _window_start():
    return timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def client_address(request) -> str:
    from .audit import client_address as address

    return address(request) or ""


def refusal(request, username: str) -> str | None:
    """Why a login must be refused before the password is even checked, or None."""
    from axes.models import AccessAttempt

    since = _window_start()
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    ip = client_address(request)
    ip_limit = security.param("login_ip_failure_limit")
    if ip and ip_limit:
        from_ip = recent.filter(ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"] or 0
        if from_ip >= ip_limit:
            minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
            return (f"本地址（{ip}）近期登录失败次数过多（{from_ip}次），为防止密码被猜测，已暂停从此地址登录"
                    f"{minutes}分钟。如需立即登录，请联系安全管理员。")
    if username:
        # Failures from *other* addresses: those from this one are axes' lockout's business.
        agg = recent.filter(username=username).exclude(ip_address=ip).aggregate(
            n=Sum("failures_since_start"), last=Max("attempt_time"))
        failures, last = agg["n"] or 0, agg["last"]
        over = failures - 2 * security.param("login_failure_limit")
        if over >= 0 and last is not None:
            cap = security.param("login_max_delay_seconds")
            delay = min(cap, 2 ** min(over, 16))
            wait = (last + timedelta(seconds=delay) - timezone.now()).total_seconds()
            if wait > 0:
                return f"该账号近期多次登录失败，为保护账号安全，请在 {int(wait) + 1} 秒后再试。"
    return None
