from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEntry, SecurityPolicy
from .people import user_label


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    """安全参数: the security administrator's values; an empty field keeps the environment's default, shown
    beside each field. One row; every change journaled with before and after (AuditedAdminMixin)."""

    list_display = ("__str__", "updated_at")
    readonly_fields = ("defaults", "updated_at")

    @admin.display(description="未填写时的默认值（部署环境变量）")
    def defaults(self, obj):
        from . import security

        return "；".join(f"{p.label}：{security.default(name)}" for name, p in security.PARAMS.items())

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "target_label", "reason")
    list_filter = ("action",)
    search_fields = ("target_label", "reason", "actor__username", "actor__first_name", "actor__last_name")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    list_select_related = ("actor",)

    @admin.display(description="操作人", ordering="actor")
    def actor_label(self, obj):
        return user_label(obj.actor)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        _journal_read(request, "查阅操作日志列表")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        _journal_read(request, f"查阅操作日志第{object_id}条")
        return super().change_view(request, object_id, form_url, extra_context)


def _journal_read(request, what: str) -> None:
    """The journal's readers are journaled too (the audit administrator included, GB/T 22239-2019 8.1.4.3)."""
    from . import audit

    if request.method == "GET" and request.user.is_authenticated:
        query = request.META.get("QUERY_STRING", "")
        audit.record(actor=request.user, action=audit.JOURNAL_READ, target=None, target_type="core.auditentry",
                     target_label=what, reason=f"查询条件：{query}" if query else "")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """User accounts are the system administrator's; who may do what is granted as roles by the security
    administrator (角色授权), never through Django's own permission fields, which only the set-up
    superuser sees."""

    _privilege_fields = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in self._privilege_fields]})
                for name, opts in fieldsets]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return filters if request.user.is_superuser else ("is_active",)


# Third-party apps speak Chinese in the admin too: their own strings are translated in src/yixie/locale
# (docs/decisions/0016); what they do not pass through gettext is named here.
if apps.is_installed("axes"):
    from axes.admin import AccessAttemptAdmin

    apps.get_app_config("axes").verbose_name = "登录保护"
    AccessAttemptAdmin.status.short_description = "状态"
    AccessAttemptAdmin.expiration.short_description = "过期时间"


# Two-factor devices (docs/decisions/0021): the security administrator unbinds a lost phone (deletes the
# device; its owner sets up a new one at the next login). Nobody reads or edits a device's key here.
if apps.is_installed("django_otp.plugins.otp_totp"):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    apps.get_app_config("otp_totp").verbose_name = "双因素认证"
    TOTPDevice._meta.verbose_name = TOTPDevice._meta.verbose_name_plural = "手机身份验证器"
    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)

    @admin.register(TOTPDevice)
    class TOTPDeviceAdmin(admin.ModelAdmin):
        list_display = ("owner", "device_name", "is_confirmed", "created", "last_used")
        search_fields = ("user__username", "user__first_name")
        list_select_related = ("user",)
        fields = ("owner", "device_name", "is_confirmed", "created", "last_used")
        readonly_fields = fields

        @admin.display(description="用户", ordering="user__username")
        def owner(self, obj):
            return user_label(obj.user)

        @admin.display(description="名称")
        def device_name(self, obj):
            return obj.name

        @admin.display(description="已确认绑定", boolean=True)
        def is_confirmed(self, obj):
            return obj.confirmed

        @admin.display(description="绑定时间", ordering="created_at")
        def created(self, obj):
            return obj.created_at

        @admin.display(description="最近使用", ordering="last_used_at")
        def last_used(self, obj):
            return obj.last_used_at

        def has_add_permission(self, request):
            return False

        def has_change_permission(self, request, obj=None):
            return False
