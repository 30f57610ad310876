"""Sessions and caching (等保2.0 三级, docs/decisions/0020).

- IdleTimeoutMiddleware: a session idle for YIXIE_IDLE_TIMEOUT_MINUTES (30; 0 off) is logged out. The
  last-activity time lives in the session and is written back only when it is over a minute old, so a
  busy user costs one session write a minute, not one per request.
- One live session per user (YIXIE_SINGLE_SESSION): a login ends the session the user had before.
- NoStoreMiddleware: no browser or proxy keeps a copy of a logged-in page or of a download.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpResponse
from django.shortcuts import resolve_url

from . import security

LAST_ACTIVITY = "_yixie_last_activity"
#: how stale the stored last-activity time may get before it is written again (seconds)
WRITE_EVERY = 60


def idle_message(minutes: int) -> str:
    return f"您已超过{minutes}分钟未操作，请重新登录。"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        minutes = security.param("idle_timeout_minutes")
        user = getattr(request, "user", None)
        if minutes > 0 and user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY)
            if last is not None and now - last > minutes * 60:
                logout(request)
                messages.warning(request, idle_message(minutes))
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= WRITE_EVERY:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


def on_login(sender, request, user, **kwargs) -> None:
    """Starts the idle clock; with YIXIE_SINGLE_SESSION, ends the user's previous session."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_ACTIVITY] = int(time.time())
    if not settings.YIXIE_SINGLE_SESSION:
        return
    from .models import UserSession

    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    previous = UserSession.objects.filter(user=user).values_list("session_key", flat=True).first()
    if previous and previous != key:
        engine = import_module(settings.SESSION_ENGINE)
        engine.SessionStore(session_key=previous).delete()
    UserSession.objects.update_or_create(user=user, defaults={"session_key": key})


class NoStoreMiddleware:
    """Cache-Control: no-store for every response to a logged-in user and for every download. Sits below
    WhiteNoise, so static files (served before it) keep their own long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        download = isinstance(response, FileResponse) or response.has_header("Content-Disposition")
        if download or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response
