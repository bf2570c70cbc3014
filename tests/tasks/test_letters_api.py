"""API /api/v1/supervision-letters/: scoped list and retrieve, issue, reply and sign; refusals are 400 with a code."""

from __future__ import annotations

import datetime as dt

from tasks.models import LetterStatus, SupervisionLetter
from tests.factories import SupervisionLetterFactory
from tests.tasks.letter_helpers import DEADLINE, issue

URL = "/api/v1/supervision-letters/"


def test_the_list_is_scoped(county, client_for, finance_head):
    ours = issue(county, official=county.staff_official)
    issue(county, unit=county.finance)
    body = client_for(county.head).get(URL).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == ours.pk and row["status"] == "issued" and row["is_overdue"] is False
    assert row["recipient_unit"]["code"] == "WL" and row["issuer_unit"]["code"] == "QH"
    assert row["recipient_official"]["name"] == "李科员" and row["issued_by"] == "orgadmin"
    assert client_for(county.staff).get(URL).json()["count"] == 1  # addressed to them
    assert client_for(county.outsider).get(URL).json()["count"] == 0
    assert client_for(finance_head).get(f"{URL}{ours.pk}/").status_code == 404


def test_the_list_takes_a_tab(county, client_for):
    issue(county)
    issue(county, by=county.head, unit=county.culture_tourism)
    client = client_for(county.head)
    assert client.get(URL, {"tab": "issued"}).json()["count"] == 1
    assert client.get(URL, {"tab": "received"}).json()["count"] == 2


def test_issue_reply_and_sign_through_the_api(county, client_for):
    org = client_for(county.orgadmin)
    response = org.post(URL, {"recipient_unit": "WL02", "recipient_official": county.staff_official.pk,
                              "title": "督办事项", "content": "请整改", "reply_deadline": DEADLINE.isoformat()},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    letter = response.json()
    assert letter["number"].startswith("督办〔") and letter["status"] == "issued"

    staff = client_for(county.staff)
    response = staff.post(f"{URL}{letter['id']}/reply/", {"reply": "已整改"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "replied"
    assert response.json()["replied_by"] == "staff"

    response = org.post(f"{URL}{letter['id']}/sign/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["issuer_signed_by"] == "orgadmin"
    assert response.json()["status"] == "replied"
    response = client_for(county.head).post(f"{URL}{letter['id']}/sign/", {"side": "recipient"},
                                            content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert response.json()["closed_at"]


def test_invalid_transitions_answer_400_with_a_code(county, client_for, finance_head):
    letter = issue(county)
    org = client_for(county.orgadmin)
    response = org.post(f"{URL}{letter.pk}/sign/", {}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "not_replied"
    assert response.json()["message"]
    response = org.post(f"{URL}{letter.pk}/reply/", {"reply": "x"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "forbidden"
    head = client_for(county.head)
    assert head.post(f"{URL}{letter.pk}/reply/", {"reply": "x"}, content_type="application/json").status_code == 200
    response = head.post(f"{URL}{letter.pk}/reply/", {"reply": "y"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "conflict"
    response = head.post(f"{URL}{letter.pk}/reply/", {}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    # Out of scope is "not found", never a hint that the letter exists.
    response = client_for(finance_head).post(f"{URL}{letter.pk}/sign/", {}, content_type="application/json")
    assert response.status_code == 404


def test_issue_refusals(county, client_for):
    head = client_for(county.head)
    data = {"recipient_unit": "CZ", "title": "t", "content": "c", "reply_deadline": DEADLINE.isoformat()}
    response = head.post(URL, data, content_type="application/json")
    assert response.status_code == 400 and "recipient_unit" in response.json()["fields"]  # not in their scope
    data["recipient_unit"] = "WL"
    data["reply_deadline"] = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    response = head.post(URL, data, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_deadline"
    response = client_for(county.staff).post(URL, data, content_type="application/json")
    assert response.status_code == 400
    assert not SupervisionLetter.objects.exists()


def test_the_list_costs_the_same_queries_for_10_and_100_letters(county, client_for, django_assert_num_queries):
    def make(n):
        SupervisionLetterFactory.create_batch(
            n, issuer_unit=county.root, recipient_unit=county.culture, issued_by=county.orgadmin,
            recipient_official=county.staff_official, status=LetterStatus.REPLIED, replied_by=county.head)

    make(10)
    client = client_for(county.head)
    with django_assert_num_queries(6) as ctx:
        client.get(URL, {"page_size": 200})
    make(90)
    client = client_for(county.head)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert len(client.get(URL, {"page_size": 200}).json()["results"]) == 100
