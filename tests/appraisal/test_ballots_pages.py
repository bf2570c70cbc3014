"""Ballot-code pages: the organization department issues a batch (the answer is the printable slips, the only
time the codes show), sees issued / used / response rate (constant queries) and revokes; other units' batches
are 404. The ballot page needs no login, takes one submission, answers one identical page to every invalid
code, and throttles by address. The score and result pages flag incomplete check-ups and dropped groups."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from appraisal.models import Ballot, BallotBatch, BallotCode, CheckupRound
from appraisal.selectors.ballots import code_digest, code_display
from appraisal.services.ballots import batch_revoke
from appraisal.services.checkup import round_close
from appraisal.services.checkup_results import round_compute
from appraisal.services.rollup import rollup_period
from org.models import RankLevel
from tests.appraisal.test_ballots_services import issue, vote
from tests.appraisal.test_checkup_services import assign, give, open_round, raters
from tests.factories import OfficialFactory, OrgUnitFactory, RoleGrantFactory, UserFactory, period

CODE_RE = re.compile(r'data-testid="slip-code">([A-Z0-9]{5}-[A-Z0-9]{5})<')


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # the throttle counts in the cache, which outlives a test
    yield
    cache.clear()


def batches_url(key: str = "2026-Q3") -> str:
    return reverse("appraisal:ballot_batches", args=[key])


def issue_form(county, **changes) -> dict:
    return {"group": "recipients", "audience": "窗口办事群众", "unit": county.culture.pk,
            "rank_levels": ["leadership", "middle"], "size": 12, **changes}


# -- the organization department -----------------------------------------------------------------------------------
def test_only_the_organization_department_sees_the_ballot_pages(county, client_for):
    checkup = open_round(county)
    batch = issue(county, checkup).batch
    for user in (county.head, county.staff, county.outsider):
        client = client_for(user)
        assert client.get(batches_url()).status_code == 404
        assert client.post(reverse("appraisal:ballot_batch_issue", args=["2026-Q3"]),
                           issue_form(county)).status_code == 404
        assert client.post(reverse("appraisal:ballot_batch_revoke", args=["2026-Q3", batch.pk]),
                           {"reason": "x"}).status_code == 404
    assert Client().get(batches_url()).status_code == 302  # to the login page
    assert BallotBatch.objects.count() == 1 and BallotBatch.objects.get().status == "active"


def test_issuing_answers_the_printable_slips_once(county, client_for):
    open_round(county)
    client = client_for(county.orgadmin)
    response = client.post(reverse("appraisal:ballot_batch_issue", args=["2026-Q3"]), issue_form(county))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    codes = CODE_RE.findall(body)
    assert len(codes) == 12 == body.count('data-testid="slip"') == body.count("<svg")
    assert body.count('<path stroke="#000" d="M') == 12
    batch = BallotBatch.objects.get()
    assert batch.audience == "窗口办事群众" and batch.size == 12
    assert {code_digest(c.replace("-", "")) for c in codes} == set(batch.codes.values_list("digest", flat=True))
    assert f"http://testserver/b/{codes[0].replace('-', '')}" in body
    assert "王局长" in body and "赵主任" in body and "李科员" not in body
    assert "无法再次显示" in body or "cannot be shown again" in body
    # The batches page counts the codes and never shows one again.
    page = client.get(batches_url())
    text = page.content.decode()
    assert page.status_code == 200 and not any(code in text for code in codes)
    assert 'data-testid="batch-row"' in text and 'data-issued="12" data-used="0"' in text


def test_issuing_with_bad_input_keeps_what_was_typed(county, client_for, settings):
    open_round(county)
    settings.APPRAISAL_BALLOT_MAX_CODES = 100
    client = client_for(county.orgadmin)
    url = reverse("appraisal:ballot_batch_issue", args=["2026-Q3"])
    response = client.post(url, issue_form(county, size=101, audience="基层干部代表"))
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="field-error"' in body
    assert 'value="基层干部代表"' in body and 'value="101"' in body
    response = client.post(url, issue_form(county, rank_levels=["leadership"], unit=county.finance.pk))
    assert response.status_code == 200 and 'data-testid="form-error"' in response.content.decode()
    assert not BallotBatch.objects.exists()


def test_other_units_batches_are_not_found(county, client_for):
    checkup = open_round(county)
    culture_batch = issue(county, checkup).batch
    finance_org = UserFactory(username="finorg")
    RoleGrantFactory(user=finance_org, unit=county.finance, role="org")
    client = client_for(finance_org)
    assert 'data-testid="batch-row"' not in client.get(batches_url()).content.decode()
    response = client.post(reverse("appraisal:ballot_batch_revoke", args=["2026-Q3", culture_batch.pk]),
                           {"reason": "越权"})
    assert response.status_code == 404
    culture_batch.refresh_from_db()
    assert culture_batch.status == "active"
    client_for(county.orgadmin).post(reverse("appraisal:ballot_batch_revoke", args=["2026-Q3", culture_batch.pk]),
                                     {"reason": "样票遗失"})
    culture_batch.refresh_from_db()
    assert culture_batch.status == "revoked" and culture_batch.revoke_reason == "样票遗失"


def test_the_batches_page_shows_the_response_rate_in_constant_queries(county, client_for,
                                                                      django_assert_num_queries):
    checkup = open_round(county)
    first = issue(county, checkup, size=3)
    vote(first.codes[0], first.batch, "good")
    vote(first.codes[1], first.batch, "good")
    client = client_for(county.orgadmin)
    with django_assert_num_queries(11):
        response = client.get(batches_url())
    rates = {row["group"]: row for row in response.context["groups"]}
    assert rates["recipients"]["issued"] == 3 and rates["recipients"]["used"] == 2 and rates["recipients"]["enough"]
    assert f'data-batch="{first.batch.pk}" data-issued="3" data-used="2"' in response.content.decode()
    assert ">67%<" in response.content.decode()
    for _i in range(6):
        batch = issue(county, checkup, size=4, group="colleagues").batch
    batch_revoke(by=county.orgadmin, batch=batch, reason="作废")
    with django_assert_num_queries(11):
        response = client.get(batches_url())
    body = response.content.decode()
    assert body.count('data-testid="batch-row"') == 7
    rates = {row["group"]: row for row in response.context["groups"]}
    assert rates["colleagues"]["issued"] == 20 and not rates["colleagues"]["enough"]  # revoked: not counted
    assert 'data-testid="group-rate-low"' in body


# -- the ballot (no login) -------------------------------------------------------------------------------------------
def ballot_url(code: str) -> str:
    return reverse("appraisal:ballot", args=[code])


def test_a_code_opens_a_ballot_without_login_and_votes_once(county):
    OfficialFactory(name="孙副局长", unit=county.culture, rank_level=RankLevel.LEADERSHIP, position_title="副局长")
    checkup = open_round(county)
    issued = issue(county, checkup, size=2)
    code = issued.codes[0]
    client = Client()  # nobody signed in
    page = client.get(ballot_url(code))
    body = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin" and "noindex" in page["X-Robots-Tag"]
    assert body.count('data-testid="ballot-official"') == 3 and "孙副局长" in body and "副局长" in body
    assert "文旅局办公室" in body and code_display(code) in body
    officials = list(issued.batch.officials.values_list("id", flat=True))
    partial = {f"o{officials[0]}": "good"}
    response = client.post(ballot_url(code), partial)
    assert response.status_code == 400 and 'data-testid="ballot-error"' in response.content.decode()
    assert "checked" in response.content.decode() and not Ballot.objects.exists()  # the choice is kept
    full = {f"o{oid}": "fairly_good" for oid in officials}
    response = client.post(ballot_url(code), full)
    assert response.status_code == 302 and response["Location"] == reverse("appraisal:ballot_thanks")
    assert Client().get(response["Location"]).status_code == 200
    assert Ballot.objects.count() == 1
    again = Client().post(ballot_url(code), full)
    assert again.status_code == 409 and 'data-testid="ballot-used"' in again.content.decode()
    assert Client().get(ballot_url(code)).status_code == 409
    assert Ballot.objects.count() == 1
    # Typed on the short link page, the code leads to its ballot.
    start = Client().get(reverse("appraisal:ballot_start"), {"code": code_display(issued.codes[1]).lower()})
    assert start.status_code == 302 and start["Location"] == ballot_url(issued.codes[1])
    assert Client().get(ballot_url(issued.codes[1]) + "/").status_code == 200  # typed with a trailing slash


def test_every_invalid_code_reads_the_same_page(county):
    checkup = open_round(county)
    revoked, kept = issue(county, checkup, size=1), issue(county, checkup, size=2)
    batch_revoke(by=county.orgadmin, batch=revoked.batch, reason="作废")
    other = open_round(county, key="2026-Q2")
    closed = issue(county, other, size=1)
    round_close(by=county.orgadmin, round=other)
    answers = {}
    for kind, code in {"wrong": "ABCDEFGHJK", "malformed": "abc", "revoked": revoked.codes[0],
                       "closed round": closed.codes[0]}.items():
        get = Client().get(ballot_url(code))
        post = Client().post(ballot_url(code), {"o1": "good"})
        answers[kind] = (get.status_code, get.content, post.status_code, post.content)
    assert len(set(answers.values())) == 1, answers.keys()
    status, content, _post_status, _post = answers["wrong"]
    assert status == 404 and 'data-testid="ballot-invalid"' in content.decode()
    assert Client().get(ballot_url(kept.codes[0])).status_code == 200


def test_ballot_posts_are_throttled_per_address(county, settings):
    settings.APPRAISAL_BALLOT_POSTS_PER_IP = 3
    checkup = open_round(county)
    issued = issue(county, checkup, size=2)
    here, there = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    for _i in range(3):
        assert here.post(ballot_url("ABCDEFGHJK"), {}).status_code == 404
    blocked = here.post(ballot_url(issued.codes[0]), {})
    assert blocked.status_code == 429 and 'data-testid="ballot-throttled"' in blocked.content.decode()
    assert here.get(ballot_url("ABCDEFGHJK")).status_code == 429  # guessing by GET counts too
    assert there.get(ballot_url(issued.codes[0])).status_code == 200  # another address is not affected


def test_the_ballot_page_costs_the_same_queries_for_2_and_30_officials(county, django_assert_num_queries):
    checkup = open_round(county)
    small = issue(county, checkup, size=1)
    unit = OrgUnitFactory(code="BIG", parent=county.finance, kind="section")
    OfficialFactory.create_batch(30, unit=unit, rank_level=RankLevel.MIDDLE)
    large = issue(county, checkup, size=1, unit=unit, levels=(RankLevel.MIDDLE,))
    counts = []
    for issued in (small, large):
        client = Client()
        with django_assert_num_queries(2):
            assert client.get(ballot_url(issued.codes[0])).status_code == 200
        officials = issued.batch.officials.values_list("id", flat=True)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        with CaptureQueriesContext(connection) as queries:
            response = client.post(ballot_url(issued.codes[0]), {f"o{oid}": "good" for oid in officials})
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert BallotCode.objects.filter(is_used=True).count() == 2


# -- the round form, the result and the score pages ----------------------------------------------------------------
def test_the_round_form_sets_the_trim_per_group(county, client_for):
    client = client_for(county.orgadmin)
    url = reverse("appraisal:checkup_round_create")
    quarter = client.get(url).context["form"].fields["quarter"].choices[0][0]
    form = {"quarter": quarter, "min_responses": 1, "problem_threshold": 70, "weight_principal": 30,
            "weight_colleagues": 25, "weight_recipients": 20, "weight_functional": 15, "weight_organization": 10,
            "trim_principal": "on", "trim_colleagues": "on", "trim_functional": "on", "trim_organization": "on"}
    assert client.post(url, form).status_code == 302
    assert CheckupRound.objects.get().group_trim == {"principal": True, "colleagues": True, "recipients": False,
                                                     "functional": True, "organization": True}


def test_a_dropped_group_is_flagged_on_the_result_for_the_department_and_the_official(county, client_for):
    checkup = open_round(county)
    issued = issue(county, checkup, size=3)
    [rating] = assign(county, checkup, county.head_official, "principal", raters(1, "p"))
    give(rating, 90)
    vote(issued.codes[0], issued.batch, "poor")  # 1 of 3
    round_close(by=county.orgadmin, round=checkup)
    url = reverse("appraisal:checkup_result_detail", args=["2026-Q3", county.head_official.pk])
    for user in (county.orgadmin, county.head):  # the department, and 王局长 himself once closed
        body = client_for(user).get(url).content.decode()
        assert 'data-testid="dropped-group" data-group="recipients"' in body and "33.3%" in body
    assert 'data-testid="group-dropped"' in client_for(county.orgadmin).get(url).content.decode()


def test_the_score_page_marks_an_incomplete_check_up_left_out(county, client_for):
    checkup = open_round(county, min_responses=2)
    [rating] = assign(county, checkup, county.staff_official, "principal", raters(1, "p"))
    give(rating, 40)
    round_compute(round=checkup)
    rollup_period(period=period("2026-Q3"))
    body = client_for(county.staff).get(reverse("appraisal:my_score"), {"period": "2026-Q3"}).content.decode()
    assert 'data-testid="component-left-out"' in body and 'data-testid="checkup-incomplete"' in body
    assert "2026-Q3" in body
