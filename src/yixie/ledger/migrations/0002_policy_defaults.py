"""Seed the national default rules (PolicyValue rows without a region); cities override with their own rows.

The values are frozen here as they stood when this migration was written; later defaults live in
`yixie.ledger.policy.NATIONAL_DEFAULTS`, which `Policy.for_region` falls back to for any key without a row.
"""

from django.db import migrations

DEFAULTS = [
    ('leaders.leader_count', 1, 'error', '《地方议事协调机构管理办法（试行）》：设组长一名'),
    ('leaders.max_deputies', 2, 'error', '《地方议事协调机构管理办法（试行）》：副组长一般为一至二名'),
    ('members.cap_single', 10, 'warning', '《地方议事协调机构管理办法（试行）》：单项工作成员单位一般不超过10个，确需超过的报主要领导同意'),
    ('members.cap_comprehensive', 15, 'warning', '《地方议事协调机构管理办法（试行）》：综合性工作成员单位一般不超过15个，确需超过的报主要领导同意'),
    ('temporary.requires_end', True, 'error', '《国务院行政机构设置和编制管理条例》（国务院令第227号）第十条；《地方各级人民政府机构设置和编制管理条例》（国务院令第486号）第十一条：临时机构应当明确规定撤销的条件或者期限'),
    ('office.host_required', True, 'error', '议事协调机构不单设实体性办事机构，不单独核定编制和领导职数，具体工作由有关部门承担'),
    ('townships.may_hold_bodies', False, 'error', '《地方议事协调机构管理办法（试行）》（2025年）：乡镇（街道）不设立议事协调机构'),
    ('work_rules.deadline_days', 30, 'warning', '议事协调机构设立后一个月内制定工作规则，报机构编制部门备案'),
]


def seed(apps, schema_editor):
    PolicyValue = apps.get_model("ledger", "PolicyValue")
    for key, value, severity, source in DEFAULTS:
        PolicyValue.objects.get_or_create(region=None, key=key,
                                          defaults={"value": value, "severity": severity, "source": source})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
