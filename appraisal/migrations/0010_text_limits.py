import common.text_limits
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('appraisal', '0009_period_facts_changed_and_close_reason'),
    ]

    # The columns stay ``text``: a maximum is checked by the application (common.text_limits), not the database.
    # Only the state changes, so no table is rebuilt (SQLite would copy each table once per altered field).
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='annualsummary',
                name='ability',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='ability (能)'),
            ),
            migrations.AlterField(
                model_name='annualsummary',
                name='achievement',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='achievements (绩)'),
            ),
            migrations.AlterField(
                model_name='annualsummary',
                name='diligence',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='diligence (勤)'),
            ),
            migrations.AlterField(
                model_name='annualsummary',
                name='integrity',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='integrity (廉)'),
            ),
            migrations.AlterField(
                model_name='annualsummary',
                name='morality',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='morality (德)'),
            ),
            migrations.AlterField(
                model_name='annualsummary',
                name='return_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason for return'),
            ),
            migrations.AlterField(
                model_name='exportjob',
                name='error',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='error'),
            ),
            migrations.AlterField(
                model_name='gradeappeal',
                name='outcome_text',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='decision'),
            ),
            migrations.AlterField(
                model_name='gradeappeal',
                name='reason',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='reasons'),
            ),
            migrations.AlterField(
                model_name='gradedecision',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='comment (评语)'),
            ),
            migrations.AlterField(
                model_name='gradedecision',
                name='head_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name="reason for the head's proposal"),
            ),
            migrations.AlterField(
                model_name='gradedecision',
                name='override_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='reason for override'),
            ),
            migrations.AlterField(
                model_name='gradedecision',
                name='withdrawn_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason sent back'),
            ),
            migrations.AlterField(
                model_name='gradenotice',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='comment (评语)'),
            ),
            migrations.AlterField(
                model_name='gradenotice',
                name='opinion',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='own opinion (本人意见)'),
            ),
            migrations.AlterField(
                model_name='gradereview',
                name='decision_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reasons for the decision'),
            ),
            migrations.AlterField(
                model_name='gradereview',
                name='reason',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='reasons'),
            ),
            migrations.AlterField(
                model_name='historicalannualsummary',
                name='ability',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='ability (能)'),
            ),
            migrations.AlterField(
                model_name='historicalannualsummary',
                name='achievement',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='achievements (绩)'),
            ),
            migrations.AlterField(
                model_name='historicalannualsummary',
                name='diligence',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='diligence (勤)'),
            ),
            migrations.AlterField(
                model_name='historicalannualsummary',
                name='integrity',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='integrity (廉)'),
            ),
            migrations.AlterField(
                model_name='historicalannualsummary',
                name='morality',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='morality (德)'),
            ),
            migrations.AlterField(
                model_name='historicalannualsummary',
                name='return_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason for return'),
            ),
            migrations.AlterField(
                model_name='historicalgradeappeal',
                name='outcome_text',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='decision'),
            ),
            migrations.AlterField(
                model_name='historicalgradeappeal',
                name='reason',
                field=common.text_limits.LimitedTextField(max_length=10000, verbose_name='reasons'),
            ),
            migrations.AlterField(
                model_name='historicalgradedecision',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='comment (评语)'),
            ),
            migrations.AlterField(
                model_name='historicalgradedecision',
                name='head_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name="reason for the head's proposal"),
            ),
            migrations.AlterField(
                model_name='historicalgradedecision',
                name='override_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='reason for override'),
            ),
            migrations.AlterField(
                model_name='historicalgradedecision',
                name='withdrawn_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason sent back'),
            ),
            migrations.AlterField(
                model_name='historicalgradenotice',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='comment (评语)'),
            ),
            migrations.AlterField(
                model_name='historicalgradenotice',
                name='opinion',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='own opinion (本人意见)'),
            ),
            migrations.AlterField(
                model_name='historicalgradereview',
                name='decision_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reasons for the decision'),
            ),
            migrations.AlterField(
                model_name='historicalgradereview',
                name='reason',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='reasons'),
            ),
            migrations.AlterField(
                model_name='historicalobjection',
                name='finding',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='finding'),
            ),
            migrations.AlterField(
                model_name='historicalobjection',
                name='reason',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='reasons'),
            ),
            migrations.AlterField(
                model_name='historicalquarterlygrade',
                name='answer_text',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='answer'),
            ),
            migrations.AlterField(
                model_name='historicalquarterlygrade',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=500, verbose_name='comment (写实)'),
            ),
            migrations.AlterField(
                model_name='historicalquarterlygrade',
                name='reconsider_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason to reconsider'),
            ),
            migrations.AlterField(
                model_name='historicalquotaapproval',
                name='reason',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='reason'),
            ),
            migrations.AlterField(
                model_name='historicalscorerule',
                name='description',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='description'),
            ),
            migrations.AlterField(
                model_name='noticecandidate',
                name='withdrawn_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason withdrawn'),
            ),
            migrations.AlterField(
                model_name='objection',
                name='finding',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='finding'),
            ),
            migrations.AlterField(
                model_name='objection',
                name='reason',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='reasons'),
            ),
            migrations.AlterField(
                model_name='periodevent',
                name='reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason'),
            ),
            migrations.AlterField(
                model_name='procedureevent',
                name='note',
                field=common.text_limits.LimitedTextField(blank=True, max_length=10000, verbose_name='note'),
            ),
            migrations.AlterField(
                model_name='quarterlygrade',
                name='answer_text',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='answer'),
            ),
            migrations.AlterField(
                model_name='quarterlygrade',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=500, verbose_name='comment (写实)'),
            ),
            migrations.AlterField(
                model_name='quarterlygrade',
                name='reconsider_reason',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='reason to reconsider'),
            ),
            migrations.AlterField(
                model_name='quotaapproval',
                name='reason',
                field=common.text_limits.LimitedTextField(max_length=2000, verbose_name='reason'),
            ),
            migrations.AlterField(
                model_name='raterassignment',
                name='comment',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='comment'),
            ),
            migrations.AlterField(
                model_name='rolluprun',
                name='error',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='error'),
            ),
            migrations.AlterField(
                model_name='scorerule',
                name='description',
                field=common.text_limits.LimitedTextField(blank=True, max_length=2000, verbose_name='description'),
            ),
        ]),
    ]
