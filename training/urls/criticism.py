"""Public criticism flags for heads, under ``training/`` in the ``training`` namespace."""

from django.urls import URLPattern, path

from training.views import criticism as views

urlpatterns: list[URLPattern] = [
    path("criticism/", views.flag_list, name="criticism_flags"),
    path("criticism/<int:pk>/confirm/", views.flag_confirm, name="criticism_confirm"),
    path("criticism/<int:pk>/dismiss/", views.flag_dismiss, name="criticism_dismiss"),
]
