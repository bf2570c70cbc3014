"""``/api/v1/leave-records/``: heads and the organization department keep the leave of the officials under them,
an official reads their own, anything outside one's scope is a 404; the list costs a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from org.models import LeaveRecord
from tests.factories import LeaveRecordFactory, OfficialFactory, RoleGrantFactory, UserFactory

URL = "/api/v1/leave-records/"
D = dt.date
BODY = {"kind": "sick", "start_date": "2026-03-02", "end_date": "2026-03-06", "note": "住院"}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def records(county):
    return {
        "staff": LeaveRecordFactory(official=county.staff_official, recorded_by=county.head),
        "finance": LeaveRecordFactory(official=county.finance_official, kind="personal"),
        "head": LeaveRecordFactory(official=county.head_official, recorded_by=county.orgadmin),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_each_caller_lists_their_scope(county, records):
    assert ids(api(county.head).get(URL)) == {records["staff"].pk, records["head"].pk}
    assert ids(api(county.orgadmin).get(URL)) == {r.pk for r in records.values()}
    assert ids(api(county.staff).get(URL)) == {records["staff"].pk}
    assert ids(api(county.outsider).get(URL)) == ids(api(county.inspector).get(URL)) == set()
    assert APIClient().get(URL).status_code in (401, 403)


def test_a_record_reads_with_the_official_days_and_recorder(county, records):
    row = api(county.staff).get(f"{URL}{records['staff'].pk}/").json()
    assert row["official"]["name"] == county.staff_official.name and row["official"]["unit"]["code"] == "WL02"
    assert (row["kind"], row["start_date"], row["end_date"], row["days"]) == ("sick", "2026-03-02", "2026-03-06", 5)
    assert row["recorded_by_name"] == county.head_official.name


def test_outside_scope_is_missing(county, records):
    for user in (county.head, county.staff, county.outsider):
        assert api(user).get(f"{URL}{records['finance'].pk}/").status_code == 404
        assert api(user).patch(f"{URL}{records['finance'].pk}/", {"note": "x"}).status_code == 404
        assert api(user).delete(f"{URL}{records['finance'].pk}/").status_code == 404
    refused = api(county.head).post(URL, {**BODY, "official": county.finance_official.pk})
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert api(county.head).post(URL, {**BODY, "official": 999_999}).status_code == 404


def test_the_filters(county, records):
    LeaveRecordFactory(official=county.culture_official, start_date=D(2025, 12, 30), end_date=D(2026, 1, 2))
    orgadmin = api(county.orgadmin)
    assert len(ids(orgadmin.get(URL, {"year": 2025}))) == 1
    assert ids(orgadmin.get(URL, {"kind": "personal"})) == {records["finance"].pk}
    assert ids(orgadmin.get(URL, {"official": county.head_official.pk})) == {records["head"].pk}
    assert len(ids(orgadmin.get(URL, {"unit": "WL", "year": 2026}))) == 3
    assert ids(orgadmin.get(URL, {"unit": "NOPE"})) == set()


def test_create_change_and_delete(county):
    head = api(county.head)
    created = head.post(URL, {**BODY, "official": county.staff_official.pk})
    assert created.status_code == 201, created.json()
    row = created.json()
    assert (row["days"], row["recorded_by_name"], row["note"]) == (5, county.head_official.name, "住院")
    leave = LeaveRecord.objects.get(pk=row["id"])
    assert leave.recorded_by == county.head

    patched = head.patch(f"{URL}{leave.pk}/", {"end_date": "2026-03-10"})
    assert patched.status_code == 200 and patched.json()["days"] == 9 and patched.json()["kind"] == "sick"
    put = head.put(f"{URL}{leave.pk}/", {"kind": "personal", "start_date": "2026-03-03", "end_date": "2026-03-04"})
    assert put.status_code == 200 and (put.json()["kind"], put.json()["days"], put.json()["note"]) == (
        "personal", 2, "")
    assert head.delete(f"{URL}{leave.pk}/").status_code == 204
    assert not LeaveRecord.objects.exists()


def test_refusals_are_structured(county, records):
    head = api(county.head)
    overlap = head.post(URL, {**BODY, "official": county.staff_official.pk, "start_date": "2026-03-06"})
    assert overlap.status_code == 400
    assert overlap.json()["code"] == "overlap" and overlap.json()["extra"] == {"overlaps": records["staff"].pk}
    reversed_dates = head.post(URL, {**BODY, "official": county.culture_official.pk, "end_date": "2026-03-01"})
    assert reversed_dates.status_code == 400 and reversed_dates.json()["code"] == "dates"
    bad = head.post(URL, {**BODY, "official": county.culture_official.pk, "kind": "holiday"})
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]
    own = api(county.staff).patch(f"{URL}{records['staff'].pk}/", {"note": "自己改"})
    assert own.status_code == 400 and own.json()["code"] == "forbidden"
    self_record = api(county.head).post(URL, {**BODY, "official": county.head_official.pk})
    assert self_record.status_code == 400 and self_record.json()["code"] == "forbidden"


def test_the_list_costs_the_same_queries_for_few_and_many_rows(county, client_for, django_assert_num_queries):
    other_head = UserFactory(username="other_head")
    RoleGrantFactory(user=other_head, unit=county.culture_office, role="head")
    OfficialFactory(name="办公室主任", unit=county.culture_office, user=other_head)
    LeaveRecordFactory(official=county.staff_official, recorded_by=county.head)
    client = client_for(county.orgadmin)  # signed in as a browser would be: the session and scope are read each time
    client.get(URL)
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
    for i in range(40):
        person = OfficialFactory(unit=county.culture_office if i % 2 else county.finance_office)
        LeaveRecordFactory(official=person, recorded_by=other_head if i % 3 else None)
    with django_assert_num_queries(6):
        assert client.get(URL).json()["count"] == 41


def test_the_schema_lists_the_endpoint(county, client_for):
    schema = client_for(county.staff).get("/api/schema/").content.decode()
    assert "/api/v1/leave-records/" in schema and "LeaveKindEnum" in schema
