"""The quarterly grades (平时考核) in the annual grading: 定期考核 rests on 平时考核 (公务员法 第36条).

An official is not proposed 优秀 (the grade is capped at 称职) when, among their confirmed quarterly grades of the
year:

- one quarter is 较差 (``APPRAISAL_QUARTERLY_POOR_BLOCKS_EXCELLENT``, on by default);
- ``APPRAISAL_QUARTERLY_AVERAGE_LIMIT`` (2) quarters or more are 一般 (0 switches the rule off);
- not one quarter is 好, where the official's top-level unit chose this rule for the year (``QuarterlyRule``,
  set by the organization department; off by default, and not offered at all when
  ``APPRAISAL_QUARTERLY_NO_GOOD_RULE`` is off). An official with no confirmed quarterly grade is not caught by it.

Only confirmed grades count: a grade still being written is the head's draft. The rules are local practice, not
national text, so each is a setting. The count of 好 quarters also breaks ties at the 优秀 quota's boundary
(``appraisal.services.grades``). Two queries for a whole year, three when a unit chose the third rule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.models import Grade, PeriodKind, QuarterlyGrade, QuarterlyRule, QuarterlyStatus
from appraisal.selectors.quarterly import quarter_counts

SOURCE = "quarterly"


def poor_blocks() -> bool:
    return bool(getattr(settings, "APPRAISAL_QUARTERLY_POOR_BLOCKS_EXCELLENT", True))


def average_limit() -> int:
    return int(getattr(settings, "APPRAISAL_QUARTERLY_AVERAGE_LIMIT", 2))


def no_good_rule_offered() -> bool:
    return bool(getattr(settings, "APPRAISAL_QUARTERLY_NO_GOOD_RULE", True))


def _units_requiring_good(year: int, official_ids: set[int]) -> set[int]:
    """Officials whose latest confirmed quarterly grade of the year was given in a unit that chose the rule."""
    units = set(QuarterlyRule.objects.filter(year=year, require_good=True).values_list("unit_id", flat=True))
    if not units:
        return set()
    latest: dict[int, tuple[date, int]] = {}
    rows = QuarterlyGrade.objects.filter(
        status=QuarterlyStatus.CONFIRMED, period__kind=PeriodKind.QUARTER, period__start__year=year,
        official_id__in=list(official_ids)).values_list("official_id", "period__start", "unit_id")
    for official_id, start, unit_id in rows:
        if official_id not in latest or start > latest[official_id][0]:
            latest[official_id] = (start, unit_id)
    return {oid for oid, (_start, unit_id) in latest.items() if unit_id in units}


@grade_constraint_provider
def quarterly_constraints(year: int, official_ids: Collection[int] | None) -> Iterator[GradeConstraint]:
    """Yield "not 优秀" for officials whose confirmed quarterly grades of ``year`` say so."""
    counts = quarter_counts(year, official_ids)
    if not counts:
        return
    limit = average_limit()
    no_good = {oid for oid, c in counts.items() if c.good == 0}
    requiring = _units_requiring_good(year, no_good) if no_good and no_good_rule_offered() else set()
    for official_id, found in sorted(counts.items()):
        if poor_blocks() and found.poor:
            yield GradeConstraint(official_id=official_id, max_grade=Grade.COMPETENT, source=SOURCE,
                                  reason=_("平时考核: a 较差 quarter, so not 优秀"))
        elif limit and found.average >= limit:
            yield GradeConstraint(official_id=official_id, max_grade=Grade.COMPETENT, source=SOURCE,
                                  reason=_("平时考核: 一般 in %(n)s quarters, so not 优秀") % {"n": found.average})
        elif official_id in requiring:
            yield GradeConstraint(official_id=official_id, max_grade=Grade.COMPETENT, source=SOURCE,
                                  reason=_("平时考核: no 好 quarter, so not 优秀 (the unit's rule)"))
