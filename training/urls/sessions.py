"""Training session pages, under ``training/`` in the ``training`` namespace."""

from django.urls import URLPattern, path

from training.views import sessions as views

urlpatterns: list[URLPattern] = [
    path("calendar/", views.session_calendar, name="calendar"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", views.attendance_set, name="attendance_set"),
    path("sessions/<int:pk>/attendance/import/", views.attendance_import, name="attendance_import"),
    path("sessions/sign-in-template/", views.attendance_template, name="attendance_template"),
]
