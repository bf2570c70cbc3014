"""Training hours against the annual target, per official and year, in one aggregate query; an official's own
training record; a unit's report and the lecturer ranking.

Hours credited = attendance hours of sessions starting in the year + approved external training that
started in the year. The target comes from ``HourTarget`` by the official's rank level; the pro-rata
target is the target times the elapsed fraction of the year; "behind" is under the pro-rata target.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from org.models import Official, OrgUnit, RankLevel, User
from org.selectors import access_for, subtree_q, units_visible_to
from training.models import (
    DEFAULT_HOUR_TARGETS,
    MONTH_FIELDS,
    Attendance,
    AttendanceStatus,
    ExternalStatus,
    ExternalTraining,
    HourTarget,
    SessionKind,
    TrainingSession,
    UnitYearHours,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ZERO = Decimal("0")
DEFAULT_TARGET = Decimal(90)  # hours a year for a rank level with no target of its own


class GroupedCoalesce(Coalesce):
    """``COALESCE`` that groups by what its arguments group by.

    Django groups a plain ``Coalesce(Subquery(...))`` annotation by the whole expression, and PostgreSQL then
    evaluates the correlated subquery once per joined row before grouping (160,000 times instead of 10,000
    for a county's training progress). A bare correlated subquery groups by the outer columns it references
    (here the official's id), so it runs once per group; this keeps that when the subquery is wrapped.
    """

    def get_group_by_cols(self) -> list[Any]:
        return [col for expression in self.get_source_expressions() for col in expression.get_group_by_cols()]


_DEC = DecimalField(max_digits=9, decimal_places=1)


@dataclass
class Progress:
    official_id: int
    hours: Decimal
    target: Decimal
    prorata_target: Decimal
    behind: bool
    special_class_incomplete: bool

    @property
    def percent(self) -> float:
        """Hours as a percentage of the annual target (at most 100), for a progress bar."""
        return min(100.0, float(self.hours / self.target * 100)) if self.target else 100.0

    @property
    def prorata_percent(self) -> float:
        return min(100.0, float(self.prorata_target / self.target * 100)) if self.target else 0.0


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """Return the aware start of the year and of the next one, in the current time zone."""
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz),
            timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz))


def elapsed_fraction(year: int, as_of: date | None = None) -> Decimal:
    """Return the part of ``year`` elapsed at ``as_of`` (inclusive): 1 for past years, 0 for future ones."""
    as_of = as_of or timezone.localdate()
    if year < as_of.year:
        return Decimal(1)
    if year > as_of.year:
        return ZERO
    days = 366 if calendar.isleap(year) else 365
    return Decimal(as_of.timetuple().tm_yday) / Decimal(days)


class ProgressFields(TypedDict):
    """What ``with_progress`` annotates on each official."""

    att_hours: Decimal
    ext_hours: Decimal
    target_hours: Decimal | None
    special_incomplete: int
    absences: int


class UnitProgressFields(ProgressFields):
    total_hours: Decimal


if TYPE_CHECKING:  # ``WithAnnotations`` takes its two arguments in annotations only
    ProgressOfficial = WithAnnotations[Official, ProgressFields]
    UnitProgressOfficial = WithAnnotations[Official, UnitProgressFields]


def with_progress(officials: QuerySet[Official], *, year: int,
                  as_of: date | None = None) -> QuerySet[ProgressOfficial]:
    """Annotate ``att_hours``, ``ext_hours``, ``target_hours``, ``special_incomplete`` (a count) and ``absences``
    (unexcused, any session of the year) — no extra
    query). Grouped by official, so callers add further per-official values as subqueries, not joins.

    With ``as_of`` only what happened up to that day counts, so a rollup of an earlier month run again
    later gives the same hours.
    """
    start, end = year_bounds(year)
    last_day = date(year, 12, 31)
    if as_of is not None and as_of.year == year:
        last_day = as_of
        end = min(end, timezone.make_aware(datetime.combine(as_of, time.max), timezone.get_current_timezone()))
    # Attendance is summed over a join grouped by official, not in a correlated subquery: PostgreSQL planned the
    # subquery as a hash of the year's sessions rebuilt for every official (4 s at 10,000 officials).
    held = Q(attendance__session__starts_at__gte=start, attendance__session__starts_at__lt=end)
    external = (ExternalTraining.objects.filter(official=OuterRef("pk"), status=ExternalStatus.APPROVED,
                                                started_on__year=year, started_on__lte=last_day)
                .order_by().values("official").annotate(total=Sum("hours")).values("total"))
    target = HourTarget.objects.filter(rank_level=OuterRef("rank_level")).values("hours_per_year")[:1]
    # Missed more than one seventh of a special training class: absent, or under 6/7 of its hours.
    missed_special = held & Q(attendance__session__kind=SessionKind.SPECIAL_CLASS) & (
        Q(attendance__status=AttendanceStatus.ABSENT)
        | Q(attendance__hours__lt=F("attendance__session__hours") * Decimal(6) / Decimal(7)))
    return officials.annotate(
        att_hours=Coalesce(Sum("attendance__hours", filter=held), Value(ZERO), output_field=_DEC),
        ext_hours=GroupedCoalesce(Subquery(external, output_field=_DEC), Value(ZERO), output_field=_DEC),
        target_hours=Subquery(target, output_field=_DEC),
        special_incomplete=Count("attendance", filter=missed_special),
        absences=Count("attendance", filter=held & Q(attendance__status=AttendanceStatus.ABSENT)),
    )


def unit_progress(unit: OrgUnit, *, year: int, behind_only: bool = False, subtree: list[str] | None = None,
                  as_of: date | None = None) -> QuerySet[UnitProgressOfficial]:
    """The active officials of ``unit`` and its sub-units with their progress for ``year`` (the fields of
    ``with_progress`` plus ``total_hours``), in tree order (unit path, then name); ``behind_only`` keeps those under
    the pro-rata target of ``as_of`` (today). One query, read from the yearly sums (``YearHours``) rather than the
    year's attendance rows.
    ``subtree``: the unit's subtree as scope paths (``org.selectors.unit_subtree``, which knows when it is the whole
    tree); by default the unit's path.

    Tree order is what the indexes give: PostgreSQL walks the subtree's units by path, their officials, and each
    one's yearly sums, and stops at the page — the same time for a bureau and for a county of 50,000. An order by
    hours has no index (hours, path and name live in three tables) and sorted the whole subtree for every page."""
    in_unit = subtree_q(subtree, "unit__") if subtree is not None else unit.subtree_q("unit__")
    officials = (Official.objects.filter(in_unit, is_active=True).select_related("unit")
                 .annotate(sums=FilteredRelation("year_hours", condition=Q(year_hours__year=year)))
                 .annotate(att_hours=Coalesce("sums__attendance_hours", Value(ZERO), output_field=_DEC),
                           ext_hours=Coalesce("sums__external_hours", Value(ZERO), output_field=_DEC),
                           total_hours=Coalesce("sums__total_hours", Value(ZERO), output_field=_DEC),
                           special_incomplete=Coalesce("sums__special_incomplete", Value(0)),
                           absences=Coalesce("sums__absences", Value(0)),
                           target_hours=Subquery(HourTarget.objects.filter(rank_level=OuterRef("rank_level"))
                                                 .values("hours_per_year")[:1], output_field=_DEC)))
    if behind_only:
        # The pro-rata targets of ``progress_of`` (the configured target, else the rank level's default, rounded to
        # a tenth as the badge is), computed once and written into the query as constants: the target's subquery,
        # run for every official of a county, cost 100 ms of the count at 50,000.
        fraction = elapsed_fraction(year, as_of)
        expected = Case(*[When(rank_level=level, then=Value(prorata_target(hours, fraction)))
                          for level, hours in hour_targets().items()],
                        default=Value(prorata_target(DEFAULT_TARGET, fraction)), output_field=_DEC)
        officials = officials.filter(total_hours__lt=expected)
    return officials.order_by("unit__path", "name", "pk")


def hours_by_month(unit: OrgUnit, *, year: int) -> list[Decimal]:
    """Hours credited in ``unit`` and its sub-units per month of ``year`` (January first), from the sums of each
    unit (one query over the subtree's units, not its officials)."""
    sums = UnitYearHours.objects.filter(unit.subtree_q("unit__"), year=year).aggregate(
        **{name: Sum(name) for name in MONTH_FIELDS})
    return [sums[name] or ZERO for name in MONTH_FIELDS]


def progress_of(official: ProgressOfficial, *, year: int, as_of: date | None = None,
                targets: Mapping[str, Decimal] | None = None) -> Progress:
    """Build a ``Progress`` from an official annotated by ``with_progress``; ``targets`` (hours per rank level,
    e.g. those frozen with a closed period) replace the configured ones."""
    return _progress(official.pk, official.rank_level, official.att_hours, official.ext_hours, official.target_hours,
                     official.special_incomplete, fraction=elapsed_fraction(year, as_of), targets=targets)


def prorata_target(target: Decimal, fraction: Decimal) -> Decimal:
    """The hours expected once ``fraction`` of the year has passed, to a tenth of an hour: what "behind" is measured
    against, by the badge and by the report's filter alike."""
    return (Decimal(target) * fraction).quantize(Decimal("0.1"))


def _progress(official_id: int, rank_level: str, att_hours: Decimal | None, ext_hours: Decimal | None,
              target_hours: Decimal | None, special_incomplete: int | None, *, fraction: Decimal,
              targets: Mapping[str, Decimal] | None) -> Progress:
    hours = Decimal(att_hours or 0) + Decimal(ext_hours or 0)
    target = target_hours
    if targets is not None:
        target = targets.get(rank_level)
    if target is None:
        target = DEFAULT_HOUR_TARGETS.get(RankLevel(rank_level), DEFAULT_TARGET)
    target = Decimal(target)
    prorata = prorata_target(target, fraction)
    return Progress(official_id=official_id, hours=hours, target=target, prorata_target=prorata,
                    behind=hours < prorata, special_class_incomplete=bool(special_incomplete))


def training_progress(
    *, year: int, official_ids: Iterable[int] | None = None, as_of: date | None = None,
    targets: Mapping[str, Decimal] | None = None,
) -> dict[int, Progress]:
    """Return each official's progress for ``year`` (active officials unless ids are given): one query.
    ``targets``: hours per rank level to use instead of the configured ones (see ``progress_of``)."""
    qs = Official.objects.order_by()
    qs = qs.filter(pk__in=list(official_ids)) if official_ids is not None else qs.filter(is_active=True)
    # Plain rows, not model instances: the rollup reads every active official (10,000 instances cost 0.3 s).
    rows = with_progress(qs, year=year, as_of=as_of).values_list(
        "pk", "rank_level", "att_hours", "ext_hours", "target_hours", "special_incomplete")
    fraction = elapsed_fraction(year, as_of)
    return {row[0]: _progress(*row, fraction=fraction, targets=targets) for row in rows}


def hour_targets() -> dict[str, Decimal]:
    """Return the annual hours per rank level (defaults for any level not configured)."""
    targets = {str(k): v for k, v in DEFAULT_HOUR_TARGETS.items()}
    targets.update({t.rank_level: t.hours_per_year for t in HourTarget.objects.all()})
    return targets


def lecturer_ranking(*, year: int, unit: OrgUnit | None = None) -> QuerySet[Official]:
    """Officials who lectured in ``year`` (in ``unit``'s subtree when given), annotated with
    ``lecture_count`` and ``lecture_hours``, most hours first: one aggregate query."""
    start, end = year_bounds(year)
    # The year's lectures joined first (the aggregate runs over that join), so only the lecturers are grouped —
    # not every official of the county with all their columns, to keep the few with a lecture.
    qs = Official.objects.filter(lectures__starts_at__gte=start, lectures__starts_at__lt=end).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit.subtree_q("unit__"))
    return (qs.annotate(lecture_count=Count("lectures"),
                        lecture_hours=Coalesce(Sum("lectures__hours"), Value(ZERO), output_field=_DEC))
            .order_by("-lecture_hours", "-lecture_count", "name"))


# -- an official's own record ("my training") and the unit report ---------------------------------------------

def official_of(user: User | AnonymousUser) -> Official | None:
    """The user's own official record (with its unit), if they have one."""
    if not user.is_authenticated:
        return None
    return Official.objects.select_related("unit").filter(user=user).first()


def attendance_in_year(official: Official, year: int) -> QuerySet[Attendance]:
    """The official's attendance at sessions starting in ``year``, latest first."""
    start, end = year_bounds(year)
    return (Attendance.objects.filter(official=official, session__starts_at__gte=start, session__starts_at__lt=end)
            .select_related("session").order_by("-session__starts_at"))


def lectures_in_year(official: Official, year: int, *, limit: int = 100) -> QuerySet[TrainingSession]:
    """The sessions the official lectured in ``year``, latest first (at most ``limit``)."""
    start, end = year_bounds(year)
    return official.lectures.filter(starts_at__gte=start, starts_at__lt=end).order_by("-starts_at")[:limit]


def report_units(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    """The active units whose training report the user may read: those in their role subtrees, in tree order."""
    access = access_for(user)
    # A unit's name, code and place in the tree are all the reports use: not its parent and category.
    units = units_visible_to(user).filter(is_active=True).select_related(None).only(
        "name", "code", "path", "depth", "numchild")
    if not access.is_superuser:
        units = units.filter(subtree_q(access.paths()))
    return units
