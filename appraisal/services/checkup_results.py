"""The results of a check-up round: computed from the ratings and the ballots, upserted in bulk.

Scoring (``round_compute``): a rating's value is the mean of its five dimensions; a ballot's (one-time code,
``appraisal.services.ballots``) is the score of its 好 / 较好 / 一般 / 差 as the batch recorded it. A group's score
is the mean of its ratings' and ballots' values, without the highest and the lowest when the group has at least
five and the round trims that group (``group_trim``, on by default); the official's score is the weighted mean
of the group scores over the groups that answered. A group with ballot codes counts only when its response
rate — ballots cast and ratings submitted over codes issued and raters not excused — reaches
``APPRAISAL_BALLOT_MIN_RESPONSE_RATE``: otherwise it is left out (``dropped``) and the other groups' weights
scale up. Completeness counts only the groups that have raters or codes and are not dropped: such a group
(an all-excused group needs another rater) with fewer responses than ``min_responses`` makes the result
incomplete; a group nobody was assigned to is not part of the round for that official.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from appraisal.models import (
    DEFAULT_GROUP_WEIGHTS,
    BallotBatch,
    BallotRating,
    CheckupResult,
    CheckupRound,
    Dimension,
    RaterAssignment,
)
from appraisal.selectors.checkup import GROUPS, Status, min_response_rate
from common.errors import ApplicationError

DIMENSIONS: tuple[str, ...] = tuple(Dimension.values)
TRIM_FROM = 5  # a group with this many ratings or more drops its highest and its lowest
CENT = Decimal("0.01")


def clean_group_weights(weights: Mapping[str, Any] | None) -> dict[str, int | float]:
    """Return the weights by group (defaults when empty), refusing unknown groups, negatives and a zero sum."""
    if not weights:
        return {str(group): weight for group, weight in DEFAULT_GROUP_WEIGHTS.items()}
    cleaned: dict[str, int | float] = {}
    for group, raw in weights.items():
        if group not in GROUPS:
            raise ApplicationError(_("Unknown rater group “%(group)s”.") % {"group": group}, code="bad_weights")
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            raise ApplicationError(_("Group weights must be numbers."), code="bad_weights") from None
        if not value.is_finite() or value < 0:
            raise ApplicationError(_("Group weights cannot be negative."), code="bad_weights")
        cleaned[group] = int(value) if value == value.to_integral_value() else float(value)
    if sum(Decimal(str(v)) for v in cleaned.values()) <= 0:
        raise ApplicationError(_("At least one group must have a weight above zero."), code="bad_weights")
    return {group: cleaned.get(group, 0) for group in GROUPS}


def clean_group_trim(trim: Mapping[str, Any] | None) -> dict[str, bool]:
    """Return, for every group, whether it drops its highest and lowest rating (default: yes)."""
    trim = trim or {}
    unknown = [group for group in trim if group not in GROUPS]
    if unknown:
        raise ApplicationError(_("Unknown rater group “%(group)s”.") % {"group": unknown[0]}, code="bad_trim")
    return {group: bool(trim.get(group, True)) for group in GROUPS}


def trims(round: CheckupRound, group: str) -> bool:
    """Whether the round drops the highest and the lowest rating of a group (rounds from before: every group)."""
    return bool((round.group_trim or {}).get(group, True))


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _group_mean(values: Counter[Decimal], trim: bool) -> tuple[Decimal | None, bool]:
    """Return the mean of the values (with their multiplicities) and whether the highest and lowest were dropped."""
    counts = Counter({v: n for v, n in values.items() if n > 0})
    total = sum(counts.values())
    trimmed = trim and total >= TRIM_FROM
    if trimmed:
        counts[min(counts)] -= 1
        counts[max(counts)] -= 1
        total -= 2
    if not total:
        return None, trimmed
    return sum((v * n for v, n in counts.items()), Decimal(0)) / total, trimmed


@dataclass
class _BallotPart:
    """What the ballot codes add to an official's group: codes issued, ballots cast and their values."""

    issued: int = 0
    used: int = 0
    values: Counter[Decimal] | None = None


def _ballot_parts(round: CheckupRound) -> dict[int, dict[str, _BallotPart]]:
    """Return the ballots of the round's active batches by official and group (three queries)."""
    batches = {pk: (group, size, cast, scores) for pk, group, size, cast, scores in (
        BallotBatch.objects.filter(round=round, status=BallotBatch.Status.ACTIVE).order_by()
        .annotate(cast=Count("ballots")).values_list("id", "group", "size", "cast", "scores"))}
    parts: dict[int, dict[str, _BallotPart]] = defaultdict(dict)
    if not batches:
        return parts
    members = (BallotBatch.officials.through.objects.filter(ballotbatch_id__in=list(batches)).order_by()
               .values_list("ballotbatch_id", "official_id"))
    for batch_id, official_id in members:
        group, size, cast, _scores = batches[batch_id]
        part = parts[official_id].setdefault(group, _BallotPart(values=Counter()))
        part.issued += size
        part.used += cast
    rows = (BallotRating.objects.filter(ballot__batch_id__in=list(batches)).order_by()
            .values_list("official_id", "ballot__batch_id", "value").annotate(n=Count("id")))
    for official_id, batch_id, value, n in rows:
        group, _size, _cast, scores = batches[batch_id]
        found = parts[official_id].get(group)
        if found is not None and found.values is not None and value in scores:
            found.values[Decimal(scores[value])] += n
    return parts


def round_compute(*, round: CheckupRound) -> int:
    """Compute every official's result of the round and upsert them; return how many results there are.

    Five reads (assignment counts, submitted ratings, the ballot batches, their officials, ballot counts; nothing
    per official) and one bulk upsert.
    """
    weights = {g: Decimal(str(w)) for g, w in clean_group_weights(round.group_weights).items()}
    threshold = Decimal(round.problem_threshold)
    minimum_rate = min_response_rate()
    assigned: dict[int, dict[str, int]] = defaultdict(dict)
    excused: dict[int, dict[str, int]] = defaultdict(dict)
    for official_id, group, status, n in (RaterAssignment.objects.filter(round=round).order_by()
                                          .values_list("official_id", "group", "status").annotate(n=Count("id"))):
        assigned[official_id][group] = assigned[official_id].get(group, 0) + n
        if status == Status.EXCUSED:
            excused[official_id][group] = n
    ratings: dict[int, dict[str, list[tuple[Decimal, dict[str, int], str]]]] = defaultdict(lambda: defaultdict(list))
    rows = (RaterAssignment.objects.filter(round=round, status=Status.SUBMITTED).order_by("id")
            .values_list("official_id", "group", *DIMENSIONS, "comment"))
    for official_id, group, *rest in rows:
        dims = dict(zip(DIMENSIONS, rest[:-1], strict=True))
        value = Decimal(sum(dims.values())) / len(DIMENSIONS)
        ratings[official_id][group].append((value, dims, rest[-1]))
    ballots = _ballot_parts(round)

    results = []
    rated = sorted(set(assigned) | set(ballots))
    for official_id in rated:
        groups_assigned = assigned.get(official_id, {})
        ballot_groups = ballots.get(official_id, {})
        by_group = ratings.get(official_id, {})
        group_scores: dict[str, dict[str, Any]] = {}
        weighted, weight_sum = Decimal(0), Decimal(0)
        incomplete = False
        for group in GROUPS:
            part = ballot_groups.get(group)
            if group not in groups_assigned and part is None:
                continue
            login = [v for v, _d, _c in by_group.get(group, [])]
            values: Counter[Decimal] = Counter(login)
            if part is not None and part.values:
                values.update(part.values)
            responses = sum(values.values())
            score, trimmed = _group_mean(values, trims(round, group))
            row: dict[str, Any] = {"score": _money(score) if score is not None else None, "responses": responses,
                                   "assigned": groups_assigned.get(group, 0), "trimmed": trimmed}
            dropped = False
            if part is not None:
                asked = part.issued + groups_assigned.get(group, 0) - excused[official_id].get(group, 0)
                answered = part.used + len(login)
                rate = Fraction(answered, asked) if asked else Fraction(0)
                dropped = rate < minimum_rate
                row.update({"issued": part.issued, "used": part.used, "rate": round_rate(rate), "dropped": dropped})
            if not dropped:
                if responses < round.min_responses:
                    incomplete = True
                if score is not None and weights[group] > 0:
                    weighted += weights[group] * score
                    weight_sum += weights[group]
            group_scores[group] = row
        # The dimensions and the problem list come from the ratings of people who sign in: a ballot gives one
        # overall rating, no dimension and no comment.
        every = [r for group_ratings in by_group.values() for r in group_ratings]
        dimension_scores: dict[str, float] = {}
        problems = []
        for dimension in DIMENSIONS:
            if not every:
                break
            mean = _mean([Decimal(d[dimension]) for _v, d, _c in every])
            dimension_scores[dimension] = _money(mean)
            if mean < threshold:
                # Sorted, not in rating order, so the order does not hint at who wrote what.
                comments = sorted({c.strip() for _v, d, c in every if d[dimension] < threshold and c.strip()})
                problems.append({"dimension": dimension, "score": _money(mean), "comments": comments})
        total = (weighted / weight_sum).quantize(CENT, rounding=ROUND_HALF_UP) if weight_sum else None
        results.append(CheckupResult(round=round, official_id=official_id, score=total, group_scores=group_scores,
                                     dimension_scores=dimension_scores, is_incomplete=incomplete, problems=problems))
    CheckupResult.objects.filter(round=round).exclude(official_id__in=rated).delete()
    CheckupResult.objects.bulk_create(
        results, batch_size=500, update_conflicts=True, unique_fields=["round", "official"],
        update_fields=["score", "group_scores", "dimension_scores", "is_incomplete", "problems", "computed_at"],
    )
    return len(results)


def round_rate(rate: Fraction) -> float:
    """A response rate as stored and shown: a share with four decimals."""
    return float(round_half_up(Decimal(rate.numerator) / Decimal(rate.denominator), Decimal("0.0001")))


def round_half_up(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)
