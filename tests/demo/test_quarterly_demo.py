"""The demo's quarterly grades (issue 13 item 8): every quarter of the year graded for every unit — the past ones
confirmed with comments, the current one still proposed in some units — and two requests to reconsider, one
answered and one waiting for ``head``.

The county is seeded once for the module (in a transaction rolled back at its end); each test runs in a savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from appraisal.models import QuarterlyGrade, QuarterlyStatus, Scorecard
from appraisal.selectors.quarterly import requests_to_answer
from org.models import OrgUnit, User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", officials=60, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def quarters() -> tuple[list[str], str]:
    today = timezone.localdate()
    current = (today.month - 1) // 3 + 1
    return [f"{today.year}-Q{n}" for n in range(1, current)], f"{today.year}-Q{current}"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_every_quarter_of_the_year_is_graded_for_every_unit(seeded: str) -> None:
    assert "平时考核数据已生成" in seeded
    past, current = quarters()
    units = set(OrgUnit.objects.filter(depth=2).exclude(officials__isnull=True).values_list("pk", flat=True))
    for key in [*past, current]:
        graded = QuarterlyGrade.objects.filter(period__key=key)
        assert set(graded.values_list("unit_id", flat=True)) >= units - {None}, key
        # One grade per appraised official with a scorecard of the quarter.
        assert graded.count() == Scorecard.objects.filter(period__key=key, official__is_active=True).count(), key


def test_past_quarters_are_confirmed_with_comments(seeded: str) -> None:
    past, _current = quarters()
    for key in past:
        rows = QuarterlyGrade.objects.filter(period__key=key)
        assert rows.exists() and not rows.exclude(status=QuarterlyStatus.CONFIRMED).exists(), key
        assert not rows.filter(Q(comment="") | Q(grade="") | Q(confirmed_at__isnull=True)).exists(), key
        # Confirmed some days after the quarter ended, never in the future.
        assert not rows.filter(confirmed_at__gt=timezone.now()).exists()
        assert rows.filter(grade="good").exists() and rows.filter(grade="fairly_good").exists()


def test_the_current_quarter_is_still_proposed_in_some_units(seeded: str) -> None:
    _past, current = quarters()
    rows = QuarterlyGrade.objects.filter(period__key=current)
    open_units = set(rows.filter(status=QuarterlyStatus.PROPOSED).values_list("unit__code", flat=True))
    done_units = set(rows.filter(status=QuarterlyStatus.CONFIRMED).values_list("unit__code", flat=True))
    assert "WL" in open_units and open_units - {"WL"} and done_units - {"WL"}
    staff = rows.get(official__user__username="staff")
    assert staff.status == QuarterlyStatus.CONFIRMED and staff.comment and staff.confirmed_by.username == "head"
    # The culture bureau's head has comments left to write.
    assert rows.filter(unit__code="WL", status=QuarterlyStatus.PROPOSED, comment="").exists()


def test_two_requests_one_answered_one_waiting_for_head(seeded: str) -> None:
    past, _current = quarters()
    asked = QuarterlyGrade.objects.filter(reconsider_asked_at__isnull=False)
    if not past:  # seeded in a first quarter: no confirmed quarter yet, so nobody could ask
        assert not asked.exists()
        return
    assert asked.count() == 2 and set(asked.values_list("unit__code", flat=True)) == {"WL"}
    answered = asked.get(answered_at__isnull=False)
    assert answered.answer_text and answered.answered_by.username == "head"
    assert answered.answered_at > answered.reconsider_asked_at
    waiting = list(requests_to_answer(User.objects.get(username="head")).filter(answered_at__isnull=True))
    assert len(waiting) == 1
    assert not asked.filter(official__user__username__in=["staff", "head"]).exists()  # staff may still ask


def test_the_pages_show_the_demo(seeded: str) -> None:
    _past, current = quarters()
    head = client_for("head").get(reverse("appraisal:quarterly_unit"), {"period": current}).content.decode()
    assert 'data-testid="quarterly-row"' in head and 'data-testid="grade-select"' in head
    assert f'data-testid="todo-quarterly-{current}"' in client_for("head").get("/").content.decode()
    mine = client_for("staff").get(reverse("appraisal:quarterly_mine")).content.decode()
    assert mine.count('data-testid="my-quarter"') == int(current[-1])
    assert 'data-testid="home-quarterly-mine"' in client_for("staff").get("/").content.decode()
    org = client_for("orgadmin").get(reverse("appraisal:quarterly_distribution"), {"period": current})
    assert org.status_code == 200 and 'data-testid="distribution-chart"' in org.content.decode()
