"""Scoring and ranking, in memory: an official's scorecard from the component values, the scheme and the ledger
sums, and competition ranks within groups. Shared by the rollup (``appraisal.services.rollup``) and the
recomputation of a few officials (``appraisal.services.rescore``), so both give the same figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol, TypeVar

from appraisal.components import ComponentValue
from appraisal.models import DEFAULT_WEIGHTS
from appraisal.selectors.rollup import RollupOfficial
from appraisal.selectors.schemes import scheme_key
from appraisal.services.bulk import row_fingerprint

CENTS = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")

K = TypeVar("K")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass
class Card:
    official: RollupOfficial
    components: dict[str, Any]
    component_total: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    rank_in_unit: int = 0
    rank_in_category: int = 0

    @property
    def pk(self) -> int:
        return self.official.pk

    def row(self, *, period_id: int, provisional: bool, ranks: Sequence[int | None] | None = None) -> dict[str, Any]:
        """The card as a ``Scorecard`` row (field name → value) with its fingerprint, without ``computed_at``;
        ``ranks`` (in the unit, in the category) replace the card's own."""
        rank_in_unit, rank_in_category = ranks if ranks is not None else (self.rank_in_unit, self.rank_in_category)
        row: dict[str, Any] = {
            "period": period_id, "official": self.official.pk, "name": self.official.name,
            "unit": self.official.unit_id,
            "category": self.official.category_id, "rank_level": self.official.rank_level,
            "components": self.components, "component_total": self.component_total, "bonus": self.bonus,
            "deduction": self.deduction, "ledger_total": self.bonus + self.deduction, "total": self.total,
            "rank_in_unit": rank_in_unit, "rank_in_category": rank_in_category, "is_provisional": provisional}
        row["fingerprint"] = row_fingerprint(row)
        return row


@dataclass
class UnitCard:
    pk: int  # the unit
    category_id: int | None
    headcount: int
    total: Decimal  # the average of its officials' totals
    rank_in_category: int = 0


class Schemes:
    """Resolve an official's scheme: (category, rank level) > (category, any) > (any, rank level) > default.

    Resolutions and the scale for each set of present components are cached: a county has a handful of
    schemes, so the 10,000 look-ups of a rollup cost a few dictionary reads each.
    """

    def __init__(self, weights: dict[str, dict[str, Decimal]]) -> None:
        self.weights = weights
        self.resolved: dict[tuple[int | None, str], tuple[tuple[str, Decimal], ...]] = {}
        self.scales: dict[tuple[tuple[str, Decimal], ...], dict[frozenset[str], dict[str, Decimal]]] = {}

    def scheme(self, category: int | None, rank: str) -> tuple[tuple[str, Decimal], ...]:
        found = self.resolved.get((category, rank))
        if found is None:
            weights = next(
                (self.weights[k] for k in (scheme_key(category, rank), scheme_key(category, ""),
                                           scheme_key(None, rank), scheme_key(None, "")) if k in self.weights),
                {str(code): Decimal(w) for code, w in DEFAULT_WEIGHTS.items()},
            )
            found = self.resolved[(category, rank)] = tuple(sorted(weights.items()))
        return found

    def effective(self, scheme: tuple[tuple[str, Decimal], ...], present: frozenset[str]) -> dict[str, Decimal]:
        """Return each present component's weight scaled so the present ones add up to the scheme's total."""
        by_present = self.scales.setdefault(scheme, {})
        found = by_present.get(present)
        if found is None:
            total = sum((w for _code, w in scheme), Decimal(0))
            present_weight = sum((w for code, w in scheme if code in present), Decimal(0))
            scale = total / present_weight if present_weight else Decimal(0)
            found = by_present[present] = {code: w * scale for code, w in scheme if code in present}
        return found


def score_card(official: RollupOfficial, schemes: Schemes, values: dict[str, dict[int, ComponentValue]],
               ledger: tuple[Decimal, Decimal]) -> Card:
    scheme = schemes.scheme(official.category_id, official.rank_level)
    given = {code: value for code, _w in scheme if (value := values.get(code, {}).get(official.pk)) is not None}
    found = {code: value for code, value in given.items() if value.counts}
    effective = schemes.effective(scheme, frozenset(found))
    components: dict[str, Any] = {}
    component_total = Decimal(0)
    for code, weight in scheme:
        value = found.get(code)
        if value is None:
            left_out = given.get(code)  # a value the provider left out says why in its inputs
            components[code] = {"ratio": None, "weight": float(weight), "effective_weight": 0.0, "points": None,
                                "inputs": left_out.inputs if left_out is not None else {}}
            continue
        ratio = value.ratio.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
        points = cents(effective[code] * ratio)
        component_total += points
        components[code] = {"ratio": float(ratio), "weight": float(weight),
                            "effective_weight": float(cents(effective[code])), "points": float(points),
                            "inputs": value.inputs}
    bonus, deduction = cents(ledger[0]), cents(ledger[1])
    return Card(official=official, components=components, component_total=component_total, bonus=bonus,
                deduction=deduction, total=component_total + bonus + deduction)


class Rankable(Protocol):
    @property
    def pk(self) -> int: ...

    total: Decimal


R = TypeVar("R", bound=Rankable)


def rank_competition(items: Iterable[R], group: Callable[[R], K], attribute: str) -> None:
    """Set competition ranks ("1, 2, 2, 4") by total, highest first, within each group."""
    groups: dict[K, list[R]] = defaultdict(list)
    for item in items:
        groups[group(item)].append(item)
    for members in groups.values():
        members.sort(key=lambda m: (-m.total, m.pk))
        previous: Decimal | None = None
        rank = 0
        for position, item in enumerate(members, start=1):
            if item.total != previous:
                rank, previous = position, item.total
            setattr(item, attribute, rank)

