from django.contrib import admin

from .models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    """Rules as data (national rows have no region). 编办 tunes its region's values on 管理规则
    (ledger:rule_list); none of the three administrators sees them here (docs/decisions/0021), only the
    set-up superuser."""

    list_display = ("key", "region", "value", "severity", "source")
    list_filter = ("region", "severity")
    search_fields = ("key", "source")
