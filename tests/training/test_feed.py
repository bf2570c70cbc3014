"""The training feed into the appraisal ledger: derived entries, idempotence, public criticism flags."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal.jobs import monthly_feed
from appraisal.models import ScoreEntry
from appraisal.services.derive_training import training_feed
from common.errors import ApplicationError
from common.models import Notification
from org.models import Official, OrgUnit
from tests.factories import OfficialFactory, period
from tests.training.factories import AttendanceFactory, TrainingSessionFactory
from training.jobs import remind_required_sessions
from training.models import Attendance, AttendanceStatus, CriticismFlag, SessionKind, TrainingSession
from training.services.criticism import criticism_confirm, criticism_dismiss

OCT = (date(2026, 10, 1), date(2026, 10, 31))


def make_session(organiser: OrgUnit, day: date, *, kind: str = SessionKind.COLLECTIVE_STUDY,
                 required: bool = True, hours: str = "2", **kwargs: Any) -> TrainingSession:
    starts = timezone.make_aware(datetime.combine(day, time(9, 0)))
    session = TrainingSessionFactory(
        kind=kind, title=kwargs.pop("title", f"学习 {day}"), starts_at=starts, ends_at=starts + timedelta(hours=2),
        hours=Decimal(hours), organiser=organiser, is_required=required, **kwargs)
    session.audience_units.add(organiser)
    return session


def attend(session: TrainingSession, official: Official, status: str = AttendanceStatus.PRESENT,
           hours: str | None = None) -> Attendance:
    credited = Decimal(hours) if hours is not None else (
        session.hours if status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) else Decimal(0))
    return AttendanceFactory(session=session, official=official, status=status, hours=credited)


def entries(code: str) -> list[tuple[int, int, Decimal, date]]:
    return sorted(ScoreEntry.objects.filter(rule__code=code, origin="derived")
                  .values_list("official_id", "source_id", "points", "occurred_on"))


def test_absence_from_required_collective_study_is_minus_one_and_rerun_changes_nothing(county):
    session = make_session(county.culture, date(2026, 10, 16))
    absent = attend(session, county.staff_official, AttendanceStatus.ABSENT)
    attend(session, county.culture_official)

    first = training_feed(start=OCT[0], end=OCT[1])
    assert first["created"] == 1
    assert entries("study_absence") == [(county.staff_official.pk, absent.pk, Decimal("-1"), date(2026, 10, 16))]
    entry = ScoreEntry.objects.get(rule__code="study_absence")
    assert entry.source_type == ContentType.objects.get_for_model(Attendance)
    rows = list(ScoreEntry.objects.values_list("pk", "points", "reason", "occurred_on"))

    second = training_feed(start=OCT[0], end=OCT[1])
    assert second == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 1, "flags": 0}
    assert list(ScoreEntry.objects.values_list("pk", "points", "reason", "occurred_on")) == rows


def test_fact_no_longer_qualifying_is_removed(county):
    session = make_session(county.culture, date(2026, 10, 16))
    absent = attend(session, county.staff_official, AttendanceStatus.ABSENT)
    training_feed(start=OCT[0], end=OCT[1])
    absent.status = AttendanceStatus.EXCUSED
    absent.save()
    assert training_feed(start=OCT[0], end=OCT[1])["deleted"] == 1
    assert entries("study_absence") == []


@pytest.mark.parametrize("required,kind,status", [
    (False, SessionKind.COLLECTIVE_STUDY, AttendanceStatus.ABSENT),  # optional session
    (True, SessionKind.COLLECTIVE_STUDY, AttendanceStatus.EXCUSED),  # on leave
    (True, SessionKind.COLLECTIVE_STUDY, AttendanceStatus.LATE),
    (True, SessionKind.PARTY_CLASS, AttendanceStatus.ABSENT),  # not a collective study
])
def test_what_gives_no_absence_entry(county, required, kind, status):
    session = make_session(county.culture, date(2026, 10, 16), required=required, kind=kind)
    attend(session, county.staff_official, status)
    training_feed(start=OCT[0], end=OCT[1])
    assert entries("study_absence") == []


def test_absence_outside_the_window_is_not_fed(county):
    session = make_session(county.culture, date(2026, 11, 6))
    attend(session, county.staff_official, AttendanceStatus.ABSENT)
    training_feed(start=OCT[0], end=OCT[1])
    assert entries("study_absence") == []


def test_lecture_by_an_official_gives_the_bonus_once_per_session(county):
    given = make_session(county.culture, date(2026, 10, 9), kind=SessionKind.COLLEAGUE_LECTURE,
                         lecturer=county.culture_official)
    make_session(county.culture, date(2026, 10, 10), kind=SessionKind.COLLEAGUE_LECTURE, lecturer_name="外请专家")
    training_feed(start=OCT[0], end=OCT[1])
    training_feed(start=OCT[0], end=OCT[1])
    assert entries("lecture_given") == [(county.culture_official.pk, given.pk, Decimal("1"), date(2026, 10, 9))]
    entry = ScoreEntry.objects.get(rule__code="lecture_given")
    assert entry.source_type == ContentType.objects.get_for_model(TrainingSession)


def _absences(county, days: list[date], official: Official | None = None) -> None:
    for day in days:
        attend(make_session(county.culture, day), official or county.staff_official, AttendanceStatus.ABSENT)


def test_three_absences_in_a_quarter_flag_a_criticism_and_tell_the_head(county):
    _absences(county, [date(2026, 7, 3), date(2026, 8, 7), date(2026, 9, 4)])
    counts = training_feed(start=date(2026, 9, 1), end=date(2026, 9, 30))
    assert counts["flags"] == 1
    flag = CriticismFlag.objects.get()
    assert (flag.official, flag.quarter, flag.absences, flag.status) == (
        county.staff_official, "2026-Q3", 3, CriticismFlag.Status.PENDING)
    assert Notification.objects.filter(user=county.head, dedupe_key=f"training-criticism-{flag.pk}").count() == 1
    assert not Notification.objects.filter(user=county.staff).exists()

    assert training_feed(start=date(2026, 9, 1), end=date(2026, 9, 30))["flags"] == 0
    assert CriticismFlag.objects.count() == 1
    assert Notification.objects.filter(user=county.head).count() == 1


def test_two_absences_or_spread_over_quarters_flag_nothing(county):
    _absences(county, [date(2026, 8, 7), date(2026, 9, 4), date(2026, 10, 9)])
    training_feed(start=date(2026, 9, 1), end=date(2026, 10, 31))
    assert not CriticismFlag.objects.exists()


def test_head_confirms_a_criticism_and_a_manual_minus_two_is_recorded(county):
    period("2026-Q3")
    _absences(county, [date(2026, 7, 3), date(2026, 8, 7), date(2026, 9, 4)])
    training_feed(start=date(2026, 7, 1), end=date(2026, 9, 30))
    flag = CriticismFlag.objects.get()

    with pytest.raises(ApplicationError) as refused:
        criticism_confirm(by=county.orgadmin, flag=flag, today=date(2026, 10, 2))
    assert refused.value.code == "forbidden"

    criticism_confirm(by=county.head, flag=flag, today=date(2026, 10, 2))
    flag.refresh_from_db()
    assert (flag.status, flag.decided_by) == (CriticismFlag.Status.CONFIRMED, county.head)
    entry = ScoreEntry.objects.get(rule__code="public_criticism")
    assert (entry.official, entry.points, entry.origin, entry.occurred_on) == (
        county.staff_official, Decimal("-2"), "manual", date(2026, 9, 30))
    assert "2026-Q3" in entry.reason

    with pytest.raises(ApplicationError) as again:
        criticism_confirm(by=county.head, flag=flag, today=date(2026, 10, 2))
    assert again.value.code == "conflict"
    assert ScoreEntry.objects.filter(rule__code="public_criticism").count() == 1


def test_head_dismisses_a_criticism_with_a_note(county):
    _absences(county, [date(2026, 7, 3), date(2026, 8, 7), date(2026, 9, 4)])
    training_feed(start=date(2026, 7, 1), end=date(2026, 9, 30))
    flag = CriticismFlag.objects.get()
    with pytest.raises(ApplicationError) as empty:
        criticism_dismiss(by=county.head, flag=flag, note=" ")
    assert empty.value.code == "note_required"
    criticism_dismiss(by=county.head, flag=flag, note="因公出差，补假")
    flag.refresh_from_db()
    assert (flag.status, flag.note) == (CriticismFlag.Status.DISMISSED, "因公出差，补假")
    assert not ScoreEntry.objects.filter(rule__code="public_criticism").exists()


def _feed_queries(county, n: int) -> int:
    officials = OfficialFactory.create_batch(n, unit=county.culture_tourism)
    # One collective study (an entry each) and two party classes (counted for the flag only): the rows stay
    # within one insert batch on SQLite, so the count shows per-official queries, not batching.
    for day, kind in ((date(2026, 10, 2), SessionKind.PARTY_CLASS), (date(2026, 10, 9), SessionKind.PARTY_CLASS),
                      (date(2026, 10, 16), SessionKind.COLLECTIVE_STUDY)):
        session = make_session(county.culture, day, kind=kind, lecturer=officials[0])
        Attendance.objects.bulk_create(Attendance(session=session, official=o, status=AttendanceStatus.ABSENT)
                                       for o in officials)
    with CaptureQueriesContext(connection) as captured:
        training_feed(start=OCT[0], end=OCT[1])
    assert ScoreEntry.objects.filter(rule__code="study_absence").count() == n
    assert ScoreEntry.objects.filter(rule__code="lecture_given").count() == 3
    assert CriticismFlag.objects.count() == n
    return len(captured)


def test_feed_costs_a_constant_number_of_queries(county):
    small = _feed_queries(county, 10)
    ScoreEntry.objects.all().delete()
    CriticismFlag.objects.all().delete()
    Attendance.objects.all().delete()
    TrainingSession.objects.all().delete()
    assert _feed_queries(county, 60) == small


def test_monthly_job_feeds_the_previous_month_and_command_runs(county, capsys):
    attend(make_session(county.culture, date(2026, 10, 16)), county.staff_official, AttendanceStatus.ABSENT)
    assert monthly_feed("2026-11-06")["created"] == 1
    call_command("training_feed", "2026-10")
    assert "2026-10" in capsys.readouterr().out
    assert len(entries("study_absence")) == 1


def test_reminder_two_days_ahead_once_per_user(county):
    make_session(county.culture, date(2026, 10, 16))
    make_session(county.culture, date(2026, 10, 17), required=False)
    first = remind_required_sessions("2026-10-14")
    assert first["sessions"] == 1 and first["notified"] >= 2
    users = set(Notification.objects.filter(dedupe_key__startswith="training-remind-").values_list("user", flat=True))
    assert {county.head.pk, county.staff.pk} <= users
    assert remind_required_sessions("2026-10-14")["notified"] == 0


def test_monthly_job_then_rollup_shows_the_deduction_and_the_training_component(county):
    from appraisal.models import Scorecard
    from appraisal.services.rollup import rollup_period

    attend(make_session(county.culture, date(2026, 10, 16), hours="4"), county.staff_official,
           AttendanceStatus.ABSENT)
    attend(make_session(county.culture, date(2026, 10, 23), hours="4"), county.staff_official)
    monthly_feed("2026-11-06")
    october = period("2026-10")
    rollup_period(period=october)
    monthly_feed("2026-11-06")  # re-running the feed changes nothing
    rollup_period(period=october)
    card = Scorecard.objects.get(period=october, official=county.staff_official)
    assert card.deduction == Decimal("-1")
    assert "training" in card.components
    assert ScoreEntry.objects.filter(official=county.staff_official, rule__code="study_absence").count() == 1
