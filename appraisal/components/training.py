"""Training in the appraisal: the training component of the score and the "did not complete" grade cap.

Both plug into the appraisal's registries (``appraisal.components`` and ``appraisal.constraints``) and are
imported by ``AppraisalConfig.ready`` — the appraisal reads the training facts, the training app imports nothing
of it (DESIGN §3). Both are set-based: they read ``training.selectors.progress.training_progress``, one
aggregate for all officials.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from appraisal.components import ComponentValue, PeriodWindow, component_provider
from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.models import AppraisalPeriod, Component, Grade
from appraisal.scoring.parameters import score_parameter
from training.models import ExternalStatus, ExternalTraining, TrainingSession
from training.selectors.progress import hour_targets, training_progress, year_bounds

ONE = Decimal(1)
PLACES = Decimal("0.0001")
TENTH = Decimal("0.1")


def _hours(value: Decimal) -> float:
    """Hours as a JSON number with one decimal, as the scorecard stores its inputs."""
    return float(Decimal(value).quantize(TENTH))


@score_parameter("training.hour_targets")
def _hour_targets_parameter(period: AppraisalPeriod) -> dict[str, str]:
    """The annual hours per rank level, frozen with a closed period (an edited target changes open periods only)."""
    return {level: str(hours) for level, hours in sorted(hour_targets().items())}


@component_provider(Component.TRAINING, facts=("training_hours",))
def training_component(window: PeriodWindow) -> dict[int, ComponentValue]:
    """Ratio = hours credited in the window's year up to its end ÷ the pro-rata target then (at most 1).

    Every official with a target gets a value (0 without hours) once any training is recorded in the year;
    before that (the app not in use yet) the component is left out and the other weights scale up.
    """
    start, _end = year_bounds(window.end.year)
    recorded = (TrainingSession.objects.filter(starts_at__gte=start, starts_at__date__lte=window.end).exists()
                or ExternalTraining.objects.filter(status=ExternalStatus.APPROVED, started_on__year=window.end.year,
                                                   started_on__lte=window.end).exists())
    if not recorded:
        return {}  # no training recorded this year (the app is not in use yet): the component is left out
    frozen = window.parameters.get("training.hour_targets")
    targets = {level: Decimal(hours) for level, hours in frozen.items()} if frozen else None
    values: dict[int, ComponentValue] = {}
    wanted = sorted(window.officials) if window.officials is not None else None
    for official_id, progress in training_progress(year=window.end.year, official_ids=wanted, as_of=window.end,
                                                   targets=targets).items():
        if not progress.target:
            continue  # no training target: the component is left out for this official
        prorata = Decimal(progress.prorata_target)
        ratio = ONE if prorata <= 0 else min(ONE, Decimal(progress.hours) / prorata)
        values[official_id] = ComponentValue(
            ratio=ratio.quantize(PLACES),
            inputs={"hours": _hours(progress.hours), "target": _hours(progress.target),
                    "prorata_target": _hours(progress.prorata_target)},
        )
    return values


@grade_constraint_provider
def special_class_not_completed(year: int, official_ids: Collection[int] | None) -> Iterator[GradeConstraint]:
    """An official who missed more than a seventh of a special training class that year: at best 称职."""
    ids = list(official_ids) if official_ids is not None else None
    for official_id, progress in training_progress(year=year, official_ids=ids).items():
        if progress.special_class_incomplete:
            yield GradeConstraint(
                official_id=official_id, max_grade=Grade.COMPETENT, source="training",
                reason=_("Missed more than one seventh of a special training class and did not complete it"),
            )
