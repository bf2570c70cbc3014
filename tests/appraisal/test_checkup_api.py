"""API of the check-up: rounds (organization department), a rater's own assignments with rate and excuse,
results (the organization department; the official their own once closed). Refusals are 400 with a code."""

from __future__ import annotations

from appraisal.models import CheckupRound, RaterAssignment
from tests.appraisal.test_checkup_services import assign, give, open_round

ROUNDS = "/api/v1/checkup-rounds/"
ASSIGNMENTS = "/api/v1/checkup-assignments/"
RESULTS = "/api/v1/checkup-results/"
JSON = "application/json"
SCORES = {"political": 90, "moral": 85, "discipline": 80, "law": 75, "style": 60}


def test_the_organization_department_opens_computes_and_closes_a_round(county, client_for):
    org = client_for(county.orgadmin)
    response = org.post(ROUNDS, {"period": "2026-q3", "group_weights": {"principal": 50, "colleagues": 50},
                                 "min_responses": 1}, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["key"] == "2026-Q3" and body["status"] == "open" and body["group_weights"]["principal"] == 50
    assert org.post(ROUNDS, {"period": "2026-Q3"}, content_type=JSON).json()["code"] == "conflict"
    assert org.post(ROUNDS, {"period": "2026-10"}, content_type=JSON).status_code == 400

    checkup = CheckupRound.objects.get()
    [rating] = assign(county, checkup, county.staff_official, "principal", [county.head])
    give(rating, 80)
    listed = org.get(ROUNDS).json()
    assert listed["count"] == 1 and listed["results"][0]["progress"] == {
        "assigned": 1, "submitted": 1, "pending": 0, "excused": 0}
    response = org.post(f"{ROUNDS}2026-Q3/compute/")
    assert response.status_code == 200 and response.json()["computed"] == 1
    response = org.post(f"{ROUNDS}2026-Q3/close/")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert org.post(f"{ROUNDS}2026-Q3/close/").json()["code"] == "conflict"


def test_others_neither_see_nor_manage_rounds(county, client_for):
    open_round(county)
    staff = client_for(county.staff)
    assert staff.get(ROUNDS).json()["count"] == 0
    assert staff.get(f"{ROUNDS}2026-Q3/").status_code == 404
    assert staff.post(f"{ROUNDS}2026-Q3/close/").status_code == 404
    response = staff.post(ROUNDS, {"period": "2026-Q4"}, content_type=JSON)
    assert response.status_code == 400 and response.json()["code"] == "forbidden"
    assert CheckupRound.objects.count() == 1


def test_the_organization_department_assigns_raters_but_nobody_rates_themself(county, client_for):
    open_round(county)
    org = client_for(county.orgadmin)
    payload = {"round": "2026-Q3", "official": county.staff_official.pk, "group": "colleagues",
               "raters": ["head", "staff"]}
    response = org.post(ASSIGNMENTS, payload, content_type=JSON)
    assert response.status_code == 400 and response.json()["code"] == "self_rating"
    response = org.post(ASSIGNMENTS, {**payload, "raters": ["head", "inspector"]}, content_type=JSON)
    assert response.status_code == 201
    created = response.json()
    assert {row["rater"] for row in created} == {"head", "inspector"}
    assert "political" not in created[0]  # assigning never shows scores
    response = client_for(county.head).post(ASSIGNMENTS, {**payload, "raters": ["inspector"]}, content_type=JSON)
    assert response.status_code == 400  # the official is not in a head's organization-department scope
    response = org.post(ASSIGNMENTS, {**payload, "round": "2027-Q1", "raters": ["inspector"]}, content_type=JSON)
    assert response.status_code == 400 and response.json()["code"] == "no_round"
    response = org.post(f"{ROUNDS}2026-Q3/assign-defaults/", {"unit": "WL"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["added"] > 0


def test_a_rater_lists_rates_and_excuses_only_their_own_assignments(county, client_for):
    checkup = open_round(county)
    [mine] = assign(county, checkup, county.staff_official, "principal", [county.head])
    [other] = assign(county, checkup, county.culture_official, "principal", [county.head])
    [theirs] = assign(county, checkup, county.staff_official, "colleagues", [county.inspector])
    give(theirs, 41)
    head = client_for(county.head)
    body = head.get(ASSIGNMENTS, {"round": "2026-Q3"}).json()
    assert {row["id"] for row in body["results"]} == {mine.pk, other.pk}
    assert head.get(f"{ASSIGNMENTS}{theirs.pk}/").status_code == 404
    assert head.post(f"{ASSIGNMENTS}{theirs.pk}/rate/", SCORES, content_type=JSON).status_code == 404

    response = head.post(f"{ASSIGNMENTS}{mine.pk}/rate/", {**SCORES, "moral": 101}, content_type=JSON)
    assert response.status_code == 400 and "moral" in response.json()["fields"]
    response = head.post(f"{ASSIGNMENTS}{mine.pk}/rate/", {**SCORES, "comment": "作风需改进"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert response.json()["style"] == 60
    response = head.post(f"{ASSIGNMENTS}{other.pk}/excuse/", {"reason": ""}, content_type=JSON)
    assert response.status_code == 400
    response = head.post(f"{ASSIGNMENTS}{other.pk}/excuse/", {"reason": "亲属回避"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "excused"
    assert head.get(ASSIGNMENTS, {"status": "pending"}).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.political == 41  # untouched, and never shown to head
    assert client_for(county.head).get(RESULTS).json()["count"] == 0  # a rater reads no results


def test_results_for_the_organization_department_and_the_official_once_closed(county, client_for):
    checkup = open_round(county)
    [rating] = assign(county, checkup, county.staff_official, "principal", [county.head])
    give(rating, SCORES, "作风需改进")
    org = client_for(county.orgadmin)
    org.post(f"{ROUNDS}2026-Q3/compute/")
    body = org.get(RESULTS, {"round": "2026-Q3"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["score"] == "78.00" and row["is_incomplete"] is False and row["problem_count"] == 1
    assert row["problems"] == [{"dimension": "style", "score": 60.0, "comments": ["作风需改进"]}]
    assert row["group_scores"]["principal"]["score"] == 78.0
    staff = client_for(county.staff)
    assert staff.get(RESULTS).json()["count"] == 0  # not before the round is closed
    org.post(f"{ROUNDS}2026-Q3/close/")
    own = staff.get(RESULTS, {"round": "2026-Q3"}).json()
    assert own["count"] == 1 and own["results"][0]["official"]["id"] == county.staff_official.pk
    assert "group_scores" not in own["results"][0] and own["results"][0]["score"] == "78.00"
    assert client_for(county.outsider).get(RESULTS).json()["count"] == 0
    assert RaterAssignment.objects.filter(rater=county.head).count() == 1


def test_a_round_opened_by_the_api_sets_the_trim_per_group(county, client_for):
    org = client_for(county.orgadmin)
    response = org.post(ROUNDS, {"period": "2026-Q3", "group_trim": {"recipients": False}}, content_type=JSON)
    assert response.status_code == 201, response.content
    trim = response.json()["group_trim"]
    assert trim["recipients"] is False and trim["principal"] is True
    bad = org.post(ROUNDS, {"period": "2026-Q4", "group_trim": {"nobody": False}}, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["code"] == "bad_trim"
