"""Encrypt the ID numbers already stored (persons and their history) and fill their hashes."""

from typing import Any

from django.db import migrations

from fangpin.core import idcrypt

CHUNK = 2000


def _convert(table: str, pk: str, schema_editor: Any) -> None:
    """Chunk by chunk (a converted row leaves the selection), so memory stays flat."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    select = (
        f"SELECT {quote(pk)}, id_number FROM {quote(table)} WHERE id_hash IS NULL "
        f"AND id_number IS NOT NULL ORDER BY {quote(pk)} LIMIT {CHUNK}"
    )
    update = f"UPDATE {quote(table)} SET id_number = %s, id_hash = %s WHERE {quote(pk)} = %s"
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select)
            rows = cursor.fetchall()
            if not rows:
                return
            changes = []
            for key, stored in rows:
                number = idcrypt.decrypt(stored) if idcrypt.is_encrypted(stored) else stored
                changes.append((idcrypt.encrypt(number), idcrypt.digest(number), key))
            cursor.executemany(update, changes)


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    _convert("registry_person", "id", schema_editor)
    _convert("registry_historicalperson", "history_id", schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_crypt_id_encrypted")]

    operations = [migrations.RunPython(encrypt_rows, migrations.RunPython.noop, elidable=False)]
