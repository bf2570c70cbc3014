"""Annual grades (年度考核等次): propose from the year's scorecards (confirming them per unit and approving a larger
quota: ``appraisal.services.grades_confirm``; the rules and parameters: ``appraisal.selectors.grades``).

How a grade is proposed (``grades_propose``), for every official with a scorecard of the year:

1. the year score against the thresholds: ≥ 90 may be 优秀, ≥ 70 称职, ≥ 60 基本称职, else 不称职;
2. the 优秀 quota of each top-level unit is ``floor(share × appraised headcount)`` — the share is
   ``APPRAISAL_EXCELLENT_QUOTA`` (20 %) unless a ``QuotaApproval`` for the unit and year records a larger one;
   the appraised headcount leaves out the officials who are not appraised (不参加考核). 优秀 goes to the
   highest eligible scores within the quota; the eligible ones beyond it are proposed 称职.
   **Ties at the boundary**: officials with the same score are ordered by their number of confirmed 好 quarters
   (平时考核, ``appraisal.selectors.quarterly.good_quarters``), more first. When officials with the same score and
   the same number of 好 quarters still straddle the quota (two share the last place), none of the tied group is
   proposed 优秀 — the quota is never exceeded and nobody is preferred over an equal by an arbitrary order. They
   are flagged ``quota_tie`` so the organization department decides between them when it confirms (an override
   with a reason);
3. the constraints that other apps register (``appraisal.constraints``) cap the grade ("at most 称职") or
   replace it (不确定等次, 不参加考核); they are stored with their reasons. An official whose constraints
   forbid 优秀 takes no 优秀 place — among them the quarterly grades (``appraisal.constraints.quarterly``: a 较差
   quarter, 一般 in two quarters, or, where the unit chose it, no 好 quarter);
4. flags: 优秀 this year and the two previous years' final grades → ``commendation``; 不称职 this year and
   last year → ``dismissal_review`` (辞退, 公务员法 第88条); for 事业单位 (and 编外) staff, 不合格 two years running →
   ``contract_review`` (ending the contract, 事业单位人事管理条例 第16条).

Confirmed decisions are never touched by a new proposal. A confirmed grade of a closed or published year is
locked: the year must be re-opened (an audited action) before it changes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

import appraisal.constraints.builtin  # noqa: F401 - registers the default constraints (probation, leavers)
from appraisal.constraints import GradeConstraint, constraints_for
from appraisal.display.grade_labels import uses_qualified_grades
from appraisal.models import AppraisalPeriod, GradeDecision, PeriodKind, Scorecard
from appraisal.models import Grade as G
from appraisal.selectors.grades import (
    allows_excellent,
    apply_constraints,
    grade_for_score,
    grade_parameters,
    quota_size,
)
from appraisal.selectors.quarterly import good_quarters
from common.errors import ApplicationError
from org.models import Official, User
from org.selectors import access_for, subtree_q

FLAG_COMMENDATION = "commendation"
FLAG_DISMISSAL_REVIEW = "dismissal_review"
FLAG_CONTRACT_REVIEW = "contract_review"
FLAG_QUOTA_TIE = "quota_tie"
HISTORY_BATCH = 1000
# Checked by the database (foreign keys, the unique pair); the JSON lists may be empty, which the model's
# fields (not ``blank=True``) would otherwise refuse.
CLEAN_EXCLUDE = ["period", "official", "unit", "constraints", "flags"]


def flags_for(grade: str, last_year: str, year_before: str, category: str = "") -> list[str]:
    """Return the flags of a grade given the two previous years' final grades ("" when there is none) and the
    official's personnel category (staff on contracts are reviewed for ending the contract, not for 辞退)."""
    flags = []
    if grade == G.EXCELLENT and last_year == G.EXCELLENT and year_before == G.EXCELLENT:
        flags.append(FLAG_COMMENDATION)
    if grade == G.INCOMPETENT and last_year == G.INCOMPETENT:
        flags.append(FLAG_CONTRACT_REVIEW if uses_qualified_grades(category) else FLAG_DISMISSAL_REVIEW)
    return flags


# -- proposing ----------------------------------------------------------------------------------------
def _require_year(period: AppraisalPeriod) -> None:
    if period.kind != PeriodKind.YEAR:
        raise ApplicationError(_("Annual grades are given for a year period only."), code="not_a_year")


def _previous_finals(year: int, official_ids: list[int]) -> dict[tuple[int, int], str]:
    rows = GradeDecision.objects.filter(
        period__key__in=[str(year - 1), str(year - 2)], official_id__in=official_ids,
    ).exclude(final="").values_list("official_id", "period__key", "final")
    return {(official_id, int(key)): final for official_id, key, final in rows}


@dataclass(frozen=True)
class ProposeResult:
    created: int
    updated: int
    kept_confirmed: int


def grades_propose(*, period: AppraisalPeriod, by: User) -> ProposeResult:
    """Propose every official's grade of a year from its scorecards (organization department)."""
    _require_year(period)
    access = access_for(by)
    if not access.has_role("org"):
        raise ApplicationError(_("Only the organization department may propose annual grades."), code="forbidden")
    year = period.start.year
    with transaction.atomic():
        scorecards = Scorecard.objects.filter(period=period).select_related("unit")
        if not access.is_superuser:
            scorecards = scorecards.filter(subtree_q(access.paths(("org",)), "unit__"))
        cards = list(scorecards.only("id", "official_id", "unit_id", "total", "unit__path").order_by("unit_id"))
        if not cards:
            raise ApplicationError(
                _("There are no scorecards for %(year)s yet: run the year's rollup first.") % {"year": year},
                code="no_scorecards",
            )
        ids = [c.official_id for c in cards]
        found = constraints_for(year, ids)
        previous = _previous_finals(year, ids)
        categories = dict(Official.objects.filter(pk__in=ids).values_list("id", "personnel_category"))
        parameters = grade_parameters(period)
        existing = {g.official_id: g for g in GradeDecision.objects.filter(period=period, official_id__in=ids)}
        goods = good_quarters(year, ids)
        thresholds = parameters.thresholds
        by_unit: dict[int, list[Scorecard]] = defaultdict(list)
        for card in cards:
            by_unit[card.unit_id].append(card)

        created: list[GradeDecision] = []
        updated: list[GradeDecision] = []
        kept = 0
        for unit_id, unit_cards in by_unit.items():
            proposals = _propose_unit(unit_cards, found, thresholds, parameters.share(unit_id), goods)
            for card in unit_cards:
                grade, tie = proposals[card.official_id]
                constraints = found.get(card.official_id, [])
                flags = flags_for(grade, previous.get((card.official_id, year - 1), ""),
                                  previous.get((card.official_id, year - 2), ""), categories.get(card.official_id, ""))
                if tie:
                    flags.append(FLAG_QUOTA_TIE)
                values = {
                    "unit_id": unit_id, "score": card.total, "proposed": grade, "flags": flags,
                    "constraints": [{"max_grade": c.max_grade, "reason": c.reason, "source": c.source,
                                     "until": c.until.isoformat() if c.until else None} for c in constraints],
                }
                decision = existing.get(card.official_id)
                if decision is not None and decision.confirmed_at is not None:
                    kept += 1
                    continue
                if decision is None:
                    decision = GradeDecision(period=period, official_id=card.official_id, **values)
                    created.append(decision)
                else:
                    for field, value in values.items():
                        setattr(decision, field, value)
                    updated.append(decision)
                decision.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
        bulk_create_with_history(created, GradeDecision, batch_size=HISTORY_BATCH, default_user=by)
        if updated:
            bulk_update_with_history(updated, GradeDecision,
                                     ["unit_id", "score", "proposed", "flags", "constraints"],
                                     batch_size=HISTORY_BATCH, default_user=by)
    return ProposeResult(created=len(created), updated=len(updated), kept_confirmed=kept)


def _propose_unit(
    cards: list[Scorecard], found: dict[int, list[GradeConstraint]], thresholds: dict[str, Decimal], share: Decimal,
    goods: dict[int, int] | None = None,
) -> dict[int, tuple[str, bool]]:
    """Return ``{official_id: (grade, tied_at_the_quota_boundary)}`` for one unit's scorecards; ``goods`` holds the
    officials' 好 quarters, which order equal scores."""
    goods = goods or {}
    base = {c.official_id: grade_for_score(c.total, thresholds) for c in cards}
    final_base = {oid: apply_constraints(G.COMPETENT, found.get(oid, [])) for oid in base}
    headcount = sum(1 for oid in base if final_base[oid] != G.NOT_APPRAISED)
    quota = quota_size(share, headcount)

    def rank(card: Scorecard) -> tuple[Decimal, int]:
        return card.total, goods.get(card.official_id, 0)

    candidates = sorted(
        (c for c in cards if base[c.official_id] == G.EXCELLENT and allows_excellent(found.get(c.official_id, []))),
        key=lambda c: (-c.total, -goods.get(c.official_id, 0)),
    )
    excellent: set[int] = set()
    tied: set[int] = set()
    if candidates and quota > 0:
        if len(candidates) <= quota:
            excellent = {c.official_id for c in candidates}
        else:
            boundary = rank(candidates[quota - 1])
            above = [c for c in candidates if rank(c) > boundary]
            at = [c for c in candidates if rank(c) == boundary]
            excellent = {c.official_id for c in above}
            if len(above) + len(at) <= quota:
                excellent |= {c.official_id for c in at}
            else:
                tied = {c.official_id for c in at}
    result: dict[int, tuple[str, bool]] = {}
    for card in cards:
        oid = card.official_id
        grade = base[oid]
        if grade == G.EXCELLENT and oid not in excellent:
            grade = G.COMPETENT
        result[oid] = (apply_constraints(grade, found.get(oid, [])), oid in tied)
    return result
