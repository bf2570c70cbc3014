"""Score and period pages, under ``appraisal/`` in the ``appraisal`` namespace."""

from django.urls import URLPattern, path

from appraisal.views import periods, readiness, scores

urlpatterns: list[URLPattern] = [
    path("me/", scores.my_score, name="my_score"),
    path("officials/<int:pk>/", scores.official_score, name="official_score"),
    path("ranking/", scores.ranking, name="ranking"),
    path("units/<int:pk>/", scores.unit_score, name="unit_score"),
    path("entries/new/", scores.entry_add_view, name="entry_add"),
    path("entries/<int:pk>/delete/", scores.entry_delete_view, name="entry_delete"),
    path("readiness/", readiness.readiness, name="readiness"),
    path("periods/", periods.period_list, name="period_list"),
    path("periods/<str:key>/", periods.period_detail, name="period_detail"),
    path("periods/<str:key>/rollup/", periods.period_rollup, name="period_rollup"),
    path("periods/<str:key>/rollups/<int:run_id>/", periods.rollup_progress, name="rollup_progress"),
    path("periods/<str:key>/close/", periods.period_close_view, name="period_close"),
    path("periods/<str:key>/publish/", periods.period_publish_view, name="period_publish"),
    path("periods/<str:key>/reopen/", periods.period_reopen_view, name="period_reopen"),
]
