"""Monthly work report pages, under ``reports/`` in the ``tasks`` namespace."""

from django.urls import URLPattern, path, re_path

from tasks.views import reports as views

MONTH = r"(?P<month>\d{4}-\d{2})"

urlpatterns: list[URLPattern] = [
    path("", views.report_mine, name="report_mine"),
    re_path(rf"^{MONTH}/edit/$", views.report_edit, name="report_edit"),
    re_path(rf"^{MONTH}/autosave/$", views.report_autosave, name="report_autosave"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
    path("<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("review/", views.report_review_queue, name="report_review_queue"),
    path("review/sign/", views.report_publish_bulk, name="report_publish_bulk"),
    path("board/", views.report_board, name="report_board"),
]
