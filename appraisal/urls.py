"""Appraisal pages under ``appraisal/`` (and the ballot's short link ``/b/<code>``), in the ``appraisal`` namespace."""

from django.urls import URLPattern, include, path

from appraisal.views import (
    annual,
    ballots,
    checkup,
    grades,
    notices,
    periods,
    quarterly,
    readiness,
    registration,
    results,
    schemes,
    scores,
    summaries,
    verdicts,
)

app_name = "appraisal"

# Score and period pages, under ``appraisal/`` in the ``appraisal`` namespace.
scores_patterns: list[URLPattern] = [
    path("me/", scores.my_score, name="my_score"),
    path("officials/<int:pk>/", scores.official_score, name="official_score"),
    path("ranking/", scores.ranking, name="ranking"),
    path("units/<int:pk>/", scores.unit_score, name="unit_score"),
    path("entries/new/", scores.entry_add_view, name="entry_add"),
    path("entries/<int:pk>/delete/", scores.entry_delete_view, name="entry_delete"),
    path("readiness/", readiness.readiness, name="readiness"),
    path("periods/", periods.period_list, name="period_list"),
    path("periods/<str:key>/", periods.period_detail, name="period_detail"),
    path("periods/<str:key>/rollup/", periods.period_rollup, name="period_rollup"),
    path("periods/<str:key>/rollups/<int:run_id>/", periods.rollup_progress, name="rollup_progress"),
    path("periods/<str:key>/close/", periods.period_close_view, name="period_close"),
    path("periods/<str:key>/open/<str:item>/", periods.period_open_items_view, name="period_open_items"),
    path("periods/<str:key>/publish/", periods.period_publish_view, name="period_publish"),
    path("periods/<str:key>/reopen/", periods.period_reopen_view, name="period_reopen"),
]

# The annual procedure's pages, under ``appraisal/`` in the ``appraisal`` namespace: the stage page of a unit's
# year, the summaries, the 评语, the public notices and objections, the written notices, reviews and appeals.
annual_patterns: list[URLPattern] = [
    path("annual/", annual.procedure_list, name="procedure_list"),
    path("annual/open/", annual.procedure_open_view, name="procedure_open"),
    path("annual/<int:pk>/", annual.procedure_detail, name="procedure_detail"),
    path("annual/<int:pk>/close-summaries/", annual.summaries_close_view, name="summaries_close"),
    path("annual/<int:pk>/submit-proposals/", annual.proposals_submit_view, name="proposals_submit"),
    path("annual/<int:pk>/notice/", annual.notice_open_view, name="notice_open"),
    path("annual/<int:pk>/finalize/", annual.finalize_view, name="procedure_finalize"),
    path("annual/<int:pk>/summaries/", summaries.procedure_summaries, name="procedure_summaries"),
    path("annual/<int:pk>/comments/", annual.procedure_comments, name="procedure_comments"),
    path("annual/<int:pk>/comments/<int:grade_pk>/", annual.comment_edit, name="comment_edit"),
    path("annual/<int:pk>/signatures/", annual.procedure_signatures, name="procedure_signatures"),
    path("annual/<int:pk>/events/", annual.procedure_event_list, name="procedure_events"),
    path("summary/", summaries.summary_mine, name="summary_mine"),
    path("summary/<int:pk>/", summaries.summary_detail, name="summary_detail"),
    path("summary/<int:pk>/autosave/", summaries.summary_autosave, name="summary_autosave"),
    path("summary/<int:pk>/return/", summaries.summary_return_view, name="summary_return"),
    path("summary/<int:pk>/oral/", summaries.summary_oral_view, name="summary_oral"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/object/", notices.objection_file_view, name="objection_file"),
    path("objections/", notices.objection_list, name="objection_list"),
    path("objections/<int:pk>/", notices.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/attachment/", notices.objection_attachment, name="objection_attachment"),
    path("my-appraisal/", verdicts.annual_mine, name="annual_mine"),
    path("grade-notices/<int:pk>/", verdicts.grade_notice_detail, name="grade_notice_detail"),
    path("grade-notices/<int:pk>/print/", verdicts.grade_notice_print, name="grade_notice_print"),
    path("grade-notices/<int:pk>/sign/", verdicts.grade_notice_sign_view, name="grade_notice_sign"),
    path("grade-notices/<int:pk>/review/", verdicts.review_request_view, name="review_request"),
    path("grade-notices/<int:pk>/appeal/", verdicts.appeal_file_view, name="appeal_file"),
    path("reviews/", verdicts.review_list, name="review_list"),
    path("reviews/<int:pk>/", verdicts.review_detail, name="review_detail"),
    path("appeals/<int:pk>/record/", verdicts.appeal_record_view, name="appeal_record"),
]

# 登记表 (annual appraisal registration forms), under ``appraisal/`` in the ``appraisal`` namespace: the print page
# of one official's form. A unit's forms are exported from the exports page (``appraisal:exports?kind=forms``).
registration_patterns: list[URLPattern] = [
    path("registration/<int:grade_pk>/", registration.registration_form, name="registration_form"),
]

# 结果运用 pages (use of the annual results), under ``appraisal/`` in the ``appraisal`` namespace.
results_patterns: list[URLPattern] = [
    path("results/", results.results, name="results"),
    path("results/export/", results.results_export, name="results_export"),
]

# Check-up pages, under ``appraisal/checkup/`` in the ``appraisal`` namespace; a round is named by its quarter.
checkup_patterns: list[URLPattern] = [
    path("", checkup.checkup_round_list, name="checkup_round_list"),
    path("new/", checkup.checkup_round_create, name="checkup_round_create"),
    path("mine/", checkup.checkup_mine, name="checkup_mine"),
    path("mine/<int:pk>/", checkup.checkup_rate, name="checkup_rate"),
    path("mine/<int:pk>/excuse/", checkup.checkup_excuse, name="checkup_excuse"),
    path("my-results/", checkup.checkup_my_results, name="checkup_my_results"),
    path("<str:key>/", checkup.checkup_round_detail, name="checkup_round_detail"),
    path("<str:key>/assign-defaults/", checkup.checkup_assign_defaults, name="checkup_assign_defaults"),
    path("<str:key>/assign/", checkup.checkup_assign, name="checkup_assign"),
    path("<str:key>/compute/", checkup.checkup_compute, name="checkup_compute"),
    path("<str:key>/close/", checkup.checkup_close, name="checkup_close"),
    path("<str:key>/results/", checkup.checkup_results, name="checkup_results"),
    path("<str:key>/results/<int:official_pk>/", checkup.checkup_result_detail, name="checkup_result_detail"),
]

# Ballot-code pages: the organization department's under ``appraisal/checkup/<key>/ballots/``; the ballot itself,
# without a login, at the short address printed on the slips, ``/b/<code>``.
ballots_patterns: list[URLPattern] = [
    path("<str:key>/ballots/", ballots.ballot_batches, name="ballot_batches"),
    path("<str:key>/ballots/issue/", ballots.ballot_batch_issue, name="ballot_batch_issue"),
    path("<str:key>/ballots/<int:pk>/revoke/", ballots.ballot_batch_revoke, name="ballot_batch_revoke"),
]

ballots_public_urlpatterns: list[URLPattern] = [
    path("", ballots.ballot_start, name="ballot_start"),
    path("thanks/", ballots.ballot_thanks, name="ballot_thanks"),
    path("<str:code>", ballots.ballot, name="ballot"),
    path("<str:code>/", ballots.ballot, name="ballot_slash"),  # a code typed with a trailing slash
]

# Annual grades and register exports, under ``appraisal/grades/`` in the ``appraisal`` namespace.
grades_patterns: list[URLPattern] = [
    path("", grades.grades, name="grades"),
    path("propose/", grades.grades_propose, name="grades_propose"),
    path("confirm/", grades.grades_confirm, name="grades_confirm"),
    path("quota/", grades.grades_quota, name="grades_quota"),
    path("exports/", grades.exports, name="exports"),
    path("exports/start/", grades.export_start, name="export_start"),
    path("exports/<int:pk>/progress/", grades.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", grades.export_download, name="export_download"),
]

# The quarterly grades' pages (平时考核), under ``appraisal/quarterly/`` in the ``appraisal`` namespace.
quarterly_patterns: list[URLPattern] = [
    path("", quarterly.quarterly_unit, name="quarterly_unit"),
    path("propose/", quarterly.quarterly_propose, name="quarterly_propose"),
    path("confirm-unit/", quarterly.quarterly_confirm_unit, name="quarterly_confirm_unit"),
    path("<int:pk>/save/", quarterly.quarterly_save, name="quarterly_save"),
    path("<int:pk>/confirm/", quarterly.quarterly_confirm, name="quarterly_confirm"),
    path("mine/", quarterly.quarterly_mine, name="quarterly_mine"),
    path("<int:pk>/reconsider/", quarterly.quarterly_reconsider, name="quarterly_reconsider"),
    path("requests/", quarterly.quarterly_requests, name="quarterly_requests"),
    path("<int:pk>/answer/", quarterly.quarterly_answer, name="quarterly_answer"),
    path("distribution/", quarterly.quarterly_distribution, name="quarterly_distribution"),
    path("rule/", quarterly.quarterly_rule, name="quarterly_rule"),
]

# Scheme and rule catalogue pages, under ``appraisal/schemes/`` in the ``appraisal`` namespace.
schemes_patterns: list[URLPattern] = [
    path("", schemes.scheme_list, name="schemes"),
    path("new/", schemes.scheme_create, name="scheme_create"),
    path("<int:pk>/", schemes.scheme_edit, name="scheme_edit"),
    path("<int:pk>/delete/", schemes.scheme_delete_view, name="scheme_delete"),
    path("rules/new/", schemes.rule_create, name="rule_create"),
    path("rules/<int:pk>/", schemes.rule_edit, name="rule_edit"),
]

urlpatterns = [
    path("appraisal/", include(scores_patterns)),
    path("appraisal/", include(annual_patterns)),
    path("appraisal/", include(registration_patterns)),
    path("appraisal/", include(results_patterns)),
    path("appraisal/checkup/", include(checkup_patterns)),
    path("appraisal/checkup/", include(ballots_patterns)),
    path("b/", include(ballots_public_urlpatterns)),  # the short link on the ballot slips (no login)
    path("appraisal/grades/", include(grades_patterns)),
    path("appraisal/quarterly/", include(quarterly_patterns)),
    path("appraisal/schemes/", include(schemes_patterns)),
]
