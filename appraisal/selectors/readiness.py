"""Reads of the period's readiness for the organization department: is the month ready to close?

The month at hand is the one the department is closing: an older month still open, else last month until it is
closed, then this month. For it, per top-level unit in the user's scope: the officials expected to report, the
reports submitted and not yet reviewed, the reports missing (not written, a draft or returned), those approved and
waiting to be signed; and whether the month's rollup is fresh. Every figure is one aggregate query, whatever the
number of officials; the drill-down lists come from the same queryset, so a count is the length of its list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.db.models.functions import Substr

from appraisal.models import AppraisalPeriod, PeriodKind, PeriodStatus, ScoreEntry
from appraisal.selectors.annual import TOP_DEPTH
from common.dates import month_end, parse_month
from org.models import Official, OrgUnit, User
from org.selectors import officials_visible_to
from tasks.models import ReportStatus

ORG = ("org",)
MONTH_KEY = re.compile(r"[0-9]{4}-[0-9]{2}")
TOP_LENGTH = OrgUnit.steplen * TOP_DEPTH

# What a drill-down list shows, and the filter on the official's report of the month that selects it.
SHOWS: dict[str, Q] = {
    "unreviewed": Q(report__status=ReportStatus.SUBMITTED),
    "missing": Q(report__isnull=True) | Q(report__status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED)),
    "to_sign": Q(report__status=ReportStatus.APPROVED),
}


@dataclass(frozen=True)
class Month:
    """The month at hand and its period row, when one exists (a month is a period once it is rolled up)."""

    start: date
    period: AppraisalPeriod | None

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def end(self) -> date:
        return month_end(self.start)


def month_at_hand(today: date) -> Month:
    """Return the month the organization department is closing (one query)."""
    this = today.replace(day=1)
    last = (this - timedelta(days=1)).replace(day=1)
    periods = list(AppraisalPeriod.objects.filter(kind=PeriodKind.MONTH).filter(
        Q(status=PeriodStatus.OPEN, end__lt=last) | Q(start__in=[last, this])).order_by("start"))
    lingering = next((p for p in periods if p.start < last), None)
    if lingering is not None:
        return Month(lingering.start, lingering)
    by_start = {p.start: p for p in periods}
    previous = by_start.get(last)
    if previous is None or previous.status == PeriodStatus.OPEN:
        return Month(last, previous)
    return Month(this, by_start.get(this))


def month_of_key(key: str) -> Month | None:
    """The month of a ``YYYY-MM`` key, with its period row (one query), or None when the key is not a month."""
    start = parse_month(key) if MONTH_KEY.fullmatch(key) else None
    if start is None:
        return None
    return Month(start, AppraisalPeriod.objects.filter(kind=PeriodKind.MONTH, start=start).first())


def expected_officials(user: User | AnonymousUser, month: Month) -> QuerySet[Official]:
    """The officials in the user's organization-department scope expected to report on the month (in post by its
    end, as the monthly job counts them), each joined with their report of the month as ``report``."""
    return (officials_visible_to(user, roles=ORG, include_self=False)
            .filter(is_active=True).filter(Q(joined_on__isnull=True) | Q(joined_on__lte=month.end))
            .annotate(report=FilteredRelation("monthly_reports", condition=Q(monthly_reports__month=month.start))))


@dataclass
class UnitReadiness:
    unit: OrgUnit
    officials: int
    unreviewed: int
    missing: int
    to_sign: int


@dataclass
class Readiness:
    month: Month
    units: list[UnitReadiness]
    rollup_stale: bool

    @property
    def unreviewed(self) -> int:
        return sum(u.unreviewed for u in self.units)

    @property
    def missing(self) -> int:
        return sum(u.missing for u in self.units)

    @property
    def to_sign(self) -> int:
        return sum(u.to_sign for u in self.units)

    @property
    def officials(self) -> int:
        return sum(u.officials for u in self.units)


def unit_figures(user: User | AnonymousUser, month: Month) -> list[UnitReadiness]:
    """The month's report figures per top-level unit in the user's scope, most open work first (two queries:
    figures, units)."""
    counts: dict[str, Any] = {show: Count("pk", filter=q) for show, q in SHOWS.items()}
    rows: list[dict[str, Any]] = [dict(r) for r in expected_officials(user, month).annotate(
        top=Substr("unit__path", 1, TOP_LENGTH)).order_by().values("top").annotate(officials=Count("pk"), **counts)]
    units = {u.path: u for u in OrgUnit.objects.filter(path__in=[r["top"] for r in rows])}
    # The units with the most still open first (then in tree order): the list starts where the work is.
    rows.sort(key=lambda r: (-(r["unreviewed"] + r["missing"]), r["top"]))
    return [UnitReadiness(unit=units[r["top"]], officials=r["officials"], unreviewed=r["unreviewed"],
                          missing=r["missing"], to_sign=r["to_sign"]) for r in rows if r["top"] in units]


def rollup_stale(month: Month) -> bool:
    """Whether the month's scores are missing or older than a ledger entry of the month (at most one query)."""
    period = month.period
    if period is None or period.last_rollup_at is None:
        return True
    if period.status != PeriodStatus.OPEN:
        return False  # closed: frozen with its final rollup
    return ScoreEntry.objects.filter(occurred_on__range=(month.start, month.end),
                                     created_at__gt=period.last_rollup_at).exists()


def readiness(user: User | AnonymousUser, month: Month) -> Readiness:
    """Everything the readiness page and the home page show for the month (three queries)."""
    return Readiness(month=month, units=unit_figures(user, month), rollup_stale=rollup_stale(month))


def unit_rows(user: User | AnonymousUser, month: Month, unit: OrgUnit, show: str) -> QuerySet[Official]:
    """The officials of a unit (and below) behind one figure of the readiness table, with their report's id and
    status, by unit and name."""
    return (expected_officials(user, month).filter(unit.subtree_q("unit__")).filter(SHOWS[show])
            .annotate(report_id=F("report__id"), report_status=F("report__status"))
            .order_by("unit__path", "name", "staff_number"))
