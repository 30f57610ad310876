"""Seed the national default rules (PolicyValue rows without a region); cities override with their own rows."""

from django.db import migrations


def seed(apps, schema_editor):
    from yixie.ledger.policy import NATIONAL_DEFAULTS

    PolicyValue = apps.get_model("ledger", "PolicyValue")
    for key, spec in NATIONAL_DEFAULTS.items():
        PolicyValue.objects.get_or_create(
            region=None, key=key,
            defaults={"value": spec["value"], "severity": str(spec["severity"]), "source": spec["source"]},
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
