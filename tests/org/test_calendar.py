"""The working-day calendar: the rule (org.workdays), the services, the import, the page and the API.

The 2026 national schedule ships as a data migration, so it is in the test database: 国庆 is 10-01 (Thu) to
10-07 (Wed) off with Sunday 09-20 and Saturday 10-10 worked; 劳动节 is 05-01 to 05-05 off with Saturday 05-09
worked; 春节 is 02-15 to 02-23 off with Saturdays 02-14 and 02-28 worked.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from common.errors import ApplicationError
from org.excel import calendar_template
from org.models import CalendarDay
from org.services.calendar import calendar_day_delete, calendar_day_set, calendar_import
from org.workdays import add_working_days, calendar_status, is_working_day, working_days_between, year_by_month
from tests.factories import CalendarDayFactory

pytestmark = pytest.mark.django_db

D = dt.date
JSON = "application/json"


# --- the shipped schedule --------------------------------------------------------------------------------------


def test_the_2026_national_schedule_is_shipped():
    rows = CalendarDay.objects.filter(date__year=2026)
    assert rows.count() == 25 and not rows.filter(updated_by__isnull=False).exists()
    worked = sorted(rows.filter(is_working_day=True).values_list("date", flat=True))
    assert worked == [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]
    assert all(day.weekday() >= 5 for day in worked)
    off = set(rows.filter(is_working_day=False).values_list("date", flat=True))
    assert all(day.weekday() < 5 for day in off)
    assert {D(2026, 1, 1), D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 23), D(2026, 4, 6), D(2026, 5, 5),
            D(2026, 6, 19), D(2026, 9, 25), D(2026, 10, 1), D(2026, 10, 7)} <= off
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert not CalendarDay.objects.filter(date__year=2027).exists()  # not published when this was written


def test_is_working_day_follows_the_week_and_the_marks():
    assert is_working_day(D(2026, 3, 3))  # an ordinary Tuesday
    assert not is_working_day(D(2026, 3, 7))  # an ordinary Saturday
    assert not is_working_day(D(2026, 10, 1))  # 国庆, a Thursday
    assert is_working_day(D(2026, 10, 10))  # 调休上班, a Saturday


# --- add_working_days ----------------------------------------------------------------------------------------


def test_add_working_days_across_a_weekend():
    assert add_working_days(D(2026, 3, 5), 1) == D(2026, 3, 6)  # Thursday → Friday
    assert add_working_days(D(2026, 3, 5), 2) == D(2026, 3, 9)  # … → Monday
    assert add_working_days(D(2026, 3, 5), 3) == D(2026, 3, 10)


def test_one_working_day_after_a_friday_is_the_monday():
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    assert add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # from a Saturday too


def test_add_working_days_across_a_holiday():
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)  # 国庆 10-01 … 10-07 off
    assert add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 9)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)  # 春节, after the worked Saturday 02-14


def test_add_working_days_counts_an_adjusted_working_saturday():
    assert add_working_days(D(2026, 5, 8), 1) == D(2026, 5, 9)  # Saturday 05-09 is worked
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)  # Sunday 09-20 is worked


def test_add_working_days_a_year_ahead_matches_the_day_by_day_rule():
    start, n = D(2026, 1, 1), 200
    expected, day, found = None, start, 0
    while expected is None:
        day += dt.timedelta(days=1)
        found += is_working_day(day)
        if found == n:
            expected = day
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize("n", [1, 5, 20, 250])
def test_add_working_days_is_one_query_whatever_n(django_assert_num_queries, n):
    with django_assert_num_queries(1):
        add_working_days(D(2026, 1, 1), n)


def test_add_working_days_widens_its_window_when_holidays_fill_it(django_assert_num_queries):
    day, holidays = D(2027, 1, 1), []
    while day <= D(2027, 3, 5):
        if day.weekday() < 5:
            holidays.append(CalendarDay(date=day, is_working_day=False, name="停工"))
        day += dt.timedelta(days=1)
    CalendarDay.objects.bulk_create(holidays)
    with django_assert_num_queries(2):
        assert add_working_days(D(2026, 12, 31), 1) == D(2027, 3, 8)


def test_add_working_days_needs_n_of_one_or_more():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 5), 0)


# --- working_days_between ----------------------------------------------------------------------------------


def test_working_days_between_counts_both_ends(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert working_days_between(D(2026, 3, 2), D(2026, 3, 6)) == 5
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 2  # Friday … Monday
    assert working_days_between(D(2026, 3, 7), D(2026, 3, 8)) == 0
    assert working_days_between(D(2026, 3, 3), D(2026, 3, 3)) == 1
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 6)) == 0


def test_working_days_between_holidays_and_adjusted_days(django_assert_num_queries):
    # October 2026: 22 weekdays, 5 of them off for 国庆, one Saturday worked.
    with django_assert_num_queries(1):
        assert working_days_between(D(2026, 10, 1), D(2026, 10, 31)) == 18
    # Agrees with the day-by-day rule over the whole year.
    year = [D(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    assert working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == sum(is_working_day(d) for d in year) == 248
    # A row that repeats the weekly rhythm (written around the services) changes nothing.
    CalendarDayFactory(date=D(2026, 3, 3), is_working_day=True)
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 6)) == 5


def test_year_by_month_counts_working_days(django_assert_num_queries):
    with django_assert_num_queries(1):
        months = year_by_month(2026)
    assert [m.month for m in months] == list(range(1, 13))
    october = months[9]
    assert october.working_days == 18 and len(october.days) == 6
    assert sum(m.working_days for m in months) == 248
    assert months[2].days == []  # nothing marked in March


def test_calendar_status(county):
    shipped = calendar_status(2026)
    assert shipped.has_rows and shipped.from_national_schedule and "2026" in shipped.notice
    empty = calendar_status(2027)
    assert not empty.has_rows and not empty.from_national_schedule and empty.notice is None
    calendar_day_set(day=D(2027, 1, 1), is_working_day=False, name="元旦", by=county.orgadmin)
    entered = calendar_status(2027)
    assert entered.has_rows and not entered.from_national_schedule and entered.marked_days == 1


# --- services ------------------------------------------------------------------------------------------------


def test_org_marks_changes_and_unmarks_a_day(county):
    row = calendar_day_set(day=D(2026, 3, 3), is_working_day=False, name=" 县庆 ", note="县委通知", by=county.orgadmin)
    assert (row.name, row.note, row.updated_by) == ("县庆", "县委通知", county.orgadmin)
    assert not is_working_day(D(2026, 3, 3))
    again = calendar_day_set(day=D(2026, 3, 3), is_working_day=False, name="县庆日", by=county.orgadmin)
    assert again.pk == row.pk and CalendarDay.objects.filter(date=D(2026, 3, 3)).count() == 1
    assert row.history.first().history_user == county.orgadmin
    calendar_day_delete(day=D(2026, 3, 3), by=county.orgadmin)
    assert is_working_day(D(2026, 3, 3)) and not CalendarDay.objects.filter(date=D(2026, 3, 3)).exists()


def test_a_shipped_day_can_be_changed(county):
    calendar_day_set(day=D(2026, 10, 10), is_working_day=True, name="国庆节调休上班", note="本县照常",
                     by=county.orgadmin)
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).updated_by == county.orgadmin


@pytest.mark.parametrize("who", ["head", "staff", "inspector", "outsider"])
def test_only_the_organization_department_changes_the_calendar(county, who):
    user = getattr(county, who)
    with pytest.raises(ApplicationError) as refused:
        calendar_day_set(day=D(2026, 3, 3), is_working_day=False, name="x", by=user)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        calendar_day_delete(day=D(2026, 10, 1), by=user)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        calendar_import(file=_workbook([["2026-03-03", "放假", "", ""]]), by=user)
    assert refused.value.code == "forbidden"
    assert not CalendarDay.objects.filter(date=D(2026, 3, 3)).exists()
    assert CalendarDay.objects.filter(date=D(2026, 10, 1)).exists()


def test_marks_that_change_nothing_are_refused(county):
    with pytest.raises(ApplicationError) as weekday:
        calendar_day_set(day=D(2026, 3, 3), is_working_day=True, name="", by=county.orgadmin)
    assert weekday.value.code == "pointless_day" and "2026-03-03" in weekday.value.message
    with pytest.raises(ApplicationError) as weekend:
        calendar_day_set(day=D(2026, 3, 7), is_working_day=False, name="", by=county.orgadmin)
    assert weekend.value.code == "pointless_day" and "2026-03-07" in weekend.value.message
    with pytest.raises(ApplicationError) as far:
        calendar_day_set(day=D(2206, 3, 3), is_working_day=False, name="", by=county.orgadmin)
    assert far.value.code == "pointless_day"
    assert not CalendarDay.objects.filter(date__in=[D(2026, 3, 3), D(2026, 3, 7), D(2206, 3, 3)]).exists()


def test_a_name_too_long_is_refused(county):
    with pytest.raises(ApplicationError) as refused:
        calendar_day_set(day=D(2026, 3, 3), is_working_day=False, name="长" * 51, by=county.orgadmin)
    assert refused.value.code == "too_long" and "name" in refused.value.extra["fields"]


def test_unmarking_a_day_without_a_mark_is_refused(county):
    with pytest.raises(ApplicationError) as refused:
        calendar_day_delete(day=D(2026, 3, 3), by=county.orgadmin)
    assert refused.value.code == "not_found"


# --- import --------------------------------------------------------------------------------------------------

HEADER = ["日期*", "类型*", "名称", "备注"]
GOOD_2027 = [
    ["2027-01-01", "放假", "元旦", ""],
    [D(2027, 2, 8), "放假", "春节", "按通知"],  # an Excel date cell
    ["2027/2/20", "上班", "春节调休上班", ""],  # a Saturday
]


def _workbook(rows, *, header=HEADER, sheet="工作日历", name="calendar.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def test_template_has_the_columns_and_the_type_drop_down():
    wb = load_workbook(BytesIO(calendar_template()))
    assert wb.sheetnames == ["填写说明", "工作日历"]
    ws = wb["工作日历"]
    assert [c.value for c in ws[1]] == ["日期*", "类型*", "名称", "备注"]
    assert [v.formula1 for v in ws.data_validations.dataValidation] == ['"放假,上班"']


def test_a_good_file_is_imported_and_reimporting_changes_nothing(county):
    result = calendar_import(file=_workbook(GOOD_2027), by=county.orgadmin)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    assert not is_working_day(D(2027, 2, 8)) and is_working_day(D(2027, 2, 20))
    row = CalendarDay.objects.get(date=D(2027, 2, 8))
    assert (row.name, row.note, row.updated_by) == ("春节", "按通知", county.orgadmin)
    assert row.history.first().history_user == county.orgadmin
    again = calendar_import(file=_workbook(GOOD_2027), by=county.orgadmin)
    assert again.ok and (again.created, again.updated) == (0, 0)
    changed = calendar_import(file=_workbook([["2027-01-01", "放假", "元旦节", ""]]), by=county.orgadmin)
    assert (changed.created, changed.updated) == (0, 1)
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).name == "元旦节"
    assert CalendarDay.objects.filter(date__year=2027).count() == 3  # days not in the file stay


def test_bad_rows_are_all_reported_and_nothing_changes(county):
    before = sorted(CalendarDay.objects.values_list("date", "is_working_day", "name"))
    rows = [
        ["2027-01-01", "放假", "元旦", ""],  # good, but the file is refused as a whole
        ["2026-03-03", "上班", "", ""],  # a weekday marked as worked
        ["2026-03-07", "放假", "", ""],  # a weekend marked as off
        ["2027-02-30", "放假", "", ""],  # not a date
        ["2027-02-09", "休息", "", ""],  # not a type
        ["", "放假", "无日期", ""],  # no date
        ["2027-02-10", "放假", "名" * 51, ""],  # name too long
        ["2027-01-01", "放假", "元旦", ""],  # duplicate of row 2
    ]
    result = calendar_import(file=_workbook(rows), by=county.orgadmin)
    assert not result.ok
    located = sorted((e.row, e.column) for e in result.errors)
    assert located == [(3, "类型"), (4, "类型"), (5, "日期"), (6, "类型"), (7, "日期"), (8, "名称"), (9, "日期")]
    by_row = {e.row: e.message for e in result.errors}
    assert "2026-03-03" in by_row[3] and "2026-03-07" in by_row[4]
    assert sorted(CalendarDay.objects.values_list("date", "is_working_day", "name")) == before


def test_a_file_that_is_not_xlsx_is_refused(county):
    with pytest.raises(ApplicationError) as refused:
        calendar_import(file=BytesIO(b"date,type\n2027-01-01,off\n"), by=county.orgadmin)
    assert refused.value.code == "not_xlsx"


def test_a_workbook_without_the_sheet_or_the_columns_is_refused(county):
    no_sheet = calendar_import(file=_workbook(GOOD_2027, sheet="Sheet1"), by=county.orgadmin)
    assert not no_sheet.ok and no_sheet.errors[0].sheet == "-"
    no_type = calendar_import(file=_workbook([["2027-01-01"]], header=["日期"]), by=county.orgadmin)
    assert [(e.row, e.column) for e in no_type.errors] == [(1, "类型")]
    empty = calendar_import(file=_workbook([]), by=county.orgadmin)
    assert not empty.ok
    assert not CalendarDay.objects.filter(date__year=2027).exists()


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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"year": 2027})
    calendar_import(file=_workbook(GOOD_2027), by=county.orgadmin)
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
    upload = SimpleUploadedFile("calendar.xlsx", _workbook(GOOD_2027).getvalue())
    response = client.post(f"{URL}?year=2027", {"file": upload})
    assert response.status_code == 302 and CalendarDay.objects.filter(date__year=2027).count() == 3
    bad = SimpleUploadedFile("calendar.xlsx", _workbook([["2026-03-03", "上班", "", ""]]).getvalue())
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
