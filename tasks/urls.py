"""Task, monthly report and supervision letter pages, in the ``tasks`` namespace."""

from django.urls import URLPattern, include, path, re_path

from tasks.views import letters, reports, task_detail, tasks

app_name = "tasks"

MONTH = r"(?P<month>\d{4}-\d{2})"

# Task pages, under the "tasks" namespace with the prefix ``tasks/``.
tasks_patterns: list[URLPattern] = [
    path("", tasks.my_tasks, name="my_tasks"),
    path("board/", tasks.task_board, name="task_board"),
    path("weekly-missing/", tasks.weekly_missing, name="weekly_missing"),
    path("new/", tasks.task_create, name="task_create"),
    path("export/", tasks.task_export, name="task_export"),
    path("import/", tasks.task_import, name="task_import"),
    path("import/template/", tasks.task_template, name="task_template"),
    path("<int:pk>/", task_detail.task_detail, name="task_detail"),
    path("<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("<int:pk>/weekly/", task_detail.task_weekly_update, name="task_weekly_update"),
    path("<int:pk>/progress/", task_detail.task_progress, name="task_progress"),
    path("<int:pk>/loop/", task_detail.task_loop_advance, name="task_loop_advance"),
    path("<int:pk>/cancel/", task_detail.task_cancel, name="task_cancel"),
    path("<int:pk>/milestones/<int:milestone_pk>/done/", task_detail.milestone_done, name="milestone_done"),
]

# Monthly work report pages, under ``reports/`` in the ``tasks`` namespace.
reports_patterns: list[URLPattern] = [
    path("", reports.report_mine, name="report_mine"),
    re_path(rf"^{MONTH}/edit/$", reports.report_edit, name="report_edit"),
    re_path(rf"^{MONTH}/autosave/$", reports.report_autosave, name="report_autosave"),
    path("<int:pk>/", reports.report_detail, name="report_detail"),
    path("<int:pk>/return/", reports.report_return, name="report_return"),
    path("<int:pk>/approve/", reports.report_approve, name="report_approve"),
    path("<int:pk>/publish/", reports.report_publish, name="report_publish"),
    path("review/", reports.report_review_queue, name="report_review_queue"),
    path("review/sign/", reports.report_publish_bulk, name="report_publish_bulk"),
    path("board/", reports.report_board, name="report_board"),
]

# Supervision letter pages, under ``letters/`` in the ``tasks`` namespace.
letters_patterns: list[URLPattern] = [
    path("", letters.letter_list, name="letter_list"),
    path("new/", letters.letter_create, name="letter_create"),
    path("<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("<int:pk>/reply/", letters.letter_reply, name="letter_reply"),
    path("<int:pk>/sign/", letters.letter_sign, name="letter_sign"),
]

urlpatterns = [
    path("tasks/", include(tasks_patterns)),
    path("reports/", include(reports_patterns)),
    path("letters/", include(letters_patterns)),
]
