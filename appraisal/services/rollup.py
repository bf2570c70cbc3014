"""The rollup: scorecards for every active official and every top-level unit of a period.

For one period, in a fixed number of queries however many officials there are:

1. the derived ledger entries and criticism flags of the period are regenerated while it is open
   (``appraisal.services.consequences.rederive``: letters, decisions and the training feed), and the period's
   stale mark is cleared if no fact changed since the run began;
2. every registered component provider computes its ratios for the period (a few aggregate queries each);
3. the officials, their top-level units, the schemes and the ledger sums per official and rule are read;
4. each official's score is computed in memory:

   - the scheme is the most specific of (category, rank level) > (category, any) > (any, rank level) >
     default, from the live tables while the period is open, from its frozen snapshot once closed;
   - component total = Σ weight × ratio over the components that have a value, scaled up to the scheme's
     total weight (a component without facts does not lower the score);
   - ledger: per rule, the sum of the official's entries dated in the period, clamped to the rule's cap
     (|sum| ≤ cap); bonus = the positive sums, deduction = the negative ones (≤ 0);
   - total = component total + bonus + deduction;
   - ranks use competition ranking ("1, 2, 2, 4": tied totals share a rank, the next rank skips): in the
     official's top-level unit, and among officials of the same unit category and rank level (同类同比);
5. scorecards are upserted in bulk (``ON CONFLICT (period, official) DO UPDATE``) and the scorecards of
   officials no longer active deleted; unit scorecards likewise (headcount, average total, rank among the
   units of the same category).

The top-level unit of an official is the depth-2 ancestor of their unit (a bureau, town or park under the
county), or the depth-1 unit itself for an official placed directly on the root. Their unit for the period
comes from their posts (``appraisal.selectors.transfers.period_unit_paths``, one query): for a week, month or
quarter the unit where they worked the most days of it — a month's scores stay with the unit they were in at the
time — and for the year the unit that grades them (考核规定 2020 第26条); an official who stayed in one unit, or
has no posts, is in ``Official.unit``. Re-running gives the same totals and ranks; only ``computed_at`` moves (one
timestamp per run).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import appraisal.components.builtin  # noqa: F401  # registers the built-in providers
from appraisal.components import ComponentValue, PeriodWindow, registered_providers
from appraisal.models import (
    DEFAULT_WEIGHTS,
    AppraisalPeriod,
    PeriodStatus,
    RollupRun,
    Scheme,
    SchemeComponent,
    Scorecard,
    ScoreEntry,
    ScoreRule,
    UnitScorecard,
)
from appraisal.scoring.parameters import parameters_for
from appraisal.selectors.transfers import period_unit_paths
from appraisal.services.consequences import facts_counted, rederive
from appraisal.services.periods import scheme_key, snapshot_caps, snapshot_weights
from common.errors import ApplicationError
from org.models import Official, OrgUnit, User
from org.selectors import access_for

logger = logging.getLogger(__name__)

BATCH = 1000  # rows per INSERT: PostgreSQL allows 65,535 parameters a statement
CENTS = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")
TOP_DEPTH = 2  # county = 1, bureaus / towns / parks = 2
STALE_RUN_MINUTES = 30  # a queued or running run older than this no longer blocks a new one

K = TypeVar("K")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


# -- starting a run ------------------------------------------------------------------------------------


@transaction.atomic
def rollup_start(*, period: AppraisalPeriod, by: User, final: bool = False) -> RollupRun:
    """Queue a rollup of ``period`` (organization department only); the job starts when this commits.

    A published period is frozen and refused; so is a second run while one of the period's runs is queued
    or running.
    """
    from appraisal.jobs import rollup_job  # the job module imports this one

    if not access_for(by).has_role("org"):
        raise ApplicationError(_("Only the organization department may run rollups."), code="forbidden")
    current = AppraisalPeriod.objects.select_for_update().get(pk=period.pk)
    _check_rollable(current, final)
    recent = timezone.now() - timedelta(minutes=STALE_RUN_MINUTES)
    if current.rollups.filter(status__in=(RollupRun.Status.QUEUED, RollupRun.Status.RUNNING),
                              created_at__gte=recent).exists():
        raise ApplicationError(_("A rollup of this period is already running; wait for it to finish."),
                               code="conflict")
    run = RollupRun.objects.create(period=current, final=final or current.is_frozen, started_by=by)
    transaction.on_commit(lambda: rollup_job.delay(run.pk))
    return run


def _check_rollable(period: AppraisalPeriod, final: bool) -> None:
    if period.status == PeriodStatus.PUBLISHED:
        raise ApplicationError(_("A published period is frozen; re-open it to recalculate its scores."),
                               code="frozen")
    if final and period.status == PeriodStatus.OPEN:
        raise ApplicationError(_("Only a closed period has final scores; close the period to compute them."),
                               code="invalid_transition")


# -- the rollup ----------------------------------------------------------------------------------------


@dataclass
class _Official:
    pk: int
    rank_level: str
    unit_id: int  # top-level unit
    category_id: int | None


@dataclass
class _Card:
    official: _Official
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


@dataclass
class _UnitCard:
    pk: int  # the unit
    category_id: int | None
    headcount: int
    total: Decimal  # the average of its officials' totals
    rank_in_category: int = 0


def rollup_period(
    *, period: AppraisalPeriod, final: bool = False, run: RollupRun | None = None, derive: bool | None = None,
) -> RollupRun:
    """Compute and store the scorecards of ``period`` for every active official and top-level unit.

    A closed period's rollup is always final (its scorecards are not provisional) and uses the scheme and the
    score parameters frozen when it was closed. Its ledger is frozen with it too: the derived entries are
    regenerated while the period is open (``derive`` None) and by the close itself (``derive=True``), never
    by a later recalculation, which therefore gives the same scores. A published period is refused (code
    ``frozen``); so is ``final`` for an open one.
    """
    period.refresh_from_db()
    _check_rollable(period, final)
    if derive is None:
        derive = not period.is_frozen
    final = final or period.is_frozen
    if run is None:
        run = RollupRun.objects.create(period=period, final=final)
    step = _stepper(run)
    started = timezone.now()  # facts changed before this are in the scores of this run
    try:
        step(5, gettext_lazy("Deriving ledger entries"), status=RollupRun.Status.RUNNING)
        if derive:
            # Every derivation, the training feed's included: the button counts the facts as they are now.
            rederive(start=period.start, end=period.end)

        step(30, gettext_lazy("Computing components"))
        window = PeriodWindow(key=period.key, kind=period.kind, start=period.start, end=period.end,
                              parameters=parameters_for(period))
        values = {code: provider(window) for code, provider in sorted(registered_providers().items())}

        step(55, gettext_lazy("Computing scores and ranks"))
        officials = _officials(period)
        schemes = _Schemes(_weights(period))
        # The scorecards count the ledger as read now: entries derived above are in, and the "why is my
        # score" page flags as "not in the total yet" only rows recorded after this moment.
        counted_at = timezone.now()
        ledger = _ledger(period)
        nothing = (Decimal(0), Decimal(0))
        cards = [_card(o, schemes, values, ledger.get(o.pk, nothing)) for o in officials]
        _rank(cards, lambda c: c.official.unit_id, "rank_in_unit")
        _rank(cards, lambda c: (c.official.category_id, c.official.rank_level), "rank_in_category")

        step(75, gettext_lazy("Saving scorecards"))
        with transaction.atomic():
            # Lock the period so a provisional run finishing after the period was closed cannot overwrite
            # the final scores; the close holds this lock while its final rollup runs.
            current = AppraisalPeriod.objects.select_for_update().get(pk=period.pk)
            if not final and current.status != PeriodStatus.OPEN:
                raise ApplicationError(_("The period was closed while this rollup ran; its final scores stand."),
                                       code="conflict")
            _save(period, cards, computed_at=counted_at, final=final)
            AppraisalPeriod.objects.filter(pk=period.pk).update(last_rollup_at=counted_at)
            facts_counted(period, started)
        period.last_rollup_at = counted_at
        RollupRun.objects.filter(pk=run.pk).update(
            status=RollupRun.Status.DONE, progress=100, step=_label(gettext_lazy("Done")), finished_at=timezone.now(),
            officials=len(cards), error="")
    except Exception as error:
        try:
            RollupRun.objects.filter(pk=run.pk).update(
                status=RollupRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        except DatabaseError:  # the caller's transaction is broken; it rolls the run back with everything else
            logger.exception("could not mark rollup run %s failed", run.pk)
        raise
    run.refresh_from_db()
    return run


def _label(text: object) -> str:
    """Return a step label in the interface's language (the run is shown to everyone in it)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)[:100]


def _stepper(run: RollupRun) -> Callable[..., None]:
    """Return a function recording the run's progress (one UPDATE, visible to the progress bar at once)."""

    def step(progress: int, label: object, **extra: Any) -> None:
        RollupRun.objects.filter(pk=run.pk).update(progress=progress, step=_label(label), **extra)

    return step


def _officials(period: AppraisalPeriod, only: frozenset[int] | None = None) -> list[_Official]:
    """Return the active officials (of ``only``) with their top-level unit for the period and its category
    (3 queries)."""
    step = OrgUnit.steplen
    tops = {path: (pk, category_id) for pk, path, category_id in
            OrgUnit.objects.filter(depth__lte=TOP_DEPTH).values_list("pk", "path", "category_id")}
    elsewhere = period_unit_paths(period)  # officials who were in another unit for (most of) the period
    officials = []
    active = Official.objects.filter(is_active=True)
    if only is not None:
        active = active.filter(pk__in=sorted(only))
    for pk, rank_level, path in active.order_by("pk").values_list("pk", "rank_level", "unit__path"):
        path = elsewhere.get(pk, path)
        top = tops.get(path[: step * TOP_DEPTH]) or tops.get(path[:step])
        if top is None:  # cannot happen in a well-formed tree
            continue
        officials.append(_Official(pk=pk, rank_level=rank_level, unit_id=top[0], category_id=top[1]))
    return officials


def _weights(period: AppraisalPeriod) -> dict[str, dict[str, Decimal]]:
    """Return ``{scheme key: {component: weight}}``: the frozen snapshot once closed, else the live tables."""
    if period.is_frozen and period.scheme_snapshot:
        return snapshot_weights(period.scheme_snapshot)
    scopes = {pk: scheme_key(category_id, rank_level)
              for pk, category_id, rank_level in Scheme.objects.values_list("pk", "category_id", "rank_level")}
    weights: dict[str, dict[str, Decimal]] = {key: {} for key in scopes.values()}
    for scheme_id, component, weight in SchemeComponent.objects.values_list("scheme_id", "component", "weight"):
        weights[scopes[scheme_id]][component] = weight
    return weights


def _caps(period: AppraisalPeriod) -> dict[int, Decimal | None]:
    live = dict(ScoreRule.objects.values_list("pk", "cap"))
    if period.is_frozen and period.scheme_snapshot:
        return {**live, **snapshot_caps(period.scheme_snapshot)}  # a rule added after the close: its live cap
    return live


def _ledger(period: AppraisalPeriod, only: frozenset[int] | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """Return ``{official id: (bonus, deduction)}`` (of ``only``): each rule's sum clamped to its cap
    (2 queries)."""
    caps = _caps(period)
    result: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    entries = ScoreEntry.objects.filter(occurred_on__gte=period.start, occurred_on__lte=period.end)
    if only is not None:
        entries = entries.filter(official_id__in=sorted(only))
    rows = entries.order_by().values_list("official_id", "rule_id").annotate(points=Sum("points"))
    for official_id, rule_id, points in rows:
        cap = caps.get(rule_id)
        if cap is not None:
            points = max(-cap, min(cap, points))
        if points > 0:
            result[official_id][0] += points
        else:
            result[official_id][1] += points
    return {pk: (bonus, deduction) for pk, (bonus, deduction) in result.items()}


class _Schemes:
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


def _card(official: _Official, schemes: _Schemes, values: dict[str, dict[int, ComponentValue]],
          ledger: tuple[Decimal, Decimal]) -> _Card:
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
        points = _cents(effective[code] * ratio)
        component_total += points
        components[code] = {"ratio": float(ratio), "weight": float(weight),
                            "effective_weight": float(_cents(effective[code])), "points": float(points),
                            "inputs": value.inputs}
    bonus, deduction = _cents(ledger[0]), _cents(ledger[1])
    return _Card(official=official, components=components, component_total=component_total, bonus=bonus,
                 deduction=deduction, total=component_total + bonus + deduction)


class _Rankable(Protocol):
    @property
    def pk(self) -> int: ...

    total: Decimal


R = TypeVar("R", bound=_Rankable)


def _rank(items: Iterable[R], group: Callable[[R], K], attribute: str) -> None:
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


def _upsert(model: type[models.Model], unique: list[str], rows: list[dict[str, Any]], *, stamp: str) -> None:
    """Insert ``rows`` (field name → Python value); where a row with the same ``unique`` fields exists,
    update it only if a value other than ``stamp`` (the computed time) differs:
    ``INSERT … ON CONFLICT (…) DO UPDATE SET … WHERE <something changed>`` (PostgreSQL; SQLite ≥ 3.24).

    Skipping unchanged rows makes a re-run write nothing (on PostgreSQL each update writes a new row
    version, and rewriting 10,000 unchanged scorecards cost more than the rest of the rollup). On PostgreSQL
    all rows travel as one JSON document expanded by ``jsonb_to_recordset``: one statement with one
    parameter, where 1,000-row ``VALUES`` batches spent about 0.15 s each quoting 15,000 parameters and
    planning the statement. Written by hand because ``bulk_create(update_conflicts=True)`` cannot take the
    condition, and builds a model instance per row.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = list(rows[0])
    fields = {f.name: f for f in model._meta.concrete_fields}
    columns: list[str] = [str(fields[name].column) for name in names]
    keys = {str(fields[name].column) for name in unique}
    stamp_column = str(fields[stamp].column)
    postgres = connection.vendor == "postgresql"
    distinct = "IS DISTINCT FROM" if postgres else "IS NOT"
    column_list = ", ".join(quote(c) for c in columns)
    tail = (f" ON CONFLICT ({', '.join(quote(c) for c in columns if c in keys)}) DO UPDATE SET "
            + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c not in keys)
            + " WHERE " + " OR ".join(f"{table}.{quote(c)} {distinct} EXCLUDED.{quote(c)}"
                                      for c in columns if c not in keys and c != stamp_column))
    with connection.cursor() as cursor:
        if postgres:
            types = ", ".join(f"{quote(c)} {fields[n].db_type(connection)}"
                              for n, c in zip(names, columns, strict=True))
            records = json.dumps([{c: row[n] for n, c in zip(names, columns, strict=True)} for row in rows],
                                 default=_json_value, separators=(",", ":"))
            cursor.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} "
                           f"FROM jsonb_to_recordset(%s::jsonb) AS x({types})" + tail, [records])
            return
        prepare = {n: _sqlite_value(fields[n]) for n in names}
        per_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        limit = connection.features.max_query_params
        batch = min(BATCH, limit // len(columns)) if limit else BATCH
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            cursor.execute(f"INSERT INTO {table} ({column_list}) VALUES " + ", ".join([per_row] * len(chunk)) + tail,
                           [prepare[n](row[n]) for row in chunk for n in names])


def _json_value(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {value!r} as JSON")


def _sqlite_value(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        return lambda value: connection.ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    return lambda value: value


def _save(period: AppraisalPeriod, cards: list[_Card], *, computed_at: datetime, final: bool) -> None:
    """Upsert the scorecards and unit scorecards; delete those of officials and units no longer rolled up.

    A scorecard's ``computed_at`` is the run that last changed it; ``period.last_rollup_at`` the last run.
    """
    at = computed_at
    _upsert(Scorecard, ["period", "official"], [
        {"period": period.pk, "official": c.official.pk, "unit": c.official.unit_id,
         "category": c.official.category_id, "rank_level": c.official.rank_level,
         "components": c.components, "component_total": c.component_total,
         "bonus": c.bonus, "deduction": c.deduction, "ledger_total": c.bonus + c.deduction, "total": c.total,
         "rank_in_unit": c.rank_in_unit, "rank_in_category": c.rank_in_category, "is_provisional": not final,
         "computed_at": at}
        for c in cards
    ], stamp="computed_at")
    Scorecard.objects.filter(period=period).exclude(official__is_active=True).delete()

    units: dict[int, list[_Card]] = defaultdict(list)
    for card in cards:
        units[card.official.unit_id].append(card)
    unit_cards = [
        _UnitCard(pk=unit_id, category_id=members[0].official.category_id, headcount=len(members),
                  total=_cents(sum((c.total for c in members), Decimal(0)) / len(members)))
        for unit_id, members in sorted(units.items())
    ]
    _rank(unit_cards, lambda u: u.category_id, "rank_in_category")
    _upsert(UnitScorecard, ["period", "unit"], [
        {"period": period.pk, "unit": u.pk, "category": u.category_id, "headcount": u.headcount,
         "average_total": u.total, "rank_in_category": u.rank_in_category, "is_provisional": not final,
         "computed_at": at}
        for u in unit_cards
    ], stamp="computed_at")
    UnitScorecard.objects.filter(period=period).exclude(unit_id__in=[u.pk for u in unit_cards]).delete()
