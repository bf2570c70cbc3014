"""The training's htmx forms say what they refused, in the row the head clicked, and keep what was typed (issue 14,
item 8): the attendance grid's status buttons with the reason for leave, and the review queue of external training
(approve, return with a reason). The database keeps what was recorded before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from appraisal.services.periods import period_close, period_get_or_create
from common.text_limits import NOTE
from org.models import Official
from tests.e2e.conftest import sign_in
from tests.e2e.htmx_forms import assert_said_in_chinese, force_value
from training.models import Attendance, ExternalStatus, ExternalTraining, SessionKind, TrainingSession
from training.services.external import external_approve, external_submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _session(county) -> TrainingSession:
    starts = dt.datetime(2026, 10, 16, 7, 0, tzinfo=dt.UTC)  # a Friday afternoon in Beijing
    session = TrainingSession.objects.create(
        kind=SessionKind.COLLECTIVE_STUDY, title="周五集中学习", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), hours=2, organiser=county.culture, is_required=True)
    session.audience_units.set([county.culture])
    return session


def test_the_attendance_grid_says_why_a_click_was_refused(county, live_server, page, screenshot):
    session = _session(county)
    staff = county.staff_official
    sign_in(page, live_server, "head")
    page.goto(live_server.url + reverse("training:session_detail", args=[session.pk]))
    row = page.locator(f"[data-testid=attendance-row][data-official='{staff.pk}']")
    row.get_by_test_id("set-present").click()
    page.locator(f"[data-testid=attendance-row][data-official='{staff.pk}'][data-status=present]").wait_for()

    def recorded() -> tuple[str, str]:
        record = Attendance.objects.get(session=session, official=staff)
        return record.status, record.excuse_reason

    # Leave without a reason: the row says so; the presence recorded stays.
    row.get_by_test_id("set-excused").click()
    error = row.get_by_test_id("row-error")
    error.wait_for()
    assert_said_in_chinese(error.inner_text())
    assert row.get_attribute("data-status") == "present" and recorded() == ("present", "")
    screenshot("htmx-forms-10-attendance-no-reason")

    # A reason past its 200 characters: named in the row, and kept in the box to shorten.
    force_value(row.locator("[name=excuse_reason]"), "差" * 201)
    row.get_by_test_id("set-excused").click()
    expect(page.get_by_test_id("row-error")).to_contain_text("200")
    assert_said_in_chinese(error.inner_text(), "200")
    assert row.locator("[name=excuse_reason]").input_value() == "差" * 201
    assert recorded() == ("present", "")
    screenshot("htmx-forms-11-attendance-reason-too-long")

    # Shortened: recorded, and the refusal is gone.
    row.locator("[name=excuse_reason]").fill("赴市里参加业务培训")
    row.get_by_test_id("set-excused").click()
    page.locator(f"[data-testid=attendance-row][data-official='{staff.pk}'][data-status=excused]").wait_for()
    assert row.get_by_test_id("row-error").count() == 0
    assert recorded() == ("excused", "赴市里参加业务培训")
    assert "王局长" in row.inner_text()  # who approved the leave, by name

    # Someone who left the audience since the page was loaded: said at the top of the page.
    Official.objects.filter(pk=county.culture_official.pk).update(unit=county.finance_office)
    page.locator(f"[data-testid=attendance-row][data-official='{county.culture_official.pk}'] "
                 "[data-testid=set-present]").click()
    failure = page.get_by_test_id("htmx-failure")
    failure.wait_for()
    assert_said_in_chinese(failure.inner_text(), "刷新")
    assert not Attendance.objects.filter(official=county.culture_official).exists()

    # The month closed meanwhile: the row says why nothing changed.
    period_close(period=period_get_or_create(key="2026-10"), by=county.orgadmin, reason="测试：先行关闭")
    row.get_by_test_id("set-absent").click()
    error.wait_for()
    assert_said_in_chinese(error.inner_text())
    assert row.locator("[name=excuse_reason]").input_value() == "赴市里参加业务培训"
    assert recorded() == ("excused", "赴市里参加业务培训")
    screenshot("htmx-forms-12-attendance-month-closed")


def _submit(county, title: str) -> ExternalTraining:
    return external_submit(by=county.staff, official=county.staff_official, title=title, provider="县委党校",
                           started_on=dt.date(2026, 4, 1), ended_on=dt.date(2026, 4, 3), hours=Decimal(8))


def test_the_review_queue_says_why_a_review_was_refused(county, live_server, page, screenshot):
    returned, approved, gone = (_submit(county, title) for title in ("党校轮训", "网络学院专题班", "业务培训班"))
    sign_in(page, live_server, "head")
    page.goto(live_server.url + reverse("training:external_review"))

    # A reason past its NOTE (2,000) characters: named in the row, kept in the box; the record is still to review.
    row = page.get_by_test_id(f"review-row-{returned.pk}")
    force_value(row.locator("[name=reason]"), "缺" * (NOTE + 1))
    row.get_by_role("button", name="退回").click()
    error = row.get_by_test_id("review-error")
    error.wait_for()
    assert_said_in_chinese(error.inner_text(), str(NOTE))
    assert row.locator("[name=reason]").input_value() == "缺" * (NOTE + 1)
    assert ExternalTraining.objects.get(pk=returned.pk).status == ExternalStatus.SUBMITTED
    screenshot("htmx-forms-13-external-reason-too-long")

    # Shortened: returned, and the refusal is gone.
    row.locator("[name=reason]").fill("缺少结业证书，请补充后重新提交")
    row.get_by_role("button", name="退回").click()
    row.get_by_test_id("review-status").wait_for()
    assert row.get_by_test_id("review-error").count() == 0
    assert ExternalTraining.objects.get(pk=returned.pk).return_reason == "缺少结业证书，请补充后重新提交"

    # Approved from another tab meanwhile: the row says so and shows the record as it is.
    external_approve(by=county.head, record=approved)
    other = page.get_by_test_id(f"review-row-{approved.pk}")
    other.get_by_role("button", name="通过").click()
    other.get_by_test_id("review-error").wait_for()
    assert_said_in_chinese(other.get_by_test_id("review-error").inner_text())
    other.get_by_test_id("review-status").wait_for()
    screenshot("htmx-forms-14-external-approved-elsewhere")

    # Withdrawn since the page was loaded: said at the top of the page.
    ExternalTraining.objects.filter(pk=gone.pk).delete()
    page.get_by_test_id(f"review-row-{gone.pk}").get_by_role("button", name="通过").click()
    failure = page.get_by_test_id("htmx-failure")
    failure.wait_for()
    assert_said_in_chinese(failure.inner_text(), "刷新")
