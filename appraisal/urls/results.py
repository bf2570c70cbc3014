"""结果运用 pages (use of the annual results), under ``appraisal/`` in the ``appraisal`` namespace."""

from django.urls import URLPattern, path

from appraisal.views import results

urlpatterns: list[URLPattern] = [
    path("results/", results.results, name="results"),
    path("results/export/", results.results_export, name="results_export"),
]
