"""登记表 (annual appraisal registration forms), under ``appraisal/`` in the ``appraisal`` namespace: the print page
of one official's form. A unit's forms are exported from the exports page (``appraisal:exports?kind=forms``)."""

from django.urls import URLPattern, path

from appraisal.views import registration as views

urlpatterns: list[URLPattern] = [
    path("registration/<int:grade_pk>/", views.registration_form, name="registration_form"),
]
