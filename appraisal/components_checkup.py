"""The multi-rater evaluation component, from the quarterly check-up results.

An official's ratio for a period is the mean of their check-up scores, over 100, in the rounds whose quarter
lies within the period (a quarter: its own round; a year: its four). A month or a week contains no quarter,
so it has no evaluation component and the rollup scales the other weights up. Results of a round still open
count as they were last computed, so a provisional rollup shows them; the quarter's final rollup should run
after the round is closed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from appraisal.components import ComponentValue, PeriodWindow, component_provider
from appraisal.models import CheckupResult, Component, PeriodKind

RATIO_PLACES = Decimal("0.0001")


@component_provider(Component.EVALUATION, facts=("checkup_result",))
def checkup_evaluation(window: PeriodWindow) -> dict[int, ComponentValue]:
    """Return each official's mean check-up score over the rounds within the window (one query)."""
    rows = (
        CheckupResult.objects.filter(
            score__isnull=False, round__period__kind=PeriodKind.QUARTER,
            round__period__start__gte=window.start, round__period__end__lte=window.end,
        )
        .order_by("official_id", "round__period__start")
        .values_list("official_id", "round__period__key", "score", "is_incomplete")
    )
    found: dict[int, list[tuple[str, Decimal, bool]]] = defaultdict(list)
    for official_id, key, score, incomplete in rows:
        if score is not None:  # filtered in the query; this narrows the type
            found[official_id].append((key, score, incomplete))
    values: dict[int, ComponentValue] = {}
    for official_id, results in found.items():
        mean = sum((score for _k, score, _i in results), Decimal(0)) / len(results)
        ratio = min(max(mean / 100, Decimal(0)), Decimal(1)).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
        values[official_id] = ComponentValue(ratio=ratio, inputs={
            "rounds": [key for key, _s, _i in results],
            "score": float(mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
            "incomplete": any(incomplete for _k, _s, incomplete in results),
        })
    return values
