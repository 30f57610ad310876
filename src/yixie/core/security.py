"""Security parameters (安全参数): password, lockout and session rules the security administrator sets.

Each parameter has a default from the environment (settings.py, what an operator writes in yixie.env);
the security administrator may override it in the admin site (系统管理 → 安全参数, one row, journaled
like every admin change). The code reads `param(name)` and nothing else. The row is cached in each process
for `CACHE_SECONDS` (a page does not query it on every request); a save clears this process's cache, the
other app servers follow within the cache time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

CACHE_SECONDS = 30


@dataclass(frozen=True)
class Param:
    name: str
    setting: str
    label: str
    low: int
    high: int


PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("password_min_length", "YIXIE_PASSWORD_MIN_LENGTH", "密码最短长度（字符）", 8, 64),
    Param("password_min_classes", "YIXIE_PASSWORD_MIN_CLASSES", "密码至少包含的字符类别数（大写、小写、数字、符号）", 2, 4),
    Param("password_history", "YIXIE_PASSWORD_HISTORY", "不得重复使用最近几次的密码", 0, 24),
    Param("password_max_age_days", "YIXIE_PASSWORD_MAX_AGE_DAYS", "管理员密码有效期（天，0为不过期）", 0, 365),
    Param("login_failure_limit", "YIXIE_LOGIN_FAILURE_LIMIT", "同一账号在同一地址连续失败几次后锁定", 3, 20),
    Param("login_ip_failure_limit", "YIXIE_LOGIN_IP_FAILURE_LIMIT", "同一地址失败几次后暂停该地址登录", 5, 200),
    Param("login_max_delay_seconds", "YIXIE_LOGIN_MAX_DELAY_SECONDS", "多地址尝试同一账号时的最长等待（秒）", 10, 3600),
    Param("idle_timeout_minutes", "YIXIE_IDLE_TIMEOUT_MINUTES", "无操作自动退出（分钟，0为不限）", 0, 480),
)}

_cache: dict[str, object] = {"at": float("-inf"), "row": None}


def clear_cache(*args, **kwargs) -> None:
    _cache["at"] = float("-inf")  # read again at the next call, however long the machine has been up
    _cache["row"] = None


def _row():
    from .models import SecurityPolicy

    now = time.monotonic()
    if now - float(_cache["at"]) > CACHE_SECONDS:
        _cache["row"] = SecurityPolicy.objects.filter(pk=1).first()
        _cache["at"] = now
    return _cache["row"]


def default(name: str) -> int:
    return int(getattr(settings, PARAMS[name].setting))


def param(name: str) -> int:
    """The parameter's value now: the security administrator's, else the environment's default."""
    row = _row()
    value = getattr(row, name, None) if row is not None else None
    return int(value) if value is not None else default(name)


def failure_limit(request=None, credentials=None) -> int:
    """axes' AXES_FAILURE_LIMIT callable: the lockout limit as the security administrator set it."""
    return param("login_failure_limit")
