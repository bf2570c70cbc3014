"""The working-day calendar's page and API (the rule, the services and the import: test_calendar.py).

The 2026 national schedule ships as a data migration, so it is in the test database: 国庆 is 10-01 (Thu) to
10-07 (Wed) off with Sunday 09-20 and Saturday 10-10 worked.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from org.models import CalendarDay
from org.services.calendar import calendar_import
from org.workdays import is_working_day
from tests.org.calendar_files import GOOD_2027, workbook

pytestmark = pytest.mark.django_db

D = dt.date
JSON = "application/json"


# --- the page ------------------------------------------------------------------------------------------------

URL = "/calendar/"


def test_the_page_url_name():
    assert reverse("org:calendar") == URL and reverse("org:calendar_template") == "/calendar/template/"


def test_org_sees_the_year_month_by_month_with_the_forms(county, client_for):
    response = client_for(county.orgadmin).get(URL, {"year": 2026})
    assert response.status_code == 200
    assert response.context["can_edit"] and response.context["status"].from_national_schedule
    months = response.context["months"]
    assert len(months) == 12 and sum(len(m.days) for m in months) == 25
    body = response.content.decode()
    assert body.count('data-testid="calendar-day"') == 25
    assert 'data-testid="calendar-day-form"' in body and 'name="file"' in body
    assert reverse("org:calendar_template") in body and "2026-10-01" in body and "国庆节" in body


def test_a_year_without_a_schedule_says_so(county, client_for):
    response = client_for(county.orgadmin).get(URL, {"year": 2027})
    assert not response.context["status"].has_rows
    body = response.content.decode()
    assert 'data-testid="calendar-status"' in body and "2027" in body
    assert body.count('data-testid="calendar-day"') == 0


def test_the_page_query_count_does_not_grow_with_the_days(county, client_for, django_assert_num_queries):
    client = client_for(county.orgadmin)
    client.get(URL, {"year": 2027})  # warm the session
    with django_assert_num_queries(7) as few:
        client.get(URL, {"year": 2027})
    calendar_import(file=workbook(GOOD_2027), by=county.orgadmin)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL, {"year": 2027})


def test_org_marks_a_day_on_the_page(county, client_for):
    client = client_for(county.orgadmin)
    response = client.post(URL, {"form": "day", "date": "2027-01-01", "kind": "off", "name": "元旦", "note": ""})
    assert response.status_code == 302 and response["Location"] == f"{URL}?year=2027"
    row = CalendarDay.objects.get(date=D(2027, 1, 1))
    assert not row.is_working_day and row.updated_by == county.orgadmin
    worked = client.post(URL, {"form": "day", "date": "2027-02-20", "kind": "work", "name": "春节调休上班"})
    assert worked.status_code == 302 and is_working_day(D(2027, 2, 20))


def test_bad_input_keeps_what_was_typed(county, client_for):
    client = client_for(county.orgadmin)
    response = client.post(URL, {"form": "day", "date": "2026-03-03", "kind": "work", "name": "我的名称",
                                 "note": "我的备注"})
    assert response.status_code == 200
    form = response.context["day_form"]
    assert "2026-03-03" in form.errors["date"][0]
    body = response.content.decode()
    assert 'value="我的名称"' in body and 'value="我的备注"' in body and 'value="2026-03-03"' in body
    assert 'data-testid="field-error"' in body
    bad_date = client.post(URL, {"form": "day", "date": "2026-02-30", "kind": "off", "name": "保留"})
    assert bad_date.status_code == 200 and "date" in bad_date.context["day_form"].errors
    assert 'value="2026-02-30"' in bad_date.content.decode() and 'value="保留"' in bad_date.content.decode()
    assert not CalendarDay.objects.filter(date=D(2026, 3, 3)).exists()


def test_org_edits_and_removes_a_day_on_the_page(county, client_for):
    client = client_for(county.orgadmin)
    edit = client.get(URL, {"year": 2026, "edit": "2026-10-10"})
    form = edit.context["day_form"]
    assert edit.context["editing"].date == D(2026, 10, 10)
    assert form.initial["kind"] == "work" and form.initial["name"] == "国庆节调休上班"
    body = edit.content.decode()
    assert 'name="editing" value="2026-10-10"' in body
    assert 'name="date" value="2026-10-10"' in body  # ISO, as <input type="date"> needs
    saved = client.post(URL, {"form": "day", "editing": "2026-10-10", "date": "2026-10-10", "kind": "work",
                              "name": "国庆节调休上班", "note": "本县照常"})
    assert saved.status_code == 302
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).note == "本县照常"
    removed = client.post(reverse("org:calendar_day_delete", args=["2026-10-10"]))
    assert removed.status_code == 302 and removed["Location"] == f"{URL}?year=2026"
    assert not is_working_day(D(2026, 10, 10))
    missing = client.post(reverse("org:calendar_day_delete", args=["2026-10-10"]), follow=True)
    assert missing.status_code == 200
    assert [m.level_tag for m in missing.context["messages"]][-1] == "error"
    assert client.post(reverse("org:calendar_day_delete", args=["not-a-date"])).status_code == 404


def test_org_imports_on_the_page(county, client_for):
    client = client_for(county.orgadmin)
    upload = SimpleUploadedFile("calendar.xlsx", workbook(GOOD_2027).getvalue())
    response = client.post(f"{URL}?year=2027", {"file": upload})
    assert response.status_code == 302 and CalendarDay.objects.filter(date__year=2027).count() == 3
    bad = SimpleUploadedFile("calendar.xlsx", workbook([["2026-03-03", "上班", "", ""]]).getvalue())
    refused = client.post(f"{URL}?year=2026", {"file": bad})
    assert refused.status_code == 200 and 'data-testid="import-errors"' in refused.content.decode()
    not_xlsx = client.post(URL, {"file": SimpleUploadedFile("calendar.xlsx", b"not a workbook")})
    assert not_xlsx.status_code == 200 and 'data-testid="file-error"' in not_xlsx.content.decode()


def test_org_downloads_the_template(county, client_for):
    response = client_for(county.orgadmin).get(reverse("org:calendar_template"))
    assert response.status_code == 200
    assert "%E5%B7%A5%E4%BD%9C%E6%97%A5%E5%8E%86" in response["Content-Disposition"]  # 工作日历
    assert load_workbook(BytesIO(response.content)).sheetnames == ["填写说明", "工作日历"]


@pytest.mark.parametrize("who", ["head", "inspector"])
def test_other_roles_read_only(county, client_for, who):
    client = client_for(getattr(county, who))
    response = client.get(URL, {"year": 2026})
    assert response.status_code == 200 and not response.context["can_edit"]
    body = response.content.decode()
    assert body.count('data-testid="calendar-day"') == 25
    assert 'data-testid="calendar-day-form"' not in body and 'name="file"' not in body
    assert 'data-testid="calendar-read-only"' in body and "calendar-delete" not in body
    assert client.post(URL, {"form": "day", "date": "2026-03-03", "kind": "off"}).status_code == 404
    assert client.post(reverse("org:calendar_day_delete", args=["2026-10-01"])).status_code == 404
    assert client.get(reverse("org:calendar_template")).status_code == 404
    assert CalendarDay.objects.filter(date=D(2026, 10, 1)).exists()


@pytest.mark.parametrize("who", ["staff", "outsider"])
def test_staff_without_a_role_get_404(county, client_for, who):
    client = client_for(getattr(county, who))
    assert client.get(URL).status_code == 404
    assert client.get(reverse("org:calendar_template")).status_code == 404


# --- the API -------------------------------------------------------------------------------------------------

API = "/api/v1/calendar-days/"


def test_api_lists_for_any_signed_in_user_by_date(county, client_for):
    body = client_for(county.staff).get(API, {"year": 2026, "page_size": 100}).json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 25
    dates = [r["date"] for r in body["results"]]
    assert dates == sorted(dates) and dates[0] == "2026-01-01"
    assert body["results"][0] == {"date": "2026-01-01", "is_working_day": False, "name": "元旦",
                                  "note": "国务院办公厅关于2026年部分节假日安排的通知",
                                  "updated_at": body["results"][0]["updated_at"]}
    assert client_for(county.staff).get(API, {"year": 2027}).json()["count"] == 0
    worked = client_for(county.staff).get(API, {"year": 2026, "is_working_day": "true"}).json()
    assert worked["count"] == 6


def test_api_list_costs_the_same_queries_for_few_and_many_days(county, client_for, django_assert_num_queries):
    client = client_for(county.staff)
    client.get(API)  # warm the session
    calendar_import(file=workbook(GOOD_2027), by=county.orgadmin)
    with django_assert_num_queries(4):
        assert client.get(API, {"year": 2027}).json()["count"] == 3
    with django_assert_num_queries(4):
        assert client.get(API, {"year": 2026, "page_size": 100}).json()["count"] == 25  # the shipped schedule


def test_api_reads_a_day_by_its_date(county, client_for):
    client = client_for(county.head)
    assert client.get(f"{API}2026-10-01/").json()["name"] == "国庆节"
    assert client.get(f"{API}2026-03-03/").status_code == 404
    assert client.get(f"{API}2026-13-01/").status_code == 404


def test_api_writes_through_the_services(county, client_for):
    client = client_for(county.orgadmin)
    created = client.post(API, {"date": "2027-01-01", "is_working_day": False, "name": "元旦"}, content_type=JSON)
    assert created.status_code == 201, created.json()
    assert created.json()["name"] == "元旦"
    again = client.post(API, {"date": "2027-01-01", "is_working_day": False, "name": "元旦节"}, content_type=JSON)
    assert again.status_code == 200 and again.json()["name"] == "元旦节"
    patched = client.patch(f"{API}2027-01-01/", {"note": "按通知"}, content_type=JSON)
    assert patched.status_code == 200 and patched.json()["name"] == "元旦节" and patched.json()["note"] == "按通知"
    put = client.put(f"{API}2027-01-01/", {"is_working_day": False, "name": "元旦"}, content_type=JSON)
    assert put.status_code == 200 and put.json()["note"] == ""
    pointless = client.post(API, {"date": "2027-01-04", "is_working_day": True}, content_type=JSON)
    assert pointless.status_code == 400 and pointless.json()["code"] == "pointless_day"
    assert "2027-01-04" in pointless.json()["message"] and "date" in pointless.json()["fields"]
    invalid = client.post(API, {"date": "soon", "is_working_day": False}, content_type=JSON)
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid" and "date" in invalid.json()["fields"]
    assert client.delete(f"{API}2027-01-01/").status_code == 204
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()
    assert client.delete(f"{API}2027-01-01/").status_code == 404


@pytest.mark.parametrize("who", ["head", "staff", "inspector"])
def test_api_writes_are_refused_to_anyone_else(county, client_for, who):
    client = client_for(getattr(county, who))
    refused = [
        client.post(API, {"date": "2027-01-01", "is_working_day": False}, content_type=JSON),
        client.patch(f"{API}2026-10-01/", {"name": "改"}, content_type=JSON),
        client.delete(f"{API}2026-10-01/"),
    ]
    for response in refused:
        assert response.status_code == 400 and response.json()["code"] == "forbidden"
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()


def test_api_schema_lists_the_calendar(county, client_for):
    assert b"/api/v1/calendar-days/" in client_for(county.staff).get("/api/schema/").content
