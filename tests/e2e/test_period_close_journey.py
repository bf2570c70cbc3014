"""Journey (issue 15 item 3): the organization department opens November's close page with nine reports not yet
reviewed, sees the counts and follows one to its list, tries to close without a reason and is told why, then
closes with a reason, which the period's page shows; the head then approves a November report and is warned
that it no longer changes the month's score."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.models import AppraisalPeriod, PeriodStatus
from tasks.models import MonthlyReport, ReportStatus
from tests.e2e.conftest import sign_in
from tests.factories import MonthlyReportFactory, MonthlyReportItemFactory, OfficialFactory, period

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NOV = dt.date(2026, 11, 1)
REASON = "十一月报告审核因防汛工作延后，经部务会研究同意先行关闭"


def test_orgadmin_closes_november_with_unreviewed_reports_and_a_reason(county, live_server, page, screenshot):
    period("2026-11")
    for i in range(9):
        official = OfficialFactory(unit=county.culture_office, name=f"干部{i + 1:02d}")
        report = MonthlyReportFactory(official=official, month=NOV, status=ReportStatus.SUBMITTED,
                                      submitted_at=timezone.make_aware(dt.datetime(2026, 12, 2, 9)))
        MonthlyReportItemFactory(report=report)
    sign_in(page, live_server, "orgadmin")

    page.goto(f"{live_server.url}/appraisal/periods/2026-11/")
    page.get_by_test_id("close-period").click()
    page.get_by_test_id("close-title").wait_for()
    unreviewed = page.locator("[data-testid=open-item][data-item=reports_unreviewed]")
    assert unreviewed.get_attribute("data-count") == "9"
    assert unreviewed.get_by_test_id("open-item-count").inner_text() == "9"
    assert page.locator("[data-testid=open-item][data-item=reports_missing]").get_attribute("data-count") == "4"
    screenshot("period-close-01-open-items")

    unreviewed.get_by_test_id("open-item-link").click()
    page.get_by_test_id("open-items-title").wait_for()
    assert page.get_by_test_id("open-row").count() == 9
    screenshot("period-close-02-unreviewed-list")
    page.go_back()

    page.get_by_test_id("confirm-close").click()
    page.get_by_test_id("reason-error").wait_for()
    assert "理由" in page.get_by_test_id("reason-error").inner_text() or "reason" in page.get_by_test_id(
        "reason-error").inner_text()
    assert AppraisalPeriod.objects.get(key="2026-11").status == PeriodStatus.OPEN
    screenshot("period-close-03-reason-required")

    page.locator("textarea[name=reason]").fill(REASON)
    page.get_by_test_id("confirm-close").click()
    page.get_by_test_id("close-reason").wait_for()
    assert page.get_by_test_id("close-reason").inner_text() == REASON
    assert page.get_by_test_id("period-status").get_attribute("data-status") == "closed"
    assert REASON in page.get_by_test_id("period-events").inner_text()
    screenshot("period-close-04-closed-with-reason")

    # The head reviews a November report afterwards: warned, and the approval still goes through.
    report = MonthlyReport.objects.filter(month=NOV).order_by("pk").first()
    sign_in(page, live_server, "head")
    page.goto(live_server.url + reverse("tasks:report_detail", args=[report.pk]))
    page.get_by_test_id("closed-warning").wait_for()
    assert "2026-11" in page.get_by_test_id("closed-warning").inner_text()
    screenshot("period-close-05-approval-warning")
    page.get_by_test_id("approve-form").locator("input[name=rating][value=good]").check()
    page.get_by_test_id("approve-button").click()
    page.wait_for_url(live_server.url + reverse("tasks:report_review_queue"))
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert "2026-11" in page.locator(".alert-warning").first.inner_text()
    screenshot("period-close-06-approved-with-warning")
