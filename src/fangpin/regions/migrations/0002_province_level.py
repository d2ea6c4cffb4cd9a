from django.db import migrations, models


def add_province(apps, schema_editor):
    """A database that already holds cities gets the province above them, as a load would."""
    Region = apps.get_model("regions", "Region")
    cities = Region.objects.filter(level="city", parent__isnull=True, code__startswith="41")
    if not cities.exists():
        return
    Region.objects.update_or_create(
        code="410000",
        defaults={
            "name": "河南省",
            "level": "province",
            "parent": None,
            "prefix": "41",
            "prefix_code": "410000000000",
        },
    )
    cities.update(parent_id="410000")


def remove_province(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Region.objects.filter(parent_id="410000", level="city").update(parent=None)
    Region.objects.filter(code="410000", level="province").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="region",
            name="level",
            field=models.CharField(
                choices=[
                    ("province", "省"),
                    ("city", "市"),
                    ("county", "县(市、区)"),
                    ("township", "乡镇(街道)"),
                    ("village", "村(社区)"),
                ],
                db_index=True,
                max_length=10,
                verbose_name="级别",
            ),
        ),
        migrations.RunPython(add_province, remove_province),
    ]
