"""The built-in component providers: work results and report timeliness, from the tasks app's facts.

Each provider runs a fixed number of aggregate queries for the whole period (grouped by official) and
returns a ratio in [0, 1] per official it has facts about, with the inputs that explain it on the
"why is my score" page. An official without facts gets no value and the rollup scales the other
components up (see ``appraisal.components``).

WORK = 0.6 × task completion + 0.4 × report quality, or either part alone when the other has no facts:

- task completion: the tasks the official is responsible for whose deadline is in the period (cancelled
  ones left out), weighted by each task's weight: completed by the deadline 1.0, completed late 0.7,
  still open or overdue 0;
- report quality: the ratings of the official's approved or published monthly reports for months in the
  period: excellent 1.0, good 0.85, fair 0.7, poor 0.5.

TIMELINESS = the mean over the official's monthly reports for months in the period that are due:
submitted on time 1.0, late 0.5, missing (flagged at the deadline and still not submitted) 0. A draft not
yet past its deadline is not counted.

The numbers above are the defaults of the component constants: a deployment changes them with
``APPRAISAL_COMPONENT_CONSTANTS = {"work": {"late": "0.6"}, ...}``. They are score parameters
(``appraisal.scoring.parameters``), frozen with a period when it closes, so a change applies to open periods only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Sum

from appraisal.components import ComponentValue, PeriodWindow, component_provider
from appraisal.models import AppraisalPeriod, Component
from appraisal.scoring.parameters import score_parameter
from tasks.models import MonthlyReport, ReportRating, ReportStatus, Task, TaskStatus

# The component constants, as strings (they are stored in a closed period's snapshot as JSON).
DEFAULT_CONSTANTS: dict[str, dict[str, str]] = {
    Component.WORK: {
        "task_share": "0.6", "quality_share": "0.4", "on_time": "1", "late": "0.7",
        ReportRating.EXCELLENT: "1", ReportRating.GOOD: "0.85", ReportRating.FAIR: "0.7", ReportRating.POOR: "0.5",
    },
    Component.TIMELINESS: {"on_time": "1", "late": "0.5", "missing": "0"},
}
PLACES = Decimal("0.0001")


def live_constants(component: str) -> dict[str, str]:
    """Return a component's constants: ``APPRAISAL_COMPONENT_CONSTANTS`` over the defaults."""
    configured = (getattr(settings, "APPRAISAL_COMPONENT_CONSTANTS", None) or {}).get(component) or {}
    return {name: str(configured.get(name, default)) for name, default in DEFAULT_CONSTANTS[component].items()}


@score_parameter("components.work")
def _work_parameter(period: AppraisalPeriod) -> dict[str, str]:
    return live_constants(Component.WORK)


@score_parameter("components.timeliness")
def _timeliness_parameter(period: AppraisalPeriod) -> dict[str, str]:
    return live_constants(Component.TIMELINESS)


def constants(window: PeriodWindow, component: str) -> dict[str, Decimal]:
    """Return the constants a window is computed with: frozen with a closed period, else live."""
    values = window.parameters.get(f"components.{component}") or live_constants(component)
    return {name: Decimal(value) for name, value in values.items()}


def _q(value: Decimal) -> Decimal:
    return value.quantize(PLACES)


def _months(window: PeriodWindow) -> Q:
    return Q(month__gte=window.start.replace(day=1), month__lte=window.end)


@component_provider(Component.WORK, facts=("task_completion", "report_rating"))
def work_results(window: PeriodWindow) -> dict[int, ComponentValue]:
    """Return each official's work-results ratio for the window (2 queries)."""
    c = constants(window, Component.WORK)
    done = Q(status=TaskStatus.COMPLETED)
    on_time = done & Q(completed_on__lte=F("deadline"))
    late = done & Q(completed_on__gt=F("deadline"))
    tasks = (
        window.only(Task.objects.filter(deadline__gte=window.start, deadline__lte=window.end), "responsible_id")
        .exclude(status=TaskStatus.CANCELLED)
        .order_by().values("responsible_id")
        .annotate(n=Count("pk"), n_on_time=Count("pk", filter=on_time), n_late=Count("pk", filter=late),
                  w=Sum("weight"), w_on_time=Sum("weight", filter=on_time), w_late=Sum("weight", filter=late))
    )
    task_part: dict[int, tuple[Decimal, dict[str, Any]]] = {}
    for row in tasks:
        total = row["w"] or Decimal(0)
        score = c["on_time"] * (row["w_on_time"] or 0) + c["late"] * (row["w_late"] or 0)
        ratio = _q(score / total) if total else Decimal(0)
        task_part[row["responsible_id"]] = (ratio, {
            "tasks": row["n"], "tasks_on_time": row["n_on_time"], "tasks_late": row["n_late"],
            "tasks_open": row["n"] - row["n_on_time"] - row["n_late"], "task_ratio": float(ratio),
        })

    rated = (
        window.only(MonthlyReport.objects.filter(_months(window),
                                                 status__in=(ReportStatus.APPROVED, ReportStatus.PUBLISHED)))
        .exclude(rating="")
        .order_by().values("official_id")
        .annotate(**{f"n_{r}": Count("pk", filter=Q(rating=r)) for r in ReportRating.values})
    )
    quality_part: dict[int, tuple[Decimal, dict[str, Any]]] = {}
    rating_rows: Iterable[Mapping[str, Any]] = rated  # keys named per rating: read as a mapping
    for rating_row in rating_rows:
        counts = {r: rating_row[f"n_{r}"] for r in ReportRating.values}
        n = sum(counts.values())
        if not n:
            continue
        ratio = _q(sum((c[r] * count for r, count in counts.items()), Decimal(0)) / n)
        quality_part[rating_row["official_id"]] = (ratio, {
            "reports_rated": n, **{f"rated_{r}": c for r, c in counts.items()}, "quality_ratio": float(ratio),
        })

    values: dict[int, ComponentValue] = {}
    for official_id in task_part.keys() | quality_part.keys():
        task = task_part.get(official_id)
        quality = quality_part.get(official_id)
        parts = [part for part in (task, quality) if part is not None]
        ratio = (_q(c["task_share"] * parts[0][0] + c["quality_share"] * parts[1][0]) if len(parts) == 2
                 else parts[0][0])
        inputs = {**(task[1] if task else {}), **(quality[1] if quality else {})}
        values[official_id] = ComponentValue(ratio=ratio, inputs=inputs)
    return values


@component_provider(Component.TIMELINESS, facts=("report_timeliness",))
def report_timeliness(window: PeriodWindow) -> dict[int, ComponentValue]:
    """Return each official's report-timeliness ratio for the window (1 query)."""
    c = constants(window, Component.TIMELINESS)
    unsubmitted = (ReportStatus.DRAFT, ReportStatus.RETURNED)
    late = Q(is_late=True)
    missing = Q(is_late=False, is_missing=True, status__in=unsubmitted)
    on_time = Q(is_late=False, submitted_at__isnull=False) & ~missing
    rows = (
        window.only(MonthlyReport.objects.filter(_months(window)))
        .order_by().values("official_id")
        .annotate(on_time=Count("pk", filter=on_time), late=Count("pk", filter=late),
                  missing=Count("pk", filter=missing))
    )
    values: dict[int, ComponentValue] = {}
    for row in rows:
        n = row["on_time"] + row["late"] + row["missing"]
        if not n:
            continue
        ratio = _q((c["on_time"] * row["on_time"] + c["late"] * row["late"] + c["missing"] * row["missing"]) / n)
        values[row["official_id"]] = ComponentValue(ratio=ratio, inputs={
            "reports_due": n, "reports_on_time": row["on_time"], "reports_late": row["late"],
            "reports_missing": row["missing"],
        })
    return values
