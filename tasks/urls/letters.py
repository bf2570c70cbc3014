"""Supervision letter pages, under ``letters/`` in the ``tasks`` namespace."""

from django.urls import URLPattern, path

from tasks.views import letters as views

urlpatterns: list[URLPattern] = [
    path("", views.letter_list, name="letter_list"),
    path("new/", views.letter_create, name="letter_create"),
    path("<int:pk>/", views.letter_detail, name="letter_detail"),
    path("<int:pk>/reply/", views.letter_reply, name="letter_reply"),
    path("<int:pk>/sign/", views.letter_sign, name="letter_sign"),
]
