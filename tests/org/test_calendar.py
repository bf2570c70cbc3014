"""The working-day calendar: the rule (org.workdays), the services and the import (the page and the API:
test_calendar_pages.py).

The 2026 national schedule ships as a data migration, so it is in the test database: 国庆 is 10-01 (Thu) to
10-07 (Wed) off with Sunday 09-20 and Saturday 10-10 worked; 劳动节 is 05-01 to 05-05 off with Saturday 05-09
worked; 春节 is 02-15 to 02-23 off with Saturdays 02-14 and 02-28 worked.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from common.errors import ApplicationError
from org.excel import calendar_template
from org.models import CalendarDay
from org.services.calendar import calendar_day_delete, calendar_day_set, calendar_import
from org.workdays import add_working_days, calendar_status, is_working_day, working_days_between, year_by_month
from tests.factories import CalendarDayFactory
from tests.org.calendar_files import GOOD_2027, workbook

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
        calendar_import(file=workbook([["2026-03-03", "放假", "", ""]]), by=user)
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

def test_template_has_the_columns_and_the_type_drop_down():
    wb = load_workbook(BytesIO(calendar_template()))
    assert wb.sheetnames == ["填写说明", "工作日历"]
    ws = wb["工作日历"]
    assert [c.value for c in ws[1]] == ["日期*", "类型*", "名称", "备注"]
    assert [v.formula1 for v in ws.data_validations.dataValidation] == ['"放假,上班"']


def test_a_good_file_is_imported_and_reimporting_changes_nothing(county):
    result = calendar_import(file=workbook(GOOD_2027), by=county.orgadmin)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    assert not is_working_day(D(2027, 2, 8)) and is_working_day(D(2027, 2, 20))
    row = CalendarDay.objects.get(date=D(2027, 2, 8))
    assert (row.name, row.note, row.updated_by) == ("春节", "按通知", county.orgadmin)
    assert row.history.first().history_user == county.orgadmin
    again = calendar_import(file=workbook(GOOD_2027), by=county.orgadmin)
    assert again.ok and (again.created, again.updated) == (0, 0)
    changed = calendar_import(file=workbook([["2027-01-01", "放假", "元旦节", ""]]), by=county.orgadmin)
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
    result = calendar_import(file=workbook(rows), by=county.orgadmin)
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
    no_sheet = calendar_import(file=workbook(GOOD_2027, sheet="Sheet1"), by=county.orgadmin)
    assert not no_sheet.ok and no_sheet.errors[0].sheet == "-"
    no_type = calendar_import(file=workbook([["2027-01-01"]], header=["日期"]), by=county.orgadmin)
    assert [(e.row, e.column) for e in no_type.errors] == [(1, "类型")]
    empty = calendar_import(file=workbook([]), by=county.orgadmin)
    assert not empty.ok
    assert not CalendarDay.objects.filter(date__year=2027).exists()
