"""The demo's annual appraisal built as of other days of the year: early January, when last year's notices are
still being signed, and a national holiday week, when the working-day calendar moves the 公示."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from appraisal.models import (
    AnnualProcedure,
    GradeNotice,
    Objection,
    ObjectionStatus,
    ProcedureEvent,
    PublicNotice,
    SignStatus,
    Stage,
)
from demo.annual_builder import AnnualBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def county_without_annual_data(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The demo county as seeded today, but for the annual appraisal (each test builds it as of its own day)."""
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(AnnualBuilder, "build", lambda self: None)
        call_command("seed_demo", officials=60, stdout=StringIO())
        patch.undo()
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("day", ["01-05", "10-05"], ids=["january", "national-day"])
def test_the_annual_demo_holds_on_other_days(county_without_annual_data: None, day: str) -> None:
    today = date.fromisoformat(f"{timezone.localdate().year}-{day}")
    last, this = str(today.year - 1), str(today.year)
    out = StringIO()
    AnnualBuilder(rng=random.Random(1), today=today, stdout=out, style=no_style()).build()
    assert "年度考核数据已生成" in out.getvalue()

    procedures = AnnualProcedure.objects.filter(period__key=last)
    assert procedures.exists() and set(procedures.values_list("stage", flat=True)) <= {Stage.FINAL, Stage.SIGNED}
    staff = GradeNotice.objects.get(official__user__username="staff", grade__period__key=last)
    assert staff.status == SignStatus.PENDING and staff.sign_due >= today
    # Nothing of last year is dated after the day the demo is built as of.
    for at in ProcedureEvent.objects.filter(procedure__period__key=last).values_list("at", flat=True):
        assert timezone.localdate(at) <= today
    if today.month == 1:  # last year's signing window is still open: nobody is marked 未签署 yet
        assert not GradeNotice.objects.filter(grade__period__key=last, status=SignStatus.UNSIGNED).exists()

    notice = PublicNotice.objects.get(procedure__period__key=this)
    assert notice.starts_on <= today <= notice.ends_on and notice.starts_on.year == today.year
    assert Objection.objects.filter(notice=notice, status=ObjectionStatus.OPEN).exists()
