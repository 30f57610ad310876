from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import audit, auditchain, notifications, passwords
from .access import AUTHENTICATED, PUBLIC, requires
from .dates import format_date_zh


class ChineseAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续多次输错将暂时停止从本机登录该账号。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def clean(self):
        from django.core.exceptions import ValidationError

        from .lockout import refusal

        why = refusal(self.request, (self.cleaned_data.get("username") or "").strip())
        if why:
            raise ValidationError(why, code="throttled")
        return super().clean()


class LoginView(auth_views.LoginView):
    access_rule = PUBLIC
    template_name = "registration/login.html"
    authentication_form = ChineseAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """The three administrators work in the admin site: they hold no business page."""
        from django.urls import reverse

        from .admin_site import is_administrator

        if is_administrator(self.request.user):
            return reverse("admin:index")
        return super().get_default_redirect_url()


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: every user changes their own password (the old one, then the new one twice), checked by the
    rules of core/passwords.py; journaled as 修改密码 (audit.PASSWORD_CHANGE), never with the password."""

    access_rule = AUTHENTICATED
    template_name = "registration/password_change.html"

    success_url = reverse_lazy("insight:home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rules"] = password_validation_help()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=self.request.user, action=audit.PASSWORD_CHANGE, target=self.request.user,
                     reason="修改本人密码")
        passwords.forget_expiry(self.request)
        messages.success(self.request, "密码已修改，下次登录请使用新密码。")
        return response


def password_validation_help() -> list[str]:
    from django.contrib.auth.password_validation import password_validators_help_texts

    return password_validators_help_texts()


@requires(AUTHENTICATED)
@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("login")


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有访问该页面的权限。"
    return render(request, "errors/error.html", {"title": "无权访问", "message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/error.html",
                  {"title": "页面不存在", "message": "您访问的页面不存在，或您无权查看该内容。"}, status=404)


def server_error(request):
    return render(request, "errors/error.html",
                  {"title": "系统出错", "message": "系统处理时出错，已记录。请稍后重试或联系管理员。"}, status=500)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # A form's text beyond DATA_UPLOAD_MAX_MEMORY_SIZE (files are counted apart, by each form's own limit).
        return render(request, "errors/error.html", {
            "title": "提交的内容过大",
            "message": (f"本次提交的内容超过了系统允许的大小（表单文字不超过{_mb(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}，"
                        f"附件不超过{_mb(settings.YIXIE_UPLOAD_MAX_BYTES)}，Excel导入文件不超过"
                        f"{_mb(settings.YIXIE_IMPORT_MAX_BYTES)}）。请删减内容或拆分文件后返回重试，已填写的内容未保存。"),
        }, status=413)
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return render(request, "errors/error.html", {
            "title": "提交的项目过多",
            "message": "本次提交包含的栏目或文件数量超过了系统允许的上限，请分批提交后重试，已填写的内容未保存。",
        }, status=400)
    return render(request, "errors/error.html", {"title": "请求无效", "message": "请求内容无效，请返回重试。"}, status=400)


def csrf_failure(request, reason=""):
    return render(request, "errors/error.html",
                  {"title": "请求已过期", "message": "表单已过期或来源无法验证（CSRF 校验失败），请刷新页面后重新提交。"},
                  status=403)


@requires(PUBLIC)
def health(request):
    """Liveness and readiness for a load balancer: the database answers and shared media is mounted."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    if not Path(settings.MEDIA_ROOT).is_dir():
        return HttpResponse("media missing", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@requires(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def notification_list(request):
    """The notification centre: the user's own notifications, newest first; mark one or all read."""
    if request.method == "POST":
        raw = request.POST.getlist("id")
        ids = [int(x) for x in raw if x.isdigit()]
        if raw and not ids:
            messages.error(request, "要标记的通知编号无效。")
            return redirect("core:notifications")
        n = notifications.mark_read(user=request.user, ids=ids or None)
        messages.success(request, f"已将 {n} 条通知标记为已读。")
        next_url = request.POST.get("next", "")
        if next_url.startswith("/") and not next_url.startswith("//"):
            return redirect(next_url)
        return redirect("core:notifications")
    unread_only = request.GET.get("unread") == "1"
    items = notifications.for_user(request.user, unread_only=unread_only)[:200]
    return render(request, "core/notifications.html", {"items": items, "unread_only": unread_only})


@requires("audit.verify")
def audit_chain(request):
    """操作日志完整性校验: the chain walked now, against the anchored heads (for the audit administrator)."""
    from . import audit

    audit.record(actor=request.user, action=audit.JOURNAL_READ, target=None, target_type="core.auditentry",
                 target_label="操作日志完整性校验")
    anchors = auditchain.read_anchors()
    report = auditchain.verify(anchors=anchors)
    return render(request, "core/audit_chain.html",
                  {"report": report, "anchors": anchors[-10:][::-1], "anchor_count": len(anchors)})


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _parse_day(request, name: str, label: str):
    from datetime import date

    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{label}“{raw}”不是有效日期，请按 2026-01-31 的格式填写。") from None


@requires("audit.export")
def audit_export(request):
    """导出操作日志 (CSV, opens in Excel): the whole journal or the days asked for, itself journaled."""
    import csv
    from datetime import datetime, time

    from django.http import StreamingHttpResponse
    from django.utils import timezone

    from . import audit
    from .models import AuditEntry
    from .people import user_label

    try:
        since = _parse_day(request, "since", "起始日期")
        until = _parse_day(request, "until", "截止日期")
    except ValueError as exc:
        return render(request, "core/audit_export.html", {"error": str(exc)}, status=400)
    if since and until and until < since:
        return render(request, "core/audit_export.html",
                      {"error": f"截止日期{format_date_zh(until)}早于起始日期{format_date_zh(since)}，请核对。"}, status=400)
    if since is None and until is None and request.GET.get("all") != "1":
        return render(request, "core/audit_export.html", {})
    entries = AuditEntry.objects.select_related("actor").order_by("id")
    label = "全部"
    if since:
        entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        entries = entries.filter(at__lt=timezone.make_aware(datetime.combine(until, time.max)))
    if since or until:
        label = f"{since or '最早'}至{until or '最新'}"
    audit.record(actor=request.user, action=audit.EXPORT, target=None, target_type="core.auditentry",
                 target_label=f"操作日志（{label}）", reason=f"导出{entries.count()}条")

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def rows():
        yield "\ufeff"
        yield writer.writerow(["序号", "时间", "操作人", "客户端地址", "操作", "对象类型", "对象编号", "对象",
                               "事由", "修改前", "修改后", "校验值"])
        for e in entries.iterator(chunk_size=2000):
            yield writer.writerow([_csv_cell(v) for v in (
                e.pk, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), user_label(e.actor) if e.actor else "",
                e.client_ip or "", e.action, e.target_type, e.target_id, e.target_label, e.reason,
                "" if e.before is None else e.before, "" if e.after is None else e.after, e.hash)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-journal-{stamp}.csv"'
    return response


# ---------------------------------------------------------------- two-factor login (docs/decisions/0021)

def _safe_next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    from .admin_site import is_administrator

    return "/admin/" if is_administrator(request.user) else settings.LOGIN_REDIRECT_URL


@requires(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def twofactor_setup(request):
    """设置双因素认证: the key as text, an otpauth:// link and a QR code; confirmed with a first code."""
    from django_otp import login as otp_login

    from . import audit, twofactor

    user = request.user
    existing = twofactor.confirmed_device(user)
    if existing is not None:
        if not user.is_verified():
            # Only with the code of the device already set up may anyone change it.
            return redirect(f"{twofactor.VERIFY_PATH}?next={request.GET.get('next', '')}")
        return render(request, "core/twofactor_setup.html", {"enabled": True, "device": existing})
    device = twofactor.pending_device(user)
    error = None
    if request.method == "POST":
        error = twofactor.check_code(user, device, request.POST.get("code", ""))
        if error is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(actor=user, action=twofactor.ENABLED, target=user, reason="绑定手机身份验证器")
            messages.success(request, "双因素认证已启用：以后登录时，输入密码后还需输入身份验证器上的动态口令。")
            return redirect(_safe_next(request))
    uri = device.config_url
    return render(request, "core/twofactor_setup.html", {
        "enabled": False, "secret": twofactor.secret_text(device), "uri": uri, "qr": twofactor.qr_svg(uri),
        "error": error, "required": twofactor.required_for(user), "next": request.GET.get("next", "")},
        status=400 if error else 200)


@requires(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def twofactor_verify(request):
    """输入动态口令: the second step of the login."""
    from django_otp import login as otp_login

    from . import audit, twofactor

    user = request.user
    device = twofactor.confirmed_device(user)
    if device is None:
        return redirect(twofactor.SETUP_PATH)
    if user.is_verified():
        return redirect(_safe_next(request))
    error = None
    if request.method == "POST":
        error = twofactor.check_code(user, device, request.POST.get("code", ""))
        if error is None:
            otp_login(request, device)
            audit.record(actor=user, action=twofactor.VERIFIED, target=user, reason="动态口令正确")
            return redirect(_safe_next(request))
        audit.record(actor=user, action=twofactor.FAILED, target=user, reason=error)
    return render(request, "core/twofactor_verify.html", {"error": error, "next": request.GET.get("next", "")},
                  status=400 if error else 200)
