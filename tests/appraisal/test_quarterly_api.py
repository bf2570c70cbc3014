"""Quarterly grades over the API: scope (officials see their own confirmed grades, heads and the organization
department their subtrees, anything else is a 404), the head's and the official's actions through the services with
their refusals as ``{code, message}``, the filters, and a constant query count on the list."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from appraisal.models import QuarterlyGrade
from tests.appraisal.quarterly_helpers import QUARTER, confirm, grade_of, login_of, propose, score, scored
from tests.factories import OfficialFactory, QuarterlyGradeFactory, UserFactory, period

URL = "/api/v1/quarterly-grades/"


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(user, url: str, data: dict[str, Any] | None = None) -> Any:
    return client(user).post(url, json.dumps(data or {}), content_type="application/json")


def refused(response: Any, code: str) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


@pytest.fixture
def graded(county):
    """Culture: staff, the culture official and three colleagues; finance: one official; all proposed."""
    score(county.staff_official, county.culture, 82)
    score(county.culture_official, county.culture, 91)
    score(county.head_official, county.culture, 88)
    scored(county.culture_office, county.culture, [75, 70])
    score(county.finance_official, county.finance, 80)
    propose(county)
    return county


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["official"] for row in response.json()["results"]}


def test_each_sees_their_scope_and_nothing_else(graded):
    county = graded
    everyone = set(QuarterlyGrade.objects.values_list("official_id", flat=True))
    assert ids(client(county.orgadmin).get(URL)) == everyone
    culture = set(QuarterlyGrade.objects.filter(unit=county.culture).values_list("official_id", flat=True))
    assert ids(client(county.head).get(URL)) == culture - {county.head_official.pk}  # never one's own draft
    assert ids(client(county.staff).get(URL)) == set()  # a draft is not shown to the official
    confirm(county.staff_official, county.head)
    assert ids(client(county.staff).get(URL)) == {county.staff_official.pk}
    for user, official in ((county.staff, county.culture_official), (county.head, county.finance_official),
                           (county.outsider, county.staff_official), (county.staff, county.head_official)):
        pk = grade_of(official).pk
        assert client(user).get(f"{URL}{pk}/").status_code == 404
        assert post(user, f"{URL}{pk}/write/", {"grade": "good", "comment": "x"}).status_code == 404
    assert Client().get(URL).status_code in (401, 403)


def test_the_shape_and_the_filters(graded):
    county = graded
    row = confirm(county.staff_official, county.head, comment="写实内容")
    body = client(county.staff).get(f"{URL}{row.pk}/").json()
    assert body["period"] == QUARTER and body["grade"] == "fairly_good" and body["status"] == "confirmed"
    assert (body["comment"], body["unit"], body["official_name"]) == ("写实内容", "WL", county.staff_official.name)
    assert body["confirmed_by"] == "head" and body["reconsider_asked_at"] is None
    org = client(county.orgadmin)
    assert ids(org.get(URL, {"unit": "CZ"})) == {county.finance_official.pk}
    assert ids(org.get(URL, {"status": "confirmed"})) == {county.staff_official.pk}
    assert ids(org.get(URL, {"period": "2026-q3", "official": county.staff_official.pk})) == {
        county.staff_official.pk}
    assert ids(org.get(URL, {"period": "2026-Q2"})) == set()
    refused(org.get(URL, {"period": "Q3"}), "bad_period")


def test_the_head_writes_and_confirms(graded):
    county = graded
    pk = grade_of(county.staff_official).pk
    written = post(county.head, f"{URL}{pk}/write/", {"grade": "average", "comment": "按时完成"})
    assert written.status_code == 200 and written.json()["grade"] == "average"
    assert written.json()["status"] == "proposed"
    # Two 好 places in six: the 91 has one, the 88 the other; a third is refused, its field named.
    body = refused(post(county.head, f"{URL}{pk}/write/", {"grade": "good", "comment": "x"}), "share_exceeded")
    assert "grade" in body["fields"]
    bad = post(county.head, f"{URL}{pk}/write/", {"grade": "excellent"})
    assert bad.status_code == 400 and "grade" in bad.json()["fields"]
    body = refused(post(county.head, f"{URL}{grade_of(county.culture_official).pk}/confirm/", {}), "comment_required")
    assert "comment" in body["fields"]
    done = post(county.head, f"{URL}{pk}/confirm/", {"comment": "按时完成本季度任务"})
    assert done.status_code == 200 and done.json()["status"] == "confirmed" and done.json()["grade"] == "average"
    refused(post(county.head, f"{URL}{pk}/write/", {"grade": "fairly_good"}), "already_confirmed")


def test_the_official_asks_once_and_the_head_answers(graded):
    county = graded
    pk = confirm(county.staff_official, county.head, value="average").pk
    refused(post(county.staff, f"{URL}{pk}/reconsider/", {"reason": ""}), "reason_required")
    asked = post(county.staff, f"{URL}{pk}/reconsider/", {"reason": "我完成了两项重点任务。"})
    assert asked.status_code == 200 and asked.json()["reconsider_reason"] == "我完成了两项重点任务。"
    refused(post(county.staff, f"{URL}{pk}/reconsider/", {"reason": "再问一次"}), "already_asked")
    refused(post(county.staff, f"{URL}{pk}/answer/", {"outcome": "kept", "text": "x"}), "forbidden")
    refused(post(county.head, f"{URL}{pk}/answer/", {"outcome": "changed", "text": "调整"}), "bad_grade")
    answered = post(county.head, f"{URL}{pk}/answer/", {"outcome": "changed", "grade": "fairly_good",
                                                         "text": "材料属实，调整为较好。"})
    body = answered.json()
    assert answered.status_code == 200 and (body["grade"], body["answer_outcome"], body["answered_by"]) == (
        "fairly_good", "changed", "head")
    refused(post(county.head, f"{URL}{pk}/answer/", {"outcome": "kept", "text": "x"}), "already_answered")


def test_propose_and_confirm_a_unit(county):
    scored(county.culture_office, county.culture, [90, 80, 70])
    response = post(county.head, f"{URL}propose/", {"period": QUARTER, "unit": "WL"})
    assert response.status_code == 200 and response.json() == {"proposed": 3, "kept_confirmed": 0, "removed": 0}
    refused(post(county.head, f"{URL}propose/", {"period": QUARTER}), "forbidden")
    assert post(county.head, f"{URL}propose/", {"period": QUARTER, "unit": "CZ"}).status_code == 400  # not visible
    period("2026")
    refused(post(county.orgadmin, f"{URL}propose/", {"period": "2026"}), "not_a_quarter")
    refused(post(county.head, f"{URL}confirm-unit/", {"period": QUARTER, "unit": "WL"}), "comments_missing")
    for row in QuarterlyGrade.objects.all():
        post(county.head, f"{URL}{row.pk}/write/", {"grade": row.proposed, "comment": "好"})
    confirmed = post(county.head, f"{URL}confirm-unit/", {"period": QUARTER, "unit": "WL"})
    assert confirmed.status_code == 200 and confirmed.json() == {"confirmed": 3}


# The exact count of the list for each caller (session, user, role grants and own official included).
LIST_QUERIES = {"orgadmin": 6, "head": 6}


def test_the_list_costs_the_same_queries_for_few_and_many(county, django_assert_num_queries):
    def add(n: int) -> None:
        for _i in range(n):
            person = OfficialFactory(unit=county.culture_office, user=UserFactory())
            QuarterlyGradeFactory(official=person, unit=county.culture, status="confirmed", grade="good",
                                  comment="写实", confirmed_by=county.head, graded_by=county.head,
                                  confirmed_at=person.created_at, reconsider_reason="理由",
                                  reconsider_asked_at=person.created_at, answered_by=county.head,
                                  answered_at=person.created_at, answer_outcome="kept", answer_grade="good",
                                  answer_text="维持")

    login_of(county.staff_official)
    add(2)
    counts = {}
    for user in (county.orgadmin, county.head):
        c = client(user)
        c.get(URL)
        with django_assert_num_queries(LIST_QUERIES[user.username]) as captured:
            assert c.get(URL, {"page_size": 100}).status_code == 200
        counts[user.pk] = len(captured.captured_queries)
    add(8)
    for user in (county.orgadmin, county.head):
        c = client(user)
        with django_assert_num_queries(counts[user.pk]):
            assert len(c.get(URL, {"page_size": 100}).json()["results"]) == 10
