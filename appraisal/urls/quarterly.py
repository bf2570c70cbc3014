"""The quarterly grades' pages (平时考核), under ``appraisal/quarterly/`` in the ``appraisal`` namespace."""

from django.urls import URLPattern, path

from appraisal.views import quarterly as views

urlpatterns: list[URLPattern] = [
    path("", views.quarterly_unit, name="quarterly_unit"),
    path("propose/", views.quarterly_propose, name="quarterly_propose"),
    path("confirm-unit/", views.quarterly_confirm_unit, name="quarterly_confirm_unit"),
    path("<int:pk>/save/", views.quarterly_save, name="quarterly_save"),
    path("<int:pk>/confirm/", views.quarterly_confirm, name="quarterly_confirm"),
    path("mine/", views.quarterly_mine, name="quarterly_mine"),
    path("<int:pk>/reconsider/", views.quarterly_reconsider, name="quarterly_reconsider"),
    path("requests/", views.quarterly_requests, name="quarterly_requests"),
    path("<int:pk>/answer/", views.quarterly_answer, name="quarterly_answer"),
    path("distribution/", views.quarterly_distribution, name="quarterly_distribution"),
    path("rule/", views.quarterly_rule, name="quarterly_rule"),
]
