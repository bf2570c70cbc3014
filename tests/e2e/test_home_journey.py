"""Journeys from the home page of things to do (待办), one per role: sign in, read the home page, follow its first
to-do link and carry that piece of work to its end — with screenshots at 1366×768 (the staff's home also at a
phone's 390 px).

- staff: last month's report → write it → submit it; the home page then asks for this month's;
- head: the reports to review → open the one submitted late → approve it with a rating; one fewer to review;
- organization department: the month's readiness → a unit's reports not reviewed → then the stale scores → roll
  the month up; the home page says the scores are up to date;
- discipline inspection: the registered cases → the one past its time limit → take it up (under investigation);
  nothing is past its limit any more.
"""

from __future__ import annotations

import re

import pytest

from discipline.models import Case, CaseStatus
from tasks.models import MonthlyReport, ReportStatus
from tests.e2e.conftest import run_rollup, sign_in
from tests.home_world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def line(page, key: str):
    return page.get_by_test_id(f"todo-{key}")


def first_todo_link(page):
    return page.get_by_test_id("todo-link").first


def test_staff_writes_the_report_the_home_page_asks_for(county, live_server, page, screenshot):
    world = build_world(county)
    sign_in(page, live_server, "staff")
    month = f"{world.last_month:%Y-%m}"
    assert line(page, "report").get_attribute("data-count") == ""
    assert f"{month} 月度实绩报告" in line(page, "report").inner_text()
    assert line(page, "tasks-due").get_attribute("data-count") == "2"
    assert "第 2 名 / 共 3 人" in line(page, "score").inner_text()
    screenshot("home-01-staff-home")
    page.set_viewport_size(PHONE)
    screenshot("home-01m-staff-home-phone")
    page.set_viewport_size(DESKTOP)

    first_todo_link(page).click()
    page.wait_for_url(f"{live_server.url}/reports/{month}/edit/")
    page.get_by_test_id("item-content").first.fill("完成智慧景区二期验收准备")
    page.get_by_test_id("item-indicator").first.fill("验收资料 12 项，整改问题 5 个")
    page.get_by_test_id("next-month-plan").fill("组织二期验收；启动冰雪旅游季宣传。")
    page.get_by_test_id("self-assessment").fill("按期推进，量化指标齐全。")
    screenshot("home-02-staff-writes-the-report")
    page.get_by_test_id("submit-report").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    assert page.get_by_test_id("report-status").get_attribute("data-status") == "submitted"
    report = MonthlyReport.objects.get(official=county.staff_official, month=world.last_month)
    assert report.status == ReportStatus.SUBMITTED and report.items.count() == 1
    screenshot("home-03-staff-report-submitted")

    page.get_by_test_id("nav-home").click()
    assert f"{world.today:%Y-%m} 月度实绩报告" in line(page, "report").inner_text()
    screenshot("home-04-staff-home-after")


def test_head_approves_a_report_from_the_home_page(county, live_server, page, screenshot):
    build_world(county)
    sign_in(page, live_server, "head")
    review = line(page, "reports-review")
    assert review.get_attribute("data-count") == "2" and review.get_attribute("data-late") == "1"
    assert line(page, "weekly-missing").get_attribute("data-count") == "2"
    screenshot("home-11-head-home")

    first_todo_link(page).click()
    page.wait_for_url(re.compile(r"/reports/review/\?tab=submitted$"))
    assert page.get_by_test_id("queue-row").count() == 2
    screenshot("home-12-head-review-queue")
    late = page.locator("[data-testid=queue-row]", has=page.get_by_test_id("late-flag"))
    late.get_by_test_id("open-report").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    assert county.culture_official.name in page.get_by_test_id("report-title").inner_text()
    page.locator("input[name=rating][value=good]").check()
    page.get_by_test_id("review-comment-input").fill("逾期提交，内容基本完整。")
    screenshot("home-13-head-reviews-the-late-report")
    page.get_by_test_id("approve-button").click()
    page.wait_for_url(re.compile(r"/reports/review/"))
    assert page.get_by_test_id("queue-row").count() == 1
    assert MonthlyReport.objects.get(official=county.culture_official).status == ReportStatus.APPROVED

    page.get_by_test_id("nav-home").click()
    review = line(page, "reports-review")
    assert review.get_attribute("data-count") == "1" and review.get_attribute("data-late") == "0"
    assert line(page, "reports-sign").get_attribute("data-count") == "2"
    screenshot("home-14-head-home-after")


def test_organization_department_gets_the_month_ready_from_the_home_page(county, live_server, page, screenshot):
    world = build_world(county)
    month = f"{world.last_month:%Y-%m}"
    sign_in(page, live_server, "orgadmin")
    assert line(page, "readiness-unreviewed").get_attribute("data-count") == "4"
    assert "尚未汇总" in line(page, "readiness-rollup").inner_text()
    screenshot("home-21-orgadmin-home")

    first_todo_link(page).click()
    page.wait_for_url(f"{live_server.url}/appraisal/readiness/?month={month}")
    assert page.get_by_test_id("readiness-unreviewed").inner_text() == "4"
    screenshot("home-22-orgadmin-readiness")
    page.locator("[data-testid=readiness-unit][data-unit=WL]").get_by_test_id("unit-unreviewed").click()
    assert page.get_by_test_id("readiness-row").count() == 3
    screenshot("home-23-orgadmin-unit-unreviewed")
    page.get_by_test_id("readiness-report").first.click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    page.go_back()

    # The month's scores were never rolled up: open the period and roll it up.
    page.get_by_test_id("readiness-period-link").click()
    page.wait_for_url(f"{live_server.url}/appraisal/periods/{month}/")
    run_rollup(page)
    screenshot("home-24-orgadmin-rolled-up")
    page.goto(f"{live_server.url}/appraisal/readiness/")
    assert page.get_by_test_id("readiness-rollup").get_attribute("data-stale") == "0"
    page.get_by_test_id("nav-home").click()
    assert "已是最新" in line(page, "readiness-rollup").inner_text()
    screenshot("home-25-orgadmin-home-after")


def test_inspection_takes_up_a_case_past_its_time_limit_from_the_home_page(county, live_server, page, screenshot):
    world = build_world(county)
    sign_in(page, live_server, "inspector")
    registered = line(page, "cases-registered")
    assert registered.get_attribute("data-count") == "1" and registered.get_attribute("data-late") == "1"
    screenshot("home-31-inspector-home")

    first_todo_link(page).click()
    page.wait_for_url(re.compile(r"/discipline/cases/\?status=registered$"))
    row = page.get_by_test_id(f"case-row-{world.old_case.pk}")
    assert row.get_by_test_id("past-limit").is_visible()
    screenshot("home-32-inspector-registered-cases")
    row.get_by_role("link", name=world.old_case.number).click()
    page.wait_for_url(f"{live_server.url}/discipline/cases/{world.old_case.pk}/")
    page.locator("#transition-comment").fill("初核完毕，转入调查。")
    screenshot("home-33-inspector-case")
    page.get_by_test_id("to-investigating").click()
    page.wait_for_url(f"{live_server.url}/discipline/cases/{world.old_case.pk}/")
    assert Case.objects.get(pk=world.old_case.pk).status == CaseStatus.INVESTIGATING
    screenshot("home-34-inspector-case-taken-up")

    page.get_by_test_id("nav-home").click()
    assert line(page, "cases-registered").get_attribute("data-count") == "0"
    investigating = line(page, "cases-investigating")
    assert investigating.get_attribute("data-count") == "3" and investigating.get_attribute("data-late") == "1"
    screenshot("home-35-inspector-home-after")
