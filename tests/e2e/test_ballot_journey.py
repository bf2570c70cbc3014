"""Journey of 民主测评 without accounts (issue 13): the organization department issues ballot codes for the culture
bureau's 班子 and 中层 and gets the page of slips with QR codes → a service recipient opens a code's short link on a
phone (a new browser, nobody signed in) and votes → the same code, opened a second time, refuses to vote again →
a wrong code reads the invalid page → the response rate shows on the organization department's page."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from appraisal.models import Ballot, BallotBatch, BallotCode
from appraisal.services.ballots import ballot_cast
from org.models import RankLevel
from tests.appraisal.test_checkup_services import open_round
from tests.e2e.conftest import sign_in
from tests.factories import OfficialFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
KEY = "2026-Q4"


def test_ballot_codes_from_issue_to_vote_and_response_rate(county, live_server, page, screenshot, browser):
    cache.clear()  # the ballot throttle counts in the cache
    OfficialFactory(name="孙副局长", unit=county.culture, rank_level=RankLevel.LEADERSHIP, position_title="副局长")
    OfficialFactory(name="周科长", unit=county.culture_tourism, rank_level=RankLevel.MIDDLE, position_title="科长")
    county.head_official.position_title = "局长"
    county.head_official.save()
    checkup = open_round(county, key=KEY)

    # The organization department opens the round's ballot codes and issues six for service recipients.
    sign_in(page, live_server, "orgadmin")
    page.goto(f"{live_server.url}/appraisal/checkup/{KEY}/")
    page.get_by_test_id("ballots-link").click()
    page.wait_for_url(f"{live_server.url}/appraisal/checkup/{KEY}/ballots/")
    assert page.get_by_test_id("no-batches").is_visible()
    page.get_by_test_id("issue-audience").fill("县政务服务中心文旅窗口办事群众")
    page.get_by_test_id("issue-unit").select_option(str(county.culture.pk))
    page.get_by_test_id("issue-size").fill("6")
    screenshot("ballots-01-orgadmin-issue-form")
    page.get_by_test_id("issue-submit").click()
    page.get_by_test_id("slips").wait_for()
    slips = page.get_by_test_id("slip")
    assert slips.count() == 6 and page.locator("[data-testid=slip] svg path").count() == 6
    assert page.get_by_test_id("slips-warning").is_visible()
    officials = page.get_by_test_id("slips-officials").inner_text()
    assert all(name in officials for name in ("王局长", "孙副局长", "赵主任", "周科长")) and "李科员" not in officials
    screenshot("ballots-02-orgadmin-slips-with-qr-codes")
    links = [page.get_by_test_id("slip-link").nth(i).inner_text() for i in range(6)]
    assert all(re.fullmatch(rf"{re.escape(live_server.url)}/b/[A-Z2-9]{{10}}", link) for link in links)
    batch = BallotBatch.objects.get()
    assert BallotCode.objects.filter(batch=batch, is_used=False).count() == 6

    # A service recipient opens the first code on a phone: no login, a fresh browser.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    other = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    try:
        voter, late = phone.new_page(), other.new_page()
        voter.goto(links[0])
        assert voter.get_by_test_id("ballot-official").count() == 4
        assert "孙副局长" in voter.content() and "副局长" in voter.content()
        late.goto(links[0])  # the same code opened a second time before the first vote is sent
        screenshot_page(voter, "ballots-03-phone-ballot")
        voter.get_by_test_id("ballot-official").nth(0).get_by_test_id("rate-good").click()
        voter.get_by_test_id("ballot-submit").click()
        voter.get_by_test_id("ballot-error").wait_for()
        assert voter.locator("fieldset.is-missing").count() == 3  # the three not rated are marked
        screenshot_page(voter, "ballots-04-phone-ballot-incomplete")
        for i, value in enumerate(("good", "fairly_good", "average")):
            voter.get_by_test_id("ballot-official").nth(i + 1).get_by_test_id(f"rate-{value}").click()
        voter.get_by_test_id("ballot-submit").click()
        voter.get_by_test_id("ballot-thanks").wait_for()
        screenshot_page(voter, "ballots-05-phone-thanks")
        assert Ballot.objects.count() == 1

        # The second opening of the code votes too: refused, nothing more counts.
        for i in range(4):
            late.get_by_test_id("ballot-official").nth(i).get_by_test_id("rate-poor").click()
        late.get_by_test_id("ballot-submit").click()
        late.get_by_test_id("ballot-used").wait_for()
        screenshot_page(late, "ballots-06-phone-code-already-used")
        voter.goto(links[0])
        assert voter.get_by_test_id("ballot-used").is_visible()
        assert Ballot.objects.count() == 1

        # A mistyped code, on the short link page: the invalid-code page.
        voter.goto(f"{live_server.url}/b/")
        voter.get_by_test_id("code-input").fill("ABCDE-FGHJK")
        voter.get_by_test_id("code-open").click()
        voter.get_by_test_id("ballot-invalid").wait_for()
        screenshot_page(voter, "ballots-07-phone-invalid-code")
    finally:
        phone.close()
        other.close()

    # Three more recipients vote (4 of 6 = 2/3: the group counts); the response rate shows.
    ids = list(batch.officials.values_list("id", flat=True))
    for link in links[1:4]:
        ballot_cast(code=link.rsplit("/", 1)[1], ratings=dict.fromkeys(ids, "fairly_good"))
    page.goto(f"{live_server.url}/appraisal/checkup/{KEY}/ballots/")
    row = page.get_by_test_id("batch-row").first
    assert row.get_attribute("data-issued") == "6" and row.get_attribute("data-used") == "4"
    assert page.get_by_test_id("batch-rate").first.inner_text() == "67%"
    assert page.get_by_test_id("group-rate").first.get_attribute("data-used") == "4"
    assert page.get_by_test_id("group-rate-low").count() == 0
    screenshot("ballots-08-orgadmin-response-rate")
    # The round computes with the ballots in the service recipients' group.
    page.goto(f"{live_server.url}/appraisal/checkup/{KEY}/")
    page.get_by_test_id("compute").click()
    page.goto(f"{live_server.url}/appraisal/checkup/{KEY}/results/{county.head_official.pk}/")
    assert page.locator("[data-testid=group-row][data-group=recipients]").count() == 1
    assert checkup.results.count() == 4
    screenshot("ballots-09-orgadmin-result-with-ballots")


def screenshot_page(page, name: str) -> None:
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_score_page_shows_a_check_up_left_out_as_incomplete(county, live_server, page, screenshot):
    """The "why is my score" page of an official whose check-up is incomplete (too few responses): the evaluation
    component is left out, marked, and the other weights scale up."""
    from appraisal.services.checkup_results import round_compute
    from appraisal.services.rollup import rollup_period
    from tests.appraisal.test_checkup_services import assign, give, raters
    from tests.factories import period

    checkup = open_round(county, key=KEY, min_responses=3)
    ratings = assign(county, checkup, county.staff_official, "colleagues", raters(2, "c"))
    for rating, value in zip(ratings, (85, 90), strict=True):
        give(rating, value)
    round_compute(round=checkup)
    rollup_period(period=period(KEY))
    sign_in(page, live_server, "staff")
    page.goto(f"{live_server.url}/appraisal/me/?period={KEY}")
    row = page.get_by_test_id("component-evaluation")
    assert row.get_by_test_id("checkup-incomplete").is_visible()
    assert KEY in row.get_by_test_id("component-left-out").inner_text()
    screenshot("ballots-10-staff-score-check-up-left-out")
