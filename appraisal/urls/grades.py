"""Annual grades and register exports, under ``appraisal/grades/`` in the ``appraisal`` namespace."""

from django.urls import URLPattern, path

from appraisal.views import grades as views

urlpatterns: list[URLPattern] = [
    path("", views.grades, name="grades"),
    path("propose/", views.grades_propose, name="grades_propose"),
    path("confirm/", views.grades_confirm, name="grades_confirm"),
    path("quota/", views.grades_quota, name="grades_quota"),
    path("exports/", views.exports, name="exports"),
    path("exports/start/", views.export_start, name="export_start"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
