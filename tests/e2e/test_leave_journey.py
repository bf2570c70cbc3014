"""Journey of a leave (请假): the head opens an official's page, records a sick leave that overlaps one already on
record — the refusal shows on the form, with what was typed kept — corrects the dates and saves; the leave list
shows it; the official signs in and sees their leave, without a form to change it, on a phone too.

Elements are found by their test ids and form ids, not by their labels, so the journey reads the same before and
after the catalogue is merged."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from org.models import LeaveRecord
from tests.e2e.conftest import sign_in
from tests.factories import LeaveRecordFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_head_records_a_leave_and_the_official_sees_it(county, live_server, page, screenshot):
    staff = county.staff_official
    LeaveRecordFactory(official=staff, kind="personal", start_date=dt.date(2026, 3, 2),
                       end_date=dt.date(2026, 3, 3), note="家中有事", recorded_by=county.head)

    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/officials/{staff.pk}/")
    card = page.get_by_test_id("official-leave")
    card.wait_for()
    assert card.get_by_test_id("leave-row").count() == 1
    form = card.get_by_test_id("leave-form")
    form.locator("#id_kind").select_option("sick")
    form.locator("#id_start_date").fill("2026-03-03")
    form.locator("#id_end_date").fill("2026-03-13")
    form.locator("#id_note").fill("住院治疗")
    form.get_by_test_id("leave-save").click()

    error = page.get_by_test_id("form-error")
    error.wait_for()
    assert "2026-03-02" in error.inner_text()  # the record it overlaps
    assert page.locator("#id_note").input_value() == "住院治疗" and page.locator("#id_end_date").input_value() == \
        "2026-03-13"
    assert LeaveRecord.objects.count() == 1
    screenshot("leave-01-overlap-refused")

    page.locator("#id_start_date").fill("2026-03-04")
    page.get_by_test_id("leave-save").click()
    page.get_by_test_id("leave-notice").wait_for()
    assert page.get_by_test_id("leave-row").count() == 2
    leave = LeaveRecord.objects.get(kind="sick")
    assert (leave.start_date, leave.days, leave.recorded_by) == (dt.date(2026, 3, 4), 10, county.head)
    screenshot("leave-02-recorded")

    page.goto(f"{live_server.url}/leave/?year=2026")
    assert page.get_by_test_id("leave-list-row").count() == 2
    assert "住院治疗" in page.get_by_test_id("leave-list").inner_text()
    screenshot("leave-03-unit-list")

    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/officials/{staff.pk}/")
    mine = page.get_by_test_id("official-leave")
    mine.wait_for()
    assert mine.get_by_test_id("leave-row").count() == 2 and "住院治疗" in mine.inner_text()
    assert mine.get_by_test_id("leave-form").count() == 0 and mine.get_by_test_id("leave-edit").count() == 0
    screenshot("leave-04-staff-sees-own")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/officials/{staff.pk}/")
    page.get_by_test_id("official-leave").wait_for()
    screenshot("leave-05-staff-phone")
    page.goto(f"{live_server.url}/leave/")
    assert re.search(r"404|未找到|Not Found", page.content())


def test_the_head_sees_who_moved_in_and_who_was_away_on_the_comment_pages(county, live_server, page, screenshot):
    """A transfer into the bureau in July and a long sick leave, on the pages where the head writes the 评语."""
    from appraisal.models import GradeDecision
    from appraisal.services.grades import grades_propose
    from appraisal.services.procedure import procedure_open, summaries_close
    from appraisal.services.rollup import rollup_period
    from org.models import PostKind
    from org.services import official_assign_post
    from tests.appraisal.annual_helpers import submit_all
    from tests.factories import OfficialFactory, PostAssignmentFactory, period

    mover = OfficialFactory(name="孙调入", unit=county.finance_office, post_since=dt.date(2020, 1, 1))
    PostAssignmentFactory(official=mover, start_date=dt.date(2020, 1, 1))
    official_assign_post(official=mover, unit=county.culture_office, position_title="科员",
                         start_date=dt.date(2026, 7, 1), kind=PostKind.LATERAL_EXCHANGE)
    LeaveRecordFactory(official=county.culture_official, start_date=dt.date(2026, 1, 5),
                       end_date=dt.date(2026, 7, 23), note="住院治疗")
    rollup_period(period=period("2026"))
    grades_propose(period=period("2026"), by=county.orgadmin)
    procedure = procedure_open(period=period("2026"), unit=county.culture, by=county.orgadmin)
    submit_all(procedure)
    summaries_close(procedure=procedure, by=county.head)

    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/appraisal/annual/{procedure.pk}/comments/")
    row = page.locator("tr[data-official='孙调入']")
    assert "2026-07-01" in row.get_by_test_id("transfer-info").inner_text()
    screenshot("leave-06-comments-transfer")
    grade = GradeDecision.objects.get(official=county.culture_official)
    page.goto(f"{live_server.url}/appraisal/annual/{procedure.pk}/comments/{grade.pk}/")
    assert "200" in page.content()  # the days of leave, in the reason the proposal is held
    page.get_by_test_id("comment-form").wait_for()
    screenshot("leave-07-comment-long-leave")
    moved = GradeDecision.objects.get(official=mover)
    page.goto(f"{live_server.url}/appraisal/annual/{procedure.pk}/comments/{moved.pk}/")
    page.get_by_test_id("transfer-info").wait_for()
    screenshot("leave-08-comment-transfer")
