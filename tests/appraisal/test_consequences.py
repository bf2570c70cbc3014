"""Consequences follow the facts (issue 15 item 2): a changed attendance record, report, task, letter or decision
moves the official's ledger, flags and scorecard at once — in open periods only — and the rollup re-derives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal.models import AppraisalPeriod, Scorecard, ScoreEntry, UnitScorecard
from appraisal.selectors.periods import period_is_stale
from appraisal.services.consequences import facts_follow
from appraisal.services.periods import period_close
from appraisal.services.rescore import scorecards_refresh
from appraisal.services.rollup import rollup_period
from org.facts import FactChange, facts_changed
from tasks.models import LetterStatus, ReportStatus, TaskStatus
from tasks.services.letters import letter_reply
from tasks.services.periodic import letters_notify_overdue
from tasks.services.progress import task_set_progress
from tasks.services.reports import report_approve, report_submit
from tests.appraisal.factories import ScoreEntryFactory
from tests.conftest import statements
from tests.factories import (
    MonthlyReportFactory,
    MonthlyReportItemFactory,
    OfficialFactory,
    SupervisionLetterFactory,
    TaskFactory,
    period,
)
from tests.training.factories import AttendanceFactory, TrainingSessionFactory
from training.models import AttendanceStatus, CriticismFlag, SessionKind, TrainingSession
from training.services.sessions import attendance_record

D = Decimal
OCT = [dt.date(2026, 10, day) for day in (9, 16, 23)]


def session_on(county, day: dt.date) -> TrainingSession:
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    session = TrainingSessionFactory(
        kind=SessionKind.COLLECTIVE_STUDY, title=f"集中学习 {day}", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), hours=D(2), organiser=county.culture, is_required=True)
    session.audience_units.add(county.culture)
    return session


def card(official, key: str = "2026-10") -> Scorecard:
    return Scorecard.objects.get(period__key=key, official=official)


def absences(official) -> list[D]:
    return sorted(ScoreEntry.objects.filter(official=official, rule__code="study_absence").values_list(
        "points", flat=True))


@pytest.fixture
def rolled(county):
    """October 2026 and its quarter, rolled up once (scorecards exist, nothing stale)."""
    october, quarter = period("2026-10"), period("2026-Q4")
    TaskFactory(unit=county.culture_tourism, responsible=county.culture_official, deadline=dt.date(2026, 10, 12),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 10))
    for target in (october, quarter):
        rollup_period(period=target)
    return county, october, quarter


def test_an_absence_corrected_to_leave_loses_its_deduction_and_the_criticism_flag_at_once(
        rolled, django_capture_on_commit_callbacks):
    county, october, _quarter = rolled
    staff = county.staff_official
    sessions = [session_on(county, day) for day in OCT]
    with django_capture_on_commit_callbacks(execute=True):
        for session in sessions:
            attendance_record(by=county.head, session=session, official=staff, status=AttendanceStatus.ABSENT)
    assert absences(staff) == [D(-1)] * 3
    flag = CriticismFlag.objects.get(official=staff, quarter="2026-Q4")
    assert (flag.status, flag.absences) == (CriticismFlag.Status.PENDING, 3)
    assert card(staff).deduction == D(-3)
    assert card(staff, "2026-Q4").deduction == D(-3)

    with django_capture_on_commit_callbacks(execute=True):
        attendance_record(by=county.head, session=sessions[0], official=staff, status=AttendanceStatus.EXCUSED,
                          excuse_reason="病假")
    assert absences(staff) == [D(-1)] * 2
    flag.refresh_from_db()
    assert (flag.status, flag.absences) == (CriticismFlag.Status.WITHDRAWN, 2)
    assert card(staff).deduction == D(-2)

    with django_capture_on_commit_callbacks(execute=True):
        attendance_record(by=county.head, session=sessions[1], official=staff, status=AttendanceStatus.PRESENT)
    assert absences(staff) == [D(-1)]
    assert card(staff).deduction == D(-1)
    assert card(staff).components["training"]["inputs"]["hours"] == 2.0  # the hours followed as well
    assert not period_is_stale(AppraisalPeriod.objects.get(pk=october.pk))

    # Back to three absences: the withdrawn flag is the head's to decide again.
    with django_capture_on_commit_callbacks(execute=True):
        for session in sessions[:2]:
            attendance_record(by=county.head, session=session, official=staff, status=AttendanceStatus.ABSENT)
    flag.refresh_from_db()
    assert (flag.status, flag.absences, flag.decided_at) == (CriticismFlag.Status.PENDING, 3, None)


def test_a_confirmed_criticism_stays_but_the_heads_are_told_its_basis_changed(rolled):
    from training.services.criticism import criticism_confirm

    county, _october, _quarter = rolled
    staff = county.staff_official
    sessions = [session_on(county, day) for day in OCT]
    for session in sessions:
        attendance_record(by=county.head, session=session, official=staff, status=AttendanceStatus.ABSENT)
    flag = CriticismFlag.objects.get(official=staff)
    criticism_confirm(by=county.head, flag=flag, today=dt.date(2026, 12, 5))
    attendance_record(by=county.head, session=sessions[2], official=staff, status=AttendanceStatus.EXCUSED,
                      excuse_reason="公差")
    flag.refresh_from_db()
    assert flag.status == CriticismFlag.Status.CONFIRMED  # the head decided; the −2 is theirs to remove
    assert ScoreEntry.objects.filter(official=staff, rule__code="public_criticism").count() == 1
    assert county.head.notifications.filter(title__contains="2026-Q4", url__contains="status=decided").exists()


def test_a_report_approved_moves_the_work_component_and_a_late_submission_the_timeliness(
        rolled, django_capture_on_commit_callbacks):
    county, _october, _quarter = rolled
    staff = county.staff_official
    report = MonthlyReportFactory(official=staff, month=dt.date(2026, 10, 1), status=ReportStatus.DRAFT,
                                  is_missing=True)
    MonthlyReportItemFactory(report=report)
    rollup_period(period=period("2026-10"))
    assert card(staff).components["timeliness"]["inputs"]["reports_missing"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=report, by=county.staff)  # after the deadline: late
    timeliness = card(staff).components["timeliness"]
    assert (timeliness["inputs"]["reports_late"], timeliness["ratio"]) == (1, 0.5)
    assert "reports_rated" not in card(staff).components["work"]["inputs"]

    with django_capture_on_commit_callbacks(execute=True):
        report_approve(report=report, by=county.head, rating="excellent")
    assert card(staff).components["work"]["inputs"]["reports_rated"] == 1
    assert card(staff, "2026-Q4").components["work"]["inputs"]["reports_rated"] == 1


def test_an_overdue_task_completed_moves_the_work_component_and_the_ranks(rolled, django_capture_on_commit_callbacks):
    county, _october, _quarter = rolled
    staff = county.staff_official
    task = TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 20),
                       status=TaskStatus.OVERDUE)
    rollup_period(period=period("2026-10"))
    before = card(staff)
    assert before.components["work"]["ratio"] == 0.0
    assert before.rank_in_unit > card(county.culture_official).rank_in_unit

    with django_capture_on_commit_callbacks(execute=True):
        task_set_progress(task=task, by=county.staff, progress=100, today=dt.date(2026, 10, 25))
    after = card(staff)
    assert after.components["work"]["ratio"] == 0.7  # completed late
    assert after.total > before.total
    assert after.computed_at > before.computed_at


def test_a_letter_reply_rewrites_the_deduction_at_once_and_the_daily_job_adds_it(
        rolled, django_capture_on_commit_callbacks):
    county, _october, _quarter = rolled
    staff = county.staff_official
    letter = SupervisionLetterFactory(issuer_unit=county.root, issued_by=county.orgadmin,
                                      recipient_unit=county.culture_tourism, recipient_official=staff,
                                      reply_deadline=dt.date(2026, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        letters_notify_overdue(today=dt.date(2026, 10, 11))  # the day after its deadline
    entry = ScoreEntry.objects.get(official=staff, rule__code="letter_overdue")
    assert (entry.points, "not replied" in entry.reason or "未" in entry.reason) == (D(-1), True)
    assert card(staff).deduction == D(-1)

    with django_capture_on_commit_callbacks(execute=True):
        letter_reply(letter=letter, by=county.staff, reply="已整改")
    entry.refresh_from_db()
    assert entry.reason.startswith(("Supervision letter", "督办函")) and "2026-10-10" in entry.reason
    assert ScoreEntry.objects.filter(official=staff, rule__code="letter_overdue").count() == 1
    assert letter.__class__.objects.get(pk=letter.pk).status == LetterStatus.REPLIED


def test_a_letter_to_a_unit_moves_the_heads_scores(rolled, django_capture_on_commit_callbacks):
    county, _october, _quarter = rolled
    SupervisionLetterFactory(issuer_unit=county.root, issued_by=county.orgadmin, recipient_unit=county.culture,
                             reply_deadline=dt.date(2026, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        letters_notify_overdue(today=dt.date(2026, 10, 11))
    assert card(county.head_official).deduction == D(-1)


def test_a_closed_period_is_untouched(rolled, django_capture_on_commit_callbacks):
    county, october, quarter = rolled
    staff = county.staff_official
    letter = SupervisionLetterFactory(issuer_unit=county.root, issued_by=county.orgadmin,
                                      recipient_unit=county.culture_tourism, recipient_official=staff,
                                      reply_deadline=dt.date(2026, 10, 10))
    rollup_period(period=october)
    entry = ScoreEntry.objects.get(official=staff, rule__code="letter_overdue")
    report = MonthlyReportFactory(official=staff, month=dt.date(2026, 10, 1), status=ReportStatus.SUBMITTED,
                                  submitted_at=timezone.now())
    period_close(period=october, by=county.orgadmin, reason="测试：提前关闭")
    rollup_period(period=quarter)
    frozen = list(Scorecard.objects.filter(period=october).order_by("pk").values())

    with django_capture_on_commit_callbacks(execute=True):
        letter_reply(letter=letter, by=county.staff, reply="已整改")
        report_approve(report=report, by=county.head, rating="excellent")
    entry_after = ScoreEntry.objects.get(pk=entry.pk)
    assert entry_after.reason == entry.reason  # dated in the closed month: its ledger is frozen
    assert list(Scorecard.objects.filter(period=october).order_by("pk").values()) == frozen
    october.refresh_from_db()
    assert october.facts_changed_at is None
    # The quarter is still open: the approval counts there at once.
    assert card(staff, "2026-Q4").components["work"]["inputs"]["reports_rated"] == 1


def test_a_refresh_gives_what_a_full_rollup_gives(rolled):
    county, october, _quarter = rolled
    staff = county.staff_official
    others = [OfficialFactory(unit=county.culture_office) for _ in range(3)]
    for i, official in enumerate(others):
        TaskFactory(unit=county.culture_office, responsible=official, deadline=dt.date(2026, 10, 5 + i),
                    status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 4 + 2 * i))
    rollup_period(period=october)
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 20),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 1))
    ScoreEntryFactory(official=others[0], occurred_on=dt.date(2026, 10, 8), points=D(2), reason="创新")
    scorecards_refresh(period=october, official_ids=[staff.pk, others[0].pk])
    refreshed = list(Scorecard.objects.filter(period=october).order_by("official_id").values(
        "official_id", "total", "rank_in_unit", "rank_in_category", "components", "unit_id"))
    units = list(UnitScorecard.objects.filter(period=october).order_by("unit_id").values(
        "unit_id", "headcount", "average_total", "rank_in_category"))
    rollup_period(period=october)
    assert list(Scorecard.objects.filter(period=october).order_by("official_id").values(
        "official_id", "total", "rank_in_unit", "rank_in_category", "components", "unit_id")) == refreshed
    assert list(UnitScorecard.objects.filter(period=october).order_by("unit_id").values(
        "unit_id", "headcount", "average_total", "rank_in_category")) == units


def test_a_change_of_many_officials_marks_the_period_stale_until_the_rollup(rolled):
    _county, october, quarter = rolled
    assert not period_is_stale(october)
    facts_changed(facts={"report_timeliness": [(dt.date(2026, 10, 1), dt.date(2026, 10, 31))]}, officials=None)
    october.refresh_from_db()
    quarter.refresh_from_db()
    assert period_is_stale(october) and period_is_stale(quarter)
    assert not period_is_stale(period("2026-11"))  # not touched
    rollup_period(period=october)
    october.refresh_from_db()
    assert not period_is_stale(october)


def test_the_rollup_re_derives_the_training_feed_before_it_computes(rolled):
    county, october, _quarter = rolled

    session = session_on(county, OCT[0])
    AttendanceFactory(session=session, official=county.staff_official, status=AttendanceStatus.ABSENT,
                      hours=0)  # written behind the services' back: only the rollup sees it
    assert absences(county.staff_official) == []
    rollup_period(period=october)
    assert absences(county.staff_official) == [D(-1)]
    assert card(county.staff_official).deduction == D(-1)


def test_an_unknown_fact_is_a_programming_error(rolled):
    with pytest.raises(ValueError):
        facts_changed(facts={"absence": [dt.date(2026, 10, 9)]}, officials=[1])


def test_following_one_attendance_change_costs_a_fixed_number_of_queries(rolled, django_assert_num_queries):
    county, _october, _quarter = rolled
    session = session_on(county, OCT[0])

    change = FactChange({"study_absence": ((OCT[0], OCT[0]),)}, frozenset({county.staff_official.pk}))
    facts_follow(change=change)  # content types cached
    for official in [county.staff_official, *[OfficialFactory(unit=county.culture_office) for _ in range(5)]]:
        AttendanceFactory(session=session, official=official, status=AttendanceStatus.ABSENT, hours=0)
    # 2 savepoints · periods (locked) · the feed: rules, rule ids, absences, lectures, savepoint, stored rows,
    # insert + history, quarter count, stored flags, release · the stale mark · release
    with django_assert_num_queries(15):
        facts_follow(change=change)
    with django_assert_num_queries(13):  # the same again: nothing to write
        facts_follow(change=change)


@pytest.mark.parametrize("added", [0, 30])
def test_a_refresh_costs_the_same_for_a_bigger_county(rolled, added):
    county, october, _quarter = rolled
    for _ in range(added):
        official = OfficialFactory(unit=county.finance_office)
        TaskFactory(unit=county.finance_office, responsible=official, deadline=dt.date(2026, 10, 7),
                    status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 6))
    rollup_period(period=october)
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=dt.date(2026, 10, 20),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 1))
    with CaptureQueriesContext(connection) as captured:
        scorecards_refresh(period=october, official_ids=[county.staff_official.pk])
    assert statements(captured.captured_queries) == 25


def test_a_change_recomputes_eight_periods_at_most_the_longest_first(rolled, django_capture_on_commit_callbacks):
    county, _october, _quarter = rolled
    periods = [period("2026"), *[period(f"2026-W{n}") for n in range(42, 53)]]
    for target in periods:
        rollup_period(period=target)
    session = session_on(county, OCT[1])  # in week 42: the hours count in every later week of the year
    with django_capture_on_commit_callbacks(execute=True):
        attendance_record(by=county.head, session=session, official=county.staff_official,
                          status=AttendanceStatus.PRESENT)
    stale = {p.key for p in AppraisalPeriod.objects.all() if period_is_stale(p)}
    assert stale == {f"2026-W{n}" for n in range(47, 53)}  # year, Q4, October and weeks 42–46 recomputed
    assert card(county.staff_official, "2026-W46").components["training"]["inputs"]["hours"] == 2.0
    assert card(county.staff_official, "2026-W47").components["training"]["ratio"] is None  # until the rollup
