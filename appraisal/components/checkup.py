"""The multi-rater evaluation component, from the quarterly check-up results.

An official's ratio for a period is the mean of their check-up scores, over 100, in the rounds whose quarter
lies within the period (a quarter: its own round; a year: its four). A month or a week contains no quarter,
so it has no evaluation component and the rollup scales the other weights up. Results of a round still open
count as they were last computed, so a provisional rollup shows them; the quarter's final rollup should run
after the round is closed.

An incomplete result (a rater group short of its minimum responses) is left out unless
``APPRAISAL_CHECKUP_INCOMPLETE_COUNTS``: when every result in the period is left out the component is left out
(``counts=False``, the other weights scale up) and its inputs say which rounds, so the score page can tell why.
Rater groups a result left out for a low ballot response rate are listed in the inputs too.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from appraisal.components import ComponentValue, PeriodWindow, component_provider
from appraisal.models import AppraisalPeriod, CheckupResult, Component, PeriodKind, RaterGroup
from appraisal.scoring.parameters import score_parameter

RATIO_PLACES = Decimal("0.0001")


@score_parameter("components.evaluation")
def _evaluation_parameter(period: AppraisalPeriod) -> dict[str, bool]:
    """Whether an incomplete check-up result counts, frozen with a closed period like the other constants."""
    return {"incomplete_counts": bool(settings.APPRAISAL_CHECKUP_INCOMPLETE_COUNTS)}


def _dropped(key: str, group_scores: Any) -> list[str]:
    """Return "2026-Q4 服务对象评 40%" for each group the result left out for a low response rate."""
    if not isinstance(group_scores, dict):
        return []
    labels = dict(RaterGroup.choices)
    found = []
    for group, row in group_scores.items():
        if isinstance(row, dict) and row.get("dropped"):
            rate = round(float(row.get("rate") or 0) * 100)
            found.append(f"{key} {labels.get(group, group)} {rate}%")
    return found


@component_provider(Component.EVALUATION, facts=("checkup_result",))
def checkup_evaluation(window: PeriodWindow) -> dict[int, ComponentValue]:
    """Return each official's mean check-up score over the rounds within the window (one query)."""
    rows = (
        window.only(CheckupResult.objects.filter(
            score__isnull=False, round__period__kind=PeriodKind.QUARTER,
            round__period__start__gte=window.start, round__period__end__lte=window.end,
        ))
        .order_by("official_id", "round__period__start")
        .values_list("official_id", "round__period__key", "score", "is_incomplete", "group_scores")
    )
    frozen = window.parameters.get("components.evaluation")
    incomplete_counts = frozen["incomplete_counts"] if frozen else bool(settings.APPRAISAL_CHECKUP_INCOMPLETE_COUNTS)
    found: dict[int, list[tuple[str, Decimal, bool, Any]]] = defaultdict(list)
    for official_id, key, score, incomplete, group_scores in rows:
        if score is not None:  # filtered in the query; this narrows the type
            found[official_id].append((key, score, incomplete, group_scores))
    values: dict[int, ComponentValue] = {}
    with translation.override(settings.LANGUAGE_CODE):  # the inputs are stored with the scorecard, in words
        for official_id, results in found.items():
            counted = [r for r in results if incomplete_counts or not r[2]]
            left_out = [key for key, _s, incomplete, _g in results if incomplete and not incomplete_counts]
            dropped = [label for key, _s, _i, groups in counted for label in _dropped(key, groups)]
            inputs: dict[str, Any] = {}
            if counted:
                mean = sum((score for _k, score, _i, _g in counted), Decimal(0)) / len(counted)
                ratio = min(max(mean / 100, Decimal(0)), Decimal(1)).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
                inputs = {"rounds": [key for key, _s, _i, _g in counted],
                          "score": float(mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
                          "incomplete": any(incomplete for _k, _s, incomplete, _g in counted)}
            else:
                ratio = Decimal(0)
            if left_out:
                inputs["left_out"] = left_out
            if dropped:
                inputs["groups_left_out"] = dropped
            values[official_id] = ComponentValue(ratio=ratio, inputs=inputs, counts=bool(counted))
    return values
