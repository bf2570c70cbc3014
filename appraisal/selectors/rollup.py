"""What the rollup reads (``appraisal.services.rollup`` and ``appraisal.services.rescore``): the officials with their
top-level unit for the period, the schemes' weights, the rules' caps and the ledger sums, each in a fixed number of
queries however many officials there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from appraisal.models import AppraisalPeriod, Scheme, SchemeComponent, ScoreEntry, ScoreRule
from appraisal.selectors.schemes import scheme_key, snapshot_caps, snapshot_weights
from appraisal.selectors.transfers import period_unit_paths
from org.models import Official, OrgUnit

TOP_DEPTH = 2  # county = 1, bureaus / towns / parks = 2


@dataclass
class RollupOfficial:
    """An official as the rollup scores them: their rank level and the top-level unit they are ranked in."""

    pk: int
    name: str
    rank_level: str
    unit_id: int  # top-level unit
    category_id: int | None


def rollup_officials(period: AppraisalPeriod, only: frozenset[int] | None = None) -> list[RollupOfficial]:
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
    for pk, name, rank_level, path in active.order_by("pk").values_list("pk", "name", "rank_level", "unit__path"):
        path = elsewhere.get(pk, path)
        top = tops.get(path[: step * TOP_DEPTH]) or tops.get(path[:step])
        if top is None:  # cannot happen in a well-formed tree
            continue
        officials.append(RollupOfficial(pk=pk, name=name, rank_level=rank_level, unit_id=top[0], category_id=top[1]))
    return officials


def scheme_weights(period: AppraisalPeriod) -> dict[str, dict[str, Decimal]]:
    """Return ``{scheme key: {component: weight}}``: the frozen snapshot once closed, else the live tables."""
    if period.is_frozen and period.scheme_snapshot:
        return snapshot_weights(period.scheme_snapshot)
    scopes = {pk: scheme_key(category_id, rank_level)
              for pk, category_id, rank_level in Scheme.objects.values_list("pk", "category_id", "rank_level")}
    weights: dict[str, dict[str, Decimal]] = {key: {} for key in scopes.values()}
    for scheme_id, component, weight in SchemeComponent.objects.values_list("scheme_id", "component", "weight"):
        weights[scopes[scheme_id]][component] = weight
    return weights


def rule_caps(period: AppraisalPeriod) -> dict[int, Decimal | None]:
    """Return ``{rule id: cap}``: the frozen caps once closed (a rule added since: its live cap), else the live ones."""
    live = dict(ScoreRule.objects.values_list("pk", "cap"))
    if period.is_frozen and period.scheme_snapshot:
        return {**live, **snapshot_caps(period.scheme_snapshot)}  # a rule added after the close: its live cap
    return live


def ledger_sums(period: AppraisalPeriod, only: frozenset[int] | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """Return ``{official id: (bonus, deduction)}`` (of ``only``): each rule's sum clamped to its cap
    (2 queries)."""
    caps = rule_caps(period)
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

