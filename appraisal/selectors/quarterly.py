"""Reads of the quarterly grades (平时考核), each scoped to what the user may see (DESIGN §5); single grades are fetched
through them, so a grade outside one's scope is a 404, exactly like a missing one.

- heads and the organization department see the grades of the officials in their subtrees;
- every official sees their own grades once confirmed (a grade still being written is the head's draft) — a head
  never sees their own draft either;
- the annual grading reads the confirmed grades of a year (``quarter_counts``, ``with_good_quarters``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from appraisal.constraints.discipline import discipline_constraints
from appraisal.models import (
    AppraisalPeriod,
    Grade,
    GradeDecision,
    PeriodKind,
    QuarterGrade,
    QuarterlyGrade,
    QuarterlyRule,
    QuarterlyStatus,
)
from appraisal.scoring.parameters import parameter_for, score_parameter
from appraisal.selectors.access import is_head_over
from org.models import OrgUnit, User
from org.selectors import access_for, subtree_q

MANAGERS = ("org", "head")
G = QuarterGrade
DEFAULT_THRESHOLDS: dict[str, Decimal] = {G.GOOD: Decimal(85), G.FAIRLY_GOOD: Decimal(70), G.AVERAGE: Decimal(60)}
DEFAULT_GOOD_SHARE = Decimal("0.40")


def quarters() -> QuerySet[AppraisalPeriod]:
    """The quarter periods, latest first."""
    return AppraisalPeriod.objects.filter(kind=PeriodKind.QUARTER).order_by("-start")


def quarters_of_year(year: int) -> QuerySet[AppraisalPeriod]:
    return AppraisalPeriod.objects.filter(kind=PeriodKind.QUARTER, start__year=year)


def quarterly_grades_visible_to(
    user: User | AnonymousUser, *, roles: Iterable[str] = MANAGERS, include_own: bool = True,
) -> QuerySet[QuarterlyGrade]:
    """Return the quarterly grades a user may see: those of the officials in their ``roles`` subtrees (never their
    own draft), and with ``include_own`` their own confirmed grades."""
    qs = QuarterlyGrade.objects.select_related(
        "period", "official", "official__unit", "unit", "graded_by__official", "confirmed_by__official",
        "answered_by__official")
    access = access_for(user)
    if access.is_superuser:
        return qs
    q = subtree_q(access.paths(roles), "official__unit__")
    if access.official_id is not None:
        q &= ~Q(official_id=access.official_id)
        if include_own:
            q |= Q(official_id=access.official_id, status=QuarterlyStatus.CONFIRMED)
    return qs.filter(q)


def own_quarterly_grades(user: User | AnonymousUser) -> QuerySet[QuarterlyGrade]:
    """The user's own confirmed grades, latest quarter first."""
    official_id = access_for(user).official_id
    if official_id is None:
        return QuarterlyGrade.objects.none()
    return quarterly_grades_visible_to(user).filter(official_id=official_id).order_by("-period__start")


def gradable_q(user: User | AnonymousUser) -> Q:
    """Grades the user writes and confirms: of officials under their head or org grants, never their own."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    q = subtree_q(access.paths(MANAGERS), "official__unit__")
    if access.official_id is not None:
        q &= ~Q(official_id=access.official_id)
    return q


def requests_to_answer(user: User | AnonymousUser, *, waiting: bool = False) -> QuerySet[QuarterlyGrade]:
    """Requests to reconsider the user may answer (waiting first, then answered, newest first); ``waiting``: only
    those not answered yet."""
    rows = (quarterly_grades_visible_to(user, include_own=False).filter(gradable_q(user))
            .filter(reconsider_asked_at__isnull=False).order_by("answered_at", "-reconsider_asked_at", "-id"))
    return rows.filter(answered_at__isnull=True) if waiting else rows


def units_with_grades(user: User | AnonymousUser, period: AppraisalPeriod) -> QuerySet[OrgUnit]:
    """The top-level units of the quarter's grades the user may see (as a head or the organization department)."""
    visible = quarterly_grades_visible_to(user, include_own=False).filter(period=period)
    return OrgUnit.objects.filter(pk__in=visible.values("unit_id")).order_by("path")


@dataclass(frozen=True)
class UnitFigures:
    """A unit's grades in a quarter: by grade as they stand, confirmed, waiting requests."""

    unit_id: int
    appraised: int
    good: int
    fairly_good: int
    average: int
    poor: int
    confirmed: int
    waiting: int


def _current(grade: str) -> Q:
    """Match rows whose grade as it stands (the head's, else the proposal) is ``grade``."""
    return Q(grade=grade) | Q(grade="", proposed=grade)


def unit_figures(period: AppraisalPeriod, unit_ids: Collection[int]) -> dict[int, UnitFigures]:
    """Return the figures of the units' grades in a quarter (one grouped query, whatever the numbers)."""
    rows = (QuarterlyGrade.objects.filter(period=period, unit_id__in=list(unit_ids)).order_by().values("unit_id")
            .annotate(appraised=Count("id"), good=Count("id", filter=_current(QuarterGrade.GOOD)),
                      fairly_good=Count("id", filter=_current(QuarterGrade.FAIRLY_GOOD)),
                      average=Count("id", filter=_current(QuarterGrade.AVERAGE)),
                      poor=Count("id", filter=_current(QuarterGrade.POOR)),
                      confirmed=Count("id", filter=Q(status=QuarterlyStatus.CONFIRMED)),
                      waiting=Count("id", filter=Q(reconsider_asked_at__isnull=False, answered_at__isnull=True))))
    return {row["unit_id"]: UnitFigures(**row) for row in rows}


def unit_good_count(period: AppraisalPeriod, unit_id: int, *, exclude: int | None = None) -> int:
    """How many of the unit's grades in the quarter stand at 好 (leaving out the grade ``exclude``)."""
    qs = QuarterlyGrade.objects.filter(_current(QuarterGrade.GOOD), period=period, unit_id=unit_id)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.count()


def rules_for(year: int, unit_ids: Collection[int]) -> dict[int, QuarterlyRule]:
    return {r.unit_id: r for r in QuarterlyRule.objects.filter(year=year, unit_id__in=list(unit_ids))}


# -- what the annual grading reads ---------------------------------------------------------------------------
@dataclass(frozen=True)
class QuarterCounts:
    """An official's confirmed quarterly grades of a year, counted by grade."""

    total: int
    good: int
    average: int
    poor: int


def quarter_counts(year: int, official_ids: Collection[int] | None = None) -> dict[int, QuarterCounts]:
    """Return each official's confirmed quarterly grades of ``year`` counted by grade (one grouped query). A
    confirmed grade always holds its value in ``grade``."""
    qs = QuarterlyGrade.objects.filter(status=QuarterlyStatus.CONFIRMED, period__kind=PeriodKind.QUARTER,
                                       period__start__year=year)
    if official_ids is not None:
        qs = qs.filter(official_id__in=list(official_ids))
    rows = qs.order_by().values("official_id").annotate(
        total=Count("id"), good=Count("id", filter=Q(grade=QuarterGrade.GOOD)),
        average=Count("id", filter=Q(grade=QuarterGrade.AVERAGE)), poor=Count("id", filter=Q(grade=QuarterGrade.POOR)))
    return {row["official_id"]: QuarterCounts(total=row["total"], good=row["good"], average=row["average"],
                                              poor=row["poor"]) for row in rows}


def good_quarters(year: int, official_ids: Collection[int] | None = None) -> dict[int, int]:
    """How many confirmed 好 quarters each official has in ``year`` (officials without any are left out)."""
    return {oid: counts.good for oid, counts in quarter_counts(year, official_ids).items() if counts.good}


def with_good_quarters(grades: QuerySet[GradeDecision]) -> QuerySet[GradeDecision]:
    """Annotate annual grades with ``good_quarters``: the official's confirmed 好 quarters in the grade's year (a
    subquery, so a list page costs no extra query)."""
    goods = (QuarterlyGrade.objects.filter(official_id=OuterRef("official_id"), status=QuarterlyStatus.CONFIRMED,
                                           grade=QuarterGrade.GOOD, period__kind=PeriodKind.QUARTER,
                                           period__start__gte=OuterRef("period__start"),
                                           period__end__lte=OuterRef("period__end"))
             .order_by().values("official_id").annotate(n=Count("id")).values("n"))
    return grades.annotate(good_quarters=Coalesce(Subquery(goods, output_field=IntegerField()), Value(0)))


# -- parameters --------------------------------------------------------------------------------------------------
def quarterly_thresholds() -> dict[str, Decimal]:
    """Return the score each grade needs (settings ``APPRAISAL_QUARTERLY_THRESHOLDS`` over the defaults)."""
    configured = getattr(settings, "APPRAISAL_QUARTERLY_THRESHOLDS", {}) or {}
    return {grade: Decimal(str(configured.get(grade, default))) for grade, default in DEFAULT_THRESHOLDS.items()}


def good_share() -> Decimal:
    """Return the share of a unit's appraised officials that may be 好."""
    return Decimal(str(getattr(settings, "APPRAISAL_QUARTERLY_GOOD_SHARE", DEFAULT_GOOD_SHARE)))


@score_parameter("quarterly")
def _quarterly_parameter(period: AppraisalPeriod) -> dict[str, Any] | None:
    """A quarter's thresholds and share of 好, frozen when the quarter closes (``appraisal.scoring.parameters``)."""
    if period.kind != PeriodKind.QUARTER:
        return None
    return {"thresholds": {grade: str(v) for grade, v in quarterly_thresholds().items()}, "share": str(good_share())}


def quarter_parameters(period: AppraisalPeriod) -> tuple[dict[str, Decimal], Decimal]:
    """Return the thresholds and the share of 好 a quarter is graded with: frozen once it is closed."""
    values = parameter_for(period, "quarterly") or _quarterly_parameter(period)
    if not values:
        return quarterly_thresholds(), good_share()
    return {grade: Decimal(v) for grade, v in values["thresholds"].items()}, Decimal(values["share"])


def share_size(share: Decimal, appraised: int) -> int:
    """How many officials may be 好: the share of the appraised, rounded down."""
    return math.floor(share * appraised)


def not_appraised(year: int) -> set[int]:
    """Officials a discipline decision makes 不参加考核 in ``year`` (开除). Leavers are judged by the quarter, in the
    proposal's query. The discipline provider is asked alone: the whole registry would also compute every official's
    training progress (two seconds for a county), and only the rules' 不参加考核 matters here."""
    return {c.official_id for c in discipline_constraints(year, None) if c.max_grade == Grade.NOT_APPRAISED}


# -- the pages -----------------------------------------------------------------------------------------
STATUS_FILTERS = (QuarterlyStatus.PROPOSED, QuarterlyStatus.CONFIRMED)  # the unit page's ``?status=``


def quarter_for(key: str | None) -> AppraisalPeriod | None:
    """Return the quarter a page shows: the one of ``key``, else the latest quarter with grades, else the newest."""
    all_quarters = list(quarters())
    found = next((q for q in all_quarters if q.key == (key or "").upper()), None)
    if found is not None:
        return found
    # Asked of the few quarters (EXISTS on the grades' period index), not by sorting every grade of the county.
    latest = (quarters().filter(Exists(QuarterlyGrade.objects.filter(period=OuterRef("pk")))).order_by("-start")
              .values_list("pk", flat=True).first())
    return next((q for q in all_quarters if q.pk == latest), all_quarters[0] if all_quarters else None)


def unit_quarter_rows(user: User | AnonymousUser, period: AppraisalPeriod, unit: OrgUnit,
                      status: str | None = None) -> QuerySet[QuarterlyGrade]:
    """Return a unit's grades of the quarter for its heads (in one ``status``), the best score first."""
    rows = quarterly_grades_visible_to(user, include_own=False).filter(period=period, unit=unit)
    if status in STATUS_FILTERS:
        rows = rows.filter(status=status)
    return rows.order_by("-score", "official__name", "official_id")


def can_write_row(user: User, grade: QuarterlyGrade) -> bool:
    """Whether the user writes this grade on the unit page: the head over the official, until it is confirmed."""
    return grade.status == QuarterlyStatus.PROPOSED and is_head_over(user, grade.official)


def distribution_units(user: User | AnonymousUser, period: AppraisalPeriod) -> QuerySet[OrgUnit]:
    """Return the units whose grades of the quarter the organization department sees, in tree order."""
    visible = quarterly_grades_visible_to(user, roles=("org",), include_own=False).filter(period=period)
    return OrgUnit.objects.filter(pk__in=visible.values("unit_id")).order_by("path")


def distribution(period: AppraisalPeriod, units: list[OrgUnit]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return the distribution page's rows for ``units`` — each unit's figures, its rule for the year and its quota
    of 好 — and the chart of their grades (one stacked bar series per grade)."""
    figures = unit_figures(period, [u.pk for u in units])
    rules = rules_for(period.start.year, [u.pk for u in units])
    share = good_share()
    rows = [{"unit": u, "figures": figures.get(u.pk), "rule": rules.get(u.pk),
             "quota": share_size(share, figures[u.pk].appraised if u.pk in figures else 0)} for u in units]
    chart = {"labels": [u.name for u in units],
             "datasets": [{"label": str(label), "data": [getattr(figures.get(u.pk), value, 0) for u in units]}
                          for value, label in QuarterGrade.choices]}
    return rows, chart
