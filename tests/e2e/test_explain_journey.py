"""Journey: "why is my score" explains itself (issue 15, items 5 and 9).

Staff opens "my score" on a desk (1366×768) and on a phone (390 px): it opens on the latest scored month, shows the
weights scaled up and why, the ranks out of how many, points in words, and a component's records, one of which
he follows to its page; on the phone nothing scrolls sideways and no column stacks one character a line. The head
opens the ranking board, which leads with the rank in the unit and explains 同类排名; the organization department
sees the unit averages on a score axis from just under the lowest average to 100.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from appraisal.models import ScoreRule
from appraisal.services.entries import entry_add
from appraisal.services.rollup import rollup_period
from tasks.models import ReportRating, ReportStatus, TaskStatus
from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.factories import MonthlyReportFactory, TaskFactory, UnitCategoryFactory, period

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OCT = "2026-10"

# Chinese texts of two characters or more whose box is narrower than two characters: a column squeezed until its
# characters stack one a line.
STACKED = """() => {
  const found = [];
  document.querySelectorAll("main *").forEach((el) => {
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join("");
    if (!/[\u4e00-\u9fff]{2}/.test(own) || el.offsetParent === null) return;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (el.getBoundingClientRect().width < 1.8 * size) found.push(own.slice(0, 20));
  });
  return found;
}"""


@pytest.fixture
def october(county):
    """October rolled up: everyone has a task and a rated report; 李科员 finished his task late and has a bonus.
    The month has no check-up and no training, so their weights are shared out among the other two."""
    government = UnitCategoryFactory(code="GOV", name="政府部门")
    for unit in (county.culture, county.finance):
        unit.category = government
        unit.save(update_fields=["category"])
    p = period(OCT)
    task = None
    for official, late in ((county.staff_official, True), (county.head_official, False),
                           (county.culture_official, False), (county.finance_official, False)):
        made = TaskFactory(unit=official.unit, responsible=official, title=f"{official.name}的重点任务",
                           deadline=dt.date(2026, 10, 20), status=TaskStatus.COMPLETED,
                           completed_on=dt.date(2026, 10, 25 if late else 18))
        task = made if official == county.staff_official else task
        MonthlyReportFactory(official=official, month=p.start, status=ReportStatus.APPROVED,
                             rating=ReportRating.GOOD, submitted_at=timezone.now())
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="智慧景区建设",
                deadline=dt.date(2026, 10, 30))  # still open
    entry_add(by=county.head, official=county.staff_official, period=p, rule=ScoreRule.objects.get(code="innovation"),
              points=2, reason="提出“一码游”创新建议", occurred_on=dt.date(2026, 10, 9))
    rollup_period(period=p)
    return task


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_staff_reads_why_on_a_desk_and_a_phone_and_follows_a_record(county, live_server, browser, page, screenshot,
                                                                    october):
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/appraisal/me/")
    # It opens on October, the latest scored month — not on the empty current month.
    assert page.locator("#period-select").input_value() == OCT
    month = page.get_by_test_id("summary-month")
    assert month.get_by_test_id("summary-rank-unit").inner_text() == "本单位 第 3 名 / 共 3 人"
    explained = page.get_by_test_id("rank-explained").inner_text()
    assert "同类排名" in explained and "所有政府部门类单位的一般干部中 第 2 名 / 共 2 人" in explained
    scaled = page.get_by_test_id("weights-scaled").inner_text()
    assert "多维评价、学习培训" in scaled and "100 ÷ 50" in scaled
    work = page.get_by_test_id("component-work")
    assert work.get_by_test_id("effective-weight").inner_text() == "80"
    ledger = page.get_by_test_id("ledger-row").filter(has_text="一码游")
    assert ledger.get_by_test_id("ledger-points").inner_text() == "加 2 分"
    assert page.get_by_test_id("card-bonus").inner_text() == "加 2 分"
    assert no_sideways_scroll(page)
    work.get_by_test_id("component-records").locator("summary").click()
    records = work.get_by_test_id("record")
    assert records.count() == 3  # two tasks and the rated report
    assert "逾期完成" in records.filter(has_text="李科员的重点任务").inner_text()
    screenshot("explain-01-staff-why-desk")

    records.filter(has_text="李科员的重点任务").get_by_test_id("record-link").click()
    page.wait_for_url(re.compile(rf"/tasks/{october.pk}/$"))
    assert page.get_by_test_id("task-title").inner_text() == "李科员的重点任务"
    screenshot("explain-02-the-task-behind-it")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                device_scale_factor=2, has_touch=True)
    small = phone.new_page()
    small.set_default_timeout(10_000)
    try:
        sign_in(small, live_server, "staff")
        small.goto(f"{live_server.url}/appraisal/me/")
        small.get_by_test_id("component-work").get_by_test_id("component-records").locator("summary").click()
        assert no_sideways_scroll(small), small.evaluate("document.documentElement.scrollWidth")
        assert small.evaluate(STACKED) == []
        assert small.get_by_test_id("ledger-row").first.get_by_test_id("ledger-points").is_visible()
        small.screenshot(path=str(ARTIFACTS / "explain-03-staff-why-phone.png"), full_page=True)
        small.goto(f"{live_server.url}/")  # the favicon is linked, and /favicon.ico answers
        assert small.locator("link[rel=icon]").count() == 2
        assert small.request.get(f"{live_server.url}/favicon.ico").ok
    finally:
        phone.close()


def test_head_opens_the_ranking_and_the_department_sees_a_score_axis(county, live_server, page, screenshot, october):
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/appraisal/ranking/?period={OCT}")
    first_column = page.get_by_test_id("ranking-table").locator("thead th").first.inner_text()
    assert first_column == "单位内排名"
    ranks = page.get_by_test_id("rank-in-unit").all_inner_texts()
    assert ranks[-1] == "第 3 名 / 共 3 人" and len(ranks) == 3
    explained = page.get_by_test_id("rank-explained")
    assert explained.is_visible() and "同类同比" in explained.inner_text()
    assert page.locator("#unitChart").count() == 0  # one unit: its rank in the table, not a one-bar chart
    assert "第 " in page.get_by_test_id("unit-rank").inner_text()
    assert no_sideways_scroll(page)
    screenshot("explain-04-head-ranking")

    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/appraisal/ranking/?period={OCT}")
    page.locator("#unitChart").wait_for()
    axis = page.evaluate("""() => {
      const scale = Chart.getChart(document.getElementById("unitChart")).scales.y;
      return [scale.min, scale.max];
    }""")
    low = min(float(t) for t in page.get_by_test_id("unit-table").locator("tbody td.fw-semibold").all_inner_texts())
    assert axis[1] == 100 and low - 10 < axis[0] <= low and axis[0] % 5 == 0
    screenshot("explain-05-org-ranking-axis")
