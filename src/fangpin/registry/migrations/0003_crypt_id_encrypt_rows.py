"""Encrypt the ID numbers already stored (persons and their history) and fill their hashes."""

from typing import Any

from django.db import migrations

from fangpin.core import idcrypt

CHUNK = 2000


def _convert(table: str, pk: str, schema_editor: Any) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(pk)}, id_number FROM {quote(table)} WHERE id_hash IS NULL "
            f"AND id_number IS NOT NULL ORDER BY {quote(pk)}"
        )
        rows = cursor.fetchall()
    for start in range(0, len(rows), CHUNK):
        updates = []
        for key, stored in rows[start : start + CHUNK]:
            number = idcrypt.decrypt(stored) if idcrypt.is_encrypted(stored) else stored
            updates.append((idcrypt.encrypt(number), idcrypt.digest(number), key))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(table)} SET id_number = %s, id_hash = %s WHERE {quote(pk)} = %s",
                updates,
            )


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    _convert("registry_person", "id", schema_editor)
    _convert("registry_historicalperson", "history_id", schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_crypt_id_encrypted")]

    operations = [migrations.RunPython(encrypt_rows, migrations.RunPython.noop, elidable=False)]
