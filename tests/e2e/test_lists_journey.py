"""Journey (issue 15, item 6): lists that start where the work is.

The head creates a task choosing people with the searchable picker (type part of a name, choose), the task board
opens on the open tasks, most urgent first, with its legend; in the review queue the head filters by unit, month
and lateness, and signs several approved reports at once. Screenshots at 1366×768 and at phone width (390 px) of
the review queue and the task lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tasks.models import MonthlyReport, ReportStatus, Task, TaskStatus
from tests.e2e.conftest import sign_in
from tests.e2e.picker import pick_official
from tests.factories import MonthlyReportFactory, MonthlyReportItemFactory, OfficialFactory, TaskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
EARLIER_MONTH = (LAST_MONTH - dt.timedelta(days=1)).replace(day=1)
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_head_creates_a_task_with_the_picker_and_the_board_opens_on_open_work(county, live_server, page,
                                                                              screenshot):
    for name in ("李明", "李华", "李强"):  # namesakes: the picker shows each one's staff number and unit
        OfficialFactory(name=name, unit=county.culture_office)
    TaskFactory(title="已办结的任务", unit=county.culture_tourism, responsible=county.staff_official,
                status=TaskStatus.COMPLETED, completed_on=TODAY, progress=100, deadline=TODAY - dt.timedelta(days=3))
    TaskFactory(title="逾期的任务", unit=county.culture_tourism, responsible=county.staff_official,
                status=TaskStatus.OVERDUE, start_date=TODAY - dt.timedelta(days=40),
                deadline=TODAY - dt.timedelta(days=4))
    TaskFactory(title="下月到期的任务", unit=county.culture_tourism, responsible=county.staff_official,
                status=TaskStatus.IN_PROGRESS, start_date=TODAY - dt.timedelta(days=10),
                deadline=TODAY + dt.timedelta(days=30))

    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/tasks/new/")
    legends = page.locator("[data-testid=clarity] legend").all_inner_texts()
    assert len(legends) == 5 and legends[3].endswith("牵头领导") and legends[4].endswith("具体负责人")
    assert page.locator("option", has_text="---------").count() == 0
    page.locator("#id_title").fill("文旅项目谋划")
    page.locator("#id_goal").fill("形成 3 个可申报项目")
    page.locator("#id_unit").select_option("WL01")
    page.locator("#id_deadline").fill((TODAY + dt.timedelta(days=5)).isoformat())
    # The picker lists as one types: only officials in the head's scope, with staff number and unit.
    control = page.locator("#id_responsible-ts-control")
    control.click()
    control.press_sequentially("李", delay=30)
    page.locator("#id_responsible-ts-dropdown .option", has_text="李明").wait_for()
    expect(page.locator(".ts-wrapper.loading")).to_have_count(0)  # every answer is in
    assert page.locator("#id_responsible-ts-dropdown .option").count() == 4  # 李科员, 李明, 李华, 李强
    screenshot("lists-01-picker-typing")
    page.locator("#id_responsible-ts-dropdown .option", has_text="李华").click()
    pick_official(page, "id_leading_leader", "王局", "王局长")
    pick_official(page, "id_members", "赵", "赵主任")
    pick_official(page, "id_members", "李强", "李强")
    screenshot("lists-02-task-form-clarities")
    page.get_by_test_id("task-save").click()
    page.wait_for_url(re.compile(r"/tasks/\d+/$"))
    task = Task.objects.get(title="文旅项目谋划")
    assert task.responsible.name == "李华" and task.leading_leader == county.head_official
    assert sorted(m.name for m in task.members.all()) == ["李强", "赵主任"]

    # The board opens on the open tasks, most urgent first, and says what its colours and icons mean.
    page.goto(f"{live_server.url}/tasks/board/")
    rows = page.locator("[data-testid=task-row] td.cell-title a").all_inner_texts()
    assert rows == ["逾期的任务", "文旅项目谋划", "下月到期的任务"]
    assert page.locator("#f-status").input_value() == "open"
    assert page.get_by_test_id("board-legend").is_visible()
    screenshot("lists-03-board-1366")
    page.locator("#f-status").select_option("")  # 全部: the closed ones come after
    page.wait_for_url(re.compile(r"status=&"))
    page.locator("[data-testid=task-row]", has_text="已办结的任务").wait_for()
    assert page.locator("[data-testid=task-row] td.cell-title a").all_inner_texts()[-1] == "已办结的任务"

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/tasks/board/")
    assert no_sideways_scroll(page)
    screenshot("lists-04-board-390")
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/tasks/")
    assert no_sideways_scroll(page)
    screenshot("lists-05-my-tasks-390")


def _report(official, *, month, status, late=False, rating=""):
    report = MonthlyReportFactory(official=official, month=month, status=status, is_late=late, rating=rating,
                                  submitted_at=timezone.now() - dt.timedelta(days=1))
    MonthlyReportItemFactory(report=report, content="完成景区提升项目前期工作")
    return report


def test_head_filters_the_review_queue_and_signs_several_reports(county, live_server, page, screenshot):
    tourism = [OfficialFactory(name=n, unit=county.culture_tourism) for n in ("周敏", "吴刚", "郑洁")]
    office = OfficialFactory(name="冯磊", unit=county.culture_office)
    late = _report(tourism[0], month=LAST_MONTH, status=ReportStatus.SUBMITTED, late=True)
    _report(office, month=LAST_MONTH, status=ReportStatus.SUBMITTED)
    _report(county.staff_official, month=EARLIER_MONTH, status=ReportStatus.SUBMITTED)
    approved = [_report(o, month=LAST_MONTH, status=ReportStatus.APPROVED, rating="good") for o in tourism[1:]]
    other = _report(office, month=EARLIER_MONTH, status=ReportStatus.APPROVED, rating="fair")

    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/reports/review/")
    assert page.locator("[data-testid=queue-row]").count() == 3
    assert page.locator(f"[data-testid=queue-row][data-report='{late.pk}'] [data-testid=late-flag]").is_visible()
    assert page.get_by_test_id("late-count-submitted").is_visible()
    screenshot("lists-06-review-queue-1366")

    page.get_by_test_id("queue-unit").select_option("WL02")
    page.get_by_test_id("queue-month").fill(f"{LAST_MONTH:%Y-%m}")
    page.get_by_test_id("queue-filter-submit").click()
    page.wait_for_url(re.compile(r"unit=WL02"))
    assert [int(r) for r in page.locator("[data-testid=queue-row]").evaluate_all(
        "rows => rows.map(r => r.dataset.report)")] == [late.pk]
    page.get_by_test_id("queue-late").check()
    page.get_by_test_id("queue-filter-submit").click()
    page.wait_for_url(re.compile(r"late=on"))
    assert page.locator("[data-testid=queue-row]").count() == 1
    screenshot("lists-07-review-queue-filtered")
    # The approval form asks for a rating: none is ticked in advance.
    page.get_by_test_id("open-report").click()
    page.get_by_test_id("approve-form").wait_for()
    assert page.locator("input[name=rating]:checked").count() == 0
    page.go_back()

    # The signature tab, same filters: tick all, sign once.
    page.get_by_test_id("tab-approved").click()
    page.wait_for_url(re.compile(r"tab=approved"))
    page.get_by_test_id("queue-late").uncheck()
    page.get_by_test_id("queue-filter-submit").click()
    page.wait_for_url(re.compile(r"tab=approved(?!.*late)"))
    assert page.locator("[data-testid=queue-row]").count() == 2
    page.get_by_test_id("check-all").check()
    assert page.locator("[data-testid=sign-check]:checked").count() == 2
    screenshot("lists-08-review-queue-to-sign")
    page.get_by_test_id("bulk-sign").click()
    page.wait_for_url(re.compile(r"tab=approved"))
    assert "2" in page.locator(".alert-success").inner_text()
    assert set(MonthlyReport.objects.filter(pk__in=[r.pk for r in approved]).values_list("status", flat=True)) == {
        ReportStatus.PUBLISHED}
    assert MonthlyReport.objects.get(pk=other.pk).status == ReportStatus.APPROVED  # another unit and month
    assert page.locator("[data-testid=queue-row]").count() == 0

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reports/review/")
    assert no_sideways_scroll(page)
    screenshot("lists-09-review-queue-390")
    page.goto(f"{live_server.url}/reports/review/?tab=approved")
    assert no_sideways_scroll(page)
    screenshot("lists-10-review-queue-to-sign-390")
