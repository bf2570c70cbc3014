"""Grade constraints: what other apps say about an official's annual grade.

Discipline ("an admonishment caps the grade at 称职 this year") and training ("did not complete a special
training class") plug in here with ``@grade_constraint_provider``; the grading does not change. A
provider returns, set-based for a year and (optionally) a set of officials, the constraints that apply.

The registry is this module; the providers are its submodules: ``builtin`` (probation, leavers), ``category``
(personnel categories not appraised), ``discipline``, ``leave`` (long leave), ``quarterly`` (the quarterly
grades), and the training's in ``appraisal.components.training``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class GradeConstraint:
    official_id: int
    max_grade: str  # a Grade value: the best grade allowed, or "undetermined" / "not_appraised"
    reason: str  # shown to the organization department and, without confidential facts, to heads
    source: str  # e.g. "probation", "discipline", "training"
    until: date | None = None


ConstraintProvider = Callable[[int, Collection[int] | None], Iterable[GradeConstraint]]
_PROVIDERS: list[ConstraintProvider] = []


def grade_constraint_provider(function: ConstraintProvider) -> ConstraintProvider:
    """Register a provider of grade constraints."""
    if function not in _PROVIDERS:
        _PROVIDERS.append(function)
    return function


def constraints_for(year: int, official_ids: Collection[int] | None = None) -> dict[int, list[GradeConstraint]]:
    """Return every registered provider's constraints for ``year``, by official."""
    found: dict[int, list[GradeConstraint]] = defaultdict(list)
    for provider in _PROVIDERS:
        for constraint in provider(year, official_ids):
            found[constraint.official_id].append(constraint)
    return dict(found)
