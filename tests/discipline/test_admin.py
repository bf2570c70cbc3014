"""Admin: every discipline model is registered and its pages open; no facts in lists; the access log is read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from discipline.models import (
    Appeal,
    Case,
    CaseAccess,
    CaseAttachment,
    CaseTransition,
    Decision,
    DecisionKind,
    DisciplineRule,
    Talk,
    ToleranceRequest,
)
from discipline.services.cases import record_access
from tests.discipline.test_api import build_cases
from tests.factories import UserFactory

MODELS = [DisciplineRule, DecisionKind, Case, CaseTransition, CaseAttachment, CaseAccess, Decision, ToleranceRequest,
          Appeal, Talk]


@pytest.fixture
def superuser_client(client_for, db):
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def test_every_model_is_registered_with_history_where_it_has_one():
    from simple_history.admin import SimpleHistoryAdmin

    for model in MODELS:
        assert model in admin.site._registry, model
        has_history = hasattr(model, "history")
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin) == has_history, model


def test_lists_and_pages_open_without_the_facts(county, kinds, superuser_client):
    case = build_cases(county, kinds, 1)[0]
    CaseAttachment.objects.create(case=case, file="cases/x.pdf", name="笔录.pdf", size=3)
    record_access(user=county.inspector, cases=case, action=CaseAccess.Action.VIEW)
    for model in MODELS:
        changelist = reverse(f"admin:discipline_{model._meta.model_name}_changelist")
        response = superuser_client.get(changelist)
        assert response.status_code == 200, model
        assert "事实0" not in response.content.decode(), model
        obj = model.objects.first()
        assert obj is not None, model
        change = reverse(f"admin:discipline_{model._meta.model_name}_change", args=[obj.pk])
        assert superuser_client.get(change).status_code == 200, model
    search = superuser_client.get(reverse("admin:discipline_case_changelist"), {"q": case.number})
    assert case.number in search.content.decode()


def test_the_access_log_cannot_be_written(county, open_case, superuser_client):
    record_access(user=county.inspector, cases=open_case, action=CaseAccess.Action.API)
    access = CaseAccess.objects.get()
    assert superuser_client.get(reverse("admin:discipline_caseaccess_add")).status_code == 403
    assert superuser_client.post(reverse("admin:discipline_caseaccess_delete", args=[access.pk]),
                                 {"post": "yes"}).status_code == 403
    superuser_client.post(reverse("admin:discipline_caseaccess_change", args=[access.pk]),
                          {"action": "view", "at": dt.datetime(2020, 1, 1)})
    access.refresh_from_db()
    assert access.action == "api" and CaseAccess.objects.count() == 1
