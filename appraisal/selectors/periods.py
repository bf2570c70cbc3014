"""Reads of the periods: the list the pages show (periods are not confidential), one by key for recording into it,
whether its scores are stale, its latest rollup, and the closed periods the fact apps ask about."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from appraisal.models import AppraisalPeriod, PeriodKind, PeriodStatus, RollupRun, Scorecard, UnitScorecard
from appraisal.scoring.periods import MONTH, QUARTER, YEAR, parse_period_key, period_key_for
from common.errors import ApplicationError


def period_existing(key: str) -> AppraisalPeriod:
    """Return the period of a key for recording into it; never create one (only the organization department
    opens periods, on the periods page). Raise ``bad_period`` for a malformed key, ``unknown_period`` when the
    period does not exist (e.g. a date decades away)."""
    span = parse_period_key(key)
    period = AppraisalPeriod.objects.filter(key=span.key).first()
    if period is None:
        raise ApplicationError(
            _("There is no appraisal period %(key)s: points can be recorded only in a period the organization "
              "department has opened.") % {"key": span.key}, code="unknown_period")
    return period


def frozen_period_keys(span: tuple[date, date], *, lock: bool = False) -> list[str]:
    """Return the keys of the closed or published periods overlapping ``span`` (answers
    ``org.facts.frozen_periods``); with ``lock``, every covering period row is locked (open ones too)."""
    start, end = span
    covering = AppraisalPeriod.objects.filter(start__lte=end, end__gte=start).order_by("start", "end")
    if lock:
        statuses = covering.select_for_update().values_list("key", "status")
        return [key for key, status in statuses if status != PeriodStatus.OPEN]
    return list(covering.exclude(status=PeriodStatus.OPEN).values_list("key", flat=True))


def periods_visible() -> QuerySet[AppraisalPeriod]:
    """Return every period (periods are not confidential), newest first, years before their months."""
    return AppraisalPeriod.objects.order_by("-start", "-end", "key")


def period_rows(kind: str = "") -> QuerySet[AppraisalPeriod]:
    """Return the periods page's rows (of one ``kind``), each with its ``scorecard_count``."""
    # The headcounts of the period's unit scorecards added up: each is the number of its unit's scorecards, kept by
    # the rollup and by a rescore alike, so a period's few dozen unit rows are read instead of counting its
    # scorecards (every official of a city: 50 ms for a page of 8 periods at 50,000 officials).
    headcounts = (UnitScorecard.objects.filter(period=OuterRef("pk")).order_by().values("period")
                  .annotate(n=Sum("headcount")).values("n"))
    periods = periods_visible().annotate(
        scorecard_count=Coalesce(Subquery(headcounts, output_field=IntegerField()), Value(0)))
    return periods.filter(kind=kind) if kind else periods


RUNS_SHOWN = 10  # the latest rollup runs on a period's page


def period_overview(period: AppraisalPeriod) -> dict[str, Any]:
    """Return what a period's page shows besides its actions: the events trail, the latest runs, the latest
    rollup, how many scorecards and unit scorecards it has, whether its scores are stale."""
    return {
        "events": period.events.select_related("by").order_by("-at", "-id"),
        "runs": list(period.rollups.select_related("started_by").order_by("-created_at", "-id")[:RUNS_SHOWN]),
        "run": latest_rollup(period),
        "scorecard_count": period.scorecards.count(),
        "unit_count": period.unit_scorecards.count(),
        "stale": period_is_stale(period),
    }


def period_runs(period: AppraisalPeriod) -> QuerySet[RollupRun]:
    """Return the period's rollup runs, with who started them."""
    return RollupRun.objects.select_related("started_by").filter(period=period)


def years_visible() -> QuerySet[AppraisalPeriod]:
    """Return the year periods, newest first."""
    return AppraisalPeriod.objects.filter(kind=PeriodKind.YEAR).order_by("-start")


def period_is_stale(period: AppraisalPeriod) -> bool:
    """Whether an open period's scorecards may not show every fact yet: a fact dated in it changed after its
    last rollup and the scores have not caught up (``appraisal.services.consequences``). A period never rolled
    up is not stale, it has no scores yet; a closed one is frozen."""
    return (period.status == PeriodStatus.OPEN and period.last_rollup_at is not None
            and period.facts_changed_at is not None)


def period_by_key(key: str) -> AppraisalPeriod | None:
    """Return the period of a key as stored, or None."""
    return AppraisalPeriod.objects.filter(key=key).first()


def latest_period_with_scorecards(kind: str | None = None) -> AppraisalPeriod | None:
    """Return the newest period (of ``kind``) that has scorecards, or None."""
    # EXISTS, not a join made DISTINCT: the join read every scorecard of every period (0.1 s at 10,000 officials).
    qs = periods_visible().filter(Exists(Scorecard.objects.filter(period=OuterRef("pk"))))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.first()


def latest_rollup(period: AppraisalPeriod) -> RollupRun | None:
    """Return the period's latest rollup run, or None."""
    return period.rollups.select_related("started_by").order_by("-created_at", "-id").first()


def current_keys(today: date) -> dict[str, str]:
    """Return the keys of the month, quarter and year containing ``today``."""
    return {kind: period_key_for(kind, today) for kind in (MONTH, QUARTER, YEAR)}
