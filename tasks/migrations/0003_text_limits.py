import common.text_limits
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0002_taskimport_history'),
    ]

    # The columns stay ``text``: a maximum is checked by the application (common.text_limits), not the database.
    # Only the state changes, so no table is rebuilt (SQLite would copy each table once per altered field).
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='historicalsupervisionletter',
                name='content',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='content'),
            ),
            migrations.AlterField(
                model_name='historicalsupervisionletter',
                name='reply',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='reply'),
            ),
            migrations.AlterField(
                model_name='historicaltask',
                name='description',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='description'),
            ),
            migrations.AlterField(
                model_name='historicaltask',
                name='goal',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='goal and standard'),
            ),
            migrations.AlterField(
                model_name='historicaltask',
                name='rectification_note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='rectification note'),
            ),
            migrations.AlterField(
                model_name='monthlyreport',
                name='next_month_plan',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name="next month's plan"),
            ),
            migrations.AlterField(
                model_name='monthlyreport',
                name='return_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason for return'),
            ),
            migrations.AlterField(
                model_name='monthlyreport',
                name='review_comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='review comment'),
            ),
            migrations.AlterField(
                model_name='monthlyreport',
                name='self_assessment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='self-assessment'),
            ),
            migrations.AlterField(
                model_name='monthlyreportitem',
                name='content',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='result'),
            ),
            migrations.AlterField(
                model_name='reporttransition',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='comment'),
            ),
            migrations.AlterField(
                model_name='supervisionletter',
                name='content',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='content'),
            ),
            migrations.AlterField(
                model_name='supervisionletter',
                name='reply',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='reply'),
            ),
            migrations.AlterField(
                model_name='task',
                name='description',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='description'),
            ),
            migrations.AlterField(
                model_name='task',
                name='goal',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='goal and standard'),
            ),
            migrations.AlterField(
                model_name='task',
                name='rectification_note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='rectification note'),
            ),
            migrations.AlterField(
                model_name='weeklyupdate',
                name='done',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='what was done'),
            ),
            migrations.AlterField(
                model_name='weeklyupdate',
                name='help_needed',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='help needed'),
            ),
            migrations.AlterField(
                model_name='weeklyupdate',
                name='problems',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='problems'),
            ),
        ]),
    ]
