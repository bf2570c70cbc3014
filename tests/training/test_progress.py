"""Training progress: one aggregate query, pro-rata target and "behind", approved-only external hours,
special-class completion, hour targets, the lecturer ranking and the progress API."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import ApplicationError
from org.models import RankLevel
from tests.factories import OfficialFactory
from tests.training.factories import AttendanceFactory, ExternalTrainingFactory, TrainingSessionFactory
from training.models import (
    AttendanceStatus,
    ExternalStatus,
    HourTarget,
    SessionKind,
)
from training.selectors.progress import (
    elapsed_fraction,
    hour_targets,
    lecturer_ranking,
    training_progress,
    unit_progress,
)
from training.services.targets import target_set

YEAR = 2025


def make_session(unit, *, hours="4", kind=SessionKind.COLLECTIVE_STUDY, when=None, lecturer=None, title="学习"):
    starts = when or timezone.make_aware(datetime(YEAR, 3, 6, 9, 0))
    return TrainingSessionFactory(kind=kind, title=title, starts_at=starts, ends_at=starts + timedelta(hours=3),
                                  hours=Decimal(hours), organiser=unit, lecturer=lecturer)


def attend(session, official, *, hours=None, status=AttendanceStatus.PRESENT):
    return AttendanceFactory(session=session, official=official, status=status,
                             hours=session.hours if hours is None else Decimal(hours))


def external(official, *, hours="10", status=ExternalStatus.APPROVED, started=date(YEAR, 5, 1)):
    return ExternalTrainingFactory(official=official, started_on=started, hours=Decimal(hours), status=status)


@pytest.mark.parametrize("count", [10, 100])
def test_progress_is_one_query(county, django_assert_num_queries, count):
    session = make_session(county.culture)
    for official in OfficialFactory.create_batch(count - 4, unit=county.culture_office):
        attend(session, official)
        external(official)
    with django_assert_num_queries(1):
        result = training_progress(year=YEAR)
    assert len(result) == count


def test_hours_sum_sessions_and_approved_external_only(county):
    staff = county.staff_official
    attend(make_session(county.culture, hours="4"), staff)
    attend(make_session(county.culture, hours="3"), staff, hours="1.5", status=AttendanceStatus.LATE)
    attend(make_session(county.culture, hours="4", when=timezone.make_aware(datetime(YEAR - 1, 12, 1))), staff)
    external(staff, hours="10")
    external(staff, hours="20", status=ExternalStatus.SUBMITTED)
    external(staff, hours="30", status=ExternalStatus.RETURNED)
    external(staff, hours="40", started=date(YEAR + 1, 1, 2))
    progress = training_progress(year=YEAR, official_ids=[staff.pk])[staff.pk]
    assert progress.hours == Decimal("15.5")
    assert progress.target == Decimal(90)


def test_the_units_behind_filter_agrees_with_each_officials_progress(county):
    # A past year counts in full: 50 h is behind both targets, 100 h behind only the leaders' 110 h.
    external(county.staff_official, hours="100")
    external(county.head_official, hours="100")
    HourTarget.objects.filter(rank_level=RankLevel.LEADERSHIP).delete()  # the default (110 h) applies
    behind = {o.pk for o in unit_progress(county.culture, year=YEAR, behind_only=True)}
    progress = training_progress(year=YEAR, official_ids=[o.pk for o in unit_progress(county.culture, year=YEAR)])
    assert behind == {pk for pk, p in progress.items() if p.behind}
    assert county.head_official.pk in behind and county.staff_official.pk not in behind


def test_pro_rata_and_behind(county):
    leader, staff = county.head_official, county.staff_official
    external(staff, hours="50")
    external(leader, hours="50")
    mid_year = date(YEAR, 7, 2)  # day 183 of 365
    result = training_progress(year=YEAR, official_ids=[leader.pk, staff.pk], as_of=mid_year)
    assert result[staff.pk].prorata_target == Decimal("45.1")  # 90 × 183/365
    assert not result[staff.pk].behind
    assert result[leader.pk].target == Decimal(110)
    assert result[leader.pk].prorata_target == Decimal("55.2")
    assert result[leader.pk].behind
    # A past year counts in full; a future year expects nothing yet.
    assert training_progress(year=YEAR, official_ids=[staff.pk], as_of=date(YEAR + 1, 2, 1))[staff.pk].behind
    assert elapsed_fraction(YEAR + 1, date(YEAR, 6, 1)) == 0
    assert elapsed_fraction(YEAR, date(YEAR, 12, 31)) == 1


def test_special_class_incompleteness(county):
    staff, other, absent = county.staff_official, county.culture_official, county.finance_official
    special = make_session(county.culture, hours="14", kind=SessionKind.SPECIAL_CLASS)
    attend(special, staff, hours="12")  # exactly 6/7: complete
    attend(special, other, hours="11.5", status=AttendanceStatus.LEFT_EARLY)  # missed more than a seventh
    attend(special, absent, hours="0", status=AttendanceStatus.ABSENT)
    ordinary = make_session(county.culture, hours="14")
    attend(ordinary, county.head_official, hours="1")  # not a special class
    result = training_progress(year=YEAR)
    assert not result[staff.pk].special_class_incomplete
    assert result[other.pk].special_class_incomplete
    assert result[absent.pk].special_class_incomplete
    assert not result[county.head_official.pk].special_class_incomplete


def test_target_set_by_org_department_only(county):
    target_set(by=county.orgadmin, rank_level=RankLevel.ORDINARY, hours=Decimal(100))
    assert hour_targets()[RankLevel.ORDINARY] == Decimal(100)
    assert training_progress(year=YEAR, official_ids=[county.staff_official.pk])[
        county.staff_official.pk].target == Decimal(100)
    with pytest.raises(ApplicationError) as refused:
        target_set(by=county.head, rank_level=RankLevel.ORDINARY, hours=Decimal(10))
    assert refused.value.code == "forbidden"
    assert HourTarget.objects.get(rank_level=RankLevel.ORDINARY).hours_per_year == Decimal(100)


def test_targets_page(county, client_for):
    assert client_for(county.head).get(reverse("training:targets")).status_code == 404
    client = client_for(county.orgadmin)
    assert client.get(reverse("training:targets")).status_code == 200
    response = client.post(reverse("training:targets"), {"rank_level": "middle", "hours": "95"})
    assert response.status_code == 302
    assert HourTarget.objects.get(rank_level="middle").hours_per_year == Decimal(95)
    response = client.post(reverse("training:targets"), {"rank_level": "middle", "hours": "-3"})
    assert response.status_code == 200
    assert b'data-testid="target-errors"' in response.content


def test_lecturer_ranking(county, django_assert_num_queries):
    make_session(county.culture, hours="2", lecturer=county.culture_official)
    make_session(county.culture, hours="3", lecturer=county.culture_official)
    make_session(county.culture, hours="4", lecturer=county.staff_official)
    make_session(county.culture, hours="9", lecturer=county.staff_official,
                 when=timezone.make_aware(datetime(YEAR - 1, 6, 1)))
    make_session(county.finance, hours="1", lecturer=county.finance_official)
    with django_assert_num_queries(1):
        ranking = [(o.pk, o.lecture_count, o.lecture_hours) for o in lecturer_ranking(year=YEAR, unit=county.culture)]
    assert ranking == [(county.culture_official.pk, 2, Decimal(5)), (county.staff_official.pk, 1, Decimal(4))]


@pytest.mark.parametrize("count", [10, 100])
def test_progress_api(county, client_for, django_assert_num_queries, count):
    session = make_session(county.culture)
    for official in OfficialFactory.create_batch(count, unit=county.culture_office):
        attend(session, official)
    attend(session, county.staff_official)
    external(county.staff_official, hours="10")
    client = client_for(county.head)
    url = reverse("training-progress-list") + f"?year={YEAR}"
    client.get(url)
    with django_assert_num_queries(6):  # session, user, grants, own official, count, page
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count + 3  # the head's bureau: head, staff, culture official + the batch
    rows = body["results"]
    while body["next"]:
        body = client.get(body["next"]).json()
        rows += body["results"]
    row = next(r for r in rows if r["official"] == county.staff_official.pk)
    assert Decimal(row["hours"]) == Decimal(14)
    assert Decimal(row["target"]) == Decimal(90)
    assert row["behind"] is True  # a past year: 14 < 90
    assert {"official", "hours", "target", "behind"} <= set(row)


def test_progress_api_is_scoped(county, client_for):
    body = client_for(county.staff).get(reverse("training-progress-list") + f"?year={YEAR}").json()
    assert [r["official"] for r in body["results"]] == [county.staff_official.pk]
    assert client_for(county.outsider).get(reverse("training-progress-list")).json()["count"] == 0


def test_unit_report_and_lecturers_pages(county, client_for, django_assert_num_queries):
    session = make_session(county.culture, lecturer=county.culture_official)
    attend(session, county.staff_official, hours="0", status=AttendanceStatus.ABSENT)
    client = client_for(county.head)
    url = reverse("training:unit_report") + f"?unit=WL&year={YEAR}"
    response = client.get(url)
    assert response.status_code == 200
    assert f'data-testid="behind-{county.staff_official.pk}"'.encode() in response.content
    assert b"training-month-data" in response.content
    behind_only = client.get(url + "&behind=1")
    assert behind_only.context["page"].paginator.count == 3
    # Out of scope: another bureau's report does not exist for this head; staff has no report.
    assert client.get(reverse("training:unit_report") + "?unit=CZ").status_code == 404
    assert client_for(county.staff).get(reverse("training:unit_report")).status_code == 404
    ranking = client.get(reverse("training:lecturers") + f"?year={YEAR}")
    assert ranking.status_code == 200
    assert f'data-testid="lecturer-{county.culture_official.pk}"'.encode() in ranking.content


def test_the_behind_filter_rounds_the_pro_rata_target_as_the_badge_does(county):
    """On 6 December 340 of 365 days have passed: 90 h a year expects 83.84 h, shown as 83.8. An official with
    83.8 h is on track for the badge, so the filter must not list them (it compared with 83.84)."""
    as_of = date(YEAR, 12, 6)
    assert Decimal(90) * elapsed_fraction(YEAR, as_of) > Decimal("83.8")  # unrounded, 83.8 would be behind
    HourTarget.objects.update_or_create(rank_level=RankLevel.ORDINARY, defaults={"hours_per_year": Decimal(90)})
    staff = county.staff_official
    staff.rank_level = RankLevel.ORDINARY
    staff.save(update_fields=["rank_level"])
    external(staff, hours="83.8")
    progress = training_progress(year=YEAR, official_ids=[staff.pk], as_of=as_of)[staff.pk]
    assert (progress.prorata_target, progress.behind) == (Decimal("83.8"), False)
    behind = {o.pk for o in unit_progress(county.culture, year=YEAR, behind_only=True, as_of=as_of)}
    assert staff.pk not in behind
    assert county.culture_official.pk in behind  # no hours at all: behind
    external(county.culture_official, hours="83.7")
    assert county.culture_official.pk in {
        o.pk for o in unit_progress(county.culture, year=YEAR, behind_only=True, as_of=as_of)}


def test_unit_report_lists_the_subtree_in_tree_order_whatever_the_hours(county, client_for):
    """The report reads like the unit tree (a unit's officials by name, then its sub-units'), so a page is walked
    through the indexes; who is behind is the filter and the badge, not the order."""
    from org.models import Official

    external(county.staff_official, hours="200")  # ahead: once listed last by hours, now in its unit's place
    url = reverse("training:unit_report") + f"?unit=WL&year={YEAR}"
    rows = client_for(county.head).get(url).context["rows"]
    expected = list(Official.objects.filter(county.culture.subtree_q("unit__"), is_active=True)
                    .order_by("unit__path", "name", "pk").values_list("pk", flat=True))
    assert [official.pk for official, _ in rows] == expected
    assert county.staff_official.pk in expected
    behind_rows = client_for(county.head).get(url + "&behind=1").context["rows"]
    assert [official.pk for official, _ in behind_rows] == [pk for pk in expected if pk != county.staff_official.pk]
    assert all(progress.behind for _, progress in behind_rows)
    # The county's report: its root is the whole tree, so every active official is counted and listed.
    county_page = client_for(county.orgadmin).get(reverse("training:unit_report") + f"?unit=QH&year={YEAR}")
    everyone = Official.objects.filter(is_active=True).order_by("unit__path", "name", "pk")
    assert [official.pk for official, _ in county_page.context["rows"]] == list(everyone.values_list("pk", flat=True))
    assert county_page.context["page"].paginator.count == everyone.count()


@pytest.mark.parametrize("count", [10, 100])
def test_unit_report_constant_queries(county, client_for, django_assert_num_queries, count):
    session = make_session(county.culture)
    for official in OfficialFactory.create_batch(count, unit=county.culture_office):
        attend(session, official, status=AttendanceStatus.ABSENT, hours="0")
    client = client_for(county.head)
    url = reverse("training:unit_report") + f"?unit=WL&year={YEAR}"
    client.get(url)
    # the unit asked for, then the menu of units (their codes and names, not an instance each); the page of
    # officials is one query in tree order (no separate sort of ids)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    # "behind" reads the hour targets once and writes them into the query, instead of a subquery per official
    with django_assert_num_queries(11):
        assert client.get(url + "&behind=1").status_code == 200




@pytest.mark.django_db
def test_hours_after_as_of_do_not_count_for_an_earlier_day():
    """A rollup of October run again in December must not count November's hours."""
    import datetime as dt

    from org.models import RankLevel
    from tests.factories import OfficialFactory, OrgUnitFactory
    from training.selectors.progress import training_progress

    unit = OrgUnitFactory()
    official = OfficialFactory(unit=unit, rank_level=RankLevel.ORDINARY)
    for month in (10, 11):
        starts = dt.datetime(2026, month, 9, 14, tzinfo=dt.UTC)
        session = TrainingSessionFactory(title=f"{month}月学习", starts_at=starts, hours=2, organiser=unit)
        AttendanceFactory(session=session, official=official)
    assert training_progress(year=2026, as_of=dt.date(2026, 10, 31))[official.pk].hours == 2
    assert training_progress(year=2026, as_of=dt.date(2026, 12, 31))[official.pk].hours == 4
