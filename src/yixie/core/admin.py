from django.apps import apps
from django.contrib import admin

from .models import AuditEntry
from .people import user_label


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


# Third-party apps speak Chinese in the admin too: their own strings are translated in src/yixie/locale
# (docs/decisions/0016); what they do not pass through gettext is named here.
if apps.is_installed("axes"):
    from axes.admin import AccessAttemptAdmin

    apps.get_app_config("axes").verbose_name = "登录保护"
    AccessAttemptAdmin.status.short_description = "状态"
    AccessAttemptAdmin.expiration.short_description = "过期时间"
