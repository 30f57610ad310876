from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig


class SuperuserAdminSite(admin.AdminSite):
    """The admin is a system administrator's tool: staff status alone is not enough."""

    site_header = "议协 · 系统管理"
    site_title = "议协系统管理"
    index_title = "系统管理"

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class AdminConfig(BaseAdminConfig):
    default_site = "yixie.core.admin_site.SuperuserAdminSite"
