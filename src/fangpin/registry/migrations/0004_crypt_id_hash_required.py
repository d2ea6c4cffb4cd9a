from django.db import migrations

import fangpin.core.idfields


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_crypt_id_encrypt_rows")]

    operations = [
        migrations.AlterField(
            model_name="historicalperson",
            name="id_hash",
            field=fangpin.core.idfields.IdHashField(
                db_index=True, source="id_number", verbose_name="身份证号摘要"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_hash",
            field=fangpin.core.idfields.IdHashField(
                source="id_number", unique=True, verbose_name="身份证号摘要"
            ),
        ),
    ]
