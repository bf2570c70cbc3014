"""Journey: staff writes and submits a monthly report; the head returns it; staff revises and resubmits;
the head approves it with a rating and publishes it; it shows on the published board (月度实绩公示)."""

from __future__ import annotations

import re

import pytest

from tasks.models import MonthlyReport, ReportStatus
from tests.e2e.conftest import sign_in
from tests.factories import OfficialFactory, TaskFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]




def test_monthly_report_from_draft_to_the_published_board(county, live_server, page, screenshot):
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="智慧景区建设")
    colleague = UserFactory(username="colleague")
    OfficialFactory(unit=county.culture_tourism, user=colleague, name="周同事")

    # staff writes the report, autosave keeps the draft, then submits it
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_test_id("open-last-month").click()
    page.wait_for_url(re.compile(r"/reports/\d{4}-\d{2}/edit/"))
    month = re.search(r"/reports/(\d{4}-\d{2})/edit/", page.url).group(1)
    page.get_by_test_id("item-content").first.fill("组织“文旅惠民”系列活动")
    page.get_by_test_id("item-indicator").first.fill("6 场，参与群众 3200 人次")
    page.get_by_test_id("item-task").first.select_option(label="智慧景区建设")
    page.get_by_test_id("add-item").click()
    page.get_by_test_id("item-content").nth(1).fill("完成 A 级景区安全检查")
    page.get_by_test_id("item-indicator").nth(1).fill("12 家")
    page.get_by_test_id("next-month-plan").fill("推进智慧景区二期建设；筹备冰雪旅游季。")
    page.get_by_test_id("self-assessment").fill("按期完成，量化指标齐全。")
    page.get_by_test_id("self-assessment").blur()
    page.get_by_test_id("autosave-saved").wait_for()
    # "Saved" may still show from an earlier autosave while the last one is on its way: wait for the row.
    for _attempt in range(100):
        report = MonthlyReport.objects.get(official=county.staff_official)
        if report.items.count() == 2 and report.self_assessment:
            break
        page.wait_for_timeout(100)
    assert report.items.count() == 2 and report.status == ReportStatus.DRAFT  # autosaved before any button
    screenshot("reports-01-staff-writes-draft")

    page.get_by_test_id("submit-report").click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "submitted"
    screenshot("reports-02-staff-submitted")

    # the head returns it with a reason
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/reports/review/")
    assert page.get_by_test_id("queue-row").count() == 1
    screenshot("reports-03-head-review-queue")
    page.get_by_test_id("open-report").click()
    page.get_by_test_id("return-reason-input").fill("第二项请写明检查发现的问题数量和整改情况。")
    screenshot("reports-04-head-reviews")
    page.get_by_test_id("return-button").click()
    page.wait_for_url(re.compile(r"/reports/review/"))
    assert page.get_by_test_id("queue-row").count() == 0

    # staff sees the reason, revises and resubmits
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/reports/{month}/edit/")
    assert "整改情况" in page.get_by_test_id("return-reason").inner_text()
    assert page.get_by_test_id("item-content").nth(1).input_value() == "完成 A 级景区安全检查"
    screenshot("reports-05-staff-sees-return")
    page.get_by_test_id("item-indicator").nth(1).fill("12 家，发现问题 9 个，已整改 9 个")
    page.get_by_test_id("submit-report").click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/$"))
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "submitted"

    # the head approves with a rating, then signs and publishes
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/reports/review/")
    page.get_by_test_id("open-report").click()
    assert "已整改 9 个" in page.get_by_test_id("report-items").inner_text()
    page.locator("input[name=rating][value=excellent]").check()
    page.get_by_test_id("review-comment-input").fill("整改及时，数据翔实。")
    page.get_by_test_id("approve-button").click()
    page.wait_for_url(re.compile(r"/reports/review/"))
    page.get_by_test_id("tab-approved").click()
    page.get_by_test_id("open-report").click()
    assert page.get_by_test_id("report-rating").get_attribute("data-rating") == "excellent"
    page.get_by_test_id("publish-button").click()
    page.wait_for_url(re.compile(r"/reports/review/\?tab=approved"))
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "published"
    assert [e.get_attribute("data-to") for e in page.get_by_test_id("timeline-entry").all()] == [
        "draft", "submitted", "returned", "submitted", "approved", "published"]
    screenshot("reports-06-head-published-timeline")

    # it shows on the published board, for the official and for a colleague in the same section
    for user in ("staff", "colleague"):
        sign_in(page, live_server, user)
        page.goto(f"{live_server.url}/reports/board/")
        board = page.get_by_test_id("board-report")
        assert board.count() == 1 and "文旅惠民" in board.inner_text() and "李科员" in board.inner_text()
    screenshot("reports-07-board-seen-by-colleague")
