"""Journey: the head records attendance for a collective study on the grid, with 李科员 (staff) absent
without excuse; after the training feed and the monthly rollup, staff sees the −1 under "why is my score"
with a link to the session, and "my training" shows the hours against the target. Once the month is closed,
editing the attendance is refused with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal.models import ScoreEntry
from appraisal.services.derive_training import training_feed
from appraisal.services.periods import period_close, period_get_or_create
from appraisal.services.rollup import rollup_period
from tests.e2e.conftest import sign_in
from training.models import Attendance, SessionKind, TrainingSession

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MONTH = "2026-10"


def test_absence_reaches_why_is_my_score_and_closing_locks_attendance(county, live_server, page, screenshot):
    starts = dt.datetime(2026, 10, 16, 7, 0, tzinfo=dt.UTC)  # a Friday afternoon in Beijing
    session = TrainingSession.objects.create(
        kind=SessionKind.COLLECTIVE_STUDY, title="周五集中学习：新修订的干部考核条例", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), hours=2, organiser=county.culture, is_required=True)
    session.audience_units.set([county.culture])

    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    for official in (county.head_official, county.culture_official):
        page.locator(f"[data-testid=attendance-row][data-official='{official.pk}'] [data-testid=set-present]").click()
        page.locator(f"[data-testid=attendance-row][data-official='{official.pk}'][data-status=present]").wait_for()
    staff_row = f"[data-testid=attendance-row][data-official='{county.staff_official.pk}']"
    page.locator(f"{staff_row} [data-testid=set-absent]").click()
    page.locator(f"{staff_row}[data-status=absent]").wait_for()
    screenshot("training-01-attendance-grid")
    assert Attendance.objects.get(session=session, official=county.staff_official).status == "absent"

    # The monthly feed and rollup (what the beat jobs run after the report deadline).
    month = period_get_or_create(key=MONTH)
    training_feed(start=month.start, end=month.end)
    rollup_period(period=month)
    entry = ScoreEntry.objects.get(official=county.staff_official, rule__code="study_absence")
    assert entry.points == -1

    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/appraisal/me/?period={MONTH}")
    link = page.get_by_test_id("ledger-source").first
    assert link.get_attribute("href") == f"/training/sessions/{session.pk}/"
    assert page.get_by_test_id("ledger-points").first.inner_text() == "扣 1 分"
    screenshot("training-02-staff-sees-why")
    page.goto(f"{live_server.url}/training/mine/")
    page.get_by_test_id("hours-bar").wait_for()
    screenshot("training-03-my-training")

    # Closing the month locks the attendance: the head's change is refused with a message.
    period_close(period=month, by=county.orgadmin, reason="测试：提前关闭")
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/training/sessions/{session.pk}/")
    page.get_by_test_id("period-closed").wait_for()  # the grid says why it no longer offers changes
    assert page.locator(f"{staff_row} [data-testid=set-present]").count() == 0
    # A change sent anyway (a stale page, a script) is refused with a clear message, and nothing changes.
    response = page.request.post(f"{live_server.url}/api/v1/attendance/bulk/", headers={
        "X-CSRFToken": next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken"),
        "Referer": f"{live_server.url}/"}, data={
        "session": session.pk, "rows": [{"official": county.staff_official.pk, "status": "present", "hours": 2}]})
    assert response.status == 400 and response.json()["code"] == "period_closed"
    assert "考勤不能再修改" in response.json()["message"]
    assert Attendance.objects.get(session=session, official=county.staff_official).status == "absent"
    screenshot("training-04-closed-month-refused")
