"""The rows of the training ledger (培训台账, ``training.excel.write_ledger``): a unit's officials with their
year's hours, absences and lectures, and the sessions it organised — one query each."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value

from org.models import Official, OrgUnit, User
from org.selectors import access_for
from training.models import AttendanceStatus, TrainingSession
from training.selectors.progress import GroupedCoalesce, UnitProgressFields, unit_progress, year_bounds

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

LEDGER_ROLES = ("head", "org")


class LedgerOfficialFields(UnitProgressFields):
    lectures_given: int


class LedgerSessionFields(TypedDict):
    attended: int
    absent: int
    excused: int


if TYPE_CHECKING:  # ``WithAnnotations`` takes its two arguments in annotations only
    LedgerOfficial = WithAnnotations[Official, LedgerOfficialFields]
    LedgerSession = WithAnnotations[TrainingSession, LedgerSessionFields]


def ledger_unit(user: User | AnonymousUser, code: str) -> OrgUnit | None:
    """The unit of that code, when the user is a head or the organization department over it; else None."""
    unit = OrgUnit.objects.filter(code=code).first() if code else None
    if unit is None or not access_for(user).covers(unit.path, LEDGER_ROLES):
        return None
    return unit


def ledger_officials(unit: OrgUnit, year: int) -> QuerySet[LedgerOfficial]:
    """The unit's active officials (with sub-units) annotated for the ledger, in one query."""
    start, end = year_bounds(year)
    lectures = (TrainingSession.objects.filter(lecturer=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end)
                .order_by().values("lecturer").annotate(n=Count("pk")).values("n"))
    return unit_progress(unit, year=year).annotate(
        lectures_given=GroupedCoalesce(Subquery(lectures, output_field=IntegerField()), Value(0)),
    )


def ledger_sessions(unit: OrgUnit, year: int) -> QuerySet[LedgerSession]:
    """The sessions organised by the unit or its sub-units in the year, with attendance counts (one query)."""
    start, end = year_bounds(year)
    return (TrainingSession.objects.filter(unit.subtree_q("organiser__"), starts_at__gte=start,
                                           starts_at__lt=end)
            .select_related("organiser", "lecturer")
            .annotate(attended=Count("attendance", filter=~Q(attendance__status__in=(
                AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED))),
                absent=Count("attendance", filter=Q(attendance__status=AttendanceStatus.ABSENT)),
                excused=Count("attendance", filter=Q(attendance__status=AttendanceStatus.EXCUSED)))
            .order_by("starts_at", "pk"))
