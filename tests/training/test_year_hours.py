"""The yearly training sums (``YearHours``) the training report reads stay equal to the ledger they sum: after
every kind of write (one row through the model signals, many through the bulk service, a session moved to
another year, external training approved or moved), after an official is deleted, and after a rebuild. So do the
sums of each unit's officials (``UnitYearHours``, the report's chart), also after officials move to another unit:
a transfer, an edit saved in the admin, a roster import."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from org.models import Official, OrgUnit
from org.services import roster_import
from org.services.structure import official_assign_post
from tests.factories import OfficialFactory
from tests.org.roster_files import GOOD_OFFICIALS, workbook
from tests.training.factories import AttendanceFactory, ExternalTrainingFactory, TrainingSessionFactory, make_session
from training.models import (
    MONTH_FIELDS,
    Attendance,
    AttendanceStatus,
    ExternalStatus,
    ExternalTraining,
    SessionKind,
    UnitYearHours,
    YearHours,
)
from training.selectors.progress import hours_by_month, with_progress
from training.services.external import external_approve
from training.services.sessions import attendance_bulk, session_update

ZERO = Decimal("0")


def from_ledger(year: int) -> dict[int, tuple]:
    """Every official with training in ``year``: the sums as the rollup reads them from the ledger, and the
    hours per month summed here from the rows."""
    months: dict[int, list[Decimal]] = {}
    for official_id, starts_at, hours in Attendance.objects.filter(session__starts_at__year=year).values_list(
            "official_id", "session__starts_at", "hours"):
        months.setdefault(official_id, [ZERO] * 12)[timezone.localtime(starts_at).month - 1] += hours
    for record in ExternalTraining.objects.filter(status=ExternalStatus.APPROVED, started_on__year=year):
        months.setdefault(record.official_id, [ZERO] * 12)[record.started_on.month - 1] += record.hours
    rows = with_progress(Official.objects.filter(pk__in=list(months)), year=year).values_list(
        "pk", "att_hours", "ext_hours", "absences", "special_incomplete")
    return {pk: (att, ext, att + ext, absences, special, months[pk]) for pk, att, ext, absences, special in rows}


def from_table(year: int) -> dict[int, tuple]:
    return {row.official_id: (row.attendance_hours, row.external_hours, row.total_hours, row.absences,
                              row.special_incomplete, [getattr(row, name) for name in MONTH_FIELDS])
            for row in YearHours.objects.filter(year=year)}


def units_from_ledger(year: int) -> dict[int, list[Decimal]]:
    """The hours per month of each unit's officials (where they are now), summed from the ledger."""
    units = dict(Official.objects.values_list("pk", "unit_id"))
    sums: dict[int, list[Decimal]] = {}
    for official_id, (*_totals, months) in from_ledger(year).items():
        unit = sums.setdefault(units[official_id], [ZERO] * 12)
        for month, hours in enumerate(months):
            unit[month] += hours
    return sums


def units_from_table(year: int) -> dict[int, list[Decimal]]:
    return {row.unit_id: [getattr(row, name) for name in MONTH_FIELDS]
            for row in UnitYearHours.objects.filter(year=year)}


def assert_in_step(*years: int) -> None:
    for year in years:
        assert from_table(year) == from_ledger(year)
        assert units_from_table(year) == units_from_ledger(year)


def at(year: int, month: int, day: int = 9) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 9, 0))


def test_single_rows_kept_through_the_signals(county):
    staff, head = county.staff_official, county.culture_official
    march = TrainingSessionFactory(starts_at=at(2026, 3), ends_at=at(2026, 3) + timedelta(hours=3),
                                   hours=Decimal("4"), organiser=county.culture)
    special = TrainingSessionFactory(kind=SessionKind.SPECIAL_CLASS, starts_at=at(2026, 7),
                                     ends_at=at(2026, 7) + timedelta(hours=3), hours=Decimal("7"),
                                     organiser=county.culture)
    # Local time: 31 December 23:30 in Beijing is still 2026, though it is 2026-12-31T15:30 UTC.
    late = TrainingSessionFactory(starts_at=at(2026, 12, 31) + timedelta(hours=14, minutes=30),
                                  ends_at=at(2026, 12, 31) + timedelta(hours=15), hours=Decimal("1"),
                                  organiser=county.culture)
    first = AttendanceFactory(session=march, official=staff, hours=Decimal("4"))
    AttendanceFactory(session=special, official=staff, status=AttendanceStatus.LATE, hours=Decimal("5"))
    AttendanceFactory(session=march, official=head, status=AttendanceStatus.ABSENT, hours=ZERO)
    AttendanceFactory(session=late, official=head, hours=Decimal("1"))
    assert from_table(2026)[staff.pk][:5] == (Decimal("9"), ZERO, Decimal("9"), 0, 1)
    assert from_table(2026)[head.pk][5][11] == Decimal("1")
    assert_in_step(2026)

    first.hours = Decimal("2.5")
    first.save()
    assert from_table(2026)[staff.pk][2] == Decimal("7.5")
    first.delete()
    assert_in_step(2026)

    record = ExternalTrainingFactory(official=staff, started_on=date(2026, 5, 1), hours=Decimal("10"))
    assert from_table(2026)[staff.pk][1] == ZERO  # submitted, not yet approved
    record.status = ExternalStatus.APPROVED
    record.save()
    assert from_table(2026)[staff.pk][1] == Decimal("10")
    record.started_on = record.ended_on = date(2025, 12, 30)  # an edit moves it to the year before
    record.save()
    assert from_table(2025)[staff.pk][:3] == (ZERO, Decimal("10"), Decimal("10"))
    assert_in_step(2025, 2026)


def test_bulk_attendance_and_a_session_moved_to_another_year(county):
    session = make_session(county.head, county.culture, when=at(2026, 1, 3), hours=Decimal("3"))
    attendance_bulk(by=county.head, session=session, rows=[
        {"official": county.staff_official.pk, "status": "present"},
        {"official": county.culture_official.pk, "status": "absent"}])
    assert from_table(2026)[county.staff_official.pk][2] == Decimal("3")
    assert_in_step(2026)

    attendance_bulk(by=county.head, session=session, rows=[  # the bulk update path
        {"official": county.staff_official.pk, "status": "late", "hours": Decimal("1.5")}])
    assert from_table(2026)[county.staff_official.pk][2] == Decimal("1.5")

    moved = at(2025, 12, 30)
    session_update(by=county.head, session=session, kind=session.kind, title=session.title, starts_at=moved,
                   ends_at=moved + timedelta(hours=2), hours=session.hours, organiser=county.culture,
                   audience_units=[county.culture])
    assert county.staff_official.pk not in from_table(2026)
    assert from_table(2025)[county.staff_official.pk][5][11] == Decimal("1.5")
    assert_in_step(2025, 2026)


def test_external_training_approved_by_the_head(county):
    record = ExternalTrainingFactory(official=county.staff_official, started_on=date(2026, 4, 2),
                                     hours=Decimal("12"))
    external_approve(by=county.head, record=record)
    assert from_table(2026)[county.staff_official.pk][5][3] == Decimal("12")
    assert_in_step(2026)


def test_deleting_an_official_takes_their_sums_along(county):
    official = OfficialFactory(unit=county.culture_office)
    session = TrainingSessionFactory(starts_at=at(2026, 2), ends_at=at(2026, 2) + timedelta(hours=2),
                                     hours=Decimal("2"), organiser=county.culture)
    AttendanceFactory(session=session, official=official, hours=Decimal("2"))
    ExternalTrainingFactory(official=official, status=ExternalStatus.APPROVED)
    official.delete()
    assert not YearHours.objects.filter(official_id=official.pk).exists()
    assert_in_step(2026)


@pytest.mark.parametrize("count", [3, 30])
def test_the_rebuild_restores_what_bulk_loads_leave_out(county, count):
    session = TrainingSessionFactory(starts_at=at(2026, 6), ends_at=at(2026, 6) + timedelta(hours=2),
                                     hours=Decimal("2"), organiser=county.culture)
    officials = OfficialFactory.create_batch(count, unit=county.culture_office)
    Attendance.objects.bulk_create([Attendance(session=session, official=o, status=AttendanceStatus.PRESENT,
                                               hours=Decimal("2")) for o in officials])  # past the signals
    YearHours.objects.create(official=county.staff_official, year=2026, total_hours=Decimal("99"))  # stale
    assert from_table(2026) != from_ledger(2026)
    out = io.StringIO()
    call_command("training_hours_rebuild", stdout=out)
    assert "2026: " in out.getvalue()
    assert len(from_table(2026)) == count
    assert_in_step(2026)


def test_unit_sums_follow_officials_who_move(county):
    """A transfer (the service saves the unit), an edit saved as the admin does (the whole row) and a save of other
    fields: the hours leave the unit the official left and count in the one they joined; the chart of a subtree
    adds up its units."""
    march = TrainingSessionFactory(starts_at=at(2026, 3), ends_at=at(2026, 3) + timedelta(hours=3),
                                   hours=Decimal("4"), organiser=county.culture)
    staff = county.staff_official
    AttendanceFactory(session=march, official=staff, hours=Decimal("4"))
    AttendanceFactory(session=march, official=county.culture_official, hours=Decimal("3"))
    assert_in_step(2026)
    before = hours_by_month(county.culture, year=2026)[2]

    official_assign_post(official=staff, unit=county.culture_office, position_title="科员",
                         start_date=date(2026, 4, 1))
    assert units_from_table(2026)[county.culture_office.pk][2] == Decimal("7")  # 3 + the 4 it brought
    assert_in_step(2026)

    staff.refresh_from_db()
    staff.unit = county.root
    staff.save()  # the admin's save: every field
    assert_in_step(2026)
    assert hours_by_month(county.culture, year=2026)[2] == before - Decimal("4")
    assert hours_by_month(county.root, year=2026)[2] == before

    staff.phone = "13800000000"
    staff.save(update_fields=["phone"])
    assert_in_step(2026)


def test_unit_sums_follow_a_roster_import_that_moves_officials(db):
    assert roster_import(file=workbook(), by=None).ok
    li_na = Official.objects.get(staff_number="A0002")
    march = TrainingSessionFactory(starts_at=at(2026, 3), ends_at=at(2026, 3) + timedelta(hours=3),
                                   hours=Decimal("4"), organiser=li_na.unit)
    AttendanceFactory(session=march, official=li_na, hours=Decimal("4"))
    officials = [list(row) for row in GOOD_OFFICIALS]
    officials[1][4] = "WL02"  # 李娜 moves to another section
    assert roster_import(file=workbook(officials=officials), by=None).ok
    section = OrgUnit.objects.get(code="WL02")
    assert units_from_table(2026) == {section.pk: [ZERO, ZERO, Decimal("4"), *[ZERO] * 9]}
    assert_in_step(2026)
