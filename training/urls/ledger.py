"""The training ledger export, under ``training/`` in the ``training`` namespace."""

from django.urls import URLPattern, path

from training.views import ledger as views

urlpatterns: list[URLPattern] = [
    path("ledger/export/", views.ledger_export, name="ledger_export"),
]
