"""登记表 pages and exports (annual appraisal registration forms), under ``appraisal/`` in the ``appraisal`` namespace."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
