"""Which test pins the query count of each list page, API list and Celery job (issue 16, item 4): endpoint → the test,
as a path from the repository root and a function name. tests/test_query_counts_covered.py checks that every one
the project has is here, and that each named test pins an exact count and names its endpoint."""

from __future__ import annotations

_HOME = "tests/org/test_home.py::test_the_home_page_costs_a_pinned_number_of_queries"
_ORG_LISTS = "tests/org/test_pages.py::test_list_pages_cost_the_same_queries_for_10_and_100_officials"
_TASK_PAGES = "tests/tasks/test_tasks_pages.py::test_list_pages_cost_a_constant_number_of_queries"
_ANNUAL_LISTS = "tests/appraisal/test_annual_pages.py::test_list_pages_cost_the_same_queries_for_more_data"
_PROCEDURE_LISTS = "tests/appraisal/test_annual_pages.py::test_procedure_list_pages_cost_the_same_queries"
_QUARTERLY = "tests/appraisal/test_quarterly_pages.py::test_pages_cost_the_same_queries_for_more_data"
_APPRAISAL = "tests/appraisal/test_query_counts.py::test_each_list_costs_the_same_pinned_queries_for_few_and_many_rows"
_TRAINING = "tests/training/test_query_counts.py::test_each_list_costs_the_same_pinned_queries_for_few_and_many_rows"
_PLANS = "tests/training/test_plans.py::test_list_and_detail_cost_a_constant_number_of_queries"
_CATALOGUE = ("tests/discipline/test_pages_talks_catalogue.py::"
              "test_the_catalogue_pages_cost_the_same_pinned_queries_for_more_rows")

PAGES = {
    "home": _HOME,
    "org:official_list": "tests/org/test_pages.py::test_officials_list_query_count_is_pinned",
    "org:statistics": _ORG_LISTS,
    "org:unit_tree": _ORG_LISTS,
    "org:calendar": "tests/org/test_calendar_pages.py::test_the_page_query_count_does_not_grow_with_the_days",
    "org:official_search": "tests/org/test_official_picker.py::test_the_search_costs_a_constant_number_of_queries",
    "org:leave_list": "tests/org/test_leave_pages.py::test_the_list_paginates_with_a_constant_query_count",
    "tasks:my_tasks": _TASK_PAGES,
    "tasks:task_board": _TASK_PAGES,
    "tasks:weekly_missing": _TASK_PAGES,
    "tasks:report_mine": "tests/tasks/test_reports_pages.py::test_my_reports_query_count_is_constant",
    "tasks:report_review_queue": "tests/tasks/test_lists.py::test_the_queue_costs_a_fixed_number_of_queries",
    "tasks:report_board": "tests/tasks/test_reports_pages.py::test_board_paginates_and_query_count_is_constant",
    "tasks:letter_list": "tests/tasks/test_letters_pages.py::"
                         "test_the_list_costs_the_same_queries_for_10_and_100_letters",
    "appraisal:my_score": "tests/appraisal/test_score_pages.py::test_my_score_query_count_is_constant",
    "appraisal:official_score": "tests/appraisal/test_score_explain.py::"
                                "test_the_page_costs_the_same_queries_however_many_records",
    "appraisal:ranking": "tests/appraisal/test_score_explain.py::test_the_ranking_board_query_count_is_pinned",
    "appraisal:unit_score": "tests/appraisal/test_score_pages.py::"
                            "test_ranking_pages_paginate_with_a_constant_query_count",
    "appraisal:readiness": _APPRAISAL,
    "appraisal:period_list": "tests/appraisal/test_score_pages.py::test_period_list_query_count_is_constant",
    "appraisal:period_open_items": "tests/appraisal/test_period_close.py::"
                                   "test_an_open_item_list_costs_the_same_for_more_rows",
    "appraisal:procedure_list": _ANNUAL_LISTS,
    "appraisal:notice_list": _ANNUAL_LISTS,
    "appraisal:objection_list": _ANNUAL_LISTS,
    "appraisal:review_list": _ANNUAL_LISTS,
    "appraisal:procedure_summaries": _PROCEDURE_LISTS,
    "appraisal:procedure_comments": _PROCEDURE_LISTS,
    "appraisal:procedure_signatures": _PROCEDURE_LISTS,
    "appraisal:procedure_events": _PROCEDURE_LISTS,
    "appraisal:annual_mine": _APPRAISAL,
    "appraisal:results": "tests/appraisal/test_results.py::"
                         "test_each_list_page_and_export_cost_a_constant_number_of_queries",
    "appraisal:checkup_round_list": _APPRAISAL,
    "appraisal:checkup_mine": "tests/appraisal/test_checkup_pages.py::"
                              "test_the_my_ratings_page_costs_the_same_queries_for_10_and_60_assignments",
    "appraisal:checkup_my_results": _APPRAISAL,
    "appraisal:checkup_results": "tests/appraisal/test_checkup_pages.py::"
                                 "test_the_results_page_costs_the_same_queries_for_10_and_60_officials",
    "appraisal:ballot_batches": "tests/appraisal/test_ballots_pages.py::"
                                "test_the_batches_page_shows_the_response_rate_in_constant_queries",
    "appraisal:grades": "tests/appraisal/test_grades_pages.py::test_grades_page_query_count_is_constant",
    "appraisal:exports": _APPRAISAL,
    "appraisal:quarterly_unit": _QUARTERLY,
    "appraisal:quarterly_mine": _QUARTERLY,
    "appraisal:quarterly_requests": _QUARTERLY,
    "appraisal:quarterly_distribution": _QUARTERLY,
    "appraisal:schemes": "tests/appraisal/test_schemes.py::test_the_list_costs_the_same_queries_for_10_or_100_rows",
    "training:calendar": "tests/training/test_sessions.py::test_calendar_constant_queries",
    "training:mine": _TRAINING,
    "training:external_review": "tests/training/test_external.py::test_review_queue_constant_queries",
    "training:unit_report": "tests/training/test_progress.py::test_unit_report_constant_queries",
    "training:lecturers": _TRAINING,
    "training:targets": _TRAINING,
    "training:plans": _PLANS,
    "training:plan_detail": _PLANS,
    "training:criticism_flags": "tests/training/test_criticism_pages.py::test_list_costs_a_constant_number_of_queries",
    "discipline:case_list": "tests/discipline/test_pages_cases.py::test_list_costs_a_constant_number_of_queries",
    "discipline:my_record": "tests/discipline/test_pages_record.py::test_my_record_costs_a_constant_number_of_queries",
    "discipline:effects": "tests/discipline/test_pages_record.py::test_effects_cost_a_constant_number_of_queries",
    "discipline:tolerance_list": "tests/discipline/test_pages_tolerance.py::"
                                 "test_queue_costs_a_constant_number_of_queries",
    "discipline:talk_list": "tests/discipline/test_pages_talks_catalogue.py::"
                            "test_talk_list_filters_and_constant_queries",
    "discipline:rule_list": _CATALOGUE,
    "discipline:kind_list": _CATALOGUE,
    "common:notification_list": "tests/test_notifications.py::test_the_page_costs_the_same_queries_for_10_and_100",
}

# Views that look like lists (they paginate, or are named like one) but are not a list page of their own.
NOT_LISTS = {
    "appraisal:ballot_batch_issue": "a POST that issues a batch and answers with its slips; the batches are listed "
                                    "by appraisal:ballot_batches",
    "appraisal:export_start": "a POST that queues an export and answers with the exports list (appraisal:exports)",
    "appraisal:grades_confirm": "a POST that confirms grades and answers with the grades page (appraisal:grades)",
    "appraisal:grades_quota": "a POST that approves a quota and answers with the grades page (appraisal:grades)",
    "appraisal:quarterly_answer": "a POST that answers a request and shows the requests list "
                                  "(appraisal:quarterly_requests)",
    "appraisal:summary_mine": "a form: the official's own summary of one year",
    "common:notification_read": "a POST that marks one read; the list is common:notification_list",
    "common:notification_read_all": "a POST that marks all read; the list is common:notification_list",
}

_ANNUAL_API = ("tests/appraisal/test_annual_api_queries.py::"
               "test_every_list_costs_the_same_queries_for_few_and_many_rows")
_DISCIPLINE_API = "tests/discipline/test_api.py::test_every_list_costs_a_constant_number_of_queries"
_TASKS_API = "tests/tasks/test_tasks_api.py::test_lists_cost_a_constant_number_of_queries"
_SCORES_API = "tests/appraisal/test_scores_api.py::test_list_query_count_is_constant"

# The router's prefix (/api/v1/<prefix>/) → the test that pins its list.
API_LISTS = {
    "units": _ORG_LISTS,
    "officials": _ORG_LISTS,
    "calendar-days": "tests/org/test_calendar_pages.py::test_api_list_costs_the_same_queries_for_few_and_many_days",
    "leave-records": "tests/org/test_leave_api.py::test_the_list_costs_the_same_queries_for_few_and_many_rows",
    "tasks": _TASKS_API,
    "weekly-updates": _TASKS_API,
    "monthly-reports": "tests/tasks/test_reports_api.py::test_list_query_count_is_constant",
    "supervision-letters": "tests/tasks/test_letters_api.py::"
                           "test_the_list_costs_the_same_queries_for_10_and_100_letters",
    "periods": _APPRAISAL,
    "score-rules": _APPRAISAL,
    "scorecards": _SCORES_API,
    "score-entries": _SCORES_API,
    "checkup-rounds": _APPRAISAL,
    "checkup-assignments": _APPRAISAL,
    "checkup-results": _APPRAISAL,
    "grades": _ANNUAL_API,
    "export-jobs": _APPRAISAL,
    "annual-procedures": _ANNUAL_API,
    "annual-summaries": _ANNUAL_API,
    "public-notices": _ANNUAL_API,
    "objections": _ANNUAL_API,
    "grade-notices": _ANNUAL_API,
    "grade-reviews": _ANNUAL_API,
    "grade-appeals": _ANNUAL_API,
    "quarterly-grades": "tests/appraisal/test_quarterly_api.py::test_the_list_costs_the_same_queries_for_few_and_many",
    "training-sessions": _TRAINING,
    "attendance": _TRAINING,
    "external-training": _TRAINING,
    "training-progress": "tests/training/test_progress.py::test_progress_api",
    "discipline-rules": _DISCIPLINE_API,
    "decision-kinds": _DISCIPLINE_API,
    "cases": _DISCIPLINE_API,
    "decisions": _DISCIPLINE_API,
    "tolerance-requests": _DISCIPLINE_API,
    "appeals": _DISCIPLINE_API,
    "talks": _DISCIPLINE_API,
}

_TASK_JOBS = "tests/tasks/test_jobs.py::test_each_job_costs_a_pinned_number_of_queries"
JOBS = {
    "tasks.jobs.daily": _TASK_JOBS,
    "tasks.jobs.weekly": _TASK_JOBS,
    "tasks.jobs.monthly": _TASK_JOBS,
    "training.jobs.remind_required_sessions": "tests/training/test_query_counts.py::"
                                              "test_the_reminder_job_costs_a_pinned_number_of_queries",
    "appraisal.jobs.rollup_job": "tests/appraisal/test_job_queries.py::test_the_queued_rollup",
    "appraisal.jobs.rollup_due": "tests/appraisal/test_job_queries.py::test_the_beat_rollup_of_the_month_just_ended",
    "appraisal.jobs.scorecards_refresh_job": "tests/appraisal/test_job_queries.py::"
                                             "test_the_refresh_of_officials_whose_facts_changed",
    "appraisal.jobs.monthly_feed": "tests/appraisal/test_job_queries.py::test_the_monthly_training_feed",
    "appraisal.jobs.annual_daily": "tests/appraisal/test_job_queries.py::"
                                   "test_the_annual_daily_reminders_and_unsigned_notices",
    "appraisal.jobs.register_export_job": "tests/appraisal/test_job_queries.py::test_the_register_export",
}
