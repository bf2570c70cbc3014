"""结果运用 pages (use of the annual results), under ``appraisal/`` in the ``appraisal`` namespace."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
