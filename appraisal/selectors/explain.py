"""Reads that make a score explain itself ("why is my score X" and the ranking board).

- which period the page opens on: the latest one with a score, not an empty current month;
- out of how many a rank is ("第 13 名 / 共 19 人"), for any number of scorecards in one query;
- the records behind each component's inputs (tasks, monthly reports, training sessions, check-up results),
  each linked only when the reader may open it — a fixed number of queries however many records.

The records are read as the component providers count them (``appraisal.components.builtin``,
``components_checkup``, ``components_training``), so the list under a component matches its counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Value
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.display.score_text import plain_number, score_axis
from appraisal.models import AppraisalPeriod, CheckupResult, Component, PeriodKind, Scorecard, UnitScorecard
from appraisal.scoring.periods import MONTH, QUARTER, YEAR
from appraisal.selectors.checkup import results_visible_to
from appraisal.selectors.scores import ComponentLine, component_lines, monthly_trend
from org.models import Official, User
from org.selectors import access_for
from tasks.models import MonthlyReport, ReportStatus, Task, TaskStatus
from tasks.selectors.reports import reports_visible_to
from tasks.selectors.tasks import tasks_visible_to
from training.models import Attendance, ExternalStatus, ExternalTraining
from training.selectors.sessions import sessions_visible_to

SUMMARY_KINDS = (MONTH, QUARTER, YEAR)


# -- which period -----------------------------------------------------------------------------------------


def scored_periods(official: Official, limit: int = 60) -> list[tuple[str, str]]:
    """Return (key, kind) of the official's scored periods, newest first (one query)."""
    return list(Scorecard.objects.filter(official=official).order_by("-period__start", "-period__end")
                .values_list("period__key", "period__kind")[:limit])


def latest_scored(scored: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Return ``{kind: key}`` of the newest scored period of each kind (``scored`` newest first)."""
    latest: dict[str, str] = {}
    for key, kind in scored:
        latest.setdefault(kind, key)
    return latest


def default_period_key(scored: Sequence[tuple[str, str]], current_month: str) -> str:
    """The period "why is my score" opens on: the latest scored month, else the latest scored period of any
    kind, else the current month (whose ledger may already have entries)."""
    latest = latest_scored(scored)
    return latest.get(MONTH) or (scored[0][0] if scored else current_month)


# -- out of how many ----------------------------------------------------------------------------------------


def attach_rank_sizes(cards: Iterable[Scorecard]) -> None:
    """Set ``unit_size`` and ``category_size`` on each card: how many officials its ranks are out of — the
    officials of the same top-level unit, and those of the same unit category and rank level (同类), in the
    period. One query for any number of cards (grouped counts of their periods)."""
    cards = list(cards)
    if not cards:
        return
    by_unit: dict[tuple[int, int], int] = defaultdict(int)
    by_kind: dict[tuple[int, int | None, str], int] = defaultdict(int)
    # Only the groups the cards are in: a whole period's counts cost a read of every card of the county. The two
    # groupings are counted apart and sent as one statement, so each reads its own index alone (an OR of the two
    # read every card of the groups from the table).
    periods = {c.period_id for c in cards}
    kinds = Q(category_id__in={c.category_id for c in cards}, rank_level__in={c.rank_level for c in cards})
    if any(c.category_id is None for c in cards):
        kinds |= Q(category__isnull=True, rank_level__in={c.rank_level for c in cards})
    of_kind = (Scorecard.objects.filter(kinds, period_id__in=periods).order_by()
               .values_list("period_id", "category_id").annotate(n=Count("*"), level=F("rank_level")))
    of_unit = (Scorecard.objects.filter(unit_id__in={c.unit_id for c in cards}, period_id__in=periods).order_by()
               .values_list("period_id", "unit_id").annotate(n=Count("*"), level=Value(None, CharField())))
    for period_id, group_id, n, rank_level in of_kind.union(of_unit, all=True):
        if rank_level is None:
            by_unit[(period_id, group_id)] += n
        else:
            by_kind[(period_id, group_id, rank_level)] += n
    for card in cards:
        card.unit_size = by_unit.get((card.period_id, card.unit_id), 0)
        card.category_size = by_kind.get(
            (card.period_id, card.category_id, card.rank_level), 0)


def attach_unit_category_sizes(unit_cards: Iterable[UnitScorecard]) -> None:
    """Set ``category_size`` on each unit scorecard: how many units of its category were ranked (one query)."""
    unit_cards = list(unit_cards)
    if not unit_cards:
        return
    rows = (UnitScorecard.objects.filter(period_id__in={u.period_id for u in unit_cards}).order_by()
            .values_list("period_id", "category_id").annotate(n=Count("pk")))
    sizes = {(period_id, category_id): n for period_id, category_id, n in rows}
    for unit_card in unit_cards:
        unit_card.category_size = sizes.get((unit_card.period_id, unit_card.category_id), 0)


# -- the records behind the inputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class InputRecord:
    """One record a component counted: what it is, how it counted, and its page if the reader may open it."""

    kind: str  # task, report, session, external, checkup
    label: str
    note: str
    url: str = ""


def _task_records(viewer: User | AnonymousUser, official: Official, period: AppraisalPeriod) -> list[InputRecord]:
    """The tasks the work component counts: the official's, due in the period, not cancelled (one query)."""
    visible = tasks_visible_to(viewer).filter(pk=OuterRef("pk"))
    tasks = (Task.objects.filter(responsible=official, deadline__gte=period.start, deadline__lte=period.end)
             .exclude(status=TaskStatus.CANCELLED).annotate(viewable=Exists(visible))
             .only("pk", "title", "deadline", "status", "completed_on").order_by("deadline", "pk"))
    records = []
    for task in tasks:
        if task.status == TaskStatus.COMPLETED and task.completed_on is not None:
            outcome = _("Completed on time") if task.completed_on <= task.deadline else _("Completed late")
        else:
            outcome = _("Not completed")
        note = _("due %(date)s · %(outcome)s") % {"date": f"{task.deadline:%Y-%m-%d}", "outcome": outcome}
        url = reverse("tasks:task_detail", args=[task.pk]) if task.viewable else ""
        records.append(InputRecord("task", task.title, note, url))
    return records


def _report_state(report: MonthlyReport) -> str | None:
    """How the timeliness component counts a report, as the provider does; None when it is not counted yet."""
    if report.is_late:
        return str(_("Submitted late"))
    if report.is_missing and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        return str(_("Missing"))
    if report.submitted_at is not None:
        return str(_("Submitted on time"))
    return None


def _report_records(viewer: User | AnonymousUser, official: Official,
                    period: AppraisalPeriod) -> tuple[list[InputRecord], list[InputRecord]]:
    """The official's reports of the period's months: (rated ones, for work results; due ones, for timeliness)."""
    visible = reports_visible_to(viewer).filter(pk=OuterRef("pk"))
    reports = (MonthlyReport.objects.filter(official=official, month__gte=period.start.replace(day=1),
                                            month__lte=period.end)
               .annotate(viewable=Exists(visible))
               .only("pk", "month", "status", "rating", "is_late", "is_missing", "submitted_at").order_by("month"))
    rated, due = [], []
    for report in reports:
        label = _("Monthly report of %(month)s") % {"month": f"{report.month:%Y-%m}"}
        url = reverse("tasks:report_detail", args=[report.pk]) if report.viewable else ""
        if report.rating and report.status in (ReportStatus.APPROVED, ReportStatus.PUBLISHED):
            rated.append(InputRecord("report", label, _("rated %(rating)s") % {
                "rating": report.get_rating_display()}, url))
        state = _report_state(report)
        if state is not None:
            due.append(InputRecord("report", label, state, url))
    return rated, due


def _training_records(viewer: User | AnonymousUser, official: Official,
                      period: AppraisalPeriod) -> list[InputRecord]:
    """The training counted: attendance of sessions from the start of the period's year to its end, and
    approved external training started then (two queries, and one to scope the sessions to the reader)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(period.end.replace(month=1, day=1), time.min), tz)
    end = timezone.make_aware(datetime.combine(period.end, time.max), tz)
    visible = sessions_visible_to(viewer).filter(pk=OuterRef("session_id"))
    attendance = (Attendance.objects.filter(official=official, session__starts_at__gte=start,
                                            session__starts_at__lte=end)
                  .select_related("session").annotate(viewable=Exists(visible))
                  .only("pk", "status", "hours", "session_id", "session__title", "session__starts_at")
                  .order_by("session__starts_at", "pk"))
    records = []
    for row in attendance:
        note = _("%(date)s · %(status)s · %(hours)s hours") % {
            "date": f"{timezone.localtime(row.session.starts_at):%Y-%m-%d}", "status": row.get_status_display(),
            "hours": floatformat(row.hours, -1)}
        url = reverse("training:session_detail", args=[row.session_id]) if row.viewable else ""
        records.append(InputRecord("session", row.session.title, note, url))
    external = (ExternalTraining.objects.filter(official=official, status=ExternalStatus.APPROVED,
                                                started_on__year=period.end.year, started_on__lte=period.end)
                .only("pk", "title", "provider", "started_on", "hours").order_by("started_on", "pk"))
    for ext in external:
        note = _("%(date)s · external training, %(provider)s · %(hours)s hours") % {
            "date": f"{ext.started_on:%Y-%m-%d}", "provider": ext.provider, "hours": floatformat(ext.hours, -1)}
        records.append(InputRecord("external", ext.title, note))  # no page of its own
    return records


def _checkup_records(viewer: User | AnonymousUser, official: Official,
                     period: AppraisalPeriod) -> list[InputRecord]:
    """The check-up results the evaluation component counts: rounds of the quarters within the period."""
    visible = results_visible_to(viewer).filter(pk=OuterRef("pk"))
    results = (CheckupResult.objects.filter(official=official, score__isnull=False,
                                            round__period__kind=PeriodKind.QUARTER,
                                            round__period__start__gte=period.start,
                                            round__period__end__lte=period.end)
               .annotate(viewable=Exists(visible)).select_related("round__period")
               .only("pk", "score", "is_incomplete", "round__period__key", "round__period__start")
               .order_by("round__period__start"))
    records = []
    for result in results:
        key = result.round.period.key
        note = _("score %(score)s") % {"score": plain_number(result.score) if result.score is not None else "—"}
        if result.is_incomplete:
            incomplete = _("Incomplete (too few ratings)")
            note = f"{note} · {incomplete}"
        url = reverse("appraisal:checkup_result_detail", args=[key, official.pk]) if result.viewable else ""
        records.append(InputRecord("checkup", _("Check-up of %(key)s") % {"key": key}, note, url))
    return records


# Queries ``component_records`` runs, whatever the number of records (pinned by the tests).
RECORD_QUERIES = 6


def component_records(viewer: User | AnonymousUser, official: Official,
                      period: AppraisalPeriod) -> dict[str, list[InputRecord]]:
    """Return ``{component code: the records behind its inputs}`` for the official's score of ``period``, each
    linked only when ``viewer`` may open it (tasks, reports and sessions through their scoping selectors, check-up
    results through theirs). ``RECORD_QUERIES`` queries, however many records."""
    rated, due = _report_records(viewer, official, period)
    return {
        Component.WORK: [*_task_records(viewer, official, period), *rated],
        Component.TIMELINESS: due,
        Component.EVALUATION: _checkup_records(viewer, official, period),
        Component.TRAINING: _training_records(viewer, official, period),
    }


def summary_keys(scored: Sequence[tuple[str, str]], current: dict[str, str]) -> list[tuple[str, str, bool]]:
    """Return (kind, key, is current) for the summary cards: per kind the latest scored period, else the current
    one — so the cards show scores, not "not computed yet" for a month whose rollup has not run."""
    latest = latest_scored(scored)
    return [(kind, latest.get(kind, current[kind]), latest.get(kind, current[kind]) == current[kind])
            for kind in SUMMARY_KINDS]


# -- the score page ----------------------------------------------------------------------------------------


def explained_lines(viewer: User | AnonymousUser, official: Official, period: AppraisalPeriod,
                    card: Scorecard | None) -> list[ComponentLine]:
    """Return the card's component lines, each with the ``records`` behind its inputs (when there is a card)."""
    lines = component_lines(card)
    if card is not None:
        records = component_records(viewer, official, period)
        for line in lines:
            line.records = records.get(line.code, [])
    return lines


def sees_private_sources(viewer: User | AnonymousUser, *, own: bool) -> bool:
    """Whether the ledger links its private sources for ``viewer``: a discipline decision's page is the official's
    own (and the case readers'); others see the row unlinked."""
    return own or access_for(viewer).has_role("discipline", "org")


def trend_chart(official: Official, year: int) -> dict[str, Any]:
    """Return the chart of the official's monthly totals of ``year`` (one query)."""
    trend = monthly_trend(official, year)
    totals = [t["total"] for t in trend]
    return {"labels": [t["key"] for t in trend], "totals": totals, "provisional": [t["provisional"] for t in trend],
            "year": year, "axis": score_axis(totals)}
