"""Last year's scorecards for the demo's annual appraisal, and the fast bulk writes of the annual builder.

The demo's facts (tasks, reports, training) are the current year's, so last year cannot be rolled up: its
scorecards are drawn here — totals of 62 to 97, split over the scheme's components with inputs like the rollup's,
ranked in the unit and among peers — and written as the rollup would have left them (final, not provisional).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db import connection
from django.db.models import CharField, Field, Model, TextField

from appraisal.models import DEFAULT_WEIGHTS, AppraisalPeriod, Scorecard, UnitScorecard
from org.models import OrgUnit

BATCH = 1000
CENTS = Decimal("0.01")
RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Person:
    """An active official as the builder needs them."""

    id: int
    name: str
    post: str
    rank_level: str
    joined_on: date | None
    user_id: int | None
    username: str
    top: OrgUnit  # the top-level unit (bureau, town, park)


# -- fast bulk writes -------------------------------------------------------------------------------------------
def _column(row: Model, name: str) -> Field[Any, Any]:
    return cast("Field[Any, Any]", row._meta.get_field(name))


def _adapter(field: Field[Any, Any]) -> Callable[[Any], Any]:
    """How a value goes to the database: text as it is, anything else as the field prepares it."""
    if isinstance(field, CharField | TextField):
        return lambda value: value
    return lambda value: field.get_db_prep_save(value, connection)


def update_rows(rows: Sequence[Model], fields: list[str]) -> None:
    """Write ``fields`` of many rows: one ``UPDATE … WHERE id = %s`` run for all of them (``executemany``).

    Django's ``bulk_update`` builds a ``CASE WHEN`` per row and field, which at 10,000 rows costs about a minute;
    this costs a fraction of a second on SQLite and PostgreSQL alike. No history rows, like ``bulk_update``.
    """
    if not rows:
        return
    meta = rows[0]._meta
    columns = [_column(rows[0], name) for name in fields]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET " + ", ".join(f"{quote(str(c.column))} = %s" for c in columns)
           + f" WHERE {quote(str(meta.pk.column if meta.pk else 'id'))} = %s")
    adapt = [(c.attname, _adapter(c)) for c in columns]
    params = [[prepare(getattr(row, attname)) for attname, prepare in adapt] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start:start + BATCH])


def insert_rows(rows: Sequence[Model]) -> None:
    """Insert many new rows with one ``INSERT`` run for all of them (``executemany``); no primary keys come back.

    A quarter of the time of ``bulk_create`` for rows with a JSON field, as last year's 10,000 scorecards are.
    """
    if not rows:
        return
    meta = rows[0]._meta
    columns = [cast("Field[Any, Any]", f) for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(c.column)) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    adapt = [(c, _adapter(c)) for c in columns]
    params = [[prepare(c.pre_save(row, True)) for c, prepare in adapt] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start:start + BATCH])


# -- last year's scorecards ----------------------------------------------------------------------------------------
def scorecards_write(*, period: AppraisalPeriod, people: Iterable[Person], rng: random.Random, computed: datetime,
                     with_excellent: int) -> int:
    """Write the period's scorecards and unit scorecards for ``people``; the unit ``with_excellent`` gets at least
    one score of 90 or more (a 优秀 candidate for its 公示). Return how many; nothing if the period has some."""
    if Scorecard.objects.filter(period=period).exists():
        return 0
    weights = sorted((str(code), Decimal(weight)) for code, weight in DEFAULT_WEIGHTS.items())
    cards: list[Scorecard] = []
    for person in people:
        # Most officials score 75–95; a few fall below 70 (基本称职).
        target = rng.uniform(62, 69.9) if rng.random() < 0.015 else rng.triangular(71, 97, 87)
        cards.append(_card(period, person, target, weights, rng, computed))
    chosen = [(i, c) for i, c in enumerate(cards) if c.unit_id == with_excellent]
    if chosen and max(c.total for _i, c in chosen) < 90:
        index, best = max(chosen, key=lambda pair: pair[1].total)
        person = next(p for p in people if p.id == best.official_id)
        cards[index] = _card(period, person, rng.uniform(91, 94), weights, rng, computed)
    rank(cards, lambda c: c.unit_id, "rank_in_unit")
    rank(cards, lambda c: (c.category_id, c.rank_level), "rank_in_category")
    insert_rows(cards)

    units: dict[int, list[Scorecard]] = defaultdict(list)
    for card in cards:
        units[card.unit_id].append(card)
    unit_cards = [UnitScorecard(period=period, unit_id=unit_id, category_id=members[0].category_id,
                                headcount=len(members), is_provisional=False, computed_at=computed,
                                average_total=(sum((c.total for c in members), Decimal(0)) / len(members))
                                .quantize(CENTS, rounding=ROUND_HALF_UP))
                  for unit_id, members in sorted(units.items())]
    rank(unit_cards, lambda u: u.category_id, "rank_in_category", total=lambda u: u.average_total)
    UnitScorecard.objects.bulk_create(unit_cards)
    return len(cards)


def _card(period: AppraisalPeriod, person: Person, target: float, weights: list[tuple[str, Decimal]],
          rng: random.Random, computed: datetime) -> Scorecard:
    """A scorecard near ``target`` whose components add up to its total, with inputs like the rollup's."""
    noise = [rng.uniform(-0.05, 0.05) for _code in weights]
    mean = sum(float(w) * e for (_code, w), e in zip(weights, noise, strict=True)) / float(
        sum(w for _code, w in weights))
    components: dict[str, Any] = {}
    total = Decimal(0)
    for (code, weight), error in zip(weights, noise, strict=True):
        ratio = Decimal(str(max(0.3, min(1.0, target / 100 + error - mean)))).quantize(RATIO)
        points = (weight * ratio).quantize(CENTS, rounding=ROUND_HALF_UP)
        total += points
        components[code] = {"ratio": float(ratio), "weight": float(weight), "effective_weight": float(weight),
                            "points": float(points), "inputs": _inputs(code, ratio, period.key, rng)}
    return Scorecard(period=period, official_id=person.id, name=person.name, unit_id=person.top.pk,
                     category_id=person.top.category_id, rank_level=person.rank_level, components=components,
                     component_total=total, total=total, is_provisional=False, computed_at=computed)


def _inputs(code: str, ratio: Decimal, year: str, rng: random.Random) -> dict[str, Any]:
    if code == "timeliness":
        on_time = round(12 * float(ratio))
        return {"reports_due": 12, "reports_on_time": on_time, "reports_late": 12 - on_time, "reports_missing": 0}
    if code == "training":
        hours = float(rng.randint(90, 180)) if ratio >= 1 else round(90 * float(ratio), 1)
        return {"hours": hours, "target": 90.0, "prorata_target": 90.0}
    if code == "evaluation":
        return {"rounds": [f"{year}-Q3"], "score": round(float(ratio) * 100, 1), "incomplete": False}
    return {"task_ratio": float(ratio), "quality_ratio": float(ratio)}


def rank(items: list[Any], group: Callable[[Any], Any], attribute: str,
         total: Callable[[Any], Decimal] = lambda item: item.total) -> None:
    """Set competition ranks ("1, 2, 2, 4") by total within each group, as the rollup sets them."""
    groups: dict[Any, list[Any]] = defaultdict(list)
    for item in items:
        groups[group(item)].append(item)
    for members in groups.values():
        members.sort(key=lambda m: -total(m))
        previous, position_rank = None, 0
        for position, item in enumerate(members, start=1):
            if total(item) != previous:
                position_rank, previous = position, total(item)
            setattr(item, attribute, position_rank)
