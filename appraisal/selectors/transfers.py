"""Officials who changed units, in the appraisal (考核规定 2020 第26条; shared/rules.md "Transferred, seconded or
sent to training").

The facts are the posts (``org.selectors.posts``); this module says which of its answers the appraisal uses:

- a week's, month's or quarter's scorecard belongs to the unit where the official worked the most days of the
  period — for a month, the unit they were in at the time — so the monthly scores stay with that unit;
- the year's scorecard, and so the annual grade (``GradeDecision.unit``), belongs to the top-level unit of the
  unit that grades the official: ``APPRAISAL_TRANSFER_GRADED_BY = "rules"`` (the default, 第26条) — after
  调任/转任 the new unit, after 援派/挂职 (a secondment) the unit where they worked the most days — or
  ``"longest"``: the unit where they worked the most days, whatever the kind of move;
- the head over that grading unit (not over the official's present unit, where they differ) writes the 评语
  and reviews the summary.

Every read here costs one query for any number of officials.
"""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from appraisal.models import AppraisalPeriod, PeriodKind
from org.models import Official
from org.selectors.posts import GRADED_BY_CHOICES, GRADED_BY_RULES, Placement, grading_placements, placements


def transfer_graded_by() -> str:
    """Return ``APPRAISAL_TRANSFER_GRADED_BY``: "rules" (the default) or "longest"."""
    value = str(getattr(settings, "APPRAISAL_TRANSFER_GRADED_BY", GRADED_BY_RULES) or GRADED_BY_RULES)
    if value not in GRADED_BY_CHOICES:
        raise ImproperlyConfigured(f"APPRAISAL_TRANSFER_GRADED_BY must be one of {GRADED_BY_CHOICES}, not {value!r}")
    return value


def year_transfers(year: int, official_ids: Collection[int] | QuerySet | None = None) -> dict[int, Placement]:
    """Return the grading placement of each official (of ``official_ids``) who changed units during ``year``."""
    return grading_placements(year, graded_by=transfer_graded_by(), official_ids=official_ids)


def period_unit_paths(period: AppraisalPeriod) -> dict[int, str]:
    """Return ``{official id: unit path}`` for the officials whose unit for ``period`` is not their present one
    (or may not be: everyone who was in more than one unit during it)."""
    if period.kind == PeriodKind.YEAR:
        found = year_transfers(period.start.year)
    else:
        found = placements(period.start, period.end)
    return {official_id: placement.unit_path for official_id, placement in found.items()}


def grading_unit_path(official: Official, year: int) -> str:
    """Return the path of the unit that grades ``official`` for ``year``: over it, the head writes the 评语."""
    found = year_transfers(year, [official.pk]).get(official.pk)
    return found.unit_path if found is not None else official.unit.path
