"""API of periods, score rules, scorecards and score entries: scoping, filters, manual entries and refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appraisal.models import AppraisalPeriod, PeriodStatus, ScoreEntry
from appraisal.scoring.periods import MONTH, period_key_for
from tests.appraisal.factories import GradeDecisionFactory, ScorecardFactory, ScoreEntryFactory
from tests.factories import OfficialFactory, period

TODAY = timezone.localdate()
MONTH_KEY = period_key_for(MONTH, TODAY)


@pytest.fixture
def api():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def card(official, key=MONTH_KEY, total="88.00", unit=None):
    return ScorecardFactory(
        period=period(key), official=official, unit=unit or official.unit, rank_level=official.rank_level,
        components={"work": {"ratio": 0.9, "weight": 40, "points": 36.0, "inputs": {}},
                    "training": {"ratio": None, "weight": 20, "points": None, "inputs": {}}},
        component_total=Decimal("86"), bonus=Decimal(2), total=Decimal(total), rank_in_unit=1, rank_in_category=2,
        is_provisional=True, computed_at=timezone.now())


def post_entry(client, who, **changes):
    period(MONTH_KEY)  # the organization department has opened the month
    body = {"official": who.pk, "period": MONTH_KEY, "rule": "innovation", "points": "2",
            "reason": "提出智慧景区创新建议", **changes}
    return client.post("/api/v1/score-entries/", body, format="json")


# --- periods and rules -------------------------------------------------------------------------------


def test_periods_are_listed_and_fetched_by_key(county, api):
    period("2026-10")
    period("2026-Q3")
    client = api(county.staff)
    listed = client.get("/api/v1/periods/").json()
    assert [p["key"] for p in listed["results"]] == ["2026-10", "2026-Q3"]
    one = client.get("/api/v1/periods/2026-Q3/").json()
    assert one == {"key": "2026-Q3", "kind": "quarter", "start": "2026-07-01", "end": "2026-09-30", "status": "open",
                   "closed_at": None, "published_at": None, "last_rollup_at": None, "facts_changed_at": None,
                   "close_reason": ""}
    assert client.get("/api/v1/periods/2001-01/").status_code == 404


def test_the_rule_catalogue(county, api):
    rules = {r["code"]: r for r in api(county.staff).get("/api/v1/score-rules/?page_size=100").json()["results"]}
    assert rules["innovation"]["min_points"] == "1.00" and rules["innovation"]["max_points"] == "3.00"
    assert rules["innovation"]["cap"] == "6.00" and rules["innovation"]["is_manual"] is True
    assert rules["letter_overdue"]["is_manual"] is False


def test_anonymous_callers_are_refused(county):
    assert APIClient().get("/api/v1/scorecards/").status_code in (401, 403)


# --- scorecards --------------------------------------------------------------------------------------


def test_scorecards_are_scoped_and_carry_each_component(county, api):
    card(county.staff_official, unit=county.culture)
    card(county.finance_official, unit=county.finance)
    mine = api(county.staff).get(f"/api/v1/scorecards/?period={MONTH_KEY}").json()["results"]
    assert len(mine) == 1
    row = mine[0]
    assert row["official"] == county.staff_official.pk and row["official_name"] == "李科员"
    assert row["unit"] == "WL" and row["period"] == MONTH_KEY
    assert row["work"] == "36.00" and row["training"] is None and row["timeliness"] is None
    assert (row["total"], row["bonus"], row["rank_in_unit"], row["rank_in_category"]) == ("88.00", "2.00", 1, 2)
    assert row["grade"] is None and row["is_provisional"] is True
    head = api(county.head).get("/api/v1/scorecards/").json()["results"]
    assert {r["official"] for r in head} == {county.staff_official.pk}
    org = api(county.orgadmin).get("/api/v1/scorecards/").json()["results"]
    assert len(org) == 2
    assert api(county.outsider).get("/api/v1/scorecards/").json()["results"] == []


def test_a_years_scorecard_has_the_grade(county, api):
    card(county.staff_official, key="2026", unit=county.culture)
    decision = GradeDecisionFactory(period=period("2026"), official=county.staff_official, unit=county.culture,
                                    proposed="competent")
    row = api(county.staff).get("/api/v1/scorecards/?period=2026").json()["results"][0]
    assert row["grade"] == "competent"
    decision.final = "excellent"
    decision.save()
    assert api(county.staff).get("/api/v1/scorecards/?period=2026").json()["results"][0]["grade"] == "excellent"


def test_a_bad_or_unknown_period_key_is_a_clear_400(county, api):
    bad = api(county.staff).get("/api/v1/scorecards/?period=2026-13")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_period"
    unknown = api(county.staff).get("/api/v1/scorecards/?period=2001-01")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_period"


# The exact count of each list for the organization department, its roles already read.
LIST_QUERIES = {"scorecards": 3, "score-entries": 2}


@pytest.mark.parametrize("endpoint", ["scorecards", "score-entries"])
def test_list_query_count_is_constant(county, api, django_assert_num_queries, endpoint):
    client = api(county.orgadmin)

    def grow(n):
        for _i in range(n):
            official = OfficialFactory(unit=county.culture_tourism)
            card(official, unit=county.culture)
            ScoreEntryFactory(official=official, occurred_on=TODAY, rule_code="innovation", points=1, reason="x",
                              created_by=county.head)

    grow(10)
    url = f"/api/v1/{endpoint}/?period={MONTH_KEY}&page_size=200"
    client.get(url)  # the caller's roles are cached on the (forced) user after the first request
    with django_assert_num_queries(LIST_QUERIES[endpoint]) as small:
        client.get(url)
    grow(90)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.json()["count"] == 100


# --- score entries -----------------------------------------------------------------------------------


def test_a_head_posts_a_manual_entry(county, api):
    response = post_entry(api(county.head), county.staff_official)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["official"] == county.staff_official.pk and body["rule"] == "innovation"
    assert body["points"] == "2.00" and body["origin"] == "manual" and body["created_by"] == "head"
    assert ScoreEntry.objects.get().reason == "提出智慧景区创新建议"
    listed = api(county.staff).get(f"/api/v1/score-entries/?official={county.staff_official.pk}&period={MONTH_KEY}")
    assert [e["id"] for e in listed.json()["results"]] == [body["id"]]


@pytest.mark.parametrize(("changes", "code"), [
    ({"points": "5"}, "points_out_of_range"),
    ({"rule": "letter_overdue", "points": "-1"}, "rule_not_manual"),
    ({"rule": "nope"}, "invalid_rule"),
    ({"reason": " "}, "invalid"),
    ({"period": "2026-13"}, "bad_period"),
])
def test_refusals_are_400_with_a_code_and_message(county, api, changes, code):
    response = post_entry(api(county.head), county.staff_official, **changes)
    assert response.status_code == 400 and response.json()["code"] == code
    assert response.json()["message"]
    assert not ScoreEntry.objects.exists()


def test_a_closed_period_is_refused(county, api):
    closed = period("2026-09")
    closed.status = PeriodStatus.CLOSED
    closed.save()
    response = post_entry(api(county.head), county.staff_official, period="2026-09")
    assert response.status_code == 400 and response.json()["code"] == "period_closed"


def test_an_official_out_of_scope_looks_like_a_missing_one(county, api):
    client = api(county.head)
    out = post_entry(client, county.finance_official)
    missing = post_entry(client, county.staff_official, official=999_999)
    assert out.status_code == missing.status_code == 400
    assert out.json() == missing.json() and out.json()["code"] == "invalid_official"
    own = post_entry(client, county.head_official)
    assert own.status_code == 400 and own.json()["code"] == "own_entry"
    staff = post_entry(api(county.staff), county.culture_official)
    assert staff.status_code == 400 and staff.json()["code"] == "invalid_official"
    assert not ScoreEntry.objects.exists()


def test_entries_are_scoped(county, api):
    post_entry(api(county.orgadmin), county.finance_official)
    post_entry(api(county.head), county.staff_official)
    assert len(api(county.staff).get("/api/v1/score-entries/").json()["results"]) == 1
    assert len(api(county.head).get("/api/v1/score-entries/").json()["results"]) == 1
    assert len(api(county.orgadmin).get("/api/v1/score-entries/").json()["results"]) == 2
    finance_entry = ScoreEntry.objects.get(official=county.finance_official)
    assert api(county.head).get(f"/api/v1/score-entries/{finance_entry.pk}/").status_code == 404


def test_a_manual_entry_is_deleted_with_a_reason(county, api):
    entry_id = post_entry(api(county.head), county.staff_official).json()["id"]
    assert api(county.head).post(f"/api/v1/score-entries/{entry_id}/delete/", {}, format="json").status_code == 400
    own = api(county.staff).post(f"/api/v1/score-entries/{entry_id}/delete/", {"reason": "x"}, format="json")
    assert own.status_code == 400 and own.json()["code"] == "own_entry"
    done = api(county.head).post(f"/api/v1/score-entries/{entry_id}/delete/", {"reason": "重复录入"}, format="json")
    assert done.status_code == 204 and not ScoreEntry.objects.exists()


@pytest.mark.parametrize("key", ["2099-12", "1990-W01", "1990"])
def test_an_entry_for_a_period_nobody_opened_is_refused_and_creates_nothing(county, api, key):
    before = AppraisalPeriod.objects.count()
    body = {"official": county.staff_official.pk, "period": key, "rule": "innovation", "points": "2",
            "reason": "提出创新建议"}
    response = api(county.head).post("/api/v1/score-entries/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "unknown_period"
    assert AppraisalPeriod.objects.count() == before and not ScoreEntry.objects.exists()
