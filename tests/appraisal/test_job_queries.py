"""What each appraisal job costs, pinned exactly, on a small county: its first run, then the same job again (a
redelivery, or the next beat with nothing new). The services' counts that do not grow with the data are tested
next to them (tests/appraisal/test_rollup.py, test_consequences.py, test_register.py, tests/training/test_feed.py)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from appraisal.jobs import (
    annual_daily,
    monthly_feed,
    register_export_job,
    rollup_due,
    rollup_job,
    scorecards_refresh_job,
)
from appraisal.models import GradeNotice, Stage
from appraisal.services.rollup import rollup_period
from tasks.models import ReportStatus, TaskStatus
from tests.appraisal.annual_helpers import to_stage
from tests.appraisal.factories import ExportJobFactory, RollupRunFactory, ScorecardFactory, ScoreEntryFactory
from tests.factories import MonthlyReportFactory, TaskFactory, period
from tests.training.factories import AttendanceFactory, TrainingSessionFactory
from training.models import AttendanceStatus

# Each job's first run and its second, in the worlds below.
JOB_QUERIES = {
    "rollup_job": (49, 1),
    "rollup_due": (50, 50),
    "scorecards_refresh_job": (26, 26),
    "monthly_feed": (11, 9),
    "annual_daily": (6, 5),
    "register_export_job": (10, 1),
}


@pytest.fixture
def october(county):
    """October 2026 in the culture bureau: a task done in time and one late, approved and late reports, a bonus."""
    staff = county.staff_official
    TaskFactory(unit=county.culture_tourism, responsible=staff, deadline=dt.date(2026, 10, 10),
                status=TaskStatus.COMPLETED, completed_on=dt.date(2026, 10, 9))
    TaskFactory(unit=county.culture_office, responsible=county.culture_official, deadline=dt.date(2026, 10, 20),
                status=TaskStatus.OVERDUE)
    for official, late in ((staff, False), (county.culture_official, True), (county.finance_official, False)):
        MonthlyReportFactory(official=official, month=dt.date(2026, 10, 1), status=ReportStatus.APPROVED,
                             rating="good", is_late=late, submitted_at=timezone.now())
    ScoreEntryFactory(official=staff, occurred_on=dt.date(2026, 10, 8), rule_code="innovation", points=Decimal(2))
    return period("2026-10")


def test_the_queued_rollup(october, django_assert_num_queries):
    run = RollupRunFactory(period=october)
    with django_assert_num_queries(JOB_QUERIES["rollup_job"][0]):
        assert rollup_job(run.pk)["status"] == "done"
    with django_assert_num_queries(JOB_QUERIES["rollup_job"][1]):
        assert rollup_job(run.pk)["skipped"]  # a redelivered job does not run again


def test_the_beat_rollup_of_the_month_just_ended(october, django_assert_num_queries):
    with django_assert_num_queries(JOB_QUERIES["rollup_due"][0]):
        assert rollup_due("month", "2026-11-06")["officials"] == 4
    with django_assert_num_queries(JOB_QUERIES["rollup_due"][1]):  # still open: rolled up again
        assert rollup_due("month", "2026-11-06")["officials"] == 4


def test_the_refresh_of_officials_whose_facts_changed(county, october, django_assert_num_queries):
    rollup_period(period=october)
    ScoreEntryFactory(official=county.staff_official, occurred_on=dt.date(2026, 10, 9), rule_code="innovation",
                      points=Decimal(1))
    changed = [county.staff_official.pk, county.culture_official.pk]
    with django_assert_num_queries(JOB_QUERIES["scorecards_refresh_job"][0]):
        done = scorecards_refresh_job([october.pk], changed, timezone.now().isoformat())
    assert done == {"periods": {"2026-10": 2}}
    with django_assert_num_queries(JOB_QUERIES["scorecards_refresh_job"][1]):  # the same work again
        scorecards_refresh_job([october.pk], changed, timezone.now().isoformat())


def test_the_monthly_training_feed(county, django_assert_num_queries):
    for day in (2, 16):
        starts = timezone.make_aware(dt.datetime(2026, 10, day, 9, 0))
        session = TrainingSessionFactory(organiser=county.culture, starts_at=starts,
                                         ends_at=starts + timedelta(hours=2), is_required=True,
                                         lecturer=county.culture_official)
        session.audience_units.add(county.culture)
        for official in (county.staff_official, county.head_official):
            AttendanceFactory(session=session, official=official, status=AttendanceStatus.ABSENT, hours=0)
    with django_assert_num_queries(JOB_QUERIES["monthly_feed"][0]):
        assert monthly_feed("2026-11-06")["created"] > 0
    with django_assert_num_queries(JOB_QUERIES["monthly_feed"][1]):  # nothing new to feed
        monthly_feed("2026-11-06")


def test_the_annual_daily_reminders_and_unsigned_notices(county, culture, django_assert_num_queries):
    to_stage(county, culture, Stage.FINAL)
    notice = GradeNotice.objects.get(official=county.staff_official, is_current=True)
    reminder_day = (notice.sign_due - timedelta(days=2)).isoformat()
    with django_assert_num_queries(JOB_QUERIES["annual_daily"][0]):
        assert annual_daily(reminder_day)["reminded"] >= 1
    with django_assert_num_queries(JOB_QUERIES["annual_daily"][1]):  # reminded once
        assert annual_daily(reminder_day)["reminded"] == 0


def test_the_register_export(county, october, settings, tmp_path, django_assert_num_queries):
    settings.MEDIA_ROOT = tmp_path / "media"
    for official in (county.staff_official, county.culture_official, county.finance_official):
        ScorecardFactory(official=official, unit=official.unit, period=october)
    job = ExportJobFactory(period=october, created_by=county.orgadmin)
    with django_assert_num_queries(JOB_QUERIES["register_export_job"][0]):
        assert register_export_job(job.pk) == {"job": job.pk, "status": "done", "rows": 3}
    with django_assert_num_queries(JOB_QUERIES["register_export_job"][1]):  # a redelivered job does nothing
        assert register_export_job(job.pk)["status"] == "skipped"
