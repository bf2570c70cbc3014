"""Where officials worked during a span of time, from their posts (``PostAssignment``): the unit a period's
scores belong to, and the unit that grades an official who changed units during the year (考核规定 2020 第26条).

A post covers the days from its ``start_date`` up to, not including, its ``end_date`` — the day the next post
starts, as ``official_assign_post`` and the roster import record a move — and to the end of the span when it is
still open. The open post's unit is read from ``Official.unit``, which is the official's present unit by
definition (they agree whenever posts are recorded through the services).

Only officials who spent days of the span in a unit other than their present one are returned — moved during
the span, or since (a past year read today) — everyone else (no posts, one unit all along) belongs to
``Official.unit``. Each read costs one query, however many officials.

- ``placements(start, end)``: each official's unit for a period — the one where they worked the most days of it
  (for a month, the unit they were in at the time); a tie goes to the later unit.
- ``grading_placements(year, graded_by=...)``: the unit that grades each official for the year. With
  ``"rules"`` (第26条): after 调任/转任 (an appointment, rotation or exchange) the new unit — the unit at the end of
  the year — and when the year involved a secondment (援派/挂职) the unit where they worked the most days. With
  ``"longest"``: the unit where they worked the most days, whatever the kind of move.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Q, QuerySet

from org.models import PostAssignment, PostKind

SECONDMENT_KINDS = frozenset({PostKind.SECONDMENT.value})
GRADED_BY_RULES = "rules"
GRADED_BY_LONGEST = "longest"
GRADED_BY_CHOICES = (GRADED_BY_RULES, GRADED_BY_LONGEST)


@dataclass(frozen=True)
class Spell:
    """A stretch of the span in one unit (consecutive posts in the same unit are one spell)."""

    unit_id: int
    unit_name: str
    unit_path: str
    kind: str  # the kind of the post that began the spell (a PostKind value)
    start: date  # first day in the span
    end: date  # last day in the span (included)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def kind_label(self) -> str:
        return str(PostKind(self.kind).label) if self.kind in PostKind.values else self.kind


@dataclass(frozen=True)
class Placement:
    """The unit a span belongs to for one official who spent days of it in a unit other than their present one."""

    official_id: int
    unit_id: int
    unit_name: str
    unit_path: str
    spells: tuple[Spell, ...]
    by_longest: bool  # chosen as the unit of the most days (else: the unit at the end of the span)

    def days_in(self, unit_id: int) -> int:
        return sum(s.days for s in self.spells if s.unit_id == unit_id)

    @property
    def days(self) -> int:
        """Days of the span in the placement's unit."""
        return self.days_in(self.unit_id)

    @property
    def arrival(self) -> Spell | None:
        """The spell in which the official came to the placement's unit during the span (None: there from the
        start)."""
        for index, spell in enumerate(self.spells):
            if spell.unit_id == self.unit_id:
                return spell if index > 0 else None
        return None

    @property
    def came_from(self) -> Spell | None:
        """The spell just before the arrival: where the official came from."""
        arrival = self.arrival
        return self.spells[self.spells.index(arrival) - 1] if arrival is not None else None

    @property
    def went_to(self) -> Spell | None:
        """Where the official went after their last spell in the placement's unit (None: still there at the end)."""
        last = max(i for i, s in enumerate(self.spells) if s.unit_id == self.unit_id)
        return self.spells[last + 1] if last + 1 < len(self.spells) else None


_Row = tuple[int, int, str, str, str, date, date | None, int]  # official, unit, name, path, kind, start, end, present


def _moved_rows(start: date, end: date, official_ids: Collection[int] | QuerySet | None) -> list[_Row]:
    """The posts overlapping the span of officials with days of it in another unit than their present one."""
    overlapping = Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gt=start))
    moved = (PostAssignment.objects.filter(overlapping, end_date__isnull=False)
             .exclude(unit_id=F("official__unit_id")).values("official_id"))
    posts = PostAssignment.objects.filter(overlapping, official_id__in=moved)
    if official_ids is not None:
        posts = posts.filter(official_id__in=official_ids if isinstance(official_ids, QuerySet)
                             else list(official_ids))
    rows: list[_Row] = []
    for (official_id, unit_id, unit_name, unit_path, present_id, present_name, present_path, kind, first,
         last) in posts.order_by("official_id", "start_date", "id").values_list(
            "official_id", "unit_id", "unit__name", "unit__path", "official__unit_id", "official__unit__name",
            "official__unit__path", "kind", "start_date", "end_date"):
        if last is None:  # the open post: the official's present unit
            unit_id, unit_name, unit_path = present_id, present_name, present_path
        rows.append((official_id, unit_id, unit_name, unit_path, kind, first, last, present_id))
    return rows


def _spells(rows: list[_Row], start: date, end: date) -> tuple[Spell, ...]:
    spells: list[Spell] = []
    for _official, unit_id, name, path, kind, first, last, _present in rows:
        first_day = max(first, start)
        last_day = min(last - timedelta(days=1), end) if last is not None else end
        if last_day < first_day:
            continue
        if spells and spells[-1].unit_id == unit_id and spells[-1].end >= first_day - timedelta(days=1):
            spells[-1] = Spell(unit_id, name, path, spells[-1].kind, spells[-1].start, max(last_day, spells[-1].end))
        else:
            spells.append(Spell(unit_id, name, path, kind, first_day, last_day))
    return tuple(spells)


def _place(official_id: int, spells: tuple[Spell, ...], longest: bool) -> Placement:
    if longest:
        days: dict[int, int] = defaultdict(int)
        latest: dict[int, int] = {}
        for index, spell in enumerate(spells):
            days[spell.unit_id] += spell.days
            latest[spell.unit_id] = index
        unit_id = max(days, key=lambda u: (days[u], latest[u]))  # a tie goes to the later unit
        chosen = spells[latest[unit_id]]
    else:
        chosen = spells[-1]
    return Placement(official_id=official_id, unit_id=chosen.unit_id, unit_name=chosen.unit_name,
                     unit_path=chosen.unit_path, spells=spells, by_longest=longest)


def _placements(start: date, end: date, official_ids: Collection[int] | QuerySet | None,
                longest: bool | None) -> dict[int, Placement]:
    by_official: dict[int, list[_Row]] = defaultdict(list)
    for row in _moved_rows(start, end, official_ids):
        by_official[row[0]].append(row)
    result: dict[int, Placement] = {}
    for official_id, rows in by_official.items():
        spells = _spells(rows, start, end)
        if {s.unit_id for s in spells} <= {rows[0][7]}:  # every day of the span in the present unit
            continue
        by_longest = longest if longest is not None else any(s.kind in SECONDMENT_KINDS for s in spells)
        result[official_id] = _place(official_id, spells, by_longest)
    return result


def placements(start: date, end: date, *, official_ids: Collection[int] | QuerySet | None = None,
               ) -> dict[int, Placement]:
    """Return, for officials who were in more than one unit between ``start`` and ``end`` (both included), the
    unit where they worked the most days of the span (a tie: the later unit)."""
    return _placements(start, end, official_ids, longest=True)


def grading_placements(year: int, *, graded_by: str = GRADED_BY_RULES,
                       official_ids: Collection[int] | QuerySet | None = None) -> dict[int, Placement]:
    """Return, for officials who changed units during ``year``, the unit that grades them (see the module)."""
    if graded_by not in GRADED_BY_CHOICES:
        raise ValueError(f"graded_by must be one of {GRADED_BY_CHOICES}, not {graded_by!r}")
    longest = True if graded_by == GRADED_BY_LONGEST else None
    return _placements(date(year, 1, 1), date(year, 12, 31), official_ids, longest=longest)
