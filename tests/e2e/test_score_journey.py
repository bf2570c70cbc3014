"""Journey: the head records a bonus (innovation +2, with a reason) for 李科员 through the entry form;
staff opens "my score" and finds the entry and its reason in the ledger — why is my score X."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from appraisal.models import ScoreEntry
from appraisal.scoring.periods import MONTH, period_key_for
from appraisal.services.periods import period_get_or_create
from appraisal.services.rollup import rollup_period
from tests.e2e.conftest import run_rollup, sign_in
from tests.factories import TaskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "提出“智慧景区一码通”创新建议并被局党组采纳"


def test_head_records_a_bonus_and_staff_sees_why(county, live_server, page, screenshot):
    period_get_or_create(key=period_key_for(MONTH, timezone.localdate()))  # the organization department opened it
    TaskFactory(unit=county.culture_tourism, responsible=county.staff_official, title="智慧景区建设")

    # the head finds 李科员 with the search box and records the bonus
    sign_in(page, live_server, "head")
    page.goto(f"{live_server.url}/appraisal/entries/new/")
    page.locator("#id_official.tomselected").wait_for(state="attached")  # the picker's script has set it up
    page.locator("#id_official-ts-control").click()
    page.locator("#id_official-ts-control").press_sequentially("科员", delay=30)
    page.locator("#id_official-ts-dropdown .option", has_text="李科员").wait_for()
    # only officials in the head's scope: 钱科员 of the finance bureau is not offered
    assert page.locator("#id_official-ts-dropdown .option").all_inner_texts() == [
        f"李科员 {county.staff_official.staff_number} · 旅游发展科"]
    page.locator("#id_official-ts-dropdown .option", has_text="李科员").click()
    # chosen before the form is sent (a loaded CI once sent it without: a field error, not the rule's range)
    page.locator("#id_official option:checked", has_text="李科员").first.wait_for(state="attached")
    page.locator("select[name=rule]").select_option("innovation")
    page.locator("input[name=points]").fill("5")  # out of the rule's range first
    page.locator("textarea[name=reason]").fill(REASON)
    page.get_by_test_id("entry-submit").click()
    page.get_by_test_id("form-error").wait_for()
    # refused, and nothing typed is lost
    assert page.locator("textarea[name=reason]").input_value() == REASON
    assert page.locator("#id_official").input_value() == str(county.staff_official.pk)  # still chosen
    assert not ScoreEntry.objects.exists()
    screenshot("scores-01-head-entry-refused")

    page.locator("input[name=points]").fill("2")
    page.get_by_test_id("entry-submit").click()
    page.wait_for_url(re.compile(rf"/appraisal/officials/{county.staff_official.pk}/\?period="))
    entry = ScoreEntry.objects.get()
    assert (entry.official, entry.points, entry.created_by) == (county.staff_official, 2, county.head)
    assert page.get_by_test_id("ledger-reason").first.inner_text().startswith(REASON)
    screenshot("scores-02-head-sees-the-entry")

    # the monthly rollup runs (as the job would), then staff opens "my score"
    month = period_get_or_create(key=period_key_for(MONTH, timezone.localdate()))
    rollup_period(period=month)

    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/appraisal/me/")
    row = page.get_by_test_id("ledger-row").filter(has_text=REASON)
    assert row.count() == 1
    assert row.get_by_test_id("ledger-points").inner_text() == "加 2 分"
    assert page.get_by_test_id("summary-month").get_by_test_id("provisional").count() == 1
    counted = page.locator("[data-testid=rule-total][data-rule=innovation] [data-testid=rule-counted]")
    assert counted.inner_text().strip() == "加 2 分"
    assert page.get_by_test_id("card-total").count() == 1  # the rollup computed the month's scorecard
    screenshot("scores-03-staff-sees-why")


def test_orgadmin_runs_the_rollup_with_a_progress_bar_and_opens_the_ranking(county, live_server, page, screenshot):
    from appraisal.models import ScoreRule
    from appraisal.services.entries import entry_add

    month = period_get_or_create(key=period_key_for(MONTH, timezone.localdate()))
    entry_add(by=county.head, official=county.staff_official, period=month,
              rule=ScoreRule.objects.get(code="innovation"), points=2, reason=REASON)

    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/appraisal/periods/{month.key}/")
    run_rollup(page)
    screenshot("scores-04-orgadmin-rollup-done")

    page.goto(f"{live_server.url}/appraisal/ranking/?period={month.key}")
    assert page.get_by_test_id("ranking-row").count() == 4  # every official of the county
    first = page.get_by_test_id("ranking-row").first
    assert first.get_attribute("data-official") == str(county.staff_official.pk)  # the bonus puts him first
    screenshot("scores-05-ranking-board")
