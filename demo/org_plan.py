"""Plan the demo county's structure so units stay a realistic size as the number of officials grows."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from demo.org_data import BUREAUS, LEADERSHIP_SHARE, PARKS, TARGET_LEAF_SIZE, TOWNS, TopSpec, _cn_number
from org.models import (
    OrgUnit,
    PostAssignment,
    UnitKind,
    User,
)


def apportion(total: int, weights: Sequence[float], minimums: Sequence[int] | None = None) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder), honouring minimums."""
    minimums = list(minimums) if minimums is not None else [0] * len(weights)
    counts = list(minimums)
    rest = total - sum(minimums)
    if rest <= 0 or not weights:
        return counts
    weight_sum = sum(weights) or 1.0
    shares = [rest * w / weight_sum for w in weights]
    floors = [int(s) for s in shares]
    left = rest - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (floors[i] - shares[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [c + f for c, f in zip(counts, floors, strict=True)]


# --------------------------------------------------------------------------------------------------
# Planning the structure
# --------------------------------------------------------------------------------------------------


@dataclass
class LeafPlan:
    code: str
    name: str
    kind: str
    category: str | None
    weight: float
    unit: OrgUnit | None = None


@dataclass
class TopPlan:
    spec: TopSpec
    leaves: list[LeafPlan] = field(default_factory=list)
    next_section: int = 0
    next_institution: int = 0
    extra_sections: int = 0
    unit: OrgUnit | None = None

    def leaf_code(self) -> str:
        return f"{self.spec.code}{len(self.leaves) + 1:02d}"


class Planner:
    """Choose which units exist for a given head count, growing breadth and depth together."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tops: list[TopPlan] = []

    def leaf_count(self) -> int:
        return sum(len(t.leaves) for t in self.tops)

    def _weight(self, name: str) -> float:
        # Offices and small bureaus' sections are smaller; spread the rest widely.
        base = self.rng.uniform(0.55, 1.9)
        return base * (0.7 if "办公室" in name else 1.0)

    def add_section(self, top: TopPlan) -> bool:
        spec = top.spec
        if top.next_section < len(spec.sections):
            section = spec.sections[top.next_section]
            top.next_section += 1
        elif spec.kind == UnitKind.BUREAU:
            top.extra_sections += 1
            section = f"业务{_cn_number(top.extra_sections)}科"
        else:
            top.extra_sections += 1
            section = f"第{_cn_number(top.extra_sections)}片区工作站"
        top.leaves.append(LeafPlan(top.leaf_code(), f"{spec.short}{section}", UnitKind.SECTION, None,
                                   self._weight(section)))
        return True

    def add_institution(self, top: TopPlan) -> bool:
        spec = top.spec
        if top.next_institution >= len(spec.institutions):
            return False
        name = spec.institutions[top.next_institution]
        top.next_institution += 1
        top.leaves.append(LeafPlan(top.leaf_code(), name, UnitKind.OTHER, "INST", self.rng.uniform(0.8, 1.8)))
        return True

    def add_top(self, spec: TopSpec) -> TopPlan:
        top = TopPlan(spec)
        self.tops.append(top)
        for _ in range(spec.min_sections):
            self.add_section(top)
        return top

    def plan(self, officials: int) -> list[TopPlan]:
        catalogue = [*BUREAUS, *TOWNS, *PARKS]
        for spec in catalogue:
            if spec.base:
                self.add_top(spec)
        target = max(1, round(officials * (1 - LEADERSHIP_SHARE) / TARGET_LEAF_SIZE))
        steps = self._growth([s for s in catalogue if not s.base])
        while self.leaf_count() < target:
            next(steps)()
        return self.tops

    def _growth(self, extra: list[TopSpec]) -> Iterator[Any]:
        """Yield growth steps: standard sections, new units, institutions, full sections, then more."""
        for top in list(self.tops):  # the base units get a standard set first
            for _ in range(top.spec.min_sections, min(4, len(top.spec.sections))):
                yield lambda top=top: self.add_section(top)
        bureaus = [s for s in extra if s.kind == UnitKind.BUREAU]
        others = [s for s in extra if s.kind != UnitKind.BUREAU]
        ordered: list[TopSpec] = []
        while bureaus or others:  # two departments, then a town or park
            ordered.extend(bureaus[:2])
            del bureaus[:2]
            if others:
                ordered.append(others.pop(0))
        for spec in ordered:
            def add(spec: TopSpec = spec) -> None:
                top = self.add_top(spec)
                for _ in range(spec.min_sections, min(3, len(spec.sections))):
                    self.add_section(top)
            yield add
        for top in list(self.tops):
            for _ in top.spec.institutions:
                yield lambda top=top: self.add_institution(top)
        while True:  # then deepen every unit in turn, past its catalogue if need be
            for top in list(self.tops):
                yield lambda top=top: self.add_section(top)


# --------------------------------------------------------------------------------------------------
# Planning the people
# --------------------------------------------------------------------------------------------------


@dataclass
class Slot:
    unit: OrgUnit
    top: TopPlan
    rank: str
    title: str
    principal: bool = False


@dataclass
class Person:
    slot: Slot
    name: str
    gender: str
    birth_date: date
    joined_on: date
    post_since: date
    staffing_type: str
    is_party_member: bool
    phone: str
    is_active: bool = True
    left_on: date | None = None
    user: User | None = None
    posts: list[PostAssignment] = field(default_factory=list)

