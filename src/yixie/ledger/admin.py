from django.contrib import admin

from .models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    """Rules as data: a system administrator tunes a region's values here (national rows have no region)."""

    list_display = ("key", "region", "value", "severity", "source")
    list_filter = ("region", "severity")
    search_fields = ("key", "source")
