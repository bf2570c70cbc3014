"""Attendance: audience resolution, scope, the closed month, bulk all-or-nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import ApplicationError
from org.models import RankLevel
from tests.factories import OfficialFactory, RoleGrantFactory, UserFactory, period
from tests.training.factories import make_session
from training.models import Attendance, AttendanceStatus
from training.selectors.sessions import attendance_visible_to, session_audience, sessions_visible_to
from training.services.sessions import attendance_bulk, attendance_record, default_hours


def test_audience_subtree_and_rank_levels(county, django_assert_num_queries):
    OfficialFactory(name="离职者", unit=county.culture_office, is_active=False)
    session = make_session(county.head, county.culture)
    with django_assert_num_queries(1):
        names = {o.name for o in session_audience(session)}
    assert names == {"王局长", "李科员", "赵主任"}

    only_unit = make_session(county.head, county.culture, include_subunits=False)
    assert {o.name for o in session_audience(only_unit)} == {"王局长"}

    middle = make_session(county.head, county.culture, audience_rank_levels=[RankLevel.MIDDLE])
    assert {o.name for o in session_audience(middle)} == {"赵主任"}

    section = make_session(county.head, county.culture, [county.culture_tourism])
    assert {o.name for o in session_audience(section)} == {"李科员"}


def test_sessions_visible_to(county):
    session = make_session(county.head, county.culture, [county.culture_tourism])
    other = make_session(county.orgadmin, county.finance)
    assert set(sessions_visible_to(county.head)) == {session}
    assert set(sessions_visible_to(county.staff)) == {session}  # in the audience
    assert set(sessions_visible_to(county.orgadmin)) == {session, other}
    assert not sessions_visible_to(county.outsider).exists()


def test_session_create_refused_out_of_scope(county):
    with pytest.raises(ApplicationError) as exc:
        make_session(county.head, county.finance)
    assert exc.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        make_session(county.head, county.culture, [county.finance])
    with pytest.raises(ApplicationError):
        make_session(county.staff, county.culture_tourism)


def test_record_present_late_excused(county):
    session = make_session(county.head, county.culture)
    record = attendance_record(by=county.head, session=session, official=county.staff_official, status="present")
    assert record.hours == Decimal("2")
    record = attendance_record(by=county.head, session=session, official=county.staff_official, status="late")
    assert record.hours == default_hours(session, "late") == Decimal("1.0")
    assert Attendance.objects.count() == 1
    with pytest.raises(ApplicationError) as exc:
        attendance_record(by=county.head, session=session, official=county.staff_official, status="excused")
    assert exc.value.code == "reason_required"
    record = attendance_record(by=county.head, session=session, official=county.staff_official,
                               status="excused", excuse_reason="出差")
    record.refresh_from_db()
    assert (record.status, record.hours, record.excuse_approved_by) == ("excused", Decimal("0"), county.head)
    assert set(attendance_visible_to(county.staff)) == {record}
    assert not attendance_visible_to(county.outsider).exists()


def test_head_out_of_scope_refused(county):
    session = make_session(county.orgadmin, county.root)
    finance_head = UserFactory()
    RoleGrantFactory(user=finance_head, unit=county.finance, role="head")
    # An official outside the head's scope reads exactly like one outside the audience (issue 14).
    with pytest.raises(ApplicationError) as exc:
        attendance_record(by=finance_head, session=session, official=county.staff_official, status="absent")
    assert exc.value.code == "not_in_audience"
    # One they see (the organization department over the organiser) but do not head: refused as not theirs.
    with pytest.raises(ApplicationError) as exc:
        attendance_record(by=county.orgadmin, session=session, official=county.staff_official, status="absent")
    assert exc.value.code == "forbidden"
    assert not Attendance.objects.exists()


def test_official_outside_audience_refused(county):
    session = make_session(county.head, county.culture, [county.culture_office])
    with pytest.raises(ApplicationError) as exc:
        attendance_record(by=county.head, session=session, official=county.staff_official, status="present")
    assert exc.value.code == "not_in_audience"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("state", ["closed", "published"])
def test_closed_month_refused(county, state):
    session = make_session(county.head, county.culture)
    attendance_record(by=county.head, session=session, official=county.staff_official, status="present")
    month = period("2026-10")
    month.status = state
    month.save()
    with pytest.raises(ApplicationError) as exc:
        attendance_record(by=county.head, session=session, official=county.staff_official, status="absent")
    assert exc.value.code == "period_closed"
    with pytest.raises(ApplicationError) as exc:
        attendance_bulk(by=county.head, session=session,
                        rows=[{"official": county.staff_official.pk, "status": "absent"}])
    assert exc.value.code == "period_closed"
    assert Attendance.objects.get().status == AttendanceStatus.PRESENT


def test_open_month_allows(county):
    period("2026-10")  # open
    session = make_session(county.head, county.culture)
    attendance_record(by=county.head, session=session, official=county.staff_official, status="absent")
    assert Attendance.objects.get().hours == 0


def test_bulk_all_or_nothing(county):
    session = make_session(county.head, county.culture)
    attendance_record(by=county.head, session=session, official=county.head_official, status="absent")
    with pytest.raises(ApplicationError) as exc:
        attendance_bulk(by=county.head, session=session, rows=[
            {"official": county.staff_official.pk, "status": "present"},
            {"official": county.finance_official.pk, "status": "present"},  # not in the audience
        ])
    assert exc.value.extra["rows"][0]["row"] == 1
    assert list(Attendance.objects.values_list("official__name", "status")) == [("王局长", "absent")]

    saved = attendance_bulk(by=county.head, session=session, rows=[
        {"official": county.staff_official.pk, "status": "present"},
        {"official": county.head_official, "status": "left_early", "hours": Decimal("1.5")},
        {"official": county.culture_official.pk, "status": "excused", "excuse_reason": "病假"},
    ])
    assert len(saved) == 3
    got = {a.official.name: (a.status, a.hours) for a in Attendance.objects.select_related("official")}
    assert got == {"王局长": ("left_early", Decimal("1.5")), "李科员": ("present", Decimal("2")),
                   "赵主任": ("excused", Decimal("0"))}


def test_bulk_refuses_duplicates_and_bad_hours(county):
    session = make_session(county.head, county.culture)
    with pytest.raises(ApplicationError):
        attendance_bulk(by=county.head, session=session, rows=[
            {"official": county.staff_official.pk, "status": "present"},
            {"official": county.staff_official.pk, "status": "absent"}])
    with pytest.raises(ApplicationError):
        attendance_bulk(by=county.head, session=session, rows=[
            {"official": county.staff_official.pk, "status": "present", "hours": Decimal("9")}])
    assert not Attendance.objects.exists()


def test_session_update_refused_when_month_closed_with_attendance(county):
    from training.services.sessions import session_update

    session = make_session(county.head, county.culture)
    values = {"kind": session.kind, "title": "改", "starts_at": session.starts_at, "ends_at": session.ends_at,
              "hours": session.hours, "organiser": county.culture, "audience_units": [county.culture]}
    assert session_update(by=county.head, session=session, **values).title == "改"
    with pytest.raises(ApplicationError):
        session_update(by=county.staff, session=session, **values)
    attendance_record(by=county.head, session=session, official=county.staff_official, status="present")
    month = period("2026-10")
    month.status = "closed"
    month.save()
    with pytest.raises(ApplicationError) as exc:
        session_update(by=county.head, session=session, **{**values, "title": "再改"})
    assert exc.value.code == "period_closed"
