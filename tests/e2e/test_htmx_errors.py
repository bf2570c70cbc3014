"""Every htmx form shows its errors and keeps what was typed (issue 14, item 8).

htmx drops 4xx answers by default, so the weekly update, the progress form and the complaint loop answered
invalid input with 422 and the user saw nothing, or the previous green message. Each form here gets invalid
input in a real browser; the message must appear, what was typed must stay, and a failure that carries no form
(a 404 after the task went out of reach) must say so at the top of the page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tasks.models import Task, TaskSource
from tests.e2e.conftest import sign_in
from tests.factories import TaskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _task(county) -> Task:
    return TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="群众反映路灯不亮",
                       source=TaskSource.COMPLAINT, leading_leader=county.head_official,
                       deadline=timezone.localdate() + dt.timedelta(days=10))


def test_weekly_progress_and_loop_forms_show_their_errors(county, live_server, page, screenshot):
    task = _task(county)
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")

    weekly = page.get_by_test_id("weekly-form")
    weekly.locator("[name=progress]").fill("150")
    weekly.locator("[name=done]").fill("已排查线路")
    page.get_by_test_id("weekly-submit").click()
    box = page.locator("#weekly-form-box")
    box.locator(".invalid-feedback, .text-danger, .alert-danger").first.wait_for()
    assert "100" in box.inner_text()  # "ensure this value is less than or equal to 100", in Chinese
    assert box.locator("[name=done]").input_value() == "已排查线路"  # kept
    screenshot("htmx-01-weekly-error")
    # Corrected and sent again: saved, the page says so, and the refusal does not linger.
    box.locator("[name=progress]").fill("50")
    page.get_by_test_id("weekly-submit").click()
    page.locator(".alert-success").wait_for()
    assert page.locator("#weekly-form-box").locator(".invalid-feedback, .text-danger, .alert-danger").count() == 0
    assert task.weekly_updates.get().progress == 50

    progress = page.get_by_test_id("progress-form")
    progress.locator("[name=progress]").fill("-5")
    progress.locator("[name=note]").fill("先行整改")
    progress.locator("button[type=submit]").click()
    box = page.locator("#progress-form-box")
    box.locator(".invalid-feedback, .text-danger, .alert-danger").first.wait_for()
    assert box.locator("[name=note]").input_value() == "先行整改"
    screenshot("htmx-02-progress-error")

    loop = page.get_by_test_id("loop-form")
    loop.locator("[name=stage]").evaluate("input => { input.value = 'bogus'; }")  # a stale or forged step
    loop.locator("[name=note]").fill("已联系供电所")
    loop.locator("button[type=submit]").click()
    box = page.locator("#loop-box")
    box.locator(".invalid-feedback, .text-danger, .alert-danger").first.wait_for()
    assert box.locator("[name=note]").input_value() == "已联系供电所"
    screenshot("htmx-03-loop-error")
    assert "Select a valid choice" not in page.content() and "Ensure this value" not in page.content()


def test_a_failure_without_a_form_is_said_at_the_top(county, live_server, page, screenshot):
    task = _task(county)
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    Task.objects.filter(pk=task.pk).update(unit=county.finance_office, leading_leader=None,
                                           responsible=county.finance_official)  # out of the head's reach now
    weekly = page.get_by_test_id("weekly-form")
    weekly.locator("[name=progress]").fill("50")
    weekly.locator("[name=done]").fill("已排查线路")
    page.get_by_test_id("weekly-submit").click()
    failure = page.get_by_test_id("htmx-failure")
    failure.wait_for()
    assert "刷新" in failure.inner_text()
    screenshot("htmx-04-gone")
