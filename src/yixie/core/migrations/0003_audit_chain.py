"""The audit journal becomes a hash chain and append-only in the database (yixie.core.auditchain)."""

import django.utils.timezone
from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from yixie.core import auditchain

    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    db = schema_editor.connection.alias
    prev, seq = auditchain.GENESIS, 0
    batch = []
    for e in AuditEntry.objects.using(db).order_by("at", "id").iterator(chunk_size=2000):
        seq += 1
        e.seq, e.algorithm, e.prev_hash = seq, "sha256", prev
        e.hash = prev = auditchain.seal(e, prev)
        batch.append(e)
        if len(batch) >= 2000:
            AuditEntry.objects.using(db).bulk_update(batch, ["seq", "algorithm", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEntry.objects.using(db).bulk_update(batch, ["seq", "algorithm", "prev_hash", "hash"])
    AuditChainHead.objects.using(db).create(pk=1, seq=seq, hash=prev)


def guard(apps, schema_editor):
    from yixie.core import auditchain

    auditchain.install_guard(schema_editor)


def unguard(apps, schema_editor):
    from yixie.core import auditchain

    auditchain.remove_guard(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_notification_proposal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="client_ip",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="客户端地址"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True, verbose_name="链序号"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="前一条摘要"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="摘要"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="algorithm",
            field=models.CharField(default="sha256", max_length=12, verbose_name="摘要算法"),
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0, verbose_name="最新链序号")),
                ("hash", models.CharField(max_length=64, verbose_name="最新摘要")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="更新时间")),
            ],
            options={"verbose_name": "操作日志链头", "verbose_name_plural": "操作日志链头"},
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
