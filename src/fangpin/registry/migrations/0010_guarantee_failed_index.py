"""A partial index on the households whose guarantees fail (a few percent of them).

PostgreSQL only. The 放心村 ratings list every failing guarantee of a county: without it the
planner reads the whole guarantee table (5M rows at 5M households: 716 ms); with it, only the
failing rows (432 ms on the same database; most of what is left is reading the county's
households). The condition is `registry.selectors.guarantee_problem_q` (safe housing: A, B).
"""

from django.db import migrations

from fangpin.core.pg_migrations import postgres_only

FORWARD = [
    "CREATE INDEX IF NOT EXISTS guarantee_failed_household ON registry_guarantee (household_id)"
    " WHERE (NOT food_ok OR NOT clothing_ok OR NOT education_ok OR NOT medical_ok"
    " OR NOT water_ok OR housing_grade::text <> ALL ('{B,A}'::text[]))",
]
BACKWARD = ["DROP INDEX IF EXISTS guarantee_failed_household"]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_search_covering_indexes"),
    ]

    operations = [
        postgres_only(FORWARD, BACKWARD),
    ]
