"""The pluggable parts of a score.

A component provider computes, for one period and set-based (a few aggregate queries, never one per
official), a ratio in [0, 1] for each official it has facts about, with the inputs that explain it.
The rollup multiplies each ratio by the component's weight in the official's scheme; a component with
no value for an official is left out and the other weights are scaled up to the same base. New sources
(training, in its own issue) plug in with ``@component_provider(Component.TRAINING)`` — the rollup does
not change.

The registry is this module; the providers are its submodules: ``builtin`` (work, timeliness), ``checkup``
(evaluation, from the quarterly check-up) and ``training`` (training hours, read from the training app).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import QuerySet

QS = TypeVar("QS", bound=QuerySet[Any])
ComponentProvider = Callable[["PeriodWindow"], dict[int, "ComponentValue"]]


@dataclass(frozen=True)
class PeriodWindow:
    """What a provider needs to know of the period: its key, kind and dates, and the score parameters it is
    computed with (``appraisal.scoring.parameters``: frozen with a closed period, live for an open one).

    ``officials``: when set, only these officials' values are wanted (the scores following a changed fact,
    ``appraisal.selectors.rollup.rollup_officials``). A provider may narrow its queries with ``only``; one
    that does not still gives right scores, only slower — the rollup picks the officials' values out.
    """

    key: str
    kind: str
    start: date
    end: date
    parameters: Mapping[str, Any] = field(default_factory=dict)
    officials: frozenset[int] | None = None

    def only(self, queryset: QS, field: str = "official_id") -> QS:
        """Return ``queryset`` narrowed to the wanted officials (by ``field``), or as it is for all of them."""
        if self.officials is None:
            return queryset
        return queryset.filter(**{f"{field}__in": sorted(self.officials)})


@dataclass(frozen=True)
class ComponentValue:
    ratio: Decimal  # 0..1
    inputs: dict[str, Any] = field(default_factory=dict)  # shown under "why is my score"
    # False: the component is left out for this official (the other weights scale up) and ``inputs`` say why —
    # e.g. an incomplete check-up result under APPRAISAL_CHECKUP_INCOMPLETE_COUNTS=False.
    counts: bool = True


_PROVIDERS: dict[str, ComponentProvider] = {}
_FACTS: dict[str, tuple[str, ...]] = {}


def component_provider(code: str, *, facts: tuple[str, ...] = ()) -> Callable[[ComponentProvider], ComponentProvider]:
    """Register the provider of a component (one per component code) and the facts it counts (names of
    ``appraisal.scoring.facts.FACTS``: a fact counted here is not also a ledger row)."""

    def register(function: ComponentProvider) -> ComponentProvider:
        _PROVIDERS[code] = function
        _FACTS[code] = facts
        return function

    return register


def registered_providers() -> dict[str, ComponentProvider]:
    return dict(_PROVIDERS)


def component_facts() -> dict[str, tuple[str, ...]]:
    """Return ``{component code: the facts it counts}``."""
    return dict(_FACTS)
