import common.text_limits
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('common', '0002_idempotency_key'),
    ]

    # The columns stay ``text``: a maximum is checked by the application (common.text_limits), not the database.
    # Only the state changes, so no table is rebuilt (SQLite would copy each table once per altered field).
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='idempotencykey',
                name='body',
                field=common.text_limits.LimitedTextField(blank=True, max_length=1000000, verbose_name='body'),
            ),
            migrations.AlterField(
                model_name='notification',
                name='body',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='body'),
            ),
        ]),
    ]
