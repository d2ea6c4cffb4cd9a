"""Indexes for household search at a million households and more (issue 15).

PostgreSQL only: `pg_trgm` GIN on registry_household.head_name, for name patterns (prefix,
and any pattern of three characters or more) with selectivity estimates the planner can use
for common names. The 户编号 and 户主 prefixes already have Django's `varchar_pattern_ops`
B-trees (`*_like`), which answer `LIKE 'x%'` under a non-C collation. SQLite keeps its plain
indexes.
"""

from django.db import migrations

from fangpin.core.pg_migrations import postgres_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS household_head_trgm ON registry_household "
    "USING gin (head_name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS household_head_trgm",
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_person_employment"),
    ]

    operations = [
        postgres_only(FORWARD, BACKWARD),
    ]
