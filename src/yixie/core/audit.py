"""The one place that writes the audit journal."""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import auditchain, bulk
from .models import AuditEntry

# Journal actions of the house itself (the apps name theirs in their services, in the same Chinese words).
ADMIN_ADD, ADMIN_CHANGE, ADMIN_DELETE = "后台新增", "后台修改", "后台删除"
LOGIN, LOGOUT, LOGIN_FAILED, PASSWORD_CHANGE = "登录", "退出登录", "登录失败", "修改密码"
DOWNLOAD, EXPORT = "下载文件", "导出"
JOURNAL_READ = "查阅日志"

#: The client address of the request being served (set by `ClientAddressMiddleware`), journaled with
#: every entry the request writes.
client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("yixie_client_ip", default=None)


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or — behind YIXIE_PROXY_COUNT trusted proxies (nginx) — the address
    the nearest trusted proxy saw, from the right of X-Forwarded-For (what a client writes on the left is
    not trusted). One function for the journal, the login lockout (axes' AXES_CLIENT_IP_CALLABLE) and
    the throttle."""
    from django.conf import settings

    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "YIXIE_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if a.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


class ClientAddressMiddleware:
    """Remember the request's client address for the journal entries it writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-able picture of a model instance's concrete fields (FKs by their display text)."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"created_at", "updated_at", "id"}:
            continue
        if f.is_relation:
            data[f.name] = str(getattr(obj, f.name)) if getattr(obj, f.attname) is not None else None
        elif f.choices:
            data[f.name] = getattr(obj, f"get_{f.name}_display")()
        else:
            data[f.name] = _jsonable(getattr(obj, f.attname))
    return data


def entry(
    *,
    actor,
    action: str,
    target: models.Model | None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    body_id: int | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
) -> AuditEntry:
    """One journal entry, unsaved: what `record` writes, for `record_many` to write in bulk.

    `target` is the row written; where there is none (a failed login for an unknown name, a download
    of a generated file), `target_type`, `target_id` and `target_label` say what it was about."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        at=timezone.now(),
        client_ip=client_ip.get(),
        actor=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else target_type,
        target_id=str(target.pk) if target is not None else target_id,
        target_label=(target_label or (str(target) if target is not None else ""))[:300],
        body_id=body_id,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason[:500],
    )


def record(
    *,
    actor,
    action: str,
    target: models.Model | None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    body_id: int | None = None,
    **about: str,
) -> AuditEntry:
    """Journal one write (or sensitive read). Call inside the same transaction as the write itself."""
    e = entry(actor=actor, action=action, target=target, before=before, after=after, reason=reason, body_id=body_id,
              **about)
    with transaction.atomic():
        auditchain.chain([e])
        e.save(force_insert=True)
    return e


def record_many(entries: list[AuditEntry]) -> None:
    """Journal many writes at once (entries made by `entry`), in the same transaction as the writes."""
    with transaction.atomic():
        auditchain.chain(entries)
        bulk.insert_objects(AuditEntry, entries)


# ---------------------------------------------------------------- logins

def on_login(sender, request, user, **kwargs) -> None:
    record(actor=user, action=LOGIN, target=user, reason="登录成功")


def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(actor=user, action=LOGOUT, target=user, reason="退出登录")


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """A failed login: the name tried (never the password) and the client address."""
    from django.contrib.auth import get_user_model

    name = str(credentials.get("username") or "")[:150]
    user = get_user_model()._default_manager.filter(username=name).first() if name else None
    if request is not None and client_ip.get() is None:
        token = client_ip.set(client_address(request))
    else:
        token = None
    try:
        record(actor=None, action=LOGIN_FAILED, target=user, target_type="auth.user", target_id="",
               target_label=f"登录名“{name}”" if user is None else "", reason="登录失败：用户名或密码不正确")
    finally:
        if token is not None:
            client_ip.reset(token)
