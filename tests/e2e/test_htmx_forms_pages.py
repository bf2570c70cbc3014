"""The other htmx forms say what they refused and keep what was typed (issue 14, item 8): the monthly report's
autosave, the notifications, the leave card's change and removal, and the htmx searches and filters — the task
board, the officials, the check-up results, the official picker of a score entry, and the officials of a unit on
the case and talk forms (where a unit out of scope reads exactly like one that does not exist)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.services.checkup_results import round_compute
from common.models import Notification
from org.models import LeaveRecord
from tasks.models import MonthlyReport
from tasks.services.reports import report_submit
from tests.appraisal.test_checkup_services import assign, give, open_round
from tests.e2e.conftest import sign_in
from tests.e2e.htmx_forms import assert_said_in_chinese, force_value, forge_option
from tests.factories import LeaveRecordFactory, RoleGrantFactory, TaskFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
RESULT = "完成景区安全检查"


def test_the_report_autosave_says_what_it_did_not_save(county, live_server, page, screenshot):
    month = f"{timezone.localdate():%Y-%m}"
    sign_in(page, live_server, "staff")
    page.goto(live_server.url + reverse("tasks:report_edit", args=[month]))
    item = page.get_by_test_id("report-item").first
    item.get_by_test_id("item-content").fill(RESULT)
    item.get_by_test_id("item-indicator").fill("12 家")
    page.get_by_test_id("save-draft").click()  # a plain POST: the page comes back saying "Draft saved."
    page.locator(".alert-success").wait_for()
    report = MonthlyReport.objects.get(official=county.staff_official)
    assert list(report.items.values_list("content", "indicator")) == [(RESULT, "12 家")]

    # An indicator past its 200 characters: the autosave says which item, the green message goes, the text stays.
    item = page.get_by_test_id("report-item").first
    force_value(item.get_by_test_id("item-indicator"), "家" * 201)
    error = page.get_by_test_id("autosave-error")
    error.wait_for()
    assert_said_in_chinese(error.inner_text(), "1", "200")
    assert page.locator(".alert-success").count() == 0
    assert item.get_by_test_id("item-indicator").input_value() == "家" * 201
    assert list(report.items.values_list("content", "indicator")) == [(RESULT, "12 家")]
    screenshot("htmx-forms-15-report-indicator-too-long")

    # A task the page never offered (too large even to be an id): refused in words, not a server error.
    item.get_by_test_id("item-indicator").fill("12 家")
    item.get_by_test_id("item-indicator").dispatch_event("change")  # leaving the box: the form saves itself
    page.get_by_test_id("autosave-saved").wait_for()
    forge_option(item.get_by_test_id("item-task"), "99999999999999999999999", "别人的任务")
    error.wait_for()
    assert_said_in_chinese(error.inner_text(), "1")
    assert page.get_by_test_id("htmx-failure").count() == 0
    assert report.items.get().task_id is None

    # Submitted from another tab meanwhile: refused with the reason; what is typed here stays on the screen.
    item.get_by_test_id("item-task").select_option("")
    page.get_by_test_id("autosave-saved").wait_for()
    report_submit(report=MonthlyReport.objects.get(pk=report.pk), by=county.staff)
    page.get_by_test_id("next-month-plan").fill("继续推进智慧景区建设")
    page.get_by_test_id("next-month-plan").dispatch_event("change")
    error.wait_for()
    assert_said_in_chinese(error.inner_text())
    assert page.get_by_test_id("next-month-plan").input_value() == "继续推进智慧景区建设"
    assert MonthlyReport.objects.get(pk=report.pk).next_month_plan == ""
    screenshot("htmx-forms-16-report-submitted-elsewhere")


def test_a_failed_notification_click_is_said_and_cleared_when_the_retry_goes_through(county, live_server, page,
                                                                                    screenshot):
    first, gone = (Notification.objects.create(user=county.staff, kind="test", title=title)
                   for title in ("任务即将到期", "月报已退回"))
    sign_in(page, live_server, "staff")
    page.goto(live_server.url + reverse("common:notification_list"))

    # Gone since the page was loaded: said at the top of the page.
    Notification.objects.filter(pk=gone.pk).delete()
    page.locator(f"[data-testid=notification][data-pk='{gone.pk}'] [data-testid=mark-read]").click()
    failure = page.get_by_test_id("htmx-failure")
    failure.wait_for()
    assert_said_in_chinese(failure.inner_text(), "刷新")
    screenshot("htmx-forms-17-notification-gone")

    # The server out of reach: said at the top; sent again once it answers, the message goes.
    page.route("**/notifications/read-all/**", lambda route: route.abort())
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_test_id("htmx-failure")).not_to_contain_text("刷新")
    assert_said_in_chinese(failure.inner_text())
    assert Notification.objects.get(pk=first.pk).read_at is None
    screenshot("htmx-forms-18-notification-offline")
    page.unroute("**/notifications/read-all/**")
    page.get_by_test_id("mark-all-read").click()
    page.locator("[data-testid=notification][data-read='1']").wait_for()
    assert page.get_by_test_id("htmx-failure").count() == 0
    assert Notification.objects.get(pk=first.pk).read_at is not None


def test_the_leave_cards_change_and_removal_say_what_they_refused(county, live_server, page, screenshot):
    staff = county.staff_official
    kept = LeaveRecordFactory(official=staff, kind="personal", start_date=dt.date(2026, 3, 2),
                              end_date=dt.date(2026, 3, 3), note="家中有事", recorded_by=county.head)
    gone = LeaveRecordFactory(official=staff, kind="sick", start_date=dt.date(2026, 4, 7),
                              end_date=dt.date(2026, 4, 8), recorded_by=county.head)
    sign_in(page, live_server, "head")
    page.goto(live_server.url + reverse("org:official_detail", args=[staff.pk]))
    card = page.get_by_test_id("official-leave")
    card.locator("tr", has_text="家中有事").get_by_test_id("leave-edit").click()
    card.locator("tr.table-warning").wait_for()  # the card came back with the record in its form
    form = card.get_by_test_id("leave-form")
    assert form.locator("#id_note").input_value() == "家中有事"
    form.locator("#id_end_date").fill("2026-02-27")  # before the first day
    form.locator("#id_note").fill("家中老人住院")
    form.get_by_test_id("leave-save").click()
    card.locator("[data-testid=form-error], [data-testid=field-error]").first.wait_for()
    assert_said_in_chinese(card.locator("[data-testid=form-error], [data-testid=field-error]").first.inner_text())
    assert form.locator("#id_note").input_value() == "家中老人住院"
    assert form.locator("#id_end_date").input_value() == "2026-02-27"
    kept.refresh_from_db()
    assert (kept.end_date, kept.note) == (dt.date(2026, 3, 3), "家中有事")
    screenshot("htmx-forms-19-leave-edit-refused")

    # Removed by someone else since the page was loaded: said at the top of the page.
    LeaveRecord.objects.filter(pk=gone.pk).delete()
    page.once("dialog", lambda dialog: dialog.accept())
    card.locator("tr", has_text="2026-04-07").get_by_test_id("leave-delete").click()
    failure = page.get_by_test_id("htmx-failure")
    failure.wait_for()
    assert_said_in_chinese(failure.inner_text(), "刷新")
    assert LeaveRecord.objects.filter(pk=kept.pk).exists()
    screenshot("htmx-forms-20-leave-gone")


def test_the_filters_say_when_a_choice_was_not_understood(county, live_server, page, screenshot):
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="路灯维修")
    TaskFactory(unit=county.culture_office, responsible=county.culture_official, title="档案整理")
    sign_in(page, live_server, "head")

    # The task board: a status the page never offered is said to be ignored; the search typed stays.
    page.goto(live_server.url + reverse("tasks:task_board"))
    board = page.get_by_test_id("board-filter")
    board.locator("[name=q]").fill("路灯")
    page.locator("#board-table [data-testid=task-row]").nth(1).wait_for(state="detached")
    forge_option(board.locator("[name=status]"), "bogus", "已撤销的状态")
    warning = page.locator("#board-table .alert-warning")
    warning.wait_for()
    assert_said_in_chinese(warning.inner_text())
    assert board.locator("[name=q]").input_value() == "路灯"
    assert page.locator("#board-table [data-testid=task-row]").count() == 1
    screenshot("htmx-forms-21-board-filter-not-understood")

    # The officials: a unit the page never offered (out of scope, or gone) likewise.
    page.goto(live_server.url + reverse("org:official_list"))
    officials = page.get_by_test_id("official-filter")
    officials.locator("[name=q]").fill("李")
    forge_option(officials.locator("[name=unit]"), "CZ", "财政局")
    warning = page.locator("#official-table .alert-warning")
    warning.wait_for()
    assert_said_in_chinese(warning.inner_text())
    assert "钱科员" not in page.locator("#official-table").inner_text()  # nothing of the other unit shows
    assert officials.locator("[name=q]").input_value() == "李"
    screenshot("htmx-forms-22-officials-filter-not-understood")

    # The check-up results: a search that finds nobody says so, not "no results yet".
    checkup = open_round(county, min_responses=2)
    [rating] = assign(county, checkup, county.staff_official, "colleagues", [county.head])
    give(rating, 60, "服务意识不强")
    round_compute(round=checkup)
    sign_in(page, live_server, "orgadmin")
    page.goto(live_server.url + reverse("appraisal:checkup_results", args=[checkup.period.key]))
    page.get_by_test_id("result-row").wait_for()
    page.get_by_test_id("results-search").fill("没有这个人")
    page.get_by_test_id("results-search").press("Enter")
    empty = page.get_by_test_id("results-empty")
    empty.wait_for()
    assert_said_in_chinese(empty.inner_text(), "没有符合条件")
    assert page.get_by_test_id("results-search").input_value() == "没有这个人"
    screenshot("htmx-forms-23-checkup-search-finds-nobody")


def _picker_search(page, select_id: str, typed: str) -> str:
    """Type into the official picker and return what its list says once every answer is in."""
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.fill("")
    asked = f"q={quote(typed)}"
    with page.expect_response(lambda response: "/officials/search/" in response.url and asked in response.url):
        control.press_sequentially(typed, delay=20)
    dropdown = page.locator(f"#{select_id}-ts-dropdown")
    expect(page.locator(".ts-wrapper.loading")).to_have_count(0)
    dropdown.locator(".option, .no-results").first.wait_for()
    text = dropdown.inner_text()
    page.keyboard.press("Escape")
    return text


def test_the_official_pickers_read_out_of_scope_like_missing(county, live_server, page, screenshot):
    # The score entry's picker: someone of another bureau is not offered, and the list says so in words.
    sign_in(page, live_server, "head")
    page.goto(live_server.url + reverse("appraisal:entry_add"))
    page.locator("#id_official.tomselected").wait_for(state="attached")
    nobody = _picker_search(page, "id_official", "钱科员")
    assert_said_in_chinese(nobody)
    assert page.locator("#id_official").input_value() == ""  # nothing chosen
    assert "李科员" in _picker_search(page, "id_official", "李科员")
    screenshot("htmx-forms-24-entry-picker")

    # The case and talk forms: under a unit out of scope the search finds exactly what it finds under one that
    # does not exist — nobody.
    RoleGrantFactory(user=UserFactory(username="wl-inspector"), unit=county.culture, role="discipline")
    sign_in(page, live_server, "wl-inspector")
    for url, target in ((reverse("discipline:case_create"), "id_subjects"),
                        (reverse("discipline:talk_create"), "id_official")):
        page.goto(live_server.url + url)
        page.locator(f"#{target}.tomselected").wait_for(state="attached")
        unit = page.locator("select[name=unit]")
        seen = []
        for value in (str(county.culture.pk), str(county.finance.pk), "999999999"):
            if value == str(county.culture.pk):
                unit.select_option(value)
            else:
                forge_option(unit, value, "别的单位")
            seen.append(_picker_search(page, target, "科员"))
        assert "李科员" in seen[0] and "钱科员" not in seen[1]
        assert seen[1] == seen[2]  # out of scope reads exactly like missing
        assert_said_in_chinese(seen[1])
    screenshot("htmx-forms-25-talk-unit-out-of-scope")
