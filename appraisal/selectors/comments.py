"""Reads of the 评语 pages of a unit's year: the officials a head comments on (with the rule for each and where they
moved during the year), the next one still waiting for a 评语, and what the head reads beside the summary — the
year's ledger, the quarters' scores and grades, the check-ups. Scoped through ``comment_rows_for``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from appraisal.models import (
    AnnualProcedure,
    AnnualSummary,
    CheckupResult,
    GradeDecision,
    PeriodKind,
    QuarterlyGrade,
    QuarterlyStatus,
    Scorecard,
    ScoreEntry,
)
from appraisal.selectors.annual import comment_rows_for, comment_rule, needs_comment_q, procedure_transfers
from appraisal.selectors.quarterly import with_good_quarters
from org.models import User
from org.selectors import access_for

LEDGER_ROWS = 200  # the year's ledger beside the summary: the first rows are enough to write a 评语


def comment_rows(user: User | AnonymousUser, procedure: AnnualProcedure, *,
                 missing: bool = False) -> QuerySet[GradeDecision]:
    """Return the unit's grades whose 评语 the user reads or writes, with the good quarters; ``missing``: only those
    whose required 评语 is not written yet."""
    rows = with_good_quarters(comment_rows_for(user, procedure))
    return rows.filter(needs_comment_q(), comment="") if missing else rows


def attach_comment_rules(rows: Iterable[GradeDecision], procedure: AnnualProcedure) -> None:
    """Give each row of a page its ``rule`` (what the head must write) and ``move`` (the unit that grades an
    official who changed units during the year, 第26条) for the template (one query)."""
    moves = procedure_transfers(procedure)
    for row in rows:
        row.rule = comment_rule(row)
        row.move = moves.get(row.official_id)


def next_comment_row(user: User, procedure: AnnualProcedure, *, after: GradeDecision) -> GradeDecision | None:
    """Return another official whose required 评语 is missing (never the user themself), or None."""
    return (comment_rows_for(user, procedure).filter(needs_comment_q(), comment="").exclude(pk=after.pk)
            .exclude(official_id=access_for(user).official_id or 0).first())


def grade_summary(procedure: AnnualProcedure, grade: GradeDecision) -> AnnualSummary | None:
    """Return the official's 个人总结 of the procedure, if any."""
    return AnnualSummary.objects.filter(procedure=procedure, official_id=grade.official_id).first()


def year_facts(grade: GradeDecision) -> dict[str, Any]:
    """Return what the head reads beside the summary: the year's ledger, the quarters' scores (each with its
    confirmed quarterly grade as ``quarterly_grade``) and check-ups (four queries)."""
    year = grade.period.start.year
    ledger = list(ScoreEntry.objects.filter(official_id=grade.official_id, occurred_on__year=year)
                  .select_related("rule").order_by("occurred_on", "id")[:LEDGER_ROWS])
    quarters = list(Scorecard.objects.filter(official_id=grade.official_id, period__kind=PeriodKind.QUARTER,
                                             period__start__year=year).select_related("period")
                    .order_by("period__start"))
    checkups = list(CheckupResult.objects.filter(official_id=grade.official_id, round__period__start__year=year)
                    .select_related("round__period").order_by("round__period__start"))
    quarterly = dict(QuarterlyGrade.objects.filter(official_id=grade.official_id, period__start__year=year,
                                                   status=QuarterlyStatus.CONFIRMED).values_list("period_id", "grade"))
    for card in quarters:
        card.quarterly_grade = quarterly.get(card.period_id, "")
    return {"ledger": ledger, "quarters": quarters, "checkups": checkups}
