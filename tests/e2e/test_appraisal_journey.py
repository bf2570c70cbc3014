"""Journey: the organization department runs the monthly rollup from the period's page (progress bar),
closes and publishes the month, opens the ranking; rolls up the year, proposes and confirms the annual
grades within the 优秀 quota; exports the appraisal register and the test opens the file."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from appraisal.models import AppraisalPeriod, GradeDecision, PeriodStatus, Scorecard
from org.models import RankLevel
from tests.appraisal.annual_helpers import ready_to_confirm
from tests.e2e.conftest import run_rollup, sign_in
from tests.factories import MonthlyReportFactory, OfficialFactory, TaskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MONTH, YEAR = "2026-10", "2026"


def build_work(county) -> None:
    """Ten officials in the bureau with October tasks and reports of different quality."""
    people = [county.culture_official, county.staff_official]
    people += OfficialFactory.create_batch(8, unit=county.culture_office, rank_level=RankLevel.ORDINARY,
                                           joined_on=dt.date(2010, 1, 1))
    for official in (county.head_official, county.culture_official, county.staff_official):
        official.joined_on = dt.date(2005, 1, 1)
        official.save()
    ratings = ["excellent", "excellent", "good", "good", "good", "fair", "fair", "poor", "good", "excellent"]
    for index, (official, rating) in enumerate(zip(people, ratings, strict=True)):
        on_time = index % 3 != 2
        TaskFactory(unit=official.unit, responsible=official, start_date=dt.date(2026, 10, 1),
                    deadline=dt.date(2026, 10, 20), status="completed" if on_time else "overdue",
                    progress=100 if on_time else 60, completed_on=dt.date(2026, 10, 18) if on_time else None)
        MonthlyReportFactory(official=official, month=dt.date(2026, 10, 1), status="published", rating=rating,
                             submitted_at=dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC))


def test_orgadmin_rolls_up_publishes_grades_and_exports(county, live_server, page, screenshot):
    build_work(county)
    sign_in(page, live_server, "orgadmin")

    # The month: create the period, roll up with the progress bar, close (final), publish.
    page.goto(f"{live_server.url}/appraisal/periods/")
    page.get_by_test_id("period-create").locator("input[name=key]").fill(MONTH)
    page.get_by_test_id("period-create").locator("button[type=submit]").click()
    page.goto(f"{live_server.url}/appraisal/periods/{MONTH}/")
    run_rollup(page)
    assert Scorecard.objects.filter(period__key=MONTH, is_provisional=True).count() == 12
    screenshot("appraisal-01-month-rolled-up")
    page.goto(f"{live_server.url}/appraisal/periods/{MONTH}/")
    page.get_by_test_id("close-period").click()
    # Two officials have no October report: the close page asks for the reason (its own journey:
    # test_period_close_journey).
    page.locator("textarea[name=reason]").fill("两名领导干部的十月报告线下报送")
    page.get_by_test_id("confirm-close").click()
    page.get_by_test_id("publish-period").wait_for()
    page.get_by_test_id("publish-period").click()
    page.get_by_test_id("period-event").last.wait_for()
    month = AppraisalPeriod.objects.get(key=MONTH)
    assert month.status == PeriodStatus.PUBLISHED
    assert not Scorecard.objects.filter(period=month, is_provisional=True).exists()
    page.goto(f"{live_server.url}/appraisal/ranking/?period={MONTH}")
    assert page.get_by_test_id("ranking-row").count() == 12
    screenshot("appraisal-02-ranking-published")

    # The year: roll up, propose grades, confirm the bureau within its quota.
    page.goto(f"{live_server.url}/appraisal/periods/")
    page.get_by_test_id("period-create").locator("input[name=key]").fill(YEAR)
    page.get_by_test_id("period-create").locator("button[type=submit]").click()
    page.goto(f"{live_server.url}/appraisal/periods/{YEAR}/")
    run_rollup(page)
    page.goto(f"{live_server.url}/appraisal/grades/?period={YEAR}&unit=WL")
    page.get_by_test_id("propose-grades").click()
    page.get_by_test_id("not-at-confirmation").wait_for()
    # Summaries and 评语 come before the confirmation (their own journey is test_annual_journey): done here
    # through the services, as the officials and the head would.
    ready_to_confirm(county, county.culture, YEAR)
    page.reload()
    page.get_by_test_id("confirm-unit").wait_for()
    screenshot("appraisal-03a-grades-proposed")
    quota = int(page.get_by_test_id("quota").inner_text())
    assert quota == 2  # 20 % of the bureau's 11 appraised officials, rounded down
    # Three share the top score, so none is proposed 优秀; the department decides two, with reasons.
    for official in (county.staff_official, county.culture_official):
        page.locator(f"select[name=grade_{official.pk}]").select_option("excellent")
        page.locator(f"input[name=reason_{official.pk}], textarea[name=reason_{official.pk}]").fill("党组会研究确定")
    page.get_by_test_id("confirm-unit").click()
    page.get_by_test_id("grade-table").wait_for()
    confirmed = GradeDecision.objects.filter(period__key=YEAR, unit__code="WL", confirmed_at__isnull=False)
    assert confirmed.count() == 11
    assert set(confirmed.filter(final="excellent").values_list("official__name", flat=True)) == {"李科员", "赵主任"}
    assert confirmed.get(official=county.staff_official).override_reason == "党组会研究确定"
    screenshot("appraisal-03-grades-confirmed")

    # The register: export as a job with a progress bar, download, open and check the rows.
    page.goto(f"{live_server.url}/appraisal/grades/exports/?period={YEAR}")
    page.get_by_test_id("export-start").click()
    link = page.get_by_test_id("export-download")
    link.wait_for()
    screenshot("appraisal-04-export-ready")
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as downloaded:
        register = load_workbook(downloaded, read_only=True).worksheets[0]
        cells = [cell for row in register.iter_rows(values_only=True) for cell in row if cell is not None]
    for official in (county.staff_official, county.finance_official, county.head_official):
        assert official.name in cells and official.staff_number in cells
    assert any(str(c).startswith(YEAR) or YEAR in str(c) for c in cells[:5])  # the title names the period
