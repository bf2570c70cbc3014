"""Journey of a quarter's 平时考核 in a bureau (issue 13): the head grades the quarter and writes the 写实 comments on
the quarter page (each row saves itself; a 好 beyond the share and a confirmation without a comment are refused on
the screen) and confirms them → staff sees the grade on a phone and asks once to reconsider (an empty reason and a
second request are refused) → the head answers, changing the grade → staff sees the answer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.models import QuarterlyGrade, QuarterlyStatus
from appraisal.services.quarterly_propose import quarterly_grades_propose
from common.models import Notification
from tests.appraisal.factories import ScorecardFactory, staff_in
from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.factories import period

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
QUARTER = "2026-Q3"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
STAFF_COMMENT = "本季度完成景区安全检查 12 家，文旅惠民活动 6 场，月度实绩均按时报送。"
REASON = "本季度我还牵头完成了智慧景区方案的起草，已获局党组通过，请结合这项工作重新考虑等次。"
ANSWER = "经核实，智慧景区方案确由你牵头起草并已通过，等次调整为较好。"


def build_quarter(county) -> None:
    """The culture bureau's quarter: staff at 78 (较好 by the scores), the culture official at 92 and three colleagues;
    the head's own score too. Six appraised: two 好 places. Proposed by the organization department."""
    key = period(QUARTER)
    for official, total in ((county.staff_official, 78), (county.culture_official, 92), (county.head_official, 90)):
        ScorecardFactory(official=official, unit=county.culture, period=key, total=Decimal(total))
    staff_in(county.culture_office, county.culture, [86, 72, 66], key=QUARTER)
    quarterly_grades_propose(period=key, by=county.orgadmin)


def row(page, name: str):
    return page.locator(f"tr[data-testid=quarterly-row][data-official='{name}']")


def wait_saved(page, name: str) -> None:
    row(page, name).get_by_test_id("autosave-saved").wait_for()


def staff_grade(county) -> QuarterlyGrade:
    return QuarterlyGrade.objects.get(official=county.staff_official, period__key=QUARTER)


def open_menu_item(page, test_id: str) -> None:
    item = page.get_by_test_id(test_id)
    page.locator("li.dropdown", has=item).locator(".dropdown-toggle").click()
    item.click()


def test_the_head_grades_the_quarter_staff_asks_once_the_head_answers(county, live_server, page, screenshot):
    build_quarter(county)
    assert staff_grade(county).proposed == "fairly_good"

    # -- the head opens the quarter page from the home panel's link -------------------------------------------------
    sign_in(page, live_server, "head")
    panel = page.get_by_test_id(f"todo-quarterly-{QUARTER}")
    assert QUARTER in panel.inner_text() and panel.get_attribute("data-count") != "0"
    screenshot("quarterly-01-head-home")
    open_menu_item(page, "nav-quarterly")
    page.get_by_test_id("quarterly-table").wait_for()
    assert row(page, "王局长").count() == 0  # the head does not grade themself
    screenshot("quarterly-02-head-quarter-page")

    # staff: 一般 is chosen, then the comment typed; each saves itself
    staff_row = row(page, "李科员")
    staff_row.get_by_test_id("grade-select").select_option("average")
    wait_saved(page, "李科员")
    staff_row.get_by_test_id("comment-input").fill(STAFF_COMMENT)
    for _attempt in range(100):
        if staff_grade(county).comment == STAFF_COMMENT:
            break
        page.wait_for_timeout(100)
    grade = staff_grade(county)
    assert (grade.grade, grade.comment, grade.graded_by) == ("average", STAFF_COMMENT, county.head)

    # A third 好 is refused on the screen (two places, both taken by the proposal); nothing is saved.
    third = row(page, QuarterlyGrade.objects.get(period__key=QUARTER, score=Decimal(86)).official.name)
    third.get_by_test_id("grade-select").select_option("good")
    third.get_by_test_id("autosave-error").wait_for()
    assert QuarterlyGrade.objects.get(period__key=QUARTER, score=Decimal(86)).grade == ""
    screenshot("quarterly-03-head-share-refused")
    third.get_by_test_id("grade-select").select_option("fairly_good")
    wait_saved(page, third.get_attribute("data-official") or "")

    # Confirming the culture official without a comment: the refusal shows in the row, what was chosen stays.
    other = row(page, "赵主任")
    other.get_by_test_id("confirm-row").click()
    page.locator("tr[data-official='赵主任']").get_by_test_id("row-error").wait_for()
    assert page.locator("tr[data-official='赵主任'] select option:checked").get_attribute("value") == "good"
    screenshot("quarterly-04-head-confirm-refused")

    # staff's row is confirmed on its own; then the other comments are written and the unit confirmed at once.
    row(page, "李科员").get_by_test_id("confirm-row").click()
    page.locator("tr[data-official='李科员'][data-status=confirmed]").wait_for()
    assert staff_grade(county).status == QuarterlyStatus.CONFIRMED
    for name in ("赵主任", third.get_attribute("data-official")):
        row(page, name).get_by_test_id("comment-input").fill(f"{name}本季度按计划完成各项任务。")
        wait_saved(page, name or "")
    for locator in page.locator("tr[data-testid=quarterly-row][data-status=proposed]").all():
        name = locator.get_attribute("data-official") or ""
        if not locator.get_by_test_id("comment-input").input_value():
            locator.get_by_test_id("comment-input").fill(f"{name}本季度工作较为扎实。")
            wait_saved(page, name)
    screenshot("quarterly-05-head-comments-written")
    page.get_by_test_id("confirm-unit").click()
    page.locator(".alert-success").wait_for()
    assert QuarterlyGrade.objects.filter(period__key=QUARTER, status="confirmed").count() == 5  # all but the head
    screenshot("quarterly-06-head-unit-confirmed")

    # -- staff sees the grade on a phone and asks once to reconsider ------------------------------------------------
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "staff")
    mine_panel = page.get_by_test_id("home-quarterly-mine")
    assert QUARTER in mine_panel.inner_text()
    screenshot("quarterly-07m-staff-home")
    mine_panel.get_by_role("link").click()
    card = page.locator(f"[data-testid=my-quarter][data-period='{QUARTER}']")
    assert card.get_by_test_id("my-comment").inner_text() == STAFF_COMMENT
    assert card.get_by_test_id("my-grade").locator("[data-grade=average]").count() == 1
    screenshot("quarterly-08m-staff-my-grades")
    # A second tab opened now still shows the form after the request has gone from the first.
    second = page.context.new_page()
    second.goto(page.url)
    card.get_by_test_id("reconsider").locator("summary").click()
    card.get_by_test_id("send-request").click()  # an empty reason is refused, the form stays open
    page.locator("[data-testid=reconsider][open] .text-danger").wait_for()
    card = page.locator(f"[data-testid=my-quarter][data-period='{QUARTER}']")
    card.locator("textarea").fill(REASON)
    screenshot("quarterly-09m-staff-asks")
    card.get_by_test_id("send-request").click()
    page.locator(f"[data-testid=my-quarter][data-period='{QUARTER}'] [data-testid=my-waiting]").wait_for()
    assert staff_grade(county).reconsider_reason == REASON
    assert Notification.objects.filter(user=county.head, kind="quarterly_reconsider").count() == 1
    screenshot("quarterly-10m-staff-waiting")
    # The second ask, from the stale tab, is refused on the screen; the first request stands.
    second.set_viewport_size(PHONE)
    other_card = second.locator(f"[data-testid=my-quarter][data-period='{QUARTER}']")
    other_card.get_by_test_id("reconsider").locator("summary").click()
    other_card.locator("textarea").fill("再次申请复议。")
    other_card.get_by_test_id("send-request").click()
    second.get_by_test_id("form-error").wait_for()
    second.screenshot(path=str(ARTIFACTS / "quarterly-11m-staff-second-ask-refused.png"), full_page=True)
    second.close()
    assert staff_grade(county).reconsider_reason == REASON

    # -- the head answers: the grade is changed to 较好 -------------------------------------------------------------
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "head")
    page.get_by_test_id("todo-quarterly-requests").get_by_test_id("todo-link").click()
    request = page.locator("[data-testid=request][data-official='李科员']")
    assert request.get_by_test_id("request-reason").inner_text() == REASON
    request.locator("input[value=changed]").check()
    request.locator("select").select_option("fairly_good")
    request.locator("textarea").fill(ANSWER)
    screenshot("quarterly-12-head-answers")
    request.get_by_test_id("send-answer").click()
    page.get_by_test_id("no-requests").wait_for()
    grade = staff_grade(county)
    assert (grade.grade, grade.answer_outcome, grade.answer_text, grade.answered_by) == (
        "fairly_good", "changed", ANSWER, county.head)

    # -- staff sees the answer ------------------------------------------------------------------------------------
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/appraisal/quarterly/mine/")
    answer = page.locator(f"[data-testid=my-quarter][data-period='{QUARTER}'] [data-testid=my-answer]")
    assert ANSWER in answer.inner_text()
    screenshot("quarterly-13m-staff-sees-answer")
