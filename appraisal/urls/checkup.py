"""Check-up pages, under ``appraisal/checkup/`` in the ``appraisal`` namespace; a round is named by its quarter."""

from django.urls import URLPattern, path

from appraisal.views import checkup as views

urlpatterns: list[URLPattern] = [
    path("", views.checkup_round_list, name="checkup_round_list"),
    path("new/", views.checkup_round_create, name="checkup_round_create"),
    path("mine/", views.checkup_mine, name="checkup_mine"),
    path("mine/<int:pk>/", views.checkup_rate, name="checkup_rate"),
    path("mine/<int:pk>/excuse/", views.checkup_excuse, name="checkup_excuse"),
    path("my-results/", views.checkup_my_results, name="checkup_my_results"),
    path("<str:key>/", views.checkup_round_detail, name="checkup_round_detail"),
    path("<str:key>/assign-defaults/", views.checkup_assign_defaults, name="checkup_assign_defaults"),
    path("<str:key>/assign/", views.checkup_assign, name="checkup_assign"),
    path("<str:key>/compute/", views.checkup_compute, name="checkup_compute"),
    path("<str:key>/close/", views.checkup_close, name="checkup_close"),
    path("<str:key>/results/", views.checkup_results, name="checkup_results"),
    path("<str:key>/results/<int:official_pk>/", views.checkup_result_detail, name="checkup_result_detail"),
]
