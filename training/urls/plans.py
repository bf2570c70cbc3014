"""Study plan pages, under ``training/`` in the ``training`` namespace."""

from django.urls import URLPattern, path

from training.views import plans as views

urlpatterns: list[URLPattern] = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
]
