"""Deny-by-default access: every view declares the action it needs, or it is refused.

A view declares its rule with `@requires("ledger.view")` (functions) or `access_rule = "ledger.view"`
(classes). `PUBLIC` marks the few pages an anonymous user may open (login). The middleware refuses
any view that declares nothing, so a forgotten rule fails closed. Which *rows* a user sees is the
job of the scope helpers (`yixie.org.scopes`), which every queryset of user-visible data goes through.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import ROLE_ACTIONS

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def user_roles(user) -> list:
    """The user's role assignments, loaded once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_yixie_roles", None)
    if cached is None:
        cached = list(user.role_assignments.select_related("region", "department").all())
        user._yixie_roles = cached
    return cached


def user_can(user, action: str) -> bool:
    """Whether any of the user's roles grants `action` (somewhere; rows are scoped separately)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action == AUTHENTICATED:
        return True
    if user.is_superuser:
        return True
    return any(action in ROLE_ACTIONS.get(a.role, set()) for a in user_roles(user))


def requires(action: str) -> Callable:
    """Declare the action a function view needs."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapped.access_rule = action
        return wrapped

    return decorate


def declared_rule(view_func) -> str | None:
    rule = getattr(view_func, "access_rule", None)
    if rule is None and hasattr(view_func, "view_class"):
        rule = getattr(view_func.view_class, "access_rule", None)
    return rule


EXEMPT_PREFIXES = ("/admin/", "/static/")


class AccessMiddleware:
    """Refuses every view without a declared access rule; checks the declared one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(EXEMPT_PREFIXES):
            return None  # the admin site checks superuser itself; static files are public
        rule = declared_rule(view_func)
        if rule is None:
            raise PermissionDenied("该页面未声明访问规则，已拒绝访问。")
        if rule == PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not user_can(request.user, rule):
            raise PermissionDenied("您的角色无权进行此操作。")
        return None
