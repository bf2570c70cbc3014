"""Periodic jobs: overdue tasks, deadline reminders, missing weekly updates, missing and late monthly reports,
overdue letters. Each is set-based (fixed query count), and running it twice changes nothing the second time."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.models import Notification
from tasks import jobs
from tasks.models import LetterStatus, MonthlyReport, ReportStatus, ReportTransition, Task, TaskStatus
from tasks.services import periodic
from tests.conftest import statements
from tests.factories import (
    MonthlyReportFactory,
    OfficialFactory,
    SupervisionLetterFactory,
    TaskFactory,
    UserFactory,
    WeeklyUpdateFactory,
)

TODAY = dt.date(2026, 11, 6)  # a Friday; October's reports were due on the 5th
OCTOBER = dt.date(2026, 10, 1)
TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=TZ)


def notices(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", "dedupe_key"))


def snapshot() -> tuple:
    return (
        sorted(Task.objects.values_list("pk", "status")),
        sorted(MonthlyReport.objects.values_list("official_id", "month", "status", "is_missing", "is_late")),
        sorted(Notification.objects.values_list("user_id", "kind", "dedupe_key", "title")),
    )


# -- tasks ---------------------------------------------------------------------------------------------------
def test_open_tasks_past_their_deadline_turn_overdue(county):
    def task(status, deadline):
        return TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, status=status,
                           deadline=deadline, completed_on=deadline if status == TaskStatus.COMPLETED else None)

    late = task(TaskStatus.IN_PROGRESS, TODAY - dt.timedelta(days=1))
    late_unstarted = task(TaskStatus.NOT_STARTED, TODAY - dt.timedelta(days=30))
    due_today = task(TaskStatus.IN_PROGRESS, TODAY)
    done = task(TaskStatus.COMPLETED, TODAY - dt.timedelta(days=5))
    cancelled = task(TaskStatus.CANCELLED, TODAY - dt.timedelta(days=5))
    with CaptureQueriesContext(connection) as ctx:
        assert periodic.tasks_mark_overdue(today=TODAY) == 2
    assert len(ctx.captured_queries) == 1
    statuses = dict(Task.objects.values_list("pk", "status"))
    assert statuses[late.pk] == statuses[late_unstarted.pk] == TaskStatus.OVERDUE
    assert statuses[due_today.pk] == TaskStatus.IN_PROGRESS
    assert statuses[done.pk] == TaskStatus.COMPLETED and statuses[cancelled.pk] == TaskStatus.CANCELLED
    assert periodic.tasks_mark_overdue(today=TODAY) == 0


def test_responsible_officials_are_reminded_of_deadlines_once(county):
    soon = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY)
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY + dt.timedelta(days=3))
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY + dt.timedelta(days=4))
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY - dt.timedelta(days=1))
    TaskFactory(unit=county.culture_office, responsible=county.culture_official, deadline=TODAY)  # no login
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY,
                status=TaskStatus.COMPLETED, completed_on=TODAY)
    assert periodic.tasks_remind_deadlines(today=TODAY, days=3) == 2
    reminders = notices("task_deadline")
    assert [user for user, _key in reminders] == ["staff", "staff"]
    assert f"task-due:{soon.pk}:{TODAY.isoformat()}" in {key for _user, key in reminders}
    # The same day again adds nothing; the next day only the task that entered the window is new.
    assert periodic.tasks_remind_deadlines(today=TODAY, days=3) == 0
    assert periodic.tasks_remind_deadlines(today=TODAY + dt.timedelta(days=1), days=3) == 1
    assert len(notices("task_deadline")) == 3


def test_the_reminder_window_is_a_setting(county, settings):
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY + dt.timedelta(days=6))
    settings.DEADLINE_REMINDER_DAYS = 3
    assert periodic.tasks_remind_deadlines(today=TODAY) == 0
    settings.DEADLINE_REMINDER_DAYS = 7
    assert periodic.tasks_remind_deadlines(today=TODAY) == 1


def test_reminders_cost_a_fixed_number_of_queries(county):
    def make(n):
        for _ in range(n):
            official = OfficialFactory(unit=county.culture_office)
            official.user = UserFactory()
            official.save()
            TaskFactory(unit=county.culture_office, responsible=official, deadline=TODAY)

    make(5)
    with CaptureQueriesContext(connection) as small:
        assert periodic.tasks_remind_deadlines(today=TODAY) == 5
    make(50)
    with CaptureQueriesContext(connection) as large:
        assert periodic.tasks_remind_deadlines(today=TODAY) == 50
    assert statements(large.captured_queries) == statements(small.captured_queries)



def test_heads_hear_of_tasks_without_this_weeks_update(county, finance_head):
    monday = dt.date(2026, 11, 2)
    updated = TaskFactory(unit=county.culture_tourism, responsible=county.staff_official)
    WeeklyUpdateFactory(task=updated, week=monday, progress=40, done="推进中")
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official)
    TaskFactory(unit=county.culture_office, responsible=county.culture_official)
    TaskFactory(unit=county.finance_office, responsible=county.finance_official)
    TaskFactory(unit=county.finance_office, responsible=county.finance_official, status=TaskStatus.COMPLETED,
                completed_on=monday)
    TaskFactory(unit=county.culture_office, responsible=county.culture_official,
                start_date=monday + dt.timedelta(days=7), deadline=monday + dt.timedelta(days=30))  # not started yet
    assert periodic.weekly_updates_notify_missing(week=monday + dt.timedelta(days=3)) == 2
    key = "weekly-missing:2026-11-02"
    assert notices("weekly_missing") == [("finhead", key), ("head", key)]
    titles = dict(Notification.objects.filter(kind="weekly_missing").values_list("user__username", "title"))
    assert "2" in titles["head"] and "1" in titles["finhead"]
    assert periodic.weekly_updates_notify_missing(week=monday) == 0
    assert Notification.objects.filter(kind="weekly_missing").count() == 2


# -- monthly reports -----------------------------------------------------------------------------------------
@pytest.fixture
def october(county):
    """October's reports in every situation the monthly job must tell apart."""
    on_time = MonthlyReportFactory(official=county.staff_official, month=OCTOBER, status=ReportStatus.SUBMITTED,
                                   submitted_at=at(3, 10))
    draft = MonthlyReportFactory(official=county.culture_official, month=OCTOBER)
    last_minute = MonthlyReportFactory(official=county.finance_official, month=OCTOBER,
                                       status=ReportStatus.APPROVED, submitted_at=at(5, 23))
    late_official = OfficialFactory(unit=county.finance_office, name="迟交者")
    late = MonthlyReportFactory(official=late_official, month=OCTOBER, status=ReportStatus.SUBMITTED,
                                submitted_at=at(6, 8))
    returned = MonthlyReportFactory(official=OfficialFactory(unit=county.culture_office, name="退回者"), month=OCTOBER,
                                    status=ReportStatus.RETURNED, submitted_at=at(2, 9))
    resubmitted = MonthlyReportFactory(official=OfficialFactory(unit=county.culture_office, name="重交者"),
                                       month=OCTOBER, status=ReportStatus.SUBMITTED, submitted_at=at(7, 9))
    ReportTransition.objects.create(report=resubmitted, from_status="draft", to_status="submitted", at=at(4, 9))
    OfficialFactory(unit=county.culture_office, name="已离职", is_active=False)
    OfficialFactory(unit=county.culture_office, name="新入职", joined_on=dt.date(2026, 11, 2))
    return {"on_time": on_time, "draft": draft, "last_minute": last_minute, "late": late, "returned": returned,
            "resubmitted": resubmitted}


def test_missing_and_late_reports_are_flagged_after_the_deadline(county, october, finance_head):
    counts = periodic.reports_flag_missing_and_late(month=OCTOBER, today=TODAY)
    assert counts["created"] == 1  # the head's own report did not exist
    assert counts["missing"] == 2 and counts["late"] == 1
    flags = {r.official.name: (r.status, r.is_missing, r.is_late)
             for r in MonthlyReport.objects.filter(month=OCTOBER).select_related("official")}
    assert flags == {
        "李科员": ("submitted", False, False),
        "赵主任": ("draft", True, False),
        "钱科员": ("approved", False, False),  # 23:00 on the deadline day is in time
        "迟交者": ("submitted", False, True),
        "退回者": ("returned", True, False),
        "重交者": ("submitted", False, False),  # first submitted in time, resubmitted after a return
        "王局长": ("draft", True, False),  # created by the job
    }
    assert notices("report_missing") == [("head", "report-missing:2026-10")]  # only 王局长 signs in
    assert notices("reports_missing") == [("finhead", "reports-heads:2026-10"), ("head", "reports-heads:2026-10")]


def test_nothing_happens_before_the_deadline_has_passed(county, october):
    before = snapshot()
    counts = periodic.reports_flag_missing_and_late(month=OCTOBER, today=dt.date(2026, 11, 5))
    assert counts == {"created": 0, "missing": 0, "late": 0, "notified": 0}
    assert snapshot() == before


def test_the_monthly_flags_cost_a_fixed_number_of_queries(county):
    OfficialFactory.create_batch(5, unit=county.culture_office)
    with CaptureQueriesContext(connection) as small:
        periodic.reports_flag_missing_and_late(month=OCTOBER, today=TODAY)
    # Start the second run from the same state, so both write their reports and notifications.
    MonthlyReport.objects.all().delete()
    Notification.objects.all().delete()
    OfficialFactory.create_batch(60, unit=county.culture_office)
    with CaptureQueriesContext(connection) as large:
        assert periodic.reports_flag_missing_and_late(month=OCTOBER, today=TODAY)["created"] == 69
    assert statements(large.captured_queries) == statements(small.captured_queries)


# -- letters -------------------------------------------------------------------------------------------------
def test_overdue_letters_are_notified_once_per_letter(county, finance_head):
    overdue = SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture_tourism,
                                       issued_by=county.orgadmin, recipient_official=county.staff_official,
                                       reply_deadline=TODAY - dt.timedelta(days=1))
    SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture, issued_by=county.orgadmin,
                             reply_deadline=TODAY - dt.timedelta(days=1), status=LetterStatus.REPLIED)
    SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture, issued_by=county.orgadmin,
                             reply_deadline=TODAY)
    assert periodic.letters_notify_overdue(today=TODAY) == 3
    key = f"letter-overdue:{overdue.pk}"
    assert notices("letter_overdue") == [("head", key), ("orgadmin", key), ("staff", key)]
    assert periodic.letters_notify_overdue(today=TODAY) == 0
    # The next day only the letter due today is new (its issuer and the culture head).
    assert periodic.letters_notify_overdue(today=TODAY + dt.timedelta(days=1)) == 2
    assert len(notices("letter_overdue")) == 5


# -- jobs and the command ------------------------------------------------------------------------------------
@pytest.fixture
def everything(county, october, finance_head):
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY - dt.timedelta(days=2),
                status=TaskStatus.IN_PROGRESS)
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY + dt.timedelta(days=1))
    SupervisionLetterFactory(issuer_unit=county.root, recipient_unit=county.culture, issued_by=county.orgadmin,
                             reply_deadline=TODAY - dt.timedelta(days=1))


def test_running_every_job_twice_changes_nothing_the_second_time(everything):
    first = {"daily": jobs.daily(TODAY.isoformat()), "weekly": jobs.weekly("2026-11-09"),
             "monthly": jobs.monthly(TODAY.isoformat())}
    assert first["daily"] == {"tasks_overdue": 1, "deadline_reminders": 1, "letters_overdue": 2}
    assert first["weekly"]["week"] == "2026-11-02" and first["weekly"]["heads_notified"] == 1
    assert first["monthly"]["month"] == "2026-10" and first["monthly"]["created"] == 1
    state = snapshot()
    second = {"daily": jobs.daily(TODAY.isoformat()), "weekly": jobs.weekly("2026-11-09"),
              "monthly": jobs.monthly(TODAY.isoformat())}
    assert snapshot() == state
    assert all(value == 0 for result in second.values() for key, value in result.items()
               if key not in ("week", "month"))


# The exact queries of each job on the ``everything`` world: its first run, then a re-run with nothing left to do.
JOB_QUERIES = {"daily": (13, 11), "weekly": (4, 3), "monthly": (14, 9)}
JOB_DAYS = {"daily": TODAY.isoformat(), "weekly": "2026-11-09", "monthly": TODAY.isoformat()}


@pytest.mark.parametrize("job", ["daily", "weekly", "monthly"])
def test_each_job_costs_a_pinned_number_of_queries(everything, django_assert_num_queries, job):
    with django_assert_num_queries(JOB_QUERIES[job][0]):
        getattr(jobs, job)(JOB_DAYS[job])
    with django_assert_num_queries(JOB_QUERIES[job][1]):
        getattr(jobs, job)(JOB_DAYS[job])


def test_jobs_run_through_celery_too(everything):
    result = jobs.daily.delay(TODAY.isoformat())  # eager in tests, as in the embedded default
    assert result.get()["tasks_overdue"] == 1


def test_run_jobs_with_a_date(everything):
    out = StringIO()
    call_command("run_jobs", "daily", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().startswith("daily:") and "tasks_overdue=1" in out.getvalue()
    call_command("run_jobs", "monthly", "--date", "2026-11-06", stdout=out)
    assert MonthlyReport.objects.filter(month=OCTOBER, is_missing=True).count() == 3
    call_command("run_jobs", "weekly", "--date", "2026-11-09", stdout=out)
    assert "week=2026-11-02" in out.getvalue()


def test_monthly_run_before_the_deadline_does_nothing(everything):
    before = MonthlyReport.objects.count()
    call_command("run_jobs", "monthly", "--date", "2026-11-05", stdout=StringIO())
    assert MonthlyReport.objects.count() == before
    assert not MonthlyReport.objects.filter(is_missing=True).exists()


def test_run_jobs_refuses_a_bad_date_or_job(db):
    with pytest.raises(CommandError):
        call_command("run_jobs", "daily", "--date", "2026-13-01")
    with pytest.raises(CommandError):
        call_command("run_jobs", "hourly")


def test_periods_of_the_weekly_and_monthly_jobs():
    assert jobs.previous_week(dt.date(2026, 11, 9)) == dt.date(2026, 11, 2)  # a Monday: the week just ended
    assert jobs.previous_week(dt.date(2026, 11, 15)) == dt.date(2026, 11, 2)  # a Sunday: still the week before
    assert jobs.previous_month(dt.date(2026, 1, 6)) == dt.date(2025, 12, 1)
    assert jobs.previous_month(dt.date(2026, 3, 31)) == dt.date(2026, 2, 1)


def test_the_beat_schedule(settings):
    from cadre_mgmt.celery_app import app

    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "tasks.jobs.daily", "tasks.jobs.weekly", "tasks.jobs.monthly", "appraisal.jobs.rollup_due",
        "training.jobs.remind_required_sessions", "appraisal.jobs.monthly_feed",
        "appraisal.jobs.annual_daily"}
    # Every scheduled name is a task a worker registers (as its autodiscovery does on start).
    app.loader.import_default_modules()
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
    daily, weekly, monthly = (schedule[f"tasks-{name}"]["schedule"] for name in ("daily", "weekly", "monthly"))
    assert (daily.hour, daily.minute) == ({6}, {30})
    assert (weekly.hour, weekly.minute, weekly.day_of_week) == ({7}, {0}, {1})
    assert (monthly.hour, monthly.minute) == ({7}, {30})
    assert monthly.day_of_month == {settings.MONTHLY_REPORT_DEADLINE_DAY + 1}


def test_job_notices_are_emailed_when_email_is_on(county, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_BY_EMAIL = True
    county.staff.email = "li@example.gov.cn"
    county.staff.save()
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, deadline=TODAY, title="场馆验收")
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.tasks_remind_deadlines(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [["li@example.gov.cn"]]
    assert "场馆验收" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        periodic.tasks_remind_deadlines(today=TODAY)
    assert len(mail.outbox) == 1  # nothing new, nothing sent
