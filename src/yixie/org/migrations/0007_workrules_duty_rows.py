"""Each department's 三定 text split into `DepartmentDuty` rows (the rows are the truth from now on; the text is
kept in step by org.duties as derived). Sentences split on 。；; and line breaks, trimmed, empty dropped, basis
"三定规定". Departments that already have rows are left alone."""

import re

from django.db import migrations

_SPLIT = re.compile(r"[。；;\n\r]+")


def split(text):
    seen = []
    for part in _SPLIT.split(text or ""):
        part = part.strip().strip("，,、 \t")
        if part and part not in seen:
            seen.append(part)
    return seen


def forwards(apps, schema_editor):
    Department = apps.get_model("org", "Department")
    DepartmentDuty = apps.get_model("org", "DepartmentDuty")
    have = set(DepartmentDuty.objects.values_list("department_id", flat=True).distinct())
    rows = []
    for pk, text in Department.objects.exclude(duties="").values_list("id", "duties").iterator():
        if pk in have:
            continue
        rows += [DepartmentDuty(department_id=pk, ordinal=i, text=t, basis="三定规定")
                 for i, t in enumerate(split(text), 1)]
    DepartmentDuty.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0006_department_duty"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
