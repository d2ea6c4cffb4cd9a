"""Village counters become region counters: every region above a village gets its own rows.

The existing village rows are kept (renamed) and summed up the tree once here, so the city's
and province's summaries read a few rows instead of summing every village's.
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models


def roll_up(apps, schema_editor):  # type: ignore[no-untyped-def]
    Region = apps.get_model("regions", "Region")
    RegionCounter = apps.get_model("dashboard", "RegionCounter")
    parent_of = dict(Region.objects.values_list("code", "parent_id"))
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for region, dimension, key, households, persons in RegionCounter.objects.values_list(
        "region_id", "dimension", "key", "households", "persons"
    ).iterator(chunk_size=5000):
        code = parent_of.get(region)
        while code is not None:
            slot = totals[(code, dimension, key)]
            slot[0] += households
            slot[1] += persons
            code = parent_of.get(code)
    RegionCounter.objects.bulk_create(
        [
            RegionCounter(region_id=code, dimension=dimension, key=key, households=h, persons=p)
            for (code, dimension, key), (h, p) in totals.items()
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("regions", "0002_province_level"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="villagecounter", name="village_counter_unique"),
        migrations.RenameModel(old_name="VillageCounter", new_name="RegionCounter"),
        migrations.RenameField(model_name="regioncounter", old_name="village", new_name="region"),
        migrations.AlterField(
            model_name="regioncounter",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="区划",
            ),
        ),
        migrations.AlterModelOptions(
            name="regioncounter",
            options={"verbose_name": "区划统计计数", "verbose_name_plural": "区划统计计数"},
        ),
        migrations.AddConstraint(
            model_name="regioncounter",
            constraint=models.UniqueConstraint(
                fields=("region", "dimension", "key"), name="region_counter_unique"
            ),
        ),
        migrations.RunPython(roll_up, migrations.RunPython.noop),
    ]
