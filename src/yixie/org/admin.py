from django.contrib import admin

from .models import Department, Post, PostHolding, Region, RoleAssignment


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "kind", "order", "uscc", "established_on", "ended_on", "is_active")
    list_filter = ("region", "kind", "is_active")
    search_fields = ("name", "short_name", "uscc")

    def has_delete_permission(self, request, obj=None):
        return False


class PostHoldingInline(admin.TabularInline):
    model = PostHolding
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "order", "is_active")
    list_filter = ("region",)
    inlines = [PostHoldingInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "department")
    list_filter = ("role", "region")
    search_fields = ("user__username", "user__first_name")
    autocomplete_fields = ("department",)
