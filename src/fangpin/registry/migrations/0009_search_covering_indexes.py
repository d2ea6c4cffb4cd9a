"""Covering indexes for name search at province scale (issue 15).

PostgreSQL only. Measured on the 1M-household bench database, a city user's search for a
common name (1,059 persons named 王磊 in the province) went from 122 ms to 7 ms (cold) for
the member-name lookup, because each step became an index-only scan:
- `person_name_id`: a name to its persons without visiting the table;
- `membership_current_person_household`: a person to the current household;
- `household_id_village`: a household to its village, to keep those in the user's region;
- `household_head_village`: 户主 name prefix and village in one B-tree, so a common name is
  narrowed to the user's region inside the index instead of AND-ing a bitmap of every
  household of the city.
SQLite keeps its plain indexes.
"""

from django.db import migrations

from fangpin.core.pg_migrations import postgres_only

FORWARD = [
    "CREATE INDEX IF NOT EXISTS person_name_id ON registry_person (name, id)",
    "CREATE INDEX IF NOT EXISTS membership_current_person_household ON registry_membership"
    " (person_id) INCLUDE (household_id) WHERE ended_on IS NULL",
    "CREATE INDEX IF NOT EXISTS household_id_village ON registry_household (id)"
    " INCLUDE (village_id)",
    "CREATE INDEX IF NOT EXISTS household_head_village ON registry_household"
    " (head_name varchar_pattern_ops, village_id)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS household_head_village",
    "DROP INDEX IF EXISTS household_id_village",
    "DROP INDEX IF EXISTS membership_current_person_household",
    "DROP INDEX IF EXISTS person_name_id",
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_search_indexes"),
    ]

    operations = [
        postgres_only(FORWARD, BACKWARD),
    ]
