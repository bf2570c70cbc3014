"""Journey: a head assigns a task to 李科员, who sees it, posts a weekly update; the head sees the progress."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tasks.models import Task, WeeklyUpdate
from tests.e2e.conftest import sign_in
from tests.e2e.picker import pick_official

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]




def test_head_assigns_staff_updates_head_sees_progress(county, live_server, page, browser, screenshot):
    today = timezone.localdate()
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/tasks/board/")
    page.get_by_test_id("new-task").click()
    page.wait_for_url(re.compile(r"/tasks/new/"))
    page.locator("#id_title").fill("乡村旅游节筹办")
    page.locator("#id_goal").fill("10月底前举办，接待游客不少于2万人次")
    page.locator("#id_unit").select_option("WL02")
    pick_official(page, "id_leading_leader", "王", "王局长")
    pick_official(page, "id_responsible", "李科", "李科员")
    page.locator("#id_is_key_project").check()
    page.locator("#id_deadline").fill((today + dt.timedelta(days=2)).isoformat())
    page.locator("#id_milestones").fill(f"方案定稿 {(today + dt.timedelta(days=1)).isoformat()}")
    screenshot("task-01-create-form")
    page.get_by_test_id("task-save").click()
    page.wait_for_url(re.compile(r"/tasks/\d+/$"))
    task = Task.objects.get()
    assert page.get_by_test_id("task-title").inner_text() == "乡村旅游节筹办"
    assert page.get_by_test_id("responsible").inner_text() == "李科员"
    screenshot("task-02-detail-head")

    staff_context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    staff = staff_context.new_page()
    staff.set_default_timeout(10_000)
    sign_in(staff, live_server, "staff")
    staff.goto(f"{live_server.url}/tasks/")
    row = staff.locator(f"[data-testid=task-row][data-task='{task.pk}']")
    assert "乡村旅游节筹办" in row.inner_text()
    assert row.locator("[data-testid=deadline]").get_attribute("data-deadline") == "soon"
    staff.screenshot(path=str(_artifact("task-03-my-tasks-staff")), full_page=True)

    row.get_by_role("link", name="乡村旅游节筹办").click()
    staff.wait_for_url(re.compile(rf"/tasks/{task.pk}/$"))
    form = staff.get_by_test_id("weekly-form")
    form.locator("[name=progress]").fill("40")
    form.locator("[name=done]").fill("完成活动方案，联系演出团队")
    form.locator("[name=problems]").fill("场地租金待落实")
    form.locator("[name=help_needed]").fill("请财政局协调资金")
    form.get_by_test_id("weekly-submit").click()
    staff.wait_for_selector("[data-testid=timeline-update]")
    assert staff.locator("[data-testid=progress]").first.get_attribute("data-progress") == "40"
    assert "完成活动方案" in staff.get_by_test_id("timeline").inner_text()
    staff.screenshot(path=str(_artifact("task-04-detail-after-update-staff")), full_page=True)
    staff_context.close()

    assert WeeklyUpdate.objects.get().progress == 40
    page.goto(f"{live_server.url}/tasks/board/")
    board_row = page.locator(f"[data-testid=task-row][data-task='{task.pk}']")
    assert board_row.locator("[data-testid=progress]").get_attribute("data-progress") == "40"
    assert board_row.locator("[data-testid=status]").get_attribute("data-status") == "in_progress"
    screenshot("task-05-board-head")
    page.goto(f"{live_server.url}/tasks/weekly-missing/")
    assert page.locator(f"[data-testid=task-row][data-task='{task.pk}']").count() == 0
    screenshot("task-06-weekly-missing-head")


def _artifact(name: str):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
