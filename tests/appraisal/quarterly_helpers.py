"""Helpers of the quarterly grades' tests: a quarter's scorecards, the proposal, the head's write-up."""

from __future__ import annotations

from decimal import Decimal

from appraisal.models import AppraisalPeriod, QuarterlyGrade
from appraisal.services.quarterly import quarterly_grade_confirm
from appraisal.services.quarterly_propose import quarterly_grades_propose
from org.models import Official, OrgUnit, User
from tests.appraisal.factories import ScorecardFactory, staff_in
from tests.factories import UserFactory, period

QUARTER = "2026-Q3"


def quarter(key: str = QUARTER) -> AppraisalPeriod:
    return period(key)


def scored(unit: OrgUnit, top: OrgUnit, totals: list[float | str], key: str = QUARTER, **official: object,
           ) -> list[Official]:
    """One official in ``unit`` per total, each with a scorecard of the quarter ranked in ``top``."""
    return staff_in(unit, top, totals, key=key, **official)


def score(official: Official, top: OrgUnit, total: float | str, key: str = QUARTER) -> None:
    ScorecardFactory(official=official, unit=top, period=period(key), total=Decimal(str(total)))


def propose(county, key: str = QUARTER):
    return quarterly_grades_propose(period=period(key), by=county.orgadmin)


def grade_of(official: Official, key: str = QUARTER) -> QuarterlyGrade:
    return QuarterlyGrade.objects.get(official=official, period__key=key)


def proposed(people: list[Official], key: str = QUARTER) -> list[str]:
    grades = {g.official_id: g.proposed for g in QuarterlyGrade.objects.filter(official__in=people, period__key=key)}
    return [grades.get(p.pk, "") for p in people]


def confirm(official: Official, by: User, comment: str = "按时完成本季度各项任务。", value: str | None = None,
            key: str = QUARTER) -> QuarterlyGrade:
    return quarterly_grade_confirm(grade=grade_of(official, key), by=by, value=value, comment=comment)


def login_of(official: Official) -> User:
    """The official's login (one is made when they have none)."""
    if official.user is None:
        official.user = UserFactory(username=f"q{official.pk}")
        official.save(update_fields=["user"])
    return official.user
