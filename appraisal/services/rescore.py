"""Scores that follow the facts: recompute a few officials' scorecards in an open period, at once.

When a fact of an official changes (an attendance record, a report, a task, a letter, a decision —
``appraisal.services.consequences``), the full rollup of the county is not needed to show it: this computes
the scorecards of those officials exactly as the rollup would (the same providers, narrowed to them, the same
schemes, ledger and caps), stores them, and brings the ranks of everyone they are ranked with and the
scorecards of their units up to date. Running the full rollup afterwards changes nothing.

Its cost does not depend on the size of the county but on the groups the officials are ranked in: one read
of the scorecards of their top-level units and of their (category, rank level) groups, one of their units'
scorecards in the same categories, and a bulk write of what changed. A period that was never rolled up, or
is no longer open, is left alone: there is no scorecard to follow, or it is frozen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from appraisal.components import PeriodWindow, registered_providers
from appraisal.models import AppraisalPeriod, PeriodStatus, Scorecard, UnitScorecard
from appraisal.scoring.parameters import parameters_for
from appraisal.selectors.rollup import ledger_sums, rollup_officials, scheme_weights
from appraisal.services.bulk import BATCH, upsert_changed
from appraisal.services.consequences import facts_counted
from appraisal.services.rollup_scores import Schemes, cents, rank_competition, score_card


@dataclass
class _Ranked:
    """A stored scorecard, as much of it as ranking needs."""

    pk: int  # the official, the tie-breaker of the rollup's ranks
    card_id: int
    unit_id: int
    category_id: int | None
    rank_level: str
    total: Decimal
    rank_in_unit: int | None
    rank_in_category: int | None


@dataclass
class _UnitRanked:
    pk: int  # the unit
    category_id: int | None
    headcount: int
    total: Decimal
    rank_in_category: int = 0


def scorecards_refresh(*, period: AppraisalPeriod, official_ids: Collection[int],
                       changed_at: datetime | None = None) -> int:
    """Recompute the scorecards of ``official_ids`` in ``period`` (open and rolled up), re-rank their groups and
    update their units' scorecards; return how many scorecards were recomputed.

    ``changed_at``: when the facts changed; the period's stale mark is cleared if no fact changed since.
    """
    only = frozenset(official_ids)
    period.refresh_from_db()
    if not only or period.status != PeriodStatus.OPEN or period.last_rollup_at is None:
        return 0
    window = PeriodWindow(key=period.key, kind=period.kind, start=period.start, end=period.end,
                          parameters=parameters_for(period), officials=only)
    values = {code: provider(window) for code, provider in sorted(registered_providers().items())}
    officials = rollup_officials(period, only)
    schemes = Schemes(scheme_weights(period))
    computed_at = timezone.now()
    ledger = ledger_sums(period, only)
    nothing = (Decimal(0), Decimal(0))
    cards = [score_card(o, schemes, values, ledger.get(o.pk, nothing)) for o in officials]

    with transaction.atomic():
        # The rollup holds this lock while it saves; a close holds it while its final rollup runs.
        current = AppraisalPeriod.objects.select_for_update().get(pk=period.pk)
        if current.status != PeriodStatus.OPEN:
            return 0
        before = {official_id: (unit_id, category_id, rank_level, ranks) for official_id, unit_id, category_id,
                  rank_level, *ranks in Scorecard.objects.filter(period=period, official_id__in=sorted(only))
                  .values_list("official_id", "unit_id", "category_id", "rank_level", "rank_in_unit",
                               "rank_in_category")}
        # The ranks stay as stored until ``_rerank``: a card whose numbers did not change is not written.
        ranks = {pk: row[3] for pk, row in before.items()}
        upsert_changed(model=Scorecard, unique=["period", "official"], rows=[
            {**c.row(period_id=period.pk, provisional=True, ranks=ranks.get(c.official.pk, (0, 0))),
             "computed_at": computed_at} for c in cards
        ], stamp="computed_at")
        gone = only - {c.official.pk for c in cards}  # left the service: no scorecard, as in the rollup
        if gone:
            Scorecard.objects.filter(period=period, official_id__in=sorted(gone)).delete()
        groups: list[tuple[int, int | None, str]] = [(unit, category, level)
                                                     for unit, category, level, _ranks in before.values()]
        groups += [(c.official.unit_id, c.official.category_id, c.official.rank_level) for c in cards]
        units = _rerank(period, groups, computed_at)
        _units_follow(period, units, computed_at)
        if changed_at is not None:
            facts_counted(period=period, since=changed_at)
    return len(cards)


def _rerank(period: AppraisalPeriod, groups: list[tuple[int, int | None, str]], at: datetime) -> set[int]:
    """Re-rank every scorecard ranked with the given (unit, category, rank level) groups; return their units."""
    units = {unit for unit, _category, _rank_level in groups}
    in_category = Q()
    for category, rank_level in {(category, rank_level) for _unit, category, rank_level in groups}:
        in_category |= Q(category_id=category, rank_level=rank_level) if category is not None else Q(
            category__isnull=True, rank_level=rank_level)
    rows = [_Ranked(*row) for row in Scorecard.objects.filter(period=period).filter(
        Q(unit_id__in=sorted(units)) | in_category).values_list(
        "official_id", "pk", "unit_id", "category_id", "rank_level", "total", "rank_in_unit", "rank_in_category")]
    old = {r.card_id: (r.rank_in_unit, r.rank_in_category) for r in rows}
    # A row read only for its category group keeps its unit rank, and the other way round: rank each group
    # over the rows that hold all of it.
    whole_units = [r for r in rows if r.unit_id in units]
    keys = {(category, rank_level) for _unit, category, rank_level in groups}
    whole_categories = [r for r in rows if (r.category_id, r.rank_level) in keys]
    rank_competition(whole_units, lambda r: r.unit_id, "rank_in_unit")
    rank_competition(whole_categories, lambda r: (r.category_id, r.rank_level), "rank_in_category")
    # A re-ranked card's fingerprint no longer describes it: cleared, so the next rollup writes the card again.
    changed = [Scorecard(pk=r.card_id, rank_in_unit=r.rank_in_unit, rank_in_category=r.rank_in_category,
                         computed_at=at, fingerprint=None)
               for r in rows if old[r.card_id] != (r.rank_in_unit, r.rank_in_category)]
    if changed:
        Scorecard.objects.bulk_update(changed, ["rank_in_unit", "rank_in_category", "computed_at", "fingerprint"],
                                      batch_size=BATCH)
    return units


def _units_follow(period: AppraisalPeriod, units: set[int], at: datetime) -> None:
    """Recompute the unit scorecards of ``units`` and the ranks among the units of their categories."""
    members: dict[int, list[tuple[int | None, Decimal]]] = defaultdict(list)
    for unit_id, category_id, total in Scorecard.objects.filter(
            period=period, unit_id__in=sorted(units)).values_list("unit_id", "category_id", "total"):
        members[unit_id].append((category_id, total))
    categories = {cards[0][0] for cards in members.values()}
    stored = UnitScorecard.objects.filter(period=period).filter(
        Q(unit_id__in=sorted(units)) | Q(category_id__in=sorted(c for c in categories if c is not None))
        | (Q(category__isnull=True) if None in categories else Q(pk__in=[])))
    ranked: dict[int, _UnitRanked] = {
        unit_id: _UnitRanked(pk=unit_id, category_id=category_id, headcount=headcount, total=total)
        for unit_id, category_id, headcount, total in stored.values_list(
            "unit_id", "category_id", "headcount", "average_total")}
    for unit_id in units:
        cards = members.get(unit_id)
        if not cards:
            ranked.pop(unit_id, None)
            continue
        ranked[unit_id] = _UnitRanked(pk=unit_id, category_id=cards[0][0], headcount=len(cards),
                                      total=cents(sum((t for _c, t in cards), Decimal(0)) / len(cards)))
    rank_competition(ranked.values(), lambda u: u.category_id, "rank_in_category")
    rows: list[dict[str, Any]] = [
        {"period": period.pk, "unit": u.pk, "category": u.category_id, "headcount": u.headcount,
         "average_total": u.total, "rank_in_category": u.rank_in_category, "is_provisional": True,
         "computed_at": at}
        for u in sorted(ranked.values(), key=lambda u: u.pk)
    ]
    upsert_changed(model=UnitScorecard, unique=["period", "unit"], rows=rows, stamp="computed_at")
    empty = sorted(units - set(members))
    if empty:
        UnitScorecard.objects.filter(period=period, unit_id__in=empty).delete()
