"""Password rules (等保2.0 三级, docs/decisions/0020): complexity, not the login name, no reuse of recent
passwords, and expiry for administrators. Each rule lives here once; settings.py only names the numbers.

- ComplexityValidator: at least YIXIE_PASSWORD_MIN_LENGTH (10) characters from three of the four classes
  upper-case letters, lower-case letters, digits, symbols.
- LoginNameValidator: the password does not contain the login name (whatever the case).
- HistoryValidator: none of the last YIXIE_PASSWORD_HISTORY (5) passwords again; it also records each new
  password's hash (Django calls `password_changed` after every save of a new password).
- PasswordExpiryMiddleware: an administrator (a superuser, or a holder of the establishment role) whose
  password is older than YIXIE_PASSWORD_MAX_AGE_DAYS (90; 0 never) is sent to the password page. A
  password set before the history existed counts from when it is first looked at.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from . import security
from .roles import Role

CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda c: not c.isalnum() and not c.isspace()),
)


def _min_length() -> int:
    return security.param("password_min_length")


def _history() -> int:
    return security.param("password_history")


class ComplexityValidator:
    def __init__(self, min_length: int | None = None, min_classes: int | None = None):
        self._min_length = min_length
        self._min_classes = min_classes

    def _length(self) -> int:
        return self._min_length if self._min_length is not None else _min_length()

    @property
    def min_classes(self) -> int:
        return self._min_classes if self._min_classes is not None else security.param("password_min_classes")

    def validate(self, password, user=None):
        errors = []
        if len(password) < self._length():
            errors.append(ValidationError(f"密码太短：至少需要 {self._length()} 个字符，现在只有 {len(password)} 个。",
                                          code="password_too_short"))
        used = [name for name, test in CLASSES if any(test(c) for c in password)]
        if len(used) < self.min_classes:
            errors.append(ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号四类中的至少 {self.min_classes} 类，"
                f"现在只有 {len(used)} 类（{'、'.join(used) or '无'}）。", code="password_too_simple"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return f"至少 {self._length()} 个字符，包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class LoginNameValidator:
    def validate(self, password, user=None):
        name = (getattr(user, "username", "") or "").strip().lower()
        if name and name in password.lower():
            raise ValidationError(f"密码不能包含登录名“{user.username}”（不区分大小写）。", code="password_has_login_name")

    def get_help_text(self):
        return "不能包含登录名。"


def recent_hashes(user, n: int) -> list[str]:
    from .models import PasswordHistory

    return list(PasswordHistory.objects.filter(user=user).values_list("password_hash", flat=True)[:n])


class HistoryValidator:
    def __init__(self, history: int | None = None):
        self.history = history

    def _n(self) -> int:
        return self.history if self.history is not None else _history()

    def validate(self, password, user=None):
        n = self._n()
        if n <= 0 or user is None or not getattr(user, "pk", None):
            return
        hashes = recent_hashes(user, n)
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)  # the password in use, when it predates the history
        if any(check_password(password, h) for h in hashes[:n]):
            raise ValidationError(f"新密码不能与最近使用过的 {n} 个密码相同。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or not user.password:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password_hash=user.password)

    def get_help_text(self):
        return f"不能与最近使用过的 {self._n()} 个密码相同。"


def on_user_created(sender, instance, created, **kwargs) -> None:
    """A user's first password, when it was not set through `set_password` (Django's `create_user` hashes it
    directly, and `password_changed` is not called): the start of the history and of the expiry clock."""
    if created and instance.password and getattr(instance, "_password", None) is None:
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=instance, password_hash=instance.password)


# ---------------------------------------------------------------- expiry


def is_administrator(user) -> bool:
    """Whose passwords expire: superusers and the establishment office's administrators."""
    from .access import user_roles

    return user.is_superuser or any(a.role == Role.ESTABLISHMENT for a in user_roles(user))


def password_changed_at(user):
    """When the password was last set. A password the history has never seen (users from before this rule,
    or written in bulk by the generator) is recorded now: its clock starts the first time it is looked at,
    so an upgrade gives every administrator the full period, not an immediate lock-out."""
    from .models import PasswordHistory

    at = PasswordHistory.objects.filter(user=user).values_list("changed_at", flat=True).first()
    if at is None:
        at = PasswordHistory.objects.create(user=user, password_hash=user.password).changed_at
    return at


def password_expires_at(user):
    """When the user's password expires, or None if it does not."""
    days = security.param("password_max_age_days")
    if days <= 0 or not is_administrator(user):
        return None
    return password_changed_at(user) + timedelta(days=days)


SESSION_KEY = "_yixie_password_expires"  # epoch seconds, 0 = never; cleared when the password changes


def forget_expiry(request) -> None:
    request.session.pop(SESSION_KEY, None)


class PasswordExpiryMiddleware:
    """Sends a user whose password has expired to the password page (and nowhere else) until it is changed.
    The expiry time is looked up once per session and kept in it, not queried on every request."""

    ALLOWED = ("/static/", "/account/2fa/")  # a code owed comes first (core.twofactor), then the password

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and security.param("password_max_age_days") > 0:
            expires = request.session.get(SESSION_KEY)
            if expires is None:
                at = password_expires_at(user)
                expires = int(at.timestamp()) if at else 0
                request.session[SESSION_KEY] = expires
            if expires and time.time() >= expires:
                # looked up again: the password may have been changed elsewhere (the admin site, another session)
                at = password_expires_at(user)
                expires = int(at.timestamp()) if at else 0
                request.session[SESSION_KEY] = expires
            if expires and time.time() >= expires:
                change_url = reverse("core:password_change")
                if request.path not in (change_url, reverse("logout")) and not request.path.startswith(self.ALLOWED):
                    messages.warning(request, f"您的密码已超过 {security.param('password_max_age_days')} 天未修改，"
                                              "按安全规定须先修改密码才能继续使用。")
                    return redirect(change_url)
        return self.get_response(request)
