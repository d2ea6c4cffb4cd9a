"""Encrypt the ID numbers kept in cases' member snapshots (cases and their history)."""

from typing import Any

from django.db import migrations

from fangpin.core import idcrypt


def _encrypt_snapshots(model: Any) -> None:
    for row in model.objects.exclude(members_snapshot=[]).iterator(chunk_size=2000):
        changed = False
        for member in row.members_snapshot:
            number = member.get("id_number")
            if number and not idcrypt.is_encrypted(number):
                member["id_number"] = idcrypt.encrypt(number)
                changed = True
        if changed:
            model.objects.filter(pk=row.pk).update(members_snapshot=row.members_snapshot)


def encrypt_snapshots(apps: Any, schema_editor: Any) -> None:
    _encrypt_snapshots(apps.get_model("monitoring", "Case"))
    _encrypt_snapshots(apps.get_model("monitoring", "HistoricalCase"))


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [
        migrations.RunPython(encrypt_snapshots, migrations.RunPython.noop, elidable=False)
    ]
