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
    anchors = auditchain.read_anchors()
    report = auditchain.verify(anchors=anchors)
    return render(request, "core/audit_chain.html",
                  {"report": report, "anchors": anchors[-10:][::-1], "anchor_count": len(anchors)})
