"""Task pages, under the "tasks" namespace with the prefix ``tasks/``."""

from django.urls import path

from tasks.views import tasks as views

urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("board/", views.task_board, name="task_board"),
    path("weekly-missing/", views.weekly_missing, name="weekly_missing"),
    path("new/", views.task_create, name="task_create"),
    path("export/", views.task_export, name="task_export"),
    path("import/", views.task_import, name="task_import"),
    path("import/template/", views.task_template, name="task_template"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:pk>/weekly/", views.task_weekly_update, name="task_weekly_update"),
    path("<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("<int:pk>/loop/", views.task_loop_advance, name="task_loop_advance"),
    path("<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
    path("<int:pk>/milestones/<int:milestone_pk>/done/", views.milestone_done, name="milestone_done"),
]
