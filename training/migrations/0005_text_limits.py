import common.text_limits
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0004_criticism_flag_withdrawn'),
    ]

    # The columns stay ``text``: a maximum is checked by the application (common.text_limits), not the database.
    # Only the state changes, so no table is rebuilt (SQLite would copy each table once per altered field).
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='criticismflag',
                name='note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='note'),
            ),
            migrations.AlterField(
                model_name='externaltraining',
                name='return_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason for return'),
            ),
            migrations.AlterField(
                model_name='historicalcriticismflag',
                name='note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='note'),
            ),
            migrations.AlterField(
                model_name='historicalexternaltraining',
                name='return_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason for return'),
            ),
            migrations.AlterField(
                model_name='studyplan',
                name='notes',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='notes'),
            ),
        ]),
    ]
