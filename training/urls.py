"""Training pages under ``training/``, in the ``training`` namespace."""

from django.urls import URLPattern, include, path

from training.views import criticism, external, ledger, plans, sessions

app_name = "training"

# Training session pages, under ``training/`` in the ``training`` namespace.
sessions_patterns: list[URLPattern] = [
    path("calendar/", sessions.session_calendar, name="calendar"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", sessions.attendance_set, name="attendance_set"),
    path("sessions/<int:pk>/attendance/import/", sessions.attendance_import, name="attendance_import"),
    path("sessions/sign-in-template/", sessions.attendance_template, name="attendance_template"),
]

external_patterns: list[URLPattern] = [
    path("mine/", external.mine, name="mine"),
    path("external/review/", external.external_review, name="external_review"),
    path("external/<int:pk>/approve/", external.external_approve_view, name="external_approve"),
    path("external/<int:pk>/return/", external.external_return_view, name="external_return"),
    path("external/<int:pk>/certificate/", external.certificate, name="certificate"),
    path("report/", external.unit_report, name="unit_report"),
    path("lecturers/", external.lecturers, name="lecturers"),
    path("targets/", external.targets, name="targets"),
]

# The training ledger export, under ``training/`` in the ``training`` namespace.
ledger_patterns: list[URLPattern] = [
    path("ledger/export/", ledger.ledger_export, name="ledger_export"),
]

# Study plan pages, under ``training/`` in the ``training`` namespace.
plans_patterns: list[URLPattern] = [
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
]

# Public criticism flags for heads, under ``training/`` in the ``training`` namespace.
criticism_patterns: list[URLPattern] = [
    path("criticism/", criticism.flag_list, name="criticism_flags"),
    path("criticism/<int:pk>/confirm/", criticism.flag_confirm, name="criticism_confirm"),
    path("criticism/<int:pk>/dismiss/", criticism.flag_dismiss, name="criticism_dismiss"),
]

urlpatterns = [
    path("training/", include(sessions_patterns)),
    path("training/", include(external_patterns)),
    path("training/", include(ledger_patterns)),
    path("training/", include(plans_patterns)),
    path("training/", include(criticism_patterns)),
]
