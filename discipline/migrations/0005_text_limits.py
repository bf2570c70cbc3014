import common.text_limits
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('discipline', '0004_institution_kinds'),
    ]

    # The columns stay ``text``: a maximum is checked by the application (common.text_limits), not the database.
    # Only the state changes, so no table is rebuilt (SQLite would copy each table once per altered field).
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='appeal',
                name='grounds',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='grounds'),
            ),
            migrations.AlterField(
                model_name='appeal',
                name='outcome_note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reasons for the outcome'),
            ),
            migrations.AlterField(
                model_name='case',
                name='facts',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='facts'),
            ),
            migrations.AlterField(
                model_name='case',
                name='not_pursued_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason not pursued'),
            ),
            migrations.AlterField(
                model_name='casetransition',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='comment'),
            ),
            migrations.AlterField(
                model_name='decision',
                name='summary',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='decision text'),
            ),
            migrations.AlterField(
                model_name='historicalappeal',
                name='grounds',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='grounds'),
            ),
            migrations.AlterField(
                model_name='historicalappeal',
                name='outcome_note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reasons for the outcome'),
            ),
            migrations.AlterField(
                model_name='historicalcase',
                name='facts',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='facts'),
            ),
            migrations.AlterField(
                model_name='historicalcase',
                name='not_pursued_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason not pursued'),
            ),
            migrations.AlterField(
                model_name='historicaldecision',
                name='summary',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='decision text'),
            ),
            migrations.AlterField(
                model_name='historicaltalk',
                name='follow_up',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='follow-up'),
            ),
            migrations.AlterField(
                model_name='historicaltalk',
                name='topic',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='topic'),
            ),
            migrations.AlterField(
                model_name='historicaltolerancerequest',
                name='decision_note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='decision note'),
            ),
            migrations.AlterField(
                model_name='historicaltolerancerequest',
                name='rectification',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='rectification required'),
            ),
            migrations.AlterField(
                model_name='historicaltolerancerequest',
                name='rectification_note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='rectification note'),
            ),
            migrations.AlterField(
                model_name='historicaltolerancerequest',
                name='review_opinion',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='review opinion'),
            ),
            migrations.AlterField(
                model_name='historicaltolerancerequest',
                name='statement',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='statement of grounds'),
            ),
            migrations.AlterField(
                model_name='talk',
                name='follow_up',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='follow-up'),
            ),
            migrations.AlterField(
                model_name='talk',
                name='topic',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='topic'),
            ),
            migrations.AlterField(
                model_name='tolerancerequest',
                name='decision_note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='decision note'),
            ),
            migrations.AlterField(
                model_name='tolerancerequest',
                name='rectification',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='rectification required'),
            ),
            migrations.AlterField(
                model_name='tolerancerequest',
                name='rectification_note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='rectification note'),
            ),
            migrations.AlterField(
                model_name='tolerancerequest',
                name='review_opinion',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='review opinion'),
            ),
            migrations.AlterField(
                model_name='tolerancerequest',
                name='statement',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='statement of grounds'),
            ),
        ]),
    ]
