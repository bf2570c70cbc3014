"""The demo's leave records and transfer (issue 13 items 3 and 8): ``staff`` has a leave to see, one official of the
culture bureau was away more than half the year — their proposal is 不确定等次 with the reason — and one official
moved bureaus in the summer, their months before the move scored in the old bureau.

The county is seeded once for the module (in a transaction rolled back at its end); each test runs in a savepoint.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from appraisal.models import Grade, GradeDecision, Scorecard
from appraisal.selectors.annual import CommentRule, comment_rule
from demo.leave_demo import LeaveBuilder
from org.models import LeaveRecord, Official, OrgUnit, PostAssignment, User
from org.selectors.leave import days_away

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", officials=60, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def in_bureau(official: Official, code: str) -> bool:
    return official.unit.path.startswith(OrgUnit.objects.get(code=code, depth=2).path)


def test_leave_is_recorded_without_overlaps_by_head_in_culture_and_orgadmin_elsewhere(seeded: str) -> None:
    assert "请假与调动数据已生成" in seeded
    records = list(LeaveRecord.objects.select_related("official__unit", "recorded_by"))
    assert len(records) >= 6 and len({r.kind for r in records}) >= 2
    assert len({r.official_id for r in records}) == len(records)  # one each: nothing can overlap
    head, orgadmin = User.objects.get(username="head"), User.objects.get(username="orgadmin")
    for record in records:
        assert record.end_date >= record.start_date
        assert record.recorded_by == (head if in_bureau(record.official, "WL") else orgadmin)
    staff = Official.objects.get(user__username="staff")
    assert LeaveRecord.objects.filter(official=staff).exists()
    page = Client()
    page.force_login(staff.user)
    body = page.get(f"/officials/{staff.pk}/leave/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="leave-row"' in body and 'data-testid="leave-form"' not in body


def test_one_official_away_more_than_half_the_year_is_held_at_undetermined_with_the_reason(seeded: str) -> None:
    year = timezone.localdate().year
    away = {pk: days for pk, days in days_away(year, kinds=["sick", "personal"]).items() if days > 182}
    assert len(away) == 1
    (official_id, days), = away.items()
    official = Official.objects.select_related("unit").get(pk=official_id)
    assert in_bureau(official, "WL") and official.name in seeded
    grade = GradeDecision.objects.get(official=official, period__key=str(year))
    assert grade.proposed == Grade.UNDETERMINED
    assert [c["source"] for c in grade.constraints] == ["leave"] and str(days) in grade.constraints[0]["reason"]
    assert comment_rule(grade) is CommentRule.ONLY


def test_the_official_who_moved_in_the_summer_is_scored_in_the_old_bureau_before_the_move(seeded: str) -> None:
    year = timezone.localdate().year
    moved = PostAssignment.objects.get(note="调任（演示）")
    official = moved.official
    assert official.unit_id == moved.unit_id and moved.end_date is None and in_bureau(official, "WL")
    old = official.posts.get(end_date=moved.start_date)
    old_top = OrgUnit.objects.get(path=old.unit.path[: 2 * OrgUnit.steplen])
    culture = OrgUnit.objects.get(code="WL", depth=2)
    assert old_top != culture and official.name in seeded
    cards = dict(Scorecard.objects.filter(official=official, period__kind="month", period__start__year=year)
                 .values_list("period__start", "unit_id"))
    before = [unit for start, unit in cards.items() if start < moved.start_date]
    after = [unit for start, unit in cards.items() if start >= moved.start_date]
    assert before and set(before) == {old_top.pk}
    assert set(after) <= {culture.pk}
    assert GradeDecision.objects.get(official=official, period__key=str(year)).unit == culture


def test_early_in_the_year_nothing_is_dated_in_the_future_but_the_long_leave(seeded: str) -> None:
    today = date(timezone.localdate().year, 2, 10)
    with transaction.atomic():
        LeaveRecord.objects.all().delete()
        out = StringIO()
        facts = LeaveBuilder(rng=random.Random(3), today=today, stdout=out, style=no_style()).build(60)
        assert facts.moved_on is None and facts.long_leave  # no move before March: no month before it to show
        late = LeaveRecord.objects.filter(end_date__gt=today).values_list("note", flat=True)
        assert list(late) == ["因病住院治疗及术后康复"]
        transaction.set_rollback(True)
