"""Keep ``YearHours``, the per-official yearly sums of training, equal to what the ledger says.

Every write of attendance or approved external training ends in ``year_hours_refresh`` for the officials and
years it touched: one attendance or external-training row through the model signals (``training.receivers``, so
the admin, the factories and the shell keep the table right too), many rows through the bulk services that bypass
the signals. ``year_hours_rebuild`` recomputes a whole year (``manage.py training_hours_rebuild``, the demo seed and
the migration that created the table).

``UnitYearHours`` sums the ``YearHours`` of each unit's officials per month, for the report's chart. Each row of
``YearHours`` names the unit it is counted in (the official's when it was written): a refresh recomputes the units
its officials were and are in, and ``unit_hours_follow`` moves the rows of officials who changed unit. A unit's
sums are recomputed from the rows under a lock of the unit, so that two writes for officials of the same unit
cannot each store a sum without the other's hours.

The sums are those of ``training.selectors.progress.with_progress`` without ``as_of``: attendance of sessions
starting in the year (local time), approved external training started in the year, absences, and special classes
missed by more than a seventh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from org.models import Official, OrgUnit
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
from training.selectors.progress import year_bounds

ZERO = Decimal("0")
SPECIAL_SHARE = Decimal(6) / Decimal(7)
_FIELDS = ["attendance_hours", "external_hours", "total_hours", "absences", "special_incomplete", *MONTH_FIELDS]


@dataclass
class _Sums:
    attendance: Decimal = ZERO
    external: Decimal = ZERO
    absences: int = 0
    special_incomplete: int = 0
    months: list[Decimal] = field(default_factory=lambda: [ZERO] * 12)

    def row(self, official_id: int, year: int, unit_id: int) -> YearHours:
        return YearHours(official_id=official_id, year=year, unit_id=unit_id, attendance_hours=self.attendance,
                         external_hours=self.external, total_hours=self.attendance + self.external,
                         absences=self.absences, special_incomplete=self.special_incomplete,
                         **dict(zip(MONTH_FIELDS, self.months, strict=True)))


def _sums(year: int, official_ids: list[int] | None) -> dict[int, _Sums]:
    """Each official's sums for ``year`` (all officials when ``official_ids`` is None): two queries, summed here
    because the month of a session is its local month (a time-zone conversion per row in SQL)."""
    start, end = year_bounds(year)
    sums: dict[int, _Sums] = {}
    attendance = Attendance.objects.filter(session__starts_at__gte=start, session__starts_at__lt=end)
    external = ExternalTraining.objects.filter(status=ExternalStatus.APPROVED, started_on__year=year)
    if official_ids is not None:
        attendance = attendance.filter(official_id__in=official_ids)
        external = external.filter(official_id__in=official_ids)
    for official_id, starts_at, kind, session_hours, hours, status in attendance.order_by().values_list(
            "official_id", "session__starts_at", "session__kind", "session__hours", "hours", "status").iterator(
            chunk_size=5000):
        one = sums.setdefault(official_id, _Sums())
        one.attendance += hours
        one.months[timezone.localtime(starts_at).month - 1] += hours
        absent = status == AttendanceStatus.ABSENT
        one.absences += absent
        special = kind == SessionKind.SPECIAL_CLASS
        one.special_incomplete += special and (absent or hours < session_hours * SPECIAL_SHARE)
    for official_id, started_on, hours in external.order_by().values_list("official_id", "started_on", "hours"):
        one = sums.setdefault(official_id, _Sums())
        one.external += hours
        one.months[started_on.month - 1] += hours
    return sums


def _write(year: int, sums: dict[int, _Sums], units: dict[int, int], official_ids: list[int] | None) -> None:
    rows = [one.row(pk, year, units[pk]) for pk, one in sums.items()]
    if official_ids is None:  # a rebuild: the year's rows replaced whole (no list of every official's id to send)
        YearHours.objects.filter(year=year).delete()
        YearHours.objects.bulk_create(rows, batch_size=2000)
        return
    YearHours.objects.filter(year=year, official_id__in=official_ids).exclude(official_id__in=list(sums)).delete()
    YearHours.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["official", "year"],
                                  update_fields=["unit", *_FIELDS])


@transaction.atomic
def year_hours_refresh(*, official_ids: Iterable[int | None], years: Iterable[int | None]) -> None:
    """Recompute the ``YearHours`` of these officials in these years (``None`` among either is ignored), and the
    ``UnitYearHours`` of the units they are and were counted in.

    The officials are locked first: two writes for the same official (attendance at two sessions) then refresh
    one after the other, the second seeing the first's rows, instead of each writing a sum without the other's.
    """
    ids = sorted({pk for pk in official_ids if pk is not None})
    wanted = sorted({y for y in years if y is not None})
    if not ids or not wanted:
        return
    locked = Official.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    units = dict(locked.values_list("pk", "unit_id"))
    ids = list(units)
    counted_in = set(YearHours.objects.filter(official_id__in=ids, year__in=wanted).values_list("unit_id", flat=True))
    for year in wanted:
        _write(year, _sums(year, ids), units, ids)
    unit_hours_refresh(unit_ids=counted_in | set(units.values()), years=wanted)


@transaction.atomic
def year_hours_rebuild(*, year: int) -> int:
    """Recompute every official's ``YearHours`` for ``year``, and every unit's ``UnitYearHours``; return how many
    officials have training in it."""
    sums = _sums(year, None)
    units = dict(Official.objects.filter(pk__in=list(sums)).values_list("pk", "unit_id")) if sums else {}
    _write(year, sums, units, None)
    UnitYearHours.objects.filter(year=year).delete()
    UnitYearHours.objects.bulk_create(_unit_rows(YearHours.objects.filter(year=year)), batch_size=2000)
    return len(sums)


def _unit_rows(year_hours: QuerySet[YearHours]) -> list[UnitYearHours]:
    """The ``UnitYearHours`` summing these rows by the unit they are counted in, and year (one query)."""
    sums = (year_hours.filter(unit__isnull=False).order_by().values("unit_id", "year")
            .annotate(**{name: Sum(name) for name in MONTH_FIELDS}))
    return [UnitYearHours(**row) for row in sums]


@transaction.atomic
def unit_hours_refresh(*, unit_ids: Iterable[int | None], years: Iterable[int]) -> None:
    """Recompute the ``UnitYearHours`` of these units in these years from the ``YearHours`` counted in them."""
    ids = sorted({pk for pk in unit_ids if pk is not None})
    wanted = sorted(set(years))
    if not ids or not wanted:
        return
    # Locked, so that a second write for an official of the same unit waits and then sums this one's rows too.
    list(OrgUnit.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
    UnitYearHours.objects.filter(unit_id__in=ids, year__in=wanted).delete()
    UnitYearHours.objects.bulk_create(_unit_rows(YearHours.objects.filter(unit_id__in=ids, year__in=wanted)))


@transaction.atomic
def unit_hours_follow(*, official_ids: Iterable[int]) -> None:
    """Count the ``YearHours`` of these officials in the unit they are in now, where they moved (a transfer, an
    edit, a roster import): the sums of the units they left and joined are recomputed. One query when none moved."""
    moved = (YearHours.objects.filter(official_id__in=list(official_ids))
             .exclude(unit_id=F("official__unit_id")).order_by())
    found = list(moved.values_list("pk", "unit_id", "official__unit_id", "year"))
    if not found:
        return
    YearHours.objects.filter(pk__in=[pk for pk, *_rest in found]).update(
        unit_id=Subquery(Official.objects.filter(pk=OuterRef("official_id")).values("unit_id")))
    unit_hours_refresh(unit_ids={u for _pk, old, new, _y in found for u in (old, new)},
                       years={year for *_rest, year in found})


def unit_hours_forget(*, counted: Iterable[tuple[int | None, int]]) -> None:
    """Recompute the ``UnitYearHours`` of (unit, year) pairs whose ``YearHours`` rows were deleted with their
    official."""
    pairs = list(counted)
    unit_hours_refresh(unit_ids={unit for unit, _year in pairs}, years={year for _unit, year in pairs})


def training_years() -> list[int]:
    """The years with any attendance or external training (what a full rebuild covers)."""
    sessions = {timezone.localtime(at).year for at in Attendance.objects.order_by().values_list(
        "session__starts_at", flat=True).distinct()}
    return sorted(sessions | set(ExternalTraining.objects.order_by().values_list("started_on__year", flat=True)
                                 .distinct()))
