"""Indexes for household search at a million households and more (issue 15).

PostgreSQL only: on a database whose collation is not "C" (C.UTF-8 here) a plain B-tree
cannot answer `LIKE 'x%'`, so the 户主 name prefix search and the 户编号 prefix search scanned.
- `pg_trgm` GIN on registry_household.head_name answers name prefix searches (and any
  pattern of three characters or more);
- a `varchar_pattern_ops` B-tree on registry_household.number answers 户编号 prefixes.
SQLite keeps its plain indexes (LIKE there is answered by scanning the region's range).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS household_head_trgm ON registry_household "
    "USING gin (head_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS household_number_pattern ON registry_household "
    "(number varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS household_number_pattern",
    "DROP INDEX IF EXISTS household_head_trgm",
]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_income_links_d"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
