"""Where officials worked during a period, from their posts: the unit of a month or quarter (the most days), and
the unit that grades an official who changed units during the year (考核规定 2020 第26条)."""

from __future__ import annotations

import datetime as dt

import pytest

from org.models import PostKind
from org.selectors.posts import grading_placements, placements
from org.services import official_assign_post
from tests.factories import OfficialFactory, PostAssignmentFactory

D = dt.date


def moved(county, on: dt.date, kind: str = PostKind.LATERAL_EXCHANGE, official=None):
    """An official in the finance office since 2020 who moves to the culture office on ``on`` (the service closes
    the old post on the day the new one starts)."""
    official = official or OfficialFactory(name="调动者", unit=county.finance_office, post_since=D(2020, 1, 1))
    if not official.posts.exists():
        PostAssignmentFactory(official=official, unit=official.unit, start_date=D(2020, 1, 1))
    official_assign_post(official=official, unit=county.culture_office, position_title="科员", start_date=on, kind=kind)
    official.refresh_from_db()
    return official


def month(year: int, number: int) -> tuple[dt.date, dt.date]:
    last = (D(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1))
    return D(year, number, 1), last


def test_officials_who_stayed_put_or_have_no_posts_are_not_listed(county):
    PostAssignmentFactory(official=county.staff_official, start_date=D(2020, 1, 1))
    assert grading_placements(2026) == {} and placements(*month(2026, 6)) == {}


def test_a_month_belongs_to_the_unit_of_the_time(county):
    official = moved(county, D(2026, 7, 1))
    assert official.unit == county.culture_office
    june = placements(*month(2026, 6))  # the old post, although the official is in culture now
    assert june[official.pk].unit_id == county.finance_office.pk
    assert placements(*month(2026, 7)) == {}  # in the present unit all month: nothing to say
    may = placements(*month(2026, 5))[official.pk]  # the whole month in the old unit
    assert may.unit_id == county.finance_office.pk and may.came_from is None and may.went_to is None


def test_a_move_in_the_month_gives_the_month_to_the_unit_of_most_days_and_a_tie_to_the_later(county):
    official = moved(county, D(2026, 6, 20))  # 19 days in finance, 11 in culture
    assert placements(*month(2026, 6))[official.pk].unit_id == county.finance_office.pk
    other = moved(county, D(2026, 6, 16))  # 15 and 15
    assert placements(*month(2026, 6))[other.pk].unit_id == county.culture_office.pk


def test_a_quarter_goes_to_the_unit_of_most_days(county):
    official = moved(county, D(2026, 8, 1))  # July in finance, August and September in culture
    found = placements(D(2026, 7, 1), D(2026, 9, 30))[official.pk]
    assert found.unit_id == county.culture_office.pk and found.days == 61


def test_after_a_transfer_the_new_unit_grades_the_year_by_the_rules(county):
    official = moved(county, D(2026, 10, 1))  # nine months in finance
    found = grading_placements(2026)[official.pk]
    assert found.unit_id == county.culture_office.pk and not found.by_longest
    assert (found.came_from.unit_id, found.arrival.start, found.went_to) == (county.finance_office.pk,
                                                                            D(2026, 10, 1), None)
    assert found.arrival.kind == PostKind.LATERAL_EXCHANGE


def test_after_a_transfer_the_longest_stay_grades_the_year_when_so_configured(county):
    official = moved(county, D(2026, 10, 1))
    found = grading_placements(2026, graded_by="longest")[official.pk]
    assert found.unit_id == county.finance_office.pk and found.by_longest and found.days == 273
    assert found.went_to.unit_id == county.culture_office.pk and found.went_to.start == D(2026, 10, 1)


def test_a_secondment_is_graded_where_the_official_worked_longest(county):
    official = moved(county, D(2026, 10, 1), kind=PostKind.SECONDMENT)
    found = grading_placements(2026)[official.pk]
    assert found.unit_id == county.finance_office.pk and found.by_longest
    early = moved(county, D(2026, 3, 1), kind=PostKind.SECONDMENT)
    assert grading_placements(2026)[early.pk].unit_id == county.culture_office.pk


def test_a_return_from_secondment_counts_both_stays_in_the_home_unit(county):
    official = moved(county, D(2026, 3, 1), kind=PostKind.SECONDMENT)  # Jan–Feb home, Mar–Jul seconded
    official_assign_post(official=official, unit=county.finance_office, position_title="科员",
                         start_date=D(2026, 8, 1), kind=PostKind.APPOINTMENT)  # Aug–Dec home again
    found = grading_placements(2026)[official.pk]
    assert found.unit_id == county.finance_office.pk and found.days == 59 + 153
    assert [s.unit_id for s in found.spells] == [county.finance_office.pk, county.culture_office.pk,
                                                 county.finance_office.pk]


def test_a_move_in_an_earlier_year_changes_nothing_this_year_and_a_past_year_stays_with_its_unit(county):
    moved(county, D(2025, 7, 1))
    assert grading_placements(2026) == {}
    assert len(grading_placements(2025)) == 1
    later = moved(county, D(2026, 1, 1))  # the whole of 2025 in finance, graded there when read in 2026
    found = grading_placements(2025)[later.pk]
    assert found.unit_id == county.finance_office.pk and found.came_from is None and found.went_to is None


def test_only_the_asked_officials_and_one_query_for_many(county, django_assert_num_queries):
    people = [moved(county, D(2026, 9, 1), kind=PostKind.SECONDMENT) for _ in range(12)]
    with django_assert_num_queries(1):
        found = grading_placements(2026)
    assert set(found) == {p.pk for p in people}
    assert set(grading_placements(2026, official_ids=[people[0].pk])) == {people[0].pk}


def test_an_unknown_rule_is_refused(county):
    with pytest.raises(ValueError):
        grading_placements(2026, graded_by="oldest")
