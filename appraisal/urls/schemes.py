"""Scheme and rule catalogue pages, under ``appraisal/schemes/`` in the ``appraisal`` namespace."""

from django.urls import URLPattern, path

from appraisal.views import schemes as views

urlpatterns: list[URLPattern] = [
    path("", views.scheme_list, name="schemes"),
    path("new/", views.scheme_create, name="scheme_create"),
    path("<int:pk>/", views.scheme_edit, name="scheme_edit"),
    path("<int:pk>/delete/", views.scheme_delete_view, name="scheme_delete"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
]
