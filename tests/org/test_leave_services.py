"""Leave records (请假): who records them, the dates, overlaps refused with a clear message, the audit trail; and the
days counted in a year for many officials at once."""

from __future__ import annotations

import datetime as dt

import pytest

from common.errors import ApplicationError
from org.models import LeaveRecord
from org.selectors.leave import days_away, leave_days, leave_records_managed_by, leave_records_visible_to
from org.services.leave import leave_record_create, leave_record_delete, leave_record_update
from tests.factories import LeaveRecordFactory, OfficialFactory, RoleGrantFactory, UserFactory

D = dt.date
SICK_AND_PERSONAL = ["sick", "personal"]


def record(county, official=None, by=None, **values):
    values = {"kind": "sick", "start_date": D(2026, 3, 2), "end_date": D(2026, 3, 6), **values}
    return leave_record_create(official=official or county.staff_official, by=by or county.head, **values)


# -- who -------------------------------------------------------------------------------------------------
def test_the_head_over_the_official_records_a_leave_with_its_history(county):
    leave = record(county, note="住院治疗")
    assert (leave.official, leave.kind, leave.days) == (county.staff_official, "sick", 5)
    assert leave.recorded_by == county.head
    assert leave.note == "住院治疗"
    history = leave.history.get()
    assert history.history_type == "+" and history.history_user == county.head


def test_the_organization_department_records_anywhere(county):
    leave = record(county, official=county.finance_official, by=county.orgadmin, kind="personal")
    assert leave.recorded_by == county.orgadmin


@pytest.mark.parametrize("who", ["other_head", "staff", "inspector", "outsider"])
def test_others_may_not_record(county, who):
    if who == "other_head":
        user = UserFactory(username="finance_head")
        RoleGrantFactory(user=user, unit=county.finance, role="head")
    else:
        user = getattr(county, who)
    with pytest.raises(ApplicationError) as refused:
        record(county, by=user)
    assert refused.value.code == "forbidden"
    assert not LeaveRecord.objects.exists()


def test_nobody_records_their_own_leave(county):
    with pytest.raises(ApplicationError) as refused:
        record(county, official=county.head_official, by=county.head)
    assert refused.value.code == "forbidden" and "本人" in refused.value.message


def test_a_section_head_records_for_their_section_only(county):
    user = UserFactory(username="section_head")
    RoleGrantFactory(user=user, unit=county.culture_tourism, role="head")
    assert record(county, by=user).official == county.staff_official
    with pytest.raises(ApplicationError):
        record(county, official=county.culture_official, by=user)


# -- dates -----------------------------------------------------------------------------------------------
def test_an_overlap_is_refused_naming_the_record_it_overlaps(county):
    record(county, start_date=D(2026, 3, 2), end_date=D(2026, 3, 10))
    with pytest.raises(ApplicationError) as refused:
        record(county, kind="personal", start_date=D(2026, 3, 10), end_date=D(2026, 3, 12))
    error = refused.value
    assert error.code == "overlap"
    assert county.staff_official.name in error.message and "2026-03-02" in error.message
    assert "2026-03-10" in error.message
    assert error.extra == {"overlaps": LeaveRecord.objects.get().pk}
    assert LeaveRecord.objects.count() == 1


def test_one_leave_inside_another_is_an_overlap_and_the_next_day_is_not(county):
    record(county, start_date=D(2026, 3, 2), end_date=D(2026, 3, 31))
    with pytest.raises(ApplicationError):
        record(county, start_date=D(2026, 3, 10), end_date=D(2026, 3, 11))
    record(county, start_date=D(2026, 4, 1), end_date=D(2026, 4, 2))
    record(county, official=county.culture_official, start_date=D(2026, 3, 10), end_date=D(2026, 3, 11))
    assert LeaveRecord.objects.count() == 3


def test_the_last_day_before_the_first_is_refused_on_the_last_day(county):
    with pytest.raises(ApplicationError) as refused:
        record(county, start_date=D(2026, 3, 10), end_date=D(2026, 3, 9))
    assert refused.value.code == "dates" and list(refused.value.extra["fields"]) == ["end_date"]
    assert "2026-03-09" in refused.value.message


def test_a_one_day_leave_is_one_day(county):
    assert record(county, start_date=D(2026, 3, 10), end_date=D(2026, 3, 10)).days == 1


@pytest.mark.parametrize("values", [{"kind": "holiday"}, {"start_date": D(1999, 12, 31)}])
def test_a_bad_kind_or_an_implausible_date_is_refused(county, values):
    with pytest.raises(ApplicationError) as refused:
        record(county, **values)
    assert refused.value.extra["fields"]


def test_a_change_may_keep_its_own_days_but_not_take_anothers(county):
    first = record(county, start_date=D(2026, 3, 2), end_date=D(2026, 3, 6))
    record(county, start_date=D(2026, 3, 9), end_date=D(2026, 3, 13))
    changed = leave_record_update(record=first, kind="personal", start_date=D(2026, 3, 2), end_date=D(2026, 3, 8),
                                  note="改为事假", by=county.head)
    assert (changed.kind, changed.days, changed.note) == ("personal", 7, "改为事假")
    with pytest.raises(ApplicationError) as refused:
        leave_record_update(record=first, kind="personal", start_date=D(2026, 3, 2), end_date=D(2026, 3, 9),
                            by=county.head)
    assert refused.value.code == "overlap"
    assert [h.history_type for h in first.history.order_by("history_date")] == ["+", "~"]


def test_only_those_who_may_record_change_or_remove(county):
    leave = record(county)
    for user in (county.staff, county.outsider):
        with pytest.raises(ApplicationError):
            leave_record_update(record=leave, kind="sick", start_date=leave.start_date, end_date=leave.end_date,
                                by=user)
        with pytest.raises(ApplicationError):
            leave_record_delete(record=leave, by=user)
    leave_record_delete(record=leave, by=county.orgadmin)
    assert not LeaveRecord.objects.exists()
    assert LeaveRecord.history.filter(history_type="-", history_user=county.orgadmin).exists()


# -- reads -----------------------------------------------------------------------------------------------
def test_who_sees_which_records(county):
    mine = LeaveRecordFactory(official=county.staff_official)
    colleague = LeaveRecordFactory(official=county.culture_official)
    finance = LeaveRecordFactory(official=county.finance_official)
    heads = LeaveRecordFactory(official=county.head_official)

    def seen(user, **kwargs):
        return set(leave_records_visible_to(user, **kwargs))

    assert seen(county.staff) == {mine}
    assert seen(county.head) == {mine, colleague, heads}
    assert set(leave_records_managed_by(county.head)) == {mine, colleague}  # never one's own
    assert seen(county.orgadmin) == {mine, colleague, finance, heads}
    assert seen(county.inspector) == seen(county.outsider) == set()


def test_days_are_clipped_to_the_year_and_counted_by_kind_for_everyone_in_one_query(
        county, django_assert_num_queries):
    a, b, c = county.staff_official, county.culture_official, county.finance_official
    LeaveRecordFactory(official=a, kind="sick", start_date=D(2025, 12, 20), end_date=D(2026, 1, 10))  # 10 in 2026
    LeaveRecordFactory(official=a, kind="personal", start_date=D(2026, 2, 1), end_date=D(2026, 2, 28))  # 28
    LeaveRecordFactory(official=a, kind="maternity", start_date=D(2026, 5, 1), end_date=D(2026, 9, 30))  # not counted
    LeaveRecordFactory(official=b, kind="sick", start_date=D(2026, 12, 1), end_date=D(2027, 1, 31))  # 31 in 2026
    LeaveRecordFactory(official=c, kind="sick", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31))  # none in 2026
    with django_assert_num_queries(1):
        found = days_away(2026, kinds=SICK_AND_PERSONAL)
    assert found == {a.pk: 38, b.pk: 31}
    assert days_away(2025, kinds=SICK_AND_PERSONAL) == {a.pk: 12, c.pk: 365}
    assert days_away(2026, kinds=[*SICK_AND_PERSONAL, "maternity"])[a.pk] == 38 + 153
    assert days_away(2026, kinds=SICK_AND_PERSONAL, official_ids=[b.pk]) == {b.pk: 31}
    assert leave_days(start=D(2026, 1, 1), end=D(2026, 1, 5), kinds=["sick"]) == {a.pk: 5}


def test_a_leave_across_the_whole_year_counts_the_whole_year(county):
    LeaveRecordFactory(official=county.staff_official, start_date=D(2023, 6, 1), end_date=D(2029, 1, 1))
    assert days_away(2028, kinds=["sick"]) == {county.staff_official.pk: 366}  # a leap year


def test_many_officials_cost_one_query(county, django_assert_num_queries):
    people = [OfficialFactory(unit=county.culture_office) for _ in range(30)]
    for person in people:
        LeaveRecordFactory(official=person, start_date=D(2026, 1, 1), end_date=D(2026, 7, 2))
    with django_assert_num_queries(1):
        found = days_away(2026, kinds=["sick"], official_ids=[p.pk for p in people])
    assert set(found.values()) == {183}
